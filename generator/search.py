"""Search without a server: what event pages tell the indexer, and running the indexer.

Pagefind reads the built HTML and writes a static index (`pagefind/`) that the
reader's browser queries in small fragments, so search needs no server and sends no
request anywhere but the site itself. Event pages mark what is indexed
(`data-pagefind-body`) and carry the filters (actor, place, tag, claim status, year)
and the aliases of their places and actors, so "Tetkino" finds events in Tyotkino.

The same facets, as (facet, value, label) triples, go on every item of an event list,
where `static/filter.js` turns them into filter controls.

The indexer runs on the finished staging folder, before it is swapped in
(`publish.publish(before_swap=...)`), so a failed index leaves the old site in place.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.errors import BuildError
from generator.index import SiteIndex
from generator.model import ClaimStatus, Event

BUNDLE = "pagefind"
INDEXED_PAGES = "events/**/*.html"
"""Only event pages carry `data-pagefind-body`; naming them spares the indexer reading
every hub and list page (a fifth of its time on a large site)."""
"""Folder of the index inside the site; Pagefind writes its UI script and styles there too."""
SEARCH_SCRIPT = "search.js"
INDEX_TIMEOUT_SECONDS = 1800

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
    """The search page's links to the Pagefind bundle and to our small start-up script."""

    heading: str
    intro: str
    stylesheet: str
    ui_script: str
    script: str


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


def search_page(here: str = urls.search()) -> SearchPage:
    """Relative links, so search works from any sub-path of a host."""
    return SearchPage(
        heading="Search",
        intro="Search every event's title, summary, text, claims, actors and places.",
        stylesheet=urls.relative(here, f"{BUNDLE}/pagefind-ui.css"),
        ui_script=urls.relative(here, f"{BUNDLE}/pagefind-ui.js"),
        script=urls.relative(here, urls.static(SEARCH_SCRIPT)),
    )


def _executable() -> Path:
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise BuildError(
            "the Pagefind search indexer is not installed (pip install -r requirements.txt), "
            "or build with --no-search"
        )
    return found


def index_site(site_dir: Path, output: Path | None = None) -> None:
    """Write the search index into `site_dir/pagefind/`, or into `output` when given (to
    swap it in afterwards); BuildError when Pagefind fails."""
    where = ["--output-subdir", BUNDLE] if output is None else ["--output-path", str(output)]
    command = [
        str(_executable()),
        "--site",
        str(site_dir),
        *where,
        "--glob",
        INDEXED_PAGES,
        "--keep-index-url",
        "--quiet",
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=INDEX_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as problem:
        raise BuildError(f"the search indexer could not run: {problem}") from problem
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()
        raise BuildError(f"the search indexer failed (exit {completed.returncode}): {detail}")
