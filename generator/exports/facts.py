"""What every export needs to know about an event beyond the record itself.

The exports are read by different tools, but they must agree: the same absolute URL,
the same "last changed" date and the same point on the map for an event. Deciding those
here once keeps the feed, calendar, CSV and GeoJSON from drifting apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator import urls
from generator.dates import PartialDate
from generator.index import SiteIndex
from generator.model import Event, Place

COUNTRY_KINDS = frozenset({"country"})
ADMIN1_KINDS = frozenset({"region", "oblast", "province", "state", "republic", "krai"})


def absolute(index: SiteIndex, out_path: str) -> str:
    return urls.absolute(index.site.base_url, out_path)


def event_url(index: SiteIndex, event_id: str) -> str:
    return absolute(index, urls.event(event_id))


def host(index: SiteIndex) -> str:
    return urlsplit(index.site.base_url).hostname or "localhost"


def event_dates(event: Event) -> Iterable[PartialDate]:
    """Every date the event record carries: when it happened, was claimed and corrected."""
    yield event.date
    if event.end is not None:
        yield event.end
    for claim in event.claims:
        if claim.date is not None:
            yield claim.date
    for correction in event.corrections:
        yield correction.date


def newest_day(events: Iterable[Event]) -> dt.date:
    """The first day of the newest date in the records: the data's own "last updated".

    Exports never read the clock, so the same content always gives the same bytes. The
    first day (not the last) of a month-precision date is used so a date never lies in
    the future of what the records say.
    """
    dates = [date for event in events for date in event_dates(event)]
    if not dates:
        return dt.date(1970, 1, 1)
    return max(dates, key=PartialDate.sort_key).first_day


def rfc3339(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


@dataclass(frozen=True, slots=True)
class Located:
    """The point an event is drawn at, and which place it really belongs to."""

    place: Place
    """The place whose coordinates are used."""
    named: Place
    """The place the event names (the same as `place` unless an ancestor was used)."""

    @property
    def latitude(self) -> float:
        assert self.place.coordinates is not None
        return self.place.coordinates[0]

    @property
    def longitude(self) -> float:
        assert self.place.coordinates is not None
        return self.place.coordinates[1]

    @property
    def exact(self) -> bool:
        return self.place is self.named


def locate(index: SiteIndex, event: Event) -> Located | None:
    """The first of the event's places with coordinates; else the nearest ancestor of one.

    A place the editor named is more precise than any ancestor, so every named place is
    tried before any ancestor. Falling back to an ancestor (the oblast of a village
    without coordinates) keeps the event on the map, marked as not exact.
    """
    named = [index.places[place_id] for place_id in event.places]
    for place in named:
        if place.coordinates is not None:
            return Located(place, place)
    for place in named:
        for ancestor in reversed(index.place_ancestors(place.id)):
            if ancestor.coordinates is not None:
                return Located(ancestor, place)
    return None


def place_chain(index: SiteIndex, place_id: str) -> tuple[Place, ...]:
    """The place and its ancestors, outermost first."""
    return (*index.place_ancestors(place_id), index.places[place_id])


def place_of_kind(index: SiteIndex, event: Event, kinds: frozenset[str]) -> Place | None:
    """The outermost place of one of `kinds` around the event's first place."""
    if not event.places:
        return None
    for place in place_chain(index, event.places[0]):
        if place.kind in kinds:
            return place
    return None
