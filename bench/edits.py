"""The edit the rebuild benchmarks time: one event's title, new bytes every time.

Every edit gives the title a number one higher than the last (`... (edit 7)"`), so the
edited file's bytes are never ones the build cache has seen: the rebuild reads, parses
and checks it as it would an editor's change. (Until the fourth round the title
alternated between two versions, so from the third repetition on the cache knew the
edited bytes and the file was not parsed: less work than a real edit, which reads,
parses and checks it and, before the validators' code was cached, compiled the schema
validator.) The number's suffix replaces the last one, so the
title does not grow.
"""

from __future__ import annotations

import re
from pathlib import Path

_NUMBERED = re.compile(r' \(edit (\d+)\)"$')


def next_title_line(line: str) -> str:
    """`title: "..."` with the next edit number (its value is a double-quoted string)."""
    found = _NUMBERED.search(line)
    if found is None:
        return f'{line[:-1]} (edit 1)"'
    return f'{line[: found.start()]} (edit {int(found.group(1)) + 1})"'


def edit_title(event: Path) -> None:
    """Give the event's title (its first line, as `bench/generate.py` writes it) new bytes."""
    lines = event.read_text(encoding="utf-8").split("\n")
    lines[0] = next_title_line(lines[0])
    event.write_text("\n".join(lines), encoding="utf-8")


def edit_first_title(content: Path) -> None:
    """`edit_title` on the content folder's first event file, in path order."""
    edit_title(sorted((content / "events").rglob("*.yaml"))[0])
