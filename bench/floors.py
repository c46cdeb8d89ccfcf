"""The least each missed target's work can cost here, timed beside Hugo's build.

Three targets of the speed issue are missed: the cold build (0.8x Hugo's build), `check`
with no cache (0.25x) and the one-title rebuild as a command (0.05x). Each has a part
that no design built on the project's mandated libraries can skip. This times that part
alone, in the same repetitions as Hugo's full build of the same site, alternated, so
the ratio says how far below the target the floor itself lies:

- **markdown**: every event body through Python-Markdown, configured as the build
  configures it (no sanitising, no view, no template), split evenly over two forked
  processes. The cold build renders every body; no cache can help a cold build.
- **yaml**: every content file read and pulled through PyYAML's C parser, events taken
  and dropped (no tree, no positions, no schema), split over two processes. A check with
  no cache parses every file.
- **one-title**: the sum of two parts. *start*: a process that starts, imports the
  libraries a rebuild renders and reads with (Jinja2, Python-Markdown for the edited
  body, PyYAML for the edited file) and stats every content file, which is how any build
  that keeps nothing running learns what changed. *render-changed*: rendering exactly
  the HTML pages whose bytes a one-title edit changes (found by comparing two cold
  builds, before and after the edit, file by file), timed inside a process that already
  holds the site's index, its compiled templates and every list item's parts, as a
  design keeping all of them would. Loading what the changed pages show (their events'
  titles, dates and places) and the exports (events.json, feeds, ...) that change too
  are left out, so the floor is lower than any real one.
- **find-edit** (not a floor, for comparison with *start*): the same process importing
  this generator's page rendering (its views, hubs and models) instead of the bare
  libraries: what our own modules add to every rebuild's start.

Each floor is a whole process (spawn to exit, `measure.run`) except "render what
changed", which the process times itself (the median of three renders after one
untimed). Prints medians, ranges and each floor's median paired ratio to Hugo, and saves
them in bench/.work/floors-<N>.json.

Usage: python bench/floors.py [--n 10000] [--seed 1] [--reps 5]
(the worker modes, `markdown BODIES`, `yaml CONTENT`, `start CONTENT`, `find-edit CONTENT`
and `render-changed CONTENT CHANGED`, are what the timed processes run.)
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import edits, measure, run
from generator import cache

if TYPE_CHECKING:
    from generator.index import SiteIndex

PYTHON = sys.executable
THIS = Path(__file__).resolve()
RENDER_TIMES = 3
"""Renders timed (after one untimed) by `render-changed`; it prints their median."""


def in_two_halves(items: Sequence[object], work: Callable[[Sequence[object]], int]) -> None:
    """`work` over every other item in a forked child and the rest here: both cores, an
    even split, no pool to start or results to send back. Each process prints how many
    items its `work` says it did (`done N`), so that a half skipped can be seen."""
    child = os.fork()
    if child == 0:
        code = 1
        try:
            print(f"done {work(items[1::2])}", flush=True)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    done = work(items[0::2])
    _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the forked half failed")
    print(f"done {done}")


def content_files(content: Path) -> list[str]:
    """Every YAML file under `content`, as a check lists them, in path order."""
    return sorted(
        os.path.join(folder, name)
        for folder, _dirs, names in os.walk(content)
        for name in names
        if name.endswith((".yaml", ".yml"))
    )


def markdown_worker(bodies_file: Path) -> None:
    """Every body through the build's Markdown configuration, nothing else."""
    from generator import richtext

    bodies = json.loads(bodies_file.read_text(encoding="utf-8"))

    def convert(some: Sequence[object]) -> int:
        converted = 0
        for body in some:
            text = str(body)
            converted += bool(
                richtext._markdown(richtext._needless_patterns(text)).reset().convert(text)
            )
        return converted

    in_two_halves(bodies, convert)


def yaml_worker(content: Path) -> None:
    """Every content file's events from PyYAML's C parser, taken and dropped."""
    import yaml

    def parse(paths: Sequence[object]) -> int:
        for path in paths:
            loader = yaml.CSafeLoader(Path(str(path)).read_bytes().decode("utf-8"))
            try:
                while loader.get_event() is not None:
                    pass
            finally:
                loader.dispose()
        return len(paths)

    in_two_halves(content_files(content), parse)


def stat_every_file(content: Path) -> None:
    for folder, _dirs, names in os.walk(content):
        for name in names:
            os.stat(os.path.join(folder, name))


def start_worker(content: Path) -> None:
    """Start, import the libraries a rebuild renders and reads with, stat every file."""
    import jinja2  # noqa: F401  (imported to be paid for)
    import markdown  # noqa: F401
    import yaml  # noqa: F401

    stat_every_file(content)


def find_edit_worker(content: Path) -> None:
    """Start, import this generator's page rendering, and stat every content file."""
    from generator import pages, render  # noqa: F401  (imported to be paid for)

    stat_every_file(content)


def render_changed_worker(content: Path, changed_file: Path) -> None:
    """Print the median seconds to plan and render the pages named in `changed_file`."""
    from generator import pages

    index = loaded_index(content)
    changed = set(json.loads(changed_file.read_text(encoding="utf-8")))
    units = [unit for unit in pages.page_units(index) if changed.intersection(unit.out_paths)]

    def render_all() -> int:
        count = 0
        for unit in units:
            for page in unit.plan():
                if page.out_path in changed:
                    pages.render_planned(index, page)
                    count += 1
        return count

    rendered = render_all()  # compiles the templates and makes every list item's parts
    if rendered != len(changed):
        raise SystemExit(f"rendered {rendered} of the {len(changed)} changed pages")
    times = []
    for _ in range(RENDER_TIMES):
        start = time.perf_counter()
        render_all()
        times.append(time.perf_counter() - start)
    print(statistics.median(times))


def loaded_index(content: Path) -> SiteIndex:
    """The content's index, read by the generator as a build reads it."""
    from generator import pipeline

    index, problems = pipeline.load_site(content)
    if index is None:
        raise SystemExit(f"the content does not load: {problems[:3]}")
    return index


def event_bodies(content: Path) -> list[str]:
    """Every event's Markdown body."""
    return [event.body for event in loaded_index(content).events if event.body]


def cold_build(content: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    build = [PYTHON, "build.py", "build", "--no-cache", "--no-search"]
    subprocess.run(
        [*build, "--content", str(content), "--out", str(out)],
        cwd=run.REPO_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def changed_pages(before: Path, after: Path) -> list[str]:
    """The HTML pages whose bytes differ between two builds (or that only one has)."""
    found = []
    for folder, _dirs, names in os.walk(after):
        for name in names:
            if not name.endswith(".html"):
                continue
            path = Path(folder, name)
            rel = path.relative_to(after)
            if not (before / rel).exists() or not filecmp.cmp(before / rel, path, shallow=False):
                found.append(rel.as_posix())
    for folder, _dirs, names in os.walk(before):
        for name in names:
            rel = Path(folder, name).relative_to(before)
            if name.endswith(".html") and not (after / rel).exists():
                found.append(rel.as_posix())
    return sorted(found)


def prepare(base: Path, content: Path) -> dict[str, Path]:
    """The inputs of the floors, made once under `base/floors` (untimed)."""
    floors = base / "floors"
    floors.mkdir(exist_ok=True)
    bodies = floors / "bodies.json"
    if not bodies.exists():
        bodies.write_text(json.dumps(event_bodies(content)), encoding="utf-8")
    edited = floors / "content-edited"
    changed = floors / "changed-pages.json"
    made_by = floors / "changed-pages.code-key"
    code_key = cache.code_key()  # another generator may change other pages
    if not changed.exists() or not made_by.exists() or made_by.read_text() != code_key:
        shutil.rmtree(edited, ignore_errors=True)
        shutil.copytree(content, edited)
        events = sorted((edited / "events").rglob("*.yaml"))
        edits.edit_title(events[len(events) // 2])  # the event `run.py` edits
        cold_build(content, floors / "site-before")
        cold_build(edited, floors / "site-after")
        found = changed_pages(floors / "site-before", floors / "site-after")
        changed.write_text(json.dumps(found), encoding="utf-8")
        made_by.write_text(code_key)
    return {"bodies": bodies, "edited": edited, "changed": changed}


def summary(seconds: list[float], hugo: list[float]) -> dict[str, object]:
    return {
        "median_s": round(statistics.median(seconds), 4),
        "min_s": round(min(seconds), 4),
        "max_s": round(max(seconds), 4),
        "ratio_to_hugo": round(
            statistics.median(a / b for a, b in zip(seconds, hugo, strict=True)), 4
        ),
    }


def timed(argv: list[str]) -> float:
    """Wall seconds of one process. Dirty pages are flushed first (untimed): Hugo's
    writes would otherwise be paid by whichever process the kernel writes them back
    under."""
    os.sync()
    got = measure.run(argv, run.REPO_ROOT)
    if got.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed: {got.output_tail[-600:]}")
    return got.seconds


def inner_seconds(argv: list[str]) -> float:
    os.sync()
    done = subprocess.run(argv, cwd=run.REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed: {done.stderr[-600:]}")
    return float(done.stdout.split()[-1])


def measure_floors(n: int, seed: int, reps: int) -> dict[str, object]:
    hugo_binary, _pelican = run.ensure_tools()
    folders = run.site_folders(n, seed)
    base, content = folders["base"], folders["content"]
    inputs = prepare(base, content)
    hugo_outs = base / "floors" / "out-hugo"
    shutil.rmtree(hugo_outs, ignore_errors=True)
    hugo = [str(hugo_binary), "--quiet", "--ignoreCache", "-s", str(folders["hugo"])]
    worker = [PYTHON, str(THIS)]
    series: dict[str, list[float]] = {
        name: []
        for name in (
            "hugo",
            "markdown",
            "yaml",
            "start",
            "render-changed",
            "one-title",
            "find-edit",
        )
    }
    # One untimed run first: it reads Hugo's site into the page cache, as `prepare` did
    # our floors' inputs, and it, not a timed run, follows the removal just above.
    timed([*hugo, "-d", str(hugo_outs / "warm-up")])
    for rep in range(reps):
        # A new folder each time, all removed after the last run: a precaution, as in one
        # set of runs on this disk Hugo was slower just after removing its last output.
        series["hugo"].append(timed([*hugo, "-d", str(hugo_outs / str(rep))]))
        series["markdown"].append(timed([*worker, "markdown", str(inputs["bodies"])]))
        series["yaml"].append(timed([*worker, "yaml", str(content)]))
        series["start"].append(timed([*worker, "start", str(content)]))
        series["find-edit"].append(timed([*worker, "find-edit", str(content)]))
        series["render-changed"].append(
            inner_seconds(
                [*worker, "render-changed", str(inputs["edited"]), str(inputs["changed"])]
            )
        )
        series["one-title"].append(series["start"][-1] + series["render-changed"][-1])
        print(
            f"  rep {rep + 1}: "
            + ", ".join(f"{name} {values[-1]:.3f} s" for name, values in series.items()),
            file=sys.stderr,
        )
    shutil.rmtree(hugo_outs)
    hugo_seconds = series["hugo"]
    result: dict[str, object] = {
        "n": n,
        "reps": reps,
        "changed_pages": len(json.loads(inputs["changed"].read_text(encoding="utf-8"))),
        "floors": {name: summary(values, hugo_seconds) for name, values in series.items()},
    }
    (run.WORK / f"floors-{n}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


TARGETS = {"markdown": 0.8, "yaml": 0.25, "one-title": 0.05}
"""The target each floor is set against: cold build, check, one-title rebuild."""


def table(result: dict[str, object]) -> str:
    floors = result["floors"]
    assert isinstance(floors, dict)
    lines = [
        f"n={result['n']}, {result['reps']} repetitions, "
        f"{result['changed_pages']} pages changed by the title edit",
        "| floor | median (s) | min-max (s) | x Hugo (paired) | target |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in floors.items():
        target = TARGETS.get(name)
        lines.append(
            f"| {name} | {row['median_s']:.3f} | {row['min_s']:.3f}-{row['max_s']:.3f} | "
            f"{row['ratio_to_hugo']:.3f} | {f'{target}' if target else ''} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    workers: dict[str, Callable[..., None]] = {
        "markdown": markdown_worker,
        "yaml": yaml_worker,
        "start": start_worker,
        "find-edit": find_edit_worker,
        "render-changed": render_changed_worker,
    }
    if argv and argv[0] in workers:
        workers[argv[0]](*(Path(arg) for arg in argv[1:]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure_floors(args.n, args.seed, args.reps)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
