"""Whole-site files made of one fragment per event, so an edit re-serialises one event.

The JSON documents end with their list of events, and CSV and iCalendar files are a
head followed by one block per event, so each of them is `head + fragments + tail`,
byte for byte the file one serialisation of the whole would give.

With the build cache on, a build remembers where each event's fragment lies in the files
it wrote (`incremental.Layouts`: the events in order with their fragment keys, which say
what a fragment is made from (`pagekeys.fragments`), and per file each fragment's offset,
length and hash). The next build finds the runs of events whose keys are unchanged and
still in the same order (`plan`), copies each run from the published file as one byte
range, and serialises only the events between runs (`Splice`). The fragments themselves
used to be cached instead: ~66 MB at 10,000 events, loaded and joined by every rebuild.

A spliced file's bytes are never read back to be hashed: its recorded hash is a hash of
its pieces' hashes (head, every fragment, tail; the separators are fixed), which a build
without the cache computes the same way, so equal hashes still mean equal bytes.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from generator.digests import DIGEST_BYTES, digest
from generator.incremental import Layout, Layouts
from generator.index import SiteIndex
from generator.model import Event

Copy = tuple[int, int]
"""(offset, length): bytes to copy from the published file."""
Part = bytes | Copy


@dataclass(frozen=True, slots=True)
class Joined:
    """How one whole-site file is cut: `fragment` returns b"" for an event it leaves out."""

    out_path: str
    head: Callable[[SiteIndex], bytes]
    fragment: Callable[[SiteIndex, Event], bytes]
    separator: bytes
    tail: Callable[[SiteIndex], bytes]


def join(index: SiteIndex, joined: Joined) -> bytes:
    """The whole file at once (`render_exports`: tests and the stage benchmark); a build
    writes it in parts (`Splice`), with or without the cache."""
    fragments = (joined.fragment(index, event) for event in index.events)
    body = joined.separator.join(fragment for fragment in fragments if fragment)
    return joined.head(index) + body + joined.tail(index)


Run = tuple[int, int, int]
"""(first, end, then): events [first, end) in this build's order are events
[then, then + end - first) of the last build's, with the same fragment keys."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What the whole-site files of one build share: the events in order, each one's
    fragment key (None without the cache) and the runs the last build's files hold."""

    ids: tuple[str, ...]
    keys: tuple[bytes, ...] | None
    runs: tuple[Run, ...]


def plan(index: SiteIndex, keys: Mapping[str, bytes] | None, last: Layouts | None) -> Plan:
    """Runs of events whose (id, fragment key) follow each other as in the last build."""
    ids = tuple(event.id for event in index.events)
    if keys is None:
        return Plan(ids, None, ())
    ordered = tuple(keys[event_id] for event_id in ids)
    if last is None:
        return Plan(ids, ordered, ())
    was_at = {pair: n for n, pair in enumerate(zip(last.ids, last.keys, strict=True))}
    runs: list[Run] = []
    for n, pair in enumerate(zip(ids, ordered, strict=True)):
        then = was_at.get(pair)
        if then is None:
            continue
        if runs and runs[-1][1] == n and runs[-1][2] + n - runs[-1][0] == then:
            runs[-1] = (runs[-1][0], n + 1, runs[-1][2])
        else:
            runs.append((n, n + 1, then))
    return Plan(ids, ordered, tuple(runs))


@dataclass
class Splice:
    """One whole-site file as parts to write in order: new bytes, and byte ranges of
    the published copy, whose layout `last` is (None: it cannot be copied from).

    `parts()` may be iterated once; afterwards `digest` is the file's hash and `layout`
    where its fragments lie (the stat is the writer's to add).
    """

    index: SiteIndex
    joined: Joined
    plan: Plan
    last: Layout | None
    digest: bytes = b""
    layout: Layout | None = None

    def parts(self) -> Iterator[Part]:
        joined, index, events = self.joined, self.index, self.index.events
        separator = joined.separator
        head = joined.head(index)
        yield head
        written = len(head)
        # Per event in order: its fragment's offset (meaningful only where the length is
        # not 0), length and hash.
        starts, lengths, digests = array("q"), array("q"), bytearray()
        runs = self.plan.runs if self.last is not None else ()
        done = 0
        for first, end, then in (*runs, (len(events), len(events), 0)):
            for event in events[done:first]:
                fragment = joined.fragment(index, event)
                digests += digest(fragment)
                lengths.append(len(fragment))
                if fragment and written > len(head):
                    yield separator
                    written += len(separator)
                starts.append(written)
                if fragment:
                    yield fragment
                    written += len(fragment)
            if first < end:
                assert self.last is not None
                then_end = then + end - first
                run_starts = self.last.starts[then:then_end]
                run_lengths = self.last.lengths[then:then_end]
                lengths += run_lengths
                digests += self.last.digests[then * DIGEST_BYTES : then_end * DIGEST_BYTES]
                filled = [n for n, length in enumerate(run_lengths) if length]
                if filled:
                    low = run_starts[filled[0]]
                    high = run_starts[filled[-1]] + run_lengths[filled[-1]]
                    if written > len(head):
                        yield separator
                        written += len(separator)
                    shift = written - low
                    starts += array("q", [start + shift for start in run_starts])
                    yield (low, high - low)  # the separators between them included
                    written += high - low
                else:
                    starts += array("q", [written]) * (end - first)
            done = end
        tail = joined.tail(index)
        yield tail
        hasher = hashlib.blake2b(digest_size=DIGEST_BYTES, person=b"joined")
        for piece in (digest(head), digests, digest(tail)):
            hasher.update(piece)
        self.digest = hasher.digest()
        self.layout = Layout((0, 0, 0), starts, lengths, bytes(digests))


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
