"""What one poll of `serve`'s watch costs: the snapshot of the content and template
folders it takes, at intervals `serve.poll_wait` sets, while an editor previews.

Each repetition starts a fresh process per program (this repository, and with `--before
REPO` another checkout of the generator, such as a `git worktree` of an older commit),
alternately, which takes the snapshot of CONTENT_DIR several times and reports its
median. Printed as JSON: each program's median of those medians and its range, in
milliseconds, and with `--before` the paired ratio (this program's poll over the other's,
repetition by repetition).

Usage: python bench/serve_poll.py CONTENT_DIR [--reps N] [--before REPO]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
POLLS_PER_PROCESS = 9

ONE_PROCESS = """
import statistics, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from generator import serve
folders = (Path({content!r}), *serve.WATCHED_GENERATOR_FOLDERS)
times = []
for _ in range({polls}):
    start = time.perf_counter()
    serve.snapshot(folders)
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1000)
"""


def poll_ms(root: Path, content: Path) -> float:
    """The median poll of one fresh process running the generator in `root`."""
    code = ONE_PROCESS.format(root=str(root), content=str(content), polls=POLLS_PER_PROCESS)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another checkout to pair against")
    args = parser.parse_args()
    content = args.content.resolve()
    programs = {"this": REPO_ROOT} | ({"before": args.before.resolve()} if args.before else {})
    series: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(args.reps):
        for name, root in programs.items():
            series[name].append(poll_ms(root, content))
    result: dict[str, object] = {
        name: {
            "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),
            "max_ms": round(max(times), 1),
        }
        for name, times in series.items()
    }
    if args.before:
        ratios = [now / then for now, then in zip(series["this"], series["before"], strict=True)]
        result["paired_ratio"] = round(statistics.median(ratios), 3)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
