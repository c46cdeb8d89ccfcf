"""The content as plain, complete, immutable records.

Records are built only from data that passed validation, so every field is filled in
when the record is made and nothing is patched later. Collections are tuples in the
order the editor wrote them; the index decides every other order.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from generator.dates import PartialDate, parse_date
from generator.frozen import pickled_as_constructor


class ClaimStatus(enum.Enum):
    UNVERIFIED = "unverified"
    DISPUTED = "disputed"
    CONFIRMED = "confirmed"
    REFUTED = "refuted"


class RelationKind(enum.Enum):
    RELATED = "related"
    PART_OF = "part-of"
    FOLLOWS = "follows"
    RESPONSE_TO = "response-to"
    CONTEXT = "context"


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Site:
    title: str
    description: str
    base_url: str
    language: str
    timezone: str
    per_page: int


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Source:
    url: str
    publisher: str
    title: str | None
    published: PartialDate | None
    archived: str | None


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Figure:
    """One quantity a claim gives: exact when `low == high`, else a range."""

    name: str
    low: int
    high: int

    @property
    def is_range(self) -> bool:
        return self.low != self.high


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    by: str
    text: str
    status: ClaimStatus
    date: PartialDate | None
    figures: tuple[Figure, ...]
    source: str | None

    @property
    def anchor(self) -> str:
        return f"claim-{self.id}"


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Relation:
    event: str
    kind: RelationKind
    note: str | None


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Correction:
    date: PartialDate
    note: str


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Event:
    id: str
    source_path: str
    title: str
    date: PartialDate
    end: PartialDate | None
    time: str | None
    timezone: str | None
    circa: bool
    summary: str
    body: str
    places: tuple[str, ...]
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    claims: tuple[Claim, ...]
    sources: tuple[Source, ...]
    related: tuple[Relation, ...]
    corrections: tuple[Correction, ...]

    @property
    def is_multi_day(self) -> bool:
        return self.end is not None and self.end != self.date


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    source_path: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    part_of: str | None
    description: str
    links: tuple[str, ...]


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class Place:
    id: str
    source_path: str
    name: str
    kind: str
    within: str | None
    coordinates: tuple[float, float] | None
    aliases: tuple[str, ...]
    description: str


def _date(text: str | int | None) -> PartialDate | None:
    """Dates arrive as text; an unquoted year (`date: 2024`) arrives as a number."""
    if text is None:
        return None
    parsed = parse_date(str(text))
    if isinstance(parsed, str):
        raise ValueError(parsed)
    return parsed


def _required_date(text: str | int) -> PartialDate:
    date = _date(text)
    assert date is not None  # the schema requires the key
    return date


def site_from_data(data: dict[str, Any]) -> Site:
    return Site(
        title=data["title"],
        description=data["description"],
        base_url=data["base_url"].rstrip("/") + "/",
        language=data.get("language", "en"),
        timezone=data.get("timezone", "UTC"),
        per_page=data.get("per_page", 50),
    )


def _figures(data: dict[str, Any]) -> tuple[Figure, ...]:
    figures = []
    for name, value in data.items():
        low, high = (value[0], value[1]) if isinstance(value, list) else (value, value)
        figures.append(Figure(name, low, high))
    return tuple(figures)


def _claim(position: int, data: dict[str, Any]) -> Claim:
    return Claim(
        id=data.get("id", str(position)),
        by=data["by"],
        text=data["text"],
        status=ClaimStatus(data.get("status", "unverified")),
        date=_date(data.get("date")),
        figures=_figures(data.get("figures", {})),
        source=data.get("source"),
    )


def _source(data: dict[str, Any]) -> Source:
    return Source(
        url=data["url"],
        publisher=data["publisher"],
        title=data.get("title"),
        published=_date(data.get("published")),
        archived=data.get("archived"),
    )


def _relation(item: str | dict[str, Any]) -> Relation:
    if isinstance(item, str):
        return Relation(item, RelationKind.RELATED, None)
    return Relation(item["event"], RelationKind(item.get("kind", "related")), item.get("note"))


def event_from_data(event_id: str, source_path: str, data: dict[str, Any]) -> Event:
    """Build an event from a validated mapping (claims without an id are numbered)."""
    date = _required_date(data["date"])
    return Event(
        id=event_id,
        source_path=source_path,
        title=data["title"],
        date=date,
        end=_date(data.get("end")),
        time=data.get("time"),
        timezone=data.get("timezone"),
        circa=data.get("circa", False),
        summary=data["summary"],
        body=data.get("body") or "",
        places=tuple(data.get("places", ())),
        actors=tuple(data.get("actors", ())),
        tags=tuple(data.get("tags", ())),
        claims=tuple(_claim(n, c) for n, c in enumerate(data.get("claims", ()), start=1)),
        sources=tuple(_source(s) for s in data["sources"]),
        related=tuple(_relation(r) for r in data.get("related", ())),
        corrections=tuple(
            Correction(_required_date(c["date"]), c["note"]) for c in data.get("corrections", ())
        ),
    )


def actor_from_data(actor_id: str, source_path: str, data: dict[str, Any]) -> Actor:
    return Actor(
        id=actor_id,
        source_path=source_path,
        name=data["name"],
        kind=data["kind"],
        aliases=tuple(data.get("aliases", ())),
        part_of=data.get("part_of"),
        description=data.get("description") or "",
        links=tuple(data.get("links", ())),
    )


def place_from_data(place_id: str, source_path: str, data: dict[str, Any]) -> Place:
    coordinates = data.get("coordinates")
    return Place(
        id=place_id,
        source_path=source_path,
        name=data["name"],
        kind=data["kind"],
        within=data.get("within"),
        coordinates=(float(coordinates[0]), float(coordinates[1])) if coordinates else None,
        aliases=tuple(data.get("aliases", ())),
        description=data.get("description") or "",
    )
