"""Entry point: python build.py [build|check|serve|new|links] ..."""

import os
import sys

from generator.cli import main

FLUSH_FAILED = 120
"""The status Python itself exits with when it cannot flush standard output at exit."""


def leave(status: int) -> None:
    """Exit without tearing the interpreter down. When `main` returns, every file it
    wrote is closed and renamed into place and every process it forked has been reaped;
    what is left is freeing the build's objects and modules one by one, for nothing:
    after a 10,000-event rebuild the process took ~52 ms to exit, ~13 ms this way
    (`bench/fixed_costs.py`). Standard output and error are flushed first, since
    `os._exit` would drop what they still hold. Under a profiler, a coverage tracer or a
    debugger (which write their results as the interpreter exits) it exits as usual."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(status)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe (`check | head -1`) or a closed stream
        status = status or FLUSH_FAILED
    os._exit(status)


if __name__ == "__main__":
    leave(main(sys.argv[1:]))
