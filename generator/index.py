"""Link the files together: check every reference, then build the whole-site index.

The index is the one object pages are planned from. It answers the questions that need
the whole site at once: chronological order, backlinks of typed relations, the place and
actor hierarchies, and which events cite a given actor, place, tag or source. Everything
in it is sorted, so every page and export built from it is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.dates import PartialDate
from generator.load import Document, KeyPath
from generator.model import Actor, Claim, Event, Place, Relation, Site, Source
from generator.problems import Problem, error
from generator.structure import did_you_mean


@dataclass(frozen=True, slots=True)
class Backlink:
    """`source_event` points at this event with `relation`."""

    source_event: str
    relation: Relation


@dataclass(frozen=True, slots=True)
class Citation:
    event: str
    source: Source


@dataclass(frozen=True, slots=True)
class ClaimRef:
    event: str
    claim: Claim


@dataclass(frozen=True, slots=True)
class SiteIndex:
    site: Site
    events: tuple[Event, ...]
    """All events in chronological order (date, then time, then id)."""
    event_by_id: Mapping[str, Event]
    position: Mapping[str, int]
    actors: Mapping[str, Actor]
    places: Mapping[str, Place]
    backlinks: Mapping[str, tuple[Backlink, ...]]
    actor_members: Mapping[str, tuple[str, ...]]
    place_children: Mapping[str, tuple[str, ...]]
    events_by_actor: Mapping[str, tuple[str, ...]]
    claims_by_actor: Mapping[str, tuple[ClaimRef, ...]]
    events_by_place: Mapping[str, tuple[str, ...]]
    """Events at a place or anywhere within it, chronological."""
    events_by_tag: Mapping[str, tuple[str, ...]]
    citations: Mapping[str, tuple[Citation, ...]]
    """Source URL -> the events citing it, sorted by URL then chronology."""
    same_day: Mapping[str, tuple[str, ...]]
    listed: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    """A memo for `views`: what an event shows in any list except its link (date, places,
    facets), made once per process rather than on each of the ~20 pages that list it.
    Derived from the fields above only; never part of the index's value."""

    def previous_event(self, event_id: str) -> Event | None:
        index = self.position[event_id]
        return self.events[index - 1] if index > 0 else None

    def next_event(self, event_id: str) -> Event | None:
        index = self.position[event_id]
        return self.events[index + 1] if index + 1 < len(self.events) else None

    def place_ancestors(self, place_id: str) -> tuple[Place, ...]:
        """Outermost first: Russia, Kursk Oblast for Tyotkino."""
        chain: list[Place] = []
        parent = self.places[place_id].within
        while parent is not None and parent in self.places and len(chain) < len(self.places):
            chain.append(self.places[parent])
            parent = self.places[parent].within
        return tuple(reversed(chain))

    def actor_ancestors(self, actor_id: str) -> tuple[Actor, ...]:
        chain: list[Actor] = []
        parent = self.actors[actor_id].part_of
        while parent is not None and parent in self.actors and len(chain) < len(self.actors):
            chain.append(self.actors[parent])
            parent = self.actors[parent].part_of
        return tuple(reversed(chain))


# ---------------------------------------------------------------- references


@dataclass(frozen=True, slots=True)
class KnownIds:
    """Ids taken from file names, so a broken file still counts as existing."""

    events: frozenset[str]
    actors: frozenset[str]
    places: frozenset[str]

    def of(self, kind: str) -> frozenset[str]:
        return self.events if kind == "event" else self.actors if kind == "actor" else self.places


Reference = tuple[str, str, int, int]
"""One id a file names, and where: (kind, target id, line, col), the kind being "event",
"actor" or "place". All that checking it against other files needs, taken from the parsed
file once, so the file itself need not be kept (or cached) to check its references on the
next build, when other files may have come or gone. A plain tuple rather than a NamedTuple:
the cache holds ~57,000 of them at 10,000 events, and unpickling a NamedTuple calls its
Python `__new__`, which made loading them six times slower."""


def _named(document: Document, path: KeyPath, target: Any, kind: str) -> list[Reference]:
    return [(kind, target, *document.locate(path))] if isinstance(target, str) else []


def _list(data: dict[str, Any], key: str) -> list[tuple[int, Any]]:
    value = data.get(key)
    return list(enumerate(value)) if isinstance(value, list) else []


def _event_references(event_id: str, document: Document) -> tuple[list[Reference], list[Problem]]:
    data = document.data
    found: list[Reference] = []
    problems: list[Problem] = []
    for n, place in _list(data, "places"):
        found += _named(document, ("places", n), place, "place")
    for n, actor in _list(data, "actors"):
        found += _named(document, ("actors", n), actor, "actor")
    for n, claim in _list(data, "claims"):
        if isinstance(claim, dict):
            found += _named(document, ("claims", n, "by"), claim.get("by"), "actor")
    for n, item in _list(data, "related"):
        path: KeyPath = ("related", n, "event") if isinstance(item, dict) else ("related", n)
        target = item.get("event") if isinstance(item, dict) else item
        if target == event_id:
            line, col = document.locate(path)
            problems.append(
                error(document.source_path, line, col, "an event cannot be related to itself")
            )
        else:
            found += _named(document, path, target, "event")
    return found, problems


PARENT_KEY = {"actor": "part_of", "place": "within"}
"""The key that names a file's parent, for the kinds that form a hierarchy."""


def references_of(
    kind: str, item_id: str, document: Document
) -> tuple[list[Reference], list[Problem]]:
    """Every id one file names, plus the problems no other file can change (an event
    related to itself). For actors and places the only reference is the parent."""
    if kind == "event":
        return _event_references(item_id, document)
    if kind in PARENT_KEY:
        key = PARENT_KEY[kind]
        return _named(document, (key,), document.data.get(key), kind), []
    return [], []


_FOLDER = {"event": "events", "actor": "actors", "place": "places"}


def check_references(
    source_path: str, references: Iterable[Reference], known: KnownIds
) -> Iterator[Problem]:
    """Each reference to an id no file has, with the nearest known id as a hint."""
    for kind, target, line, col in references:
        ids = known.of(kind)
        if target not in ids:
            hint = did_you_mean(target, sorted(ids)) or f" (no file {_FOLDER[kind]}/{target}.yaml)"
            yield error(source_path, line, col, f"unknown {kind} '{target}'{hint}")


def find_cycles(parents: Mapping[str, str | None]) -> list[tuple[str, ...]]:
    """Each cycle once, as the ids in order starting from its smallest member."""
    cycles: set[tuple[str, ...]] = set()
    for start in sorted(parents):
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in parents and node not in seen:
            seen.append(node)
            node = parents[node]
        if node is not None and node in seen:
            loop = seen[seen.index(node) :]
            smallest = loop.index(min(loop))
            cycles.add(tuple(loop[smallest:] + loop[:smallest]))
    return sorted(cycles)


Locate = Callable[[str], tuple[str, int, int]]
"""The file, line and column of a member's parent key, for reporting a cycle."""


def check_cycles(kind: str, parents: Mapping[str, str | None], locate: Locate) -> Iterator[Problem]:
    """Each member of each cycle, reported at its parent key."""
    key = PARENT_KEY[kind]
    for cycle in find_cycles(parents):
        chain = " -> ".join((*cycle, cycle[0]))
        for member in cycle:
            yield error(*locate(member), f"{key} makes a cycle of {kind}s: {chain}")


# ---------------------------------------------------------------- the index


def chronological_key(event: Event) -> tuple[tuple[Any, int], str, str]:
    return event.date.sort_key(), event.time or "", event.id


def _sorted_ids(
    groups: Mapping[str, Iterable[str]], position: Mapping[str, int]
) -> dict[str, tuple[str, ...]]:
    return {
        key: tuple(sorted(set(ids), key=position.__getitem__))
        for key, ids in sorted(groups.items())
    }


def _descendants(children: Mapping[str, tuple[str, ...]], root: str) -> Iterator[str]:
    stack, seen = [root], {root}
    while stack:
        node = stack.pop()
        yield node
        for child in children.get(node, ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)


def _children(parents: Mapping[str, str | None]) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None:
            groups[parent].append(child)
    return {parent: tuple(sorted(kids)) for parent, kids in sorted(groups.items())}


def _day_key(date: PartialDate) -> PartialDate | None:
    return date if date.day is not None else None


def build_index(
    site: Site,
    events: Iterable[Event],
    actors: Iterable[Actor],
    places: Iterable[Place],
) -> SiteIndex:
    """Assumes references were checked: every id an event names exists."""
    ordered = tuple(sorted(events, key=chronological_key))
    position = {event.id: n for n, event in enumerate(ordered)}
    actor_map = {actor.id: actor for actor in sorted(actors, key=lambda a: a.id)}
    place_map = {place.id: place for place in sorted(places, key=lambda p: p.id)}
    place_children = _children({p.id: p.within for p in place_map.values()})
    actor_members = _children({a.id: a.part_of for a in actor_map.values()})

    backlinks: dict[str, list[Backlink]] = defaultdict(list)
    by_actor: dict[str, list[str]] = defaultdict(list)
    claims_by_actor: dict[str, list[ClaimRef]] = defaultdict(list)
    by_place: dict[str, list[str]] = defaultdict(list)
    by_tag: dict[str, list[str]] = defaultdict(list)
    citations: dict[str, list[Citation]] = defaultdict(list)
    by_day: dict[PartialDate, list[str]] = defaultdict(list)
    for event in ordered:
        for relation in event.related:
            backlinks[relation.event].append(Backlink(event.id, relation))
        for actor_id in event.actors:
            by_actor[actor_id].append(event.id)
        for claim in event.claims:
            by_actor[claim.by].append(event.id)
            claims_by_actor[claim.by].append(ClaimRef(event.id, claim))
        for place_id in event.places:
            by_place[place_id].append(event.id)
        for tag in event.tags:
            by_tag[tag].append(event.id)
        for source in event.sources:
            citations[source.url].append(Citation(event.id, source))
        if (day := _day_key(event.date)) is not None:
            by_day[day].append(event.id)

    events_by_place = {
        place_id: [
            event_id
            for inner in _descendants(place_children, place_id)
            for event_id in by_place.get(inner, ())
        ]
        for place_id in place_map
    }
    same_day = {
        event_id: tuple(other for other in ids if other != event_id)
        for ids in by_day.values()
        for event_id in ids
        if len(ids) > 1
    }
    return SiteIndex(
        site=site,
        events=ordered,
        event_by_id={event.id: event for event in ordered},
        position=position,
        actors=actor_map,
        places=place_map,
        backlinks={
            key: tuple(sorted(links, key=lambda b: position[b.source_event]))
            for key, links in sorted(backlinks.items())
        },
        actor_members=actor_members,
        place_children=place_children,
        events_by_actor=_sorted_ids(by_actor, position),
        claims_by_actor={key: tuple(refs) for key, refs in sorted(claims_by_actor.items())},
        events_by_place=_sorted_ids(events_by_place, position),
        events_by_tag=_sorted_ids(by_tag, position),
        citations={url: tuple(items) for url, items in sorted(citations.items())},
        same_day=dict(sorted(same_day.items())),
    )
