"""Views of the pages that gather events: the timeline, archives, hubs and indexes.

Like `views`, these are plain records with every link already relative to the page
that shows it. The timeline groups events by month and then by the date as written,
so an event known only to the month sits under "March 2024 (day not recorded)"
instead of pretending to a day, and each day group carries the anchor
(`#d-2024-03-12`) that event pages link their dates to.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator import maps, richtext, strip, urls
from generator.dates import PartialDate, format_date
from generator.index import Citation, SiteIndex
from generator.model import Event
from generator.navigation import (
    Calendar,
    Pagination,
    YearNav,
    event_calendar,
    pagination,
    year_navigation,
)
from generator.views import (
    ClaimView,
    EventItem,
    Link,
    Linker,
    SourceView,
    date_heading,
    source_view,
)


@dataclass(frozen=True, slots=True)
class DayGroup:
    anchor: str
    heading: str
    iso: str
    items: tuple[EventItem, ...]


@dataclass(frozen=True, slots=True)
class MonthGroup:
    anchor: str
    heading: str
    iso: str
    archive_url: str
    days: tuple[DayGroup, ...]


@dataclass(frozen=True, slots=True)
class TimelinePage:
    heading: str
    intro: str
    count: int
    month_headings: bool
    months: tuple[MonthGroup, ...]
    years: tuple[YearNav, ...]
    pagination: Pagination | None
    strip: str = ""


def _month_key(event: Event) -> tuple[int, int | None]:
    return event.date.year, event.date.month


def month_groups(linker: Linker, events: Iterable[Event]) -> tuple[MonthGroup, ...]:
    """Chronological events grouped by month, then by the date as the editor wrote it."""
    groups = []
    for (year, month), in_month in itertools.groupby(events, key=_month_key):
        month_date = PartialDate(year, month)
        days = tuple(
            DayGroup(
                anchor=urls.day_anchor(date),
                heading=date_heading(date),
                iso=date.iso(),
                items=tuple(linker.event_item(e) for e in on_day),
            )
            for date, on_day in itertools.groupby(in_month, key=lambda e: e.date)
        )
        groups.append(
            MonthGroup(
                anchor=f"m-{month_date.iso()}",
                heading=format_date(month_date),
                iso=month_date.iso(),
                archive_url=linker.to(urls.archive_for(month_date)),
                days=days,
            )
        )
    return tuple(groups)


def timeline_chunks(index: SiteIndex) -> list[tuple[Event, ...]]:
    """The timeline's pages: `site.per_page` events each, and always at least one page."""
    size = max(1, index.site.per_page)
    return [index.events[n : n + size] for n in range(0, len(index.events), size)] or [()]


@dataclass(frozen=True, slots=True)
class TimelineShared:
    """What every timeline page shows of the whole timeline, computed once per build."""

    calendar: Calendar
    months: tuple[strip.MonthCount, ...]
    pages: int


def timeline_shared(index: SiteIndex) -> TimelineShared:
    return TimelineShared(
        calendar=event_calendar(index),
        months=tuple(strip.count_months(index.events, urls.month)),
        pages=len(timeline_chunks(index)),
    )


def home_page(
    index: SiteIndex, number: int, chunk: tuple[Event, ...], shared: TimelineShared
) -> TimelinePage:
    """Page `number` of the timeline, showing `chunk`."""
    linker = Linker(index, urls.home(number))
    heading = index.site.title
    if number > 1:
        heading = f"{heading}, page {number} of {shared.pages}"
    return TimelinePage(
        heading=heading,
        intro=index.site.description,
        count=len(index.events),
        month_headings=True,
        months=month_groups(linker, chunk),
        years=year_navigation(linker, shared.calendar),
        pagination=pagination(linker, number, shared.pages),
        strip=strip.render_strip(
            [(y, m, n, linker.to(path)) for y, m, n, path in shared.months], STRIP_TITLE
        ),
    )


@dataclass(frozen=True, slots=True)
class Archive:
    """A year page (`month is None`) or a month archive, with its events in order."""

    year: int
    month: int | None
    events: tuple[Event, ...]

    @property
    def out_path(self) -> str:
        return urls.year(self.year) if self.month is None else urls.month(self.year, self.month)


def archives(index: SiteIndex) -> list[Archive]:
    """A page per year with events, and a month archive per month with dated events."""
    result = []
    for year, in_year in itertools.groupby(index.events, key=lambda e: e.date.year):
        year_events = tuple(in_year)
        result.append(Archive(year, None, year_events))
        dated = [e for e in year_events if e.date.month is not None]
        for month, in_month in itertools.groupby(dated, key=lambda e: e.date.month):
            result.append(Archive(year, month, tuple(in_month)))
    return result


def archive_page(index: SiteIndex, archive: Archive, calendar: Calendar) -> TimelinePage:
    linker = Linker(index, archive.out_path)
    if archive.month is None:
        return _archive(linker, calendar, str(archive.year), archive.events, archive.year, True)
    heading = format_date(PartialDate(archive.year, archive.month))
    return _archive(linker, calendar, heading, archive.events, archive.year, False)


def _archive(
    linker: Linker,
    calendar: Calendar,
    heading: str,
    events: tuple[Event, ...],
    year: int,
    month_headings: bool,
) -> TimelinePage:
    noun = "event" if len(events) == 1 else "events"
    return TimelinePage(
        heading=heading,
        intro=f"{len(events)} {noun} dated {heading}.",
        count=len(events),
        month_headings=month_headings,
        months=month_groups(linker, events),
        years=year_navigation(linker, calendar, year),
        pagination=None,
    )


# ---------------------------------------------------------------- hubs

STRIP_TITLE = "Events per month"


def hub_strip(linker: Linker, event_ids: Iterable[str]) -> str:
    """The timeline strip of a hub's own events, each bar linking to the month archive."""
    events = (linker.index.event_by_id[e] for e in event_ids)
    months = strip.count_months(events, lambda y, m: linker.to(urls.month(y, m)))
    return strip.render_strip(months, STRIP_TITLE)


@dataclass(frozen=True, slots=True)
class ActorPage:
    name: str
    kind: str
    aliases: tuple[str, ...]
    chain: tuple[Link, ...]
    members: tuple[Link, ...]
    description_html: str
    links: tuple[Link, ...]
    events: tuple[EventItem, ...]
    claims: tuple[ClaimView, ...]
    strip: str = ""


@dataclass(frozen=True, slots=True)
class PlacePage:
    name: str
    kind: str
    aliases: tuple[str, ...]
    chain: tuple[Link, ...]
    children: tuple[Link, ...]
    coordinates: str | None
    description_html: str
    events: tuple[EventItem, ...]
    strip: str = ""
    map: str = ""


@dataclass(frozen=True, slots=True)
class TagPage:
    tag: str
    events: tuple[EventItem, ...]
    strip: str = ""


def _markdown(text: str) -> str:
    return richtext.render_markdown(text) if text else ""


def actor_page(index: SiteIndex, actor_id: str) -> ActorPage:
    actor = index.actors[actor_id]
    linker = Linker(index, urls.actor(actor_id))
    claims = index.claims_by_actor.get(actor_id, ())
    return ActorPage(
        name=actor.name,
        kind=actor.kind,
        aliases=actor.aliases,
        chain=tuple(linker.actor(a.id) for a in index.actor_ancestors(actor_id)),
        members=tuple(linker.actor(m) for m in index.actor_members.get(actor_id, ())),
        description_html=_markdown(actor.description),
        links=tuple(Link(url, url) for url in map(richtext.safe_href, actor.links) if url),
        events=linker.event_items(index.events_by_actor.get(actor_id, ())),
        claims=tuple(linker.claim(index.event_by_id[r.event], r.claim) for r in claims),
        strip=hub_strip(linker, index.events_by_actor.get(actor_id, ())),
    )


def _coordinates(value: tuple[float, float] | None) -> str | None:
    if value is None:
        return None
    lat, lon = value
    return f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}"


def place_page(index: SiteIndex, place_id: str) -> PlacePage:
    place = index.places[place_id]
    linker = Linker(index, urls.place(place_id))
    return PlacePage(
        name=place.name,
        kind=place.kind,
        aliases=place.aliases,
        chain=tuple(linker.place(p.id) for p in index.place_ancestors(place_id)),
        children=tuple(linker.place(c) for c in index.place_children.get(place_id, ())),
        coordinates=_coordinates(place.coordinates),
        description_html=_markdown(place.description),
        events=linker.event_items(index.events_by_place.get(place_id, ())),
        strip=hub_strip(linker, index.events_by_place.get(place_id, ())),
        map=maps.locator_map(
            place,
            index.place_ancestors(place_id),
            index,
            link=lambda p: linker.to(urls.place(p.id)),
        ),
    )


def tag_page(index: SiteIndex, tag: str) -> TagPage:
    linker = Linker(index, urls.tag(tag))
    ids = index.events_by_tag[tag]
    return TagPage(tag, linker.event_items(ids), hub_strip(linker, ids))


# ---------------------------------------------------------------- indexes


@dataclass(frozen=True, slots=True)
class TreeNode:
    link: Link
    kind: str
    count: int
    children: tuple[TreeNode, ...]


@dataclass(frozen=True, slots=True)
class ListPage:
    heading: str
    intro: str
    nodes: tuple[TreeNode, ...]
    map: str = ""


def _tree(
    ids: Iterable[str],
    children: Mapping[str, tuple[str, ...]],
    node: Mapping[str, tuple[Link, str, int]],
) -> tuple[TreeNode, ...]:
    items = sorted(ids, key=lambda i: (node[i][0].text.casefold(), i))
    return tuple(TreeNode(*node[i], _tree(children.get(i, ()), children, node)) for i in items)


def actors_index(index: SiteIndex) -> ListPage:
    linker = Linker(index, urls.actors_index())
    node = {
        a.id: (linker.actor(a.id), a.kind, len(index.events_by_actor.get(a.id, ())))
        for a in index.actors.values()
    }
    roots = [a.id for a in index.actors.values() if a.part_of is None]
    intro = "Everyone who acts or makes claims in the timeline, grouped by who they belong to."
    return ListPage("Actors", intro, _tree(roots, index.actor_members, node))


def places_index(index: SiteIndex) -> ListPage:
    linker = Linker(index, urls.places_index())
    node = {
        p.id: (linker.place(p.id), p.kind, len(index.events_by_place.get(p.id, ())))
        for p in index.places.values()
    }
    roots = [p.id for p in index.places.values() if p.within is None]
    intro = "Every place in the timeline, each within the place that contains it."
    overview = maps.overview_map(index, link=lambda p: linker.to(urls.place(p.id)))
    return ListPage("Places", intro, _tree(roots, index.place_children, node), overview)


def tags_index(index: SiteIndex) -> ListPage:
    linker = Linker(index, urls.tags_index())
    nodes = tuple(
        TreeNode(linker.tag(tag), "", len(ids), ()) for tag, ids in index.events_by_tag.items()
    )
    return ListPage("Tags", "Topics the events are filed under.", nodes)


@dataclass(frozen=True, slots=True)
class SourceEntry:
    source: SourceView
    cited_by: tuple[EventItem, ...]


@dataclass(frozen=True, slots=True)
class SourcesPage:
    heading: str
    total: int
    start: int
    """The number of the first source on this page, so the numbering runs on."""
    entries: tuple[SourceEntry, ...]
    pagination: Pagination | None = None


SOURCES_PER_PAGE = 100
"""Sources listed on one page of `/sources/`: each lists every event citing it, so a
single page for a large timeline would run to megabytes."""

CitedSource = tuple[str, tuple[Citation, ...]]


def cited_sources(index: SiteIndex) -> list[CitedSource]:
    """Every cited source once, by publisher, then headline, then URL (which is unique)."""

    def order(cited: CitedSource) -> tuple[str, str, str]:
        source = cited[1][0].source
        return (source.publisher.casefold(), (source.title or "").casefold(), source.url)

    return sorted(index.citations.items(), key=order)


def sources_chunks(index: SiteIndex) -> list[tuple[CitedSource, ...]]:
    """`SOURCES_PER_PAGE` sources a page, and always at least one page."""
    cited = cited_sources(index)
    size = SOURCES_PER_PAGE
    return [tuple(cited[n : n + size]) for n in range(0, len(cited), size)] or [()]


def sources_page(
    index: SiteIndex, number: int, chunk: tuple[CitedSource, ...], pages: int
) -> SourcesPage:
    """One page of sources, each with the events citing it."""
    linker = Linker(index, urls.sources_index(number))
    entries = tuple(
        SourceEntry(
            source_view(citations[0].source),
            linker.event_items(tuple(dict.fromkeys(c.event for c in citations))),
        )
        for _url, citations in chunk
    )
    heading = "Sources" if number == 1 else f"Sources, page {number} of {pages}"
    return SourcesPage(
        heading=heading,
        total=len(index.citations),
        start=(number - 1) * SOURCES_PER_PAGE + 1,
        entries=entries,
        pagination=pagination(linker, number, pages, urls.sources_index),
    )
