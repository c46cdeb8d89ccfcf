"""`events.csv`: one row per event, for spreadsheets and for joining with ACLED data.

Columns take ACLED's names where they mean the same thing (`event_date`, `year`,
`actor1`, `actor2`, `country`, `admin1`, `location`, `latitude`, `longitude`, `source`,
`notes`), so an analyst can line the two up. Where ours differ we use our own names:
`date_precision` (`day`/`month`/`year`) instead of ACLED's `time_precision` codes, which
have no level for "only the year is known"; `event_date` keeps the written precision
(`2024-03`) instead of inventing a day. There is no `fatalities` column: our claims give
competing figures from different actors and the site never reduces them to one number,
so every figure stays in `claims` with who said it and its status.

Quoting follows RFC 4180 (CRLF line ends, fields quoted when needed). The file is UTF-8
without a byte order mark: the tools the data is meant for (pandas, R, csvkit, databases)
read it as is, and a BOM would end up inside the first column name for many of them.
"""

from __future__ import annotations

import csv
import io

from generator.exports.facts import (
    ADMIN1_KINDS,
    COUNTRY_KINDS,
    event_url,
    locate,
    place_of_kind,
)
from generator.exports.joined import Joined, join, nothing
from generator.index import SiteIndex
from generator.model import Claim, Event

COLUMNS = (
    "event_id",
    "event_date",
    "end_date",
    "date_precision",
    "year",
    "circa",
    "title",
    "actor1",
    "actor2",
    "other_actors",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "coordinates_of",
    "source",
    "notes",
    "tags",
    "claims",
    "sources",
    "url",
)


def _figures(claim: Claim) -> str:
    parts = [
        f"{f.name} {f.low}" if not f.is_range else f"{f.name} {f.low}-{f.high}"
        for f in claim.figures
    ]
    return f" ({', '.join(parts)})" if parts else ""


def _claim(index: SiteIndex, claim: Claim) -> str:
    """`Russian Ministry of Defence: text (killed 234) [unverified]`."""
    actor = index.actors[claim.by].name
    return f"{actor}: {claim.text}{_figures(claim)} [{claim.status.value}]"


def _name(index: SiteIndex, event: Event, kinds: frozenset[str]) -> str:
    place = place_of_kind(index, event, kinds)
    return place.name if place is not None else ""


def event_row(index: SiteIndex, event: Event) -> dict[str, str]:
    actors = [index.actors[a].name for a in event.actors]
    located = locate(index, event)
    publishers = dict.fromkeys(source.publisher for source in event.sources)
    return {
        "event_id": event.id,
        "event_date": event.date.iso(),
        "end_date": event.end.iso() if event.end is not None else "",
        "date_precision": event.date.precision.value,
        "year": str(event.date.year),
        "circa": "true" if event.circa else "false",
        "title": event.title,
        "actor1": actors[0] if actors else "",
        "actor2": actors[1] if len(actors) > 1 else "",
        "other_actors": "; ".join(actors[2:]),
        "country": _name(index, event, COUNTRY_KINDS),
        "admin1": _name(index, event, ADMIN1_KINDS),
        "location": index.places[event.places[0]].name if event.places else "",
        "latitude": repr(located.latitude) if located else "",
        "longitude": repr(located.longitude) if located else "",
        "coordinates_of": located.place.id if located else "",
        "source": "; ".join(publishers),
        "notes": event.summary,
        "tags": "; ".join(event.tags),
        "claims": " | ".join(_claim(index, claim) for claim in event.claims),
        "sources": " ".join(source.url for source in event.sources),
        "url": event_url(index, event.id),
    }


def _rows(rows: list[dict[str, str]], header: bool) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


EVENTS_CSV = Joined(
    "events.csv",
    head=lambda index: _rows([], header=True),
    fragment=lambda index, event: _rows([event_row(index, event)], header=False),
    separator=b"",
    tail=nothing,
)


def events_csv(index: SiteIndex) -> bytes:
    return join(index, EVENTS_CSV)
