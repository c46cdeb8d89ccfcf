"""The few conditions that stop a command outright; `cli` maps each to an exit code.

Content mistakes are never exceptions (see `problems.py`); these are for things the
user must fix before the command can run at all.
"""

from __future__ import annotations


class UsageError(Exception):
    """Bad arguments or an unsafe request (such as an output folder over the content): exit 2."""


class BuildError(Exception):
    """The build could not be completed (output not writable, a tool failed): exit 1."""
