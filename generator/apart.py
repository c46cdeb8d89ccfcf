"""Run a piece of work in a forked child and bring back its result: its memory is freed
the moment the child exits.

A large build's reading and rendering leave its process holding ~150 MiB (the index,
the templates, the allocator's arenas, which Python does not give back when objects are
freed). Run in a child, all of that is gone before the search indexers start, so they
never share the machine with it. The result comes back pickled through a pipe, so it
should be small; the errors a command expects (`BuildError`, `UsageError`) come back
as themselves, anything else is printed by the child and reported as a failed build.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import TypeVar, cast

from generator.errors import BuildError, UsageError

T = TypeVar("T")

_VALUE, _EXPECTED = "value", "expected"


def run_apart(work: Callable[[], T]) -> T:
    """`work()` in a forked child (here where there is no fork); its result, or the
    `BuildError` / `UsageError` it raised."""
    if not hasattr(os, "fork"):
        return work()
    sys.stdout.flush()
    sys.stderr.flush()  # or the child would write the parent's buffered text again
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which exits without reporting
        os.close(read_end)
        _serve(work, write_end)
    os.close(write_end)
    try:
        with open(read_end, "rb") as stream:
            sent = stream.read()
    finally:
        _, status = os.waitpid(child, 0)
    return cast(T, _received(sent, os.waitstatus_to_exitcode(status)))


def _serve(work: Callable[[], object], write_end: int) -> None:  # pragma: no cover
    """In the child: do the work, send what came of it, and exit without running the
    parent's clean-up (its `finally` blocks and atexit hooks belong to the parent)."""
    status = 1
    try:
        try:
            message: tuple[str, object] = (_VALUE, work())
        except (BuildError, UsageError) as expected:
            message = (_EXPECTED, expected)
        with open(write_end, "wb") as stream:
            pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    except KeyboardInterrupt:
        status = 130
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _received(sent: bytes, exit_code: int) -> object:
    if exit_code == 130:
        raise KeyboardInterrupt
    if exit_code != 0 or not sent:
        raise BuildError(f"the build's worker process failed (exit {exit_code}); see above")
    kind, payload = pickle.loads(sent)
    if kind == _EXPECTED:
        raise payload
    return payload
