"""Two versions of the generator side by side: a rebuild as a command, paired.

A change worth a few percent of a rebuild is lost in this machine's noise between two
benchmark runs, so this times the same rebuild with two checkouts of the project
(`git worktree add /tmp/before <commit>` makes the second), alternating which goes first,
each on its own copy of the content with its own warm site and cache, after one title
edit that gives the file new bytes (or, with `--unchanged`, after none: the no-change
rebuild; with `--cold`, a cold build, `--no-cache` into an emptied folder; with
`--check`, `check --no-cache`, a first check of the content). It reports
the median wall time and the median CPU time (user + system of the process and its
children, which outside load disturbs less than wall time), and the paired median
ratio of each (second / first).

Usage: python bench/compare.py CONTENT_DIR WORK_DIR FIRST_CHECKOUT SECOND_CHECKOUT
       [--reps N] [--search] [--unchanged | --cold | --check]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import edits


def run_once(
    checkout: Path, work: Path, search: bool, cold: bool = False, check: bool = False
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `build` command (`cold`: with `--no-cache`,
    into an emptied output folder), or with `check` of one `check --no-cache`."""
    if check:
        command = [sys.executable, str(checkout / "build.py"), "check", "--no-cache"]
        command += ["--content", str(work / "content")]
    else:
        command = [sys.executable, str(checkout / "build.py"), "build"]
        command += [] if search else ["--no-search"]
        if cold:
            shutil.rmtree(work / "site", ignore_errors=True)
            command += ["--no-cache"]
        command += ["--content", str(work / "content"), "--out", str(work / "site")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("checkouts", type=Path, nargs=2)
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--search", action="store_true")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--unchanged", action="store_true", help="time no-change rebuilds")
    mode.add_argument("--cold", action="store_true", help="time cold builds (--no-cache)")
    mode.add_argument("--check", action="store_true", help="time checks (--no-cache)")
    args = parser.parse_args()
    works = [args.work / "first", args.work / "second"]
    for checkout, work in zip(args.checkouts, works, strict=True):
        generator = str(checkout / "generator")
        subprocess.run([sys.executable, "-m", "compileall", "-q", generator], check=True)
        if args.cold or args.check:  # nothing edited or kept: both read the content in place
            work.mkdir(parents=True, exist_ok=True)
            if not (work / "content").exists():
                (work / "content").symlink_to(args.content.resolve())
            continue
        if not (work / "content").exists():
            shutil.copytree(args.content, work / "content")
        run_once(checkout, work, args.search)  # warm: site and cache
    if args.unchanged:
        time.sleep(1.1)  # files written just before a build are not trusted by their mtime
        for checkout, work in zip(args.checkouts, works, strict=True):
            run_once(checkout, work, args.search)
    walls: list[list[float]] = [[], []]
    cpus: list[list[float]] = [[], []]
    for rep in range(args.reps):
        if not (args.unchanged or args.cold or args.check):
            for work in works:
                edits.edit_first_title(work / "content")
            time.sleep(1.1)  # past the one-second mtime guard, as an editor's save would be
        order = (0, 1) if rep % 2 == 0 else (1, 0)
        for which in order:
            wall, cpu = run_once(
                args.checkouts[which], works[which], args.search, args.cold, args.check
            )
            walls[which].append(wall)
            cpus[which].append(cpu)
        print(f"rep {rep + 1}: {walls[0][-1]:.3f} s, {walls[1][-1]:.3f} s", file=sys.stderr)
    for name, figures in (("wall", walls), ("cpu", cpus)):
        for label, runs in zip(("first", "second"), figures, strict=True):
            print(
                f"{name} {label}: median {statistics.median(runs):.3f} s"
                f" ({min(runs):.3f}-{max(runs):.3f})"
            )
        ratios = [b / a for a, b in zip(*figures, strict=True)]
        print(f"{name} second / first, paired median: {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
