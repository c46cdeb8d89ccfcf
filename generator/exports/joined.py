"""Whole-site files made of one fragment per event, so an edit re-serialises one event.

The JSON documents end with their list of events, and CSV and iCalendar files are a
head followed by one block per event, so each of them is `head + fragments + tail`,
byte for byte the file one serialisation of the whole would give. With the build cache
on, each event's fragment is remembered under the key of what it is made from (the
event, the actors and places it names, its related events: `pagekeys.fragment`), and a
rebuild after an edit serialises only the events whose key changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass

from generator.index import SiteIndex
from generator.model import Event

FragmentMemo = MutableMapping[tuple[str, str, bytes], bytes]
"""(out_path, event id, fragment key) -> the event's fragment of that file."""


@dataclass(frozen=True, slots=True)
class Joined:
    """How one whole-site file is cut: `fragment` returns b"" for an event it leaves out."""

    out_path: str
    head: Callable[[SiteIndex], bytes]
    fragment: Callable[[SiteIndex, Event], bytes]
    separator: bytes
    tail: Callable[[SiteIndex], bytes]


@dataclass(frozen=True, slots=True)
class Remembered:
    """The fragments of earlier builds, and each event's fragment key in this one."""

    memo: FragmentMemo
    keys: Mapping[str, bytes]


def join(index: SiteIndex, joined: Joined, remembered: Remembered | None = None) -> bytes:
    return b"".join(pieces(index, joined, remembered))


def pieces(
    index: SiteIndex, joined: Joined, remembered: Remembered | None = None
) -> Iterator[bytes]:
    """The file in order, a fragment at a time, for writing it as it is made."""
    yield joined.head(index)
    first = True
    for event in index.events:
        fragment = _fragment(index, joined, event, remembered)
        if fragment:
            if not first:
                yield joined.separator
            yield fragment
            first = False
    yield joined.tail(index)


def _fragment(
    index: SiteIndex, joined: Joined, event: Event, remembered: Remembered | None
) -> bytes:
    if remembered is None:
        return joined.fragment(index, event)
    key = (joined.out_path, event.id, remembered.keys[event.id])
    if key not in remembered.memo:
        remembered.memo[key] = joined.fragment(index, event)
    return remembered.memo[key]


def dumps(value: object) -> str:
    """Compact JSON with text as written (not \\u-escaped): every JSON export's style."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_list(
    out_path: str,
    document: Callable[[SiteIndex], dict[str, object]],
    list_key: str,
    item: Callable[[SiteIndex, Event], object | None],
) -> Joined:
    """A JSON document whose last key is a list with an item per event (None: no item)."""

    def head(index: SiteIndex) -> bytes:
        fields = document(index)
        comma = "," if fields else ""
        return f"{dumps(fields)[:-1]}{comma}{dumps(list_key)}:[".encode()

    def fragment(index: SiteIndex, event: Event) -> bytes:
        value = item(index, event)
        return b"" if value is None else dumps(value).encode()

    return Joined(out_path, head, fragment, b",", lambda index: b"]}\n")


def nothing(index: SiteIndex) -> bytes:
    return b""
