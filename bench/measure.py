"""Run one command as a whole process: wall time and peak memory of its process tree.

Peak memory is the largest sum of VmRSS over the process and all its descendants, read
from /proc every ~20 ms while it runs. A sum over the tree (not `ru_maxrss`, which is the
peak of the single largest child) is what a machine must have free for the build; pages
shared between processes are counted once per process, so it slightly over-counts forks.
A process shorter than one poll may be under-measured; the tools here all run far longer.

The memory is sampled on a thread while this one waits for the process, so the end time
is taken the moment it exits, not at the next poll (which added up to 20 ms, a sixth of
a no-change rebuild). The tree is found through each process's `children` list in /proc
rather than by reading every process's `stat`: a poll costs well under a millisecond, so
the sampling takes little from the two cores the measured tools use.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.02


@dataclass(frozen=True, slots=True)
class Measurement:
    seconds: float
    peak_rss_mib: float
    returncode: int
    output_tail: str


def _parents() -> dict[int, int]:
    """pid -> parent pid for every process we can see."""
    table: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name in (parentheses) may hold spaces; fields after it are fixed.
        table[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return table


def _children(pid: int) -> list[int] | None:
    """The children of `pid` from /proc (any of its threads may have forked them), or None
    where the kernel does not list children."""
    found: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # exited meanwhile
    for thread in threads:
        try:
            found += [
                int(child)
                for child in Path(f"/proc/{pid}/task/{thread}/children").read_text().split()
            ]
        except FileNotFoundError:
            if not Path(f"/proc/{pid}/task/{thread}").exists():
                continue  # the thread ended
            return None
        except OSError:
            continue
    return found


def _tree(root: int) -> list[int]:
    tree, frontier = [root], [root]
    parents: dict[int, int] | None = None
    while frontier:
        parent = frontier.pop()
        children = _children(parent)
        if children is None:
            parents = parents if parents is not None else _parents()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree += children
        frontier += children
    return tree


def rss_kib(pid: int) -> int:
    """The process's resident memory now (`VmRSS`), 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(argv: Sequence[str], cwd: Path | None = None) -> Measurement:
    """Time from spawn to exit with perf_counter; output goes to a file, never a full pipe."""
    with tempfile.TemporaryFile() as log:
        peak = 0
        done = threading.Event()

        def sample(pid: int) -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, sum(rss_kib(child) for child in _tree(pid)))
                done.wait(POLL_SECONDS)

        start = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        sampler = threading.Thread(target=sample, args=(process.pid,), daemon=True)
        sampler.start()
        process.wait()
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        log.seek(0)
        tail = log.read().decode(errors="replace")[-2000:]
    return Measurement(seconds, peak / 1024, process.returncode, tail)
