"""A one-line progress counter for slow commands, shown only to a person at a terminal.

Logs and CI output stay clean: when the stream is not a terminal nothing is written at all.
The command line owns the stream; stages only call the reporter they were given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

Report = Callable[[str, int, int], None]
"""Told (step, done, total) as a build advances; `Progress` draws it on a terminal."""


class Progress:
    """Call with (done, total) as work finishes; `close()` ends the line it drew."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self._stream = stream
        self._label = label
        self._shown = stream.isatty()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self._shown:
            return
        self._stream.write(f"\r{self._label}: {done}/{total}")
        self._stream.flush()
        self._drawn = True

    def update(self, label: str, done: int = 0, total: int = 0) -> None:
        """A step of a longer job: `label: done/total`, or `label...` when uncounted."""
        if not self._shown:
            return
        counter = f": {done:,}/{total:,}" if total else "..."
        self._stream.write(f"\r\x1b[K{label}{counter}")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
