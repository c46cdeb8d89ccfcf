"""Search without a server: what event pages tell the indexer, and how they are sharded.

Pagefind reads the built HTML and writes a static index (`pagefind/`) that the
reader's browser queries in small fragments, so search needs no server and sends no
request anywhere but the site itself. Event pages mark what is indexed
(`data-pagefind-body`) and carry the filters (actor, place, tag, claim status, year)
and the aliases of their places and actors, so "Tetkino" finds events in Tyotkino.

The same facets, as (facet, value, label) triples, go on every item of an event list,
where `static/filter.js` turns them into filter controls.

The index is split into one Pagefind bundle per year of events (`pagefind/2024/`),
which the search page merges in the browser (Pagefind's `mergeIndex`: results and
filters come back as one list). Pagefind has no incremental mode, and one index of
every event page took ~13 s and 1.4 GB at 10,000 events; split by year, an edit
re-indexes only its year's pages (~1.5 s, ~200 MB a bundle). `indexer` runs Pagefind
over each year's pages, within a budget of pages indexed at once.

The indexer runs on the finished staging folder, before it is swapped in
(`publish.publish(before_swap=...)`), so a failed index leaves the old site in place.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def shard_of(event: Event) -> str:
    """The bundle an event's page is indexed in: its year, which an edit rarely changes."""
    return f"{event.date.year:04d}"


def shard_names(index: SiteIndex) -> tuple[str, ...]:
    return tuple(sorted({shard_of(event) for event in index.events}))


def shards(index: SiteIndex) -> dict[str, tuple[str, ...]]:
    """Shard name -> the ids of its events, both sorted."""
    found: dict[str, list[str]] = {}
    for event in index.events:
        found.setdefault(shard_of(event), []).append(event.id)
    return {name: tuple(sorted(found[name])) for name in sorted(found)}


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
