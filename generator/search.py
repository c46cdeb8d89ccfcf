"""Search without a server: what event pages tell the indexer, and how they are sharded.

Pagefind reads the built HTML and writes a static index (`pagefind/`) that the
reader's browser queries in small fragments, so search needs no server and sends no
request anywhere but the site itself. Event pages mark what is indexed
(`data-pagefind-body`) and carry the filters (actor, place, tag, claim status, year)
and the aliases of their places and actors, so "Tetkino" finds events in Tyotkino.

The same facets, as (facet, value, label) triples, go on every item of an event list,
where `static/filter.js` turns them into filter controls.

The index is split into Pagefind bundles by date: one per year of events
(`pagefind/2024/`), or per quarter or month of a year with more than `SHARD_EVENTS`
events (`pagefind/2024-q1/`, `pagefind/2024-03/`). The search page merges them in the
browser (Pagefind's `mergeIndex`: results and filters come back as one list). Pagefind
has no incremental mode, and one index of every event page took ~13 s and 1.4 GB at
10,000 events; split, an edit re-indexes only its own bundle's pages (a quarter of a
10,000-event site: ~0.5 s). `indexer` runs Pagefind over each bundle's pages, within a
budget of pages indexed at once.

The indexer runs on the finished staging folder, before it is swapped in
(`publish.publish(before_swap=...)`), so a failed index leaves the old site in place.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator import urls
from generator.index import SiteIndex
from generator.indexer import bundle_folder
from generator.model import ClaimStatus, Event

SEARCH_SCRIPT = "search.js"

Facet = tuple[str, str, str]
"""(facet, value, label): `("actor", "russian-mod", "Russian Ministry of Defence")`."""


@dataclass(frozen=True, slots=True)
class SearchFacets:
    """What Pagefind learns about one event beyond its visible text."""

    filters: tuple[tuple[str, str], ...]
    """(filter name, value) pairs, sorted: Pagefind shows the values as readers' choices."""
    aliases: str
    """Other names of the event's places and actors, indexed but not shown."""
    sort_date: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    """The search page's links to the Pagefind bundles and to our small start-up script."""

    heading: str
    intro: str
    bundles: tuple[str, ...]
    """Each shard's bundle folder, relative to the page; the first one's UI is used."""
    stylesheet: str | None
    ui_script: str | None
    script: str


SHARD_EVENTS = 500
"""The most events a search bundle holds, unless even a month has more. Pagefind has
no incremental mode, so an edit re-indexes its event's whole bundle, ~1.4 ms a page
(10,000 events: a year of ~1,430 pages took 1.6-2.2 s, a quarter of ~350 0.45-0.56 s;
`bench/shard_sizes.py`). A merged bundle costs the reader only its entry and metadata
files (~15 KB at that size) on the first search, and one more small request per term:
the primary bundle alone loads the WebAssembly."""


def _granularity(months: Mapping[int | None, Sequence[str]]) -> int:
    """How many months one bundle of this year spans (12, 3 or 1), from its events by
    month (None: dated to the year alone, kept in the year's own bundle)."""
    undated = len(months.get(None, ()))
    for span in (12, 3):
        bundles = Counter[int]()
        for month, ids in months.items():
            if month is not None:
                bundles[(month - 1) // span] += len(ids)
        if max([undated, *bundles.values()]) <= SHARD_EVENTS:
            return span
    return 1


def _shard_name(year: int, month: int | None, span: int) -> str:
    if month is None or span == 12:
        return f"{year:04d}"
    if span == 3:
        return f"{year:04d}-q{(month + 2) // 3}"
    return f"{year:04d}-{month:02d}"


def shards(index: SiteIndex) -> dict[str, tuple[str, ...]]:
    """Shard name (`2024`, `2024-q1` or `2024-03`) -> the ids of its events, both sorted.

    A year is one bundle while it has at most `SHARD_EVENTS` events, else one per
    quarter, else one per month; events dated to the year alone keep the year's name. A
    year is split only by how many events it has, so an edit moves an event to another
    bundle only when it changes the event's date (or tips its year over)."""
    by_month: dict[int, dict[int | None, list[str]]] = defaultdict(lambda: defaultdict(list))
    for event in index.events:
        by_month[event.date.year][event.date.month].append(event.id)
    found: dict[str, list[str]] = defaultdict(list)
    for year, months in by_month.items():
        span = _granularity(months)
        for month, ids in months.items():
            found[_shard_name(year, month, span)] += ids
    return {name: tuple(sorted(found[name])) for name in sorted(found)}


def shard_names(index: SiteIndex) -> tuple[str, ...]:
    return tuple(shards(index))


def status_label(status: ClaimStatus) -> str:
    return status.value.capitalize()


def actor_ids(event: Event) -> list[str]:
    """Actors named on the event and every claimant, in first-mention order."""
    return list(dict.fromkeys([*event.actors, *(claim.by for claim in event.claims)]))


def _place_trail(index: SiteIndex, place_id: str) -> list[str]:
    """The place and everything it is within, so filtering by Russia finds Kursk Oblast."""
    return [place_id, *(p.id for p in index.place_ancestors(place_id))]


def event_facets(index: SiteIndex, event: Event) -> tuple[Facet, ...]:
    """Tags, actors and claim statuses of an event, for filtering a list of events."""
    facets = [("tag", tag, tag) for tag in event.tags]
    facets += [("actor", a, index.actors[a].name) for a in actor_ids(event)]
    statuses = sorted({claim.status for claim in event.claims}, key=lambda s: s.value)
    facets += [("status", s.value, status_label(s)) for s in statuses]
    return tuple(dict.fromkeys(facets))


def search_facets(index: SiteIndex, event: Event) -> SearchFacets:
    places = {p for place_id in event.places for p in _place_trail(index, place_id)}
    actors = actor_ids(event)
    filters = {("year", f"{event.date.year:04d}")}
    filters |= {("actor", index.actors[a].name) for a in actors}
    filters |= {("place", index.places[p].name) for p in places}
    filters |= {("tag", tag) for tag in event.tags}
    filters |= {("claim status", status_label(claim.status)) for claim in event.claims}
    aliases = [alias for p in sorted(places) for alias in index.places[p].aliases]
    aliases += [alias for a in actors for alias in index.actors[a].aliases]
    return SearchFacets(
        filters=tuple(sorted(filters)),
        aliases=" ".join(dict.fromkeys(aliases)),
        sort_date=event.date.iso(),
    )


def search_page(shard_names: Sequence[str], here: str = urls.search()) -> SearchPage:
    """Relative links, so search works from any sub-path of a host."""
    bundles = tuple(urls.relative(here, bundle_folder(name)) for name in shard_names)
    return SearchPage(
        heading="Search",
        intro="Search every event's title, summary, text, claims, actors and places.",
        bundles=bundles,
        stylesheet=f"{bundles[0]}pagefind-ui.css" if bundles else None,
        ui_script=f"{bundles[0]}pagefind-ui.js" if bundles else None,
        script=urls.relative(here, urls.static(SEARCH_SCRIPT)),
    )
