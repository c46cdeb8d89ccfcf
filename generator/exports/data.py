"""`events.json`: every event with its references resolved, for people who write code.

Each event carries what a script needs without a second lookup: actors with names and
kinds, places with coordinates and the chain of places they lie within, claims with their
figures as `{low, high}` ranges (an exact figure has `low == high`), and related events
in both directions. Every date is ISO 8601 with the precision the editor wrote, and a
`*_precision` field says which (`day`, `month` or `year`), so `2024-03` is never read as
the 1st of March. The shape is published as a JSON Schema at `events.schema.json`.
The file is written compact, without indentation: it is read by programs, and indenting
more than doubled its size on a large site.
"""

from __future__ import annotations

from pathlib import Path

from generator import urls
from generator.dates import PartialDate
from generator.exports.facts import absolute, event_url, newest_day
from generator.exports.joined import join, json_list
from generator.index import SiteIndex
from generator.model import Claim, Event, Place, Source

Json = dict[str, object]

SCHEMA_OUT_PATH = "events.schema.json"
SCHEMA_FILE = Path(__file__).resolve().parent.parent.parent / "schemas" / "events.schema.json"


def _date(value: PartialDate | None) -> str | None:
    return None if value is None else value.iso()


def _precision(value: PartialDate | None) -> str | None:
    return None if value is None else value.precision.value


def _place(index: SiteIndex, place: Place) -> Json:
    coordinates = None
    if place.coordinates is not None:
        coordinates = {"latitude": place.coordinates[0], "longitude": place.coordinates[1]}
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "coordinates": coordinates,
        "within": [{"id": a.id, "name": a.name} for a in index.place_ancestors(place.id)],
        "url": absolute(index, urls.place(place.id)),
    }


def _claim(index: SiteIndex, event: Event, claim: Claim) -> Json:
    return {
        "id": claim.id,
        "url": f"{event_url(index, event.id)}#{urls.claim_anchor(claim.id)}",
        "by": {"id": claim.by, "name": index.actors[claim.by].name},
        "text": claim.text,
        "status": claim.status.value,
        "date": _date(claim.date),
        "date_precision": _precision(claim.date),
        "figures": {f.name: {"low": f.low, "high": f.high} for f in claim.figures},
        "source": claim.source,
    }


def _source(source: Source) -> Json:
    return {
        "url": source.url,
        "publisher": source.publisher,
        "title": source.title,
        "published": _date(source.published),
        "published_precision": _precision(source.published),
        "archived": source.archived,
    }


def _related(index: SiteIndex, event: Event) -> list[Json]:
    """Links this event makes (`outgoing`) and the ones other events make to it (`incoming`)."""
    outgoing: list[Json] = [
        {"event": r.event, "kind": r.kind.value, "direction": "outgoing", "note": r.note}
        for r in event.related
    ]
    incoming: list[Json] = [
        {
            "event": b.source_event,
            "kind": b.relation.kind.value,
            "direction": "incoming",
            "note": b.relation.note,
        }
        for b in index.backlinks.get(event.id, ())
    ]
    return outgoing + incoming


def event_record(index: SiteIndex, event: Event) -> Json:
    return {
        "id": event.id,
        "url": event_url(index, event.id),
        "title": event.title,
        "date": event.date.iso(),
        "date_precision": event.date.precision.value,
        "end": _date(event.end),
        "end_precision": _precision(event.end),
        "time": event.time,
        "timezone": (event.timezone or index.site.timezone) if event.time else None,
        "circa": event.circa,
        "summary": event.summary,
        "body": event.body,
        "actors": [
            {"id": a, "name": index.actors[a].name, "kind": index.actors[a].kind}
            for a in event.actors
        ],
        "places": [_place(index, index.places[p]) for p in event.places],
        "tags": list(event.tags),
        "claims": [_claim(index, event, claim) for claim in event.claims],
        "sources": [_source(source) for source in event.sources],
        "related": _related(index, event),
        "corrections": [
            {"date": c.date.iso(), "date_precision": c.date.precision.value, "note": c.note}
            for c in event.corrections
        ],
    }


def _document(index: SiteIndex) -> dict[str, object]:
    return {
        "$schema": absolute(index, SCHEMA_OUT_PATH),
        "title": index.site.title,
        "description": index.site.description,
        "url": index.site.base_url,
        "updated": newest_day(index.events).isoformat(),
    }


EVENTS_JSON = json_list("events.json", _document, "events", event_record)


def events_json(index: SiteIndex) -> bytes:
    return join(index, EVENTS_JSON)
