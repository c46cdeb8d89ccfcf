"""Growth: the cost per event of a cold build (and of a check) at a large size against a
small one, measured side by side.

`bench/run.py` runs one size after another, so a per-event ratio taken from its results
sets a run at 100,000 events against one made half an hour earlier, on a shared machine
whose load moves by a fifth in that time. Here each repetition runs every case at the
small size and then at the large one, back to back, and the ratio is taken within each
repetition: (seconds at LARGE / LARGE) / (seconds at SMALL / SMALL). The median of those
ratios is the growth the target speaks of (at most 1.15 at 100,000 against 10,000).

Cases (`bench/run.py`'s): a cold build without search (`build --no-cache --no-search`,
into a fresh folder) and `check --no-cache`; `--hugo` adds Hugo's build of the same
content, for comparison.
The content is the same seeded content as `bench/run.py`'s (made once in bench/.work).
Printed as JSON per case: the medians and ranges at both sizes, each repetition's growth
and their median, and the peak memory at both sizes.

Usage: python bench/growth.py [--small 10000] [--large 100000] [--reps 3] [--hugo]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import measure, run

CASES = ("build-no-search", "check")
"""`bench/run.py`'s cases timed at both sizes (and "hugo" with `--hugo`)."""


def summary(small: list[float], large: list[float], sizes: tuple[int, int]) -> dict[str, object]:
    """Medians and ranges at both sizes, and the per-event growth of each repetition."""
    growth = [(b / sizes[1]) / (a / sizes[0]) for a, b in zip(small, large, strict=True)]
    return {
        "median_s": [round(statistics.median(small), 2), round(statistics.median(large), 2)],
        "range_s": [[round(min(t), 2), round(max(t), 2)] for t in (small, large)],
        "per_event_growth": [round(g, 3) for g in growth],
        "per_event_growth_median": round(statistics.median(growth), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hugo", action="store_true", help="also time Hugo at both sizes")
    args = parser.parse_args()
    hugo, pelican = run.ensure_tools()
    run.compile_generator()
    sizes = (args.small, args.large)
    names = [*CASES, *(["hugo"] if args.hugo else [])]
    by_size = {
        n: {
            case.name: case
            for case in run.cases(run.site_folders(n, args.seed), hugo, pelican, set(names))
        }
        for n in sizes
    }
    seconds: dict[tuple[str, int], list[float]] = {(name, n): [] for name in names for n in sizes}
    peaks: dict[tuple[str, int], list[float]] = {key: [] for key in seconds}
    for rep in range(args.reps):
        for name in names:
            for n in sizes:
                case = by_size[n][name]
                case.prepare()
                got = measure.run(case.argv, case.cwd)
                if got.returncode != 0:
                    print(f"{name} at {n} failed: {got.output_tail[-600:]}", file=sys.stderr)
                    return 1
                seconds[name, n].append(got.seconds)
                peaks[name, n].append(got.peak_rss_mib)
                print(f"  rep {rep + 1} {name} at {n}: {got.seconds:.2f} s", file=sys.stderr)
    for n in sizes:
        by_size[n]["build-no-search"].prepare()  # leave no 4 GB output behind
    result = {
        name: summary(seconds[name, args.small], seconds[name, args.large], sizes)
        | {"peak_mib": [round(max(peaks[name, n])) for n in sizes]}
        for name in names
    }
    print(json.dumps({"sizes": sizes, **result}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
