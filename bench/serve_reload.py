"""How long an editor waits under `serve`: from saving one event's title to the open page
reloading with it, and to the search index holding it.

Starts `python build.py serve` (search and cache on, as an editor runs it) over a copy of
CONTENT_DIR for this repository and, with `--before REPO`, for another checkout of the
generator (a `git worktree` of an older commit), each on its own copy and port, and
waits for their first builds. Then, repetition by repetition and program by program, it
edits one title (`bench/edits.py`) and polls `/__reload` every 10 ms, as the page's script
does every 300 ms: the build number moving is the page reloading, the search number
moving (or, for a program without one, the build number) is the search page reloading
with the new index. The watch's own wait between polls (`serve.poll_wait`) is in every figure, as
it is in an editor's wait. Printed as JSON: each program's medians and ranges in
seconds, with `--before` the paired ratio of each figure, and each `serve` process's
resident memory once the edits are done and it is idle.

Usage: python bench/serve_reload.py CONTENT_DIR WORK_DIR [--reps N] [--before REPO]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import edits, measure  # noqa: E402

FIRST_BUILD_SECONDS = 900
EDIT_SECONDS = 300
POLL = 0.01
SERVE = (sys.executable, "build.py", "serve")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _numbers(url: str) -> tuple[int, int] | None:
    """(build, search) from `/__reload`; search is -1 for a program without it."""
    try:
        with urllib.request.urlopen(url + "__reload", timeout=5) as response:
            state = json.load(response)
    except OSError:
        return None
    return int(state["build"]), int(state.get("search", -1))


def _wait(url: str, done: Callable[[tuple[int, int]], bool], seconds: float) -> tuple[int, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        numbers = _numbers(url)
        if numbers is not None and done(numbers):
            return numbers
        time.sleep(POLL)
    raise RuntimeError(f"{url}: nothing within {seconds} s")


@contextlib.contextmanager
def serving(program: Path, content: Path, out: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    process = subprocess.Popen(
        [*SERVE, "--content", str(content), "--out", str(out), "--port", str(port)],
        cwd=program,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait(url, lambda numbers: numbers[0] >= 1, FIRST_BUILD_SECONDS)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def one_edit(url: str, content: Path) -> tuple[float, float]:
    """(seconds to the pages, seconds to the search index) after one title edit."""
    build, search = _wait(url, lambda numbers: True, 5)
    time.sleep(1.1)  # past the one-second mtime guard of the last build
    edits.edit_first_title(content)
    start = time.monotonic()
    pages = _wait(url, lambda numbers: numbers[0] != build, EDIT_SECONDS)
    shown = time.monotonic() - start
    if search < 0 or pages[1] != search:
        return shown, shown
    _wait(url, lambda numbers: numbers[1] != search or numbers[0] != pages[0], EDIT_SECONDS)
    return shown, time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another checkout to pair against")
    args = parser.parse_args()
    programs = {"this": REPO_ROOT} | ({"before": args.before.resolve()} if args.before else {})
    series: dict[str, dict[str, list[float]]] = {
        name: {"pages": [], "search": []} for name in programs
    }
    with contextlib.ExitStack() as stack:
        urls = {}
        for name, program in programs.items():
            content = args.work.resolve() / name / "content"
            if not content.exists():
                shutil.copytree(args.content, content)
            out = args.work.resolve() / name / "site"
            urls[name] = (*stack.enter_context(serving(program, content, out)), content)
        for _ in range(args.reps):
            for name, (url, _pid, content) in urls.items():
                pages, search = one_edit(url, content)
                series[name]["pages"].append(pages)
                series[name]["search"].append(search)
        time.sleep(2)  # a quiet poll or two: `serve` reads its kept cache entries then
        resident = {
            name: measure.rss_kib(pid) / 1024 for name, (_url, pid, _content) in urls.items()
        }
    result: dict[str, object] = {
        name: {
            f"{figure}_median_s": round(statistics.median(times), 2)
            for figure, times in figures.items()
        }
        | {
            f"{figure}_range_s": [round(min(t), 2), round(max(t), 2)]
            for figure, t in figures.items()
        }
        | {"resident_mib_after": round(resident[name])}
        for name, figures in series.items()
    }
    if args.before:
        for figure in ("pages", "search"):
            ratios = [
                now / then
                for now, then in zip(series["this"][figure], series["before"][figure], strict=True)
            ]
            result[f"paired_ratio_{figure}"] = round(statistics.median(ratios), 3)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
