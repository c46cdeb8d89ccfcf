"""Search without a server: what event pages tell the indexer, and running the indexer.

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
re-indexes only its year's pages (~1.5 s, ~200 MB a bundle). Each bundle is indexed
from a folder of hard links to just its pages, at their site paths, so the URLs are
those of the site; two bundles are indexed at a time.

The indexer runs on the finished staging folder, before it is swapped in
(`publish.publish(before_swap=...)`), so a failed index leaves the old site in place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.errors import BuildError
from generator.index import SiteIndex
from generator.model import ClaimStatus, Event

BUNDLE = "pagefind"
"""Folder of the index inside the site: one bundle per shard (`pagefind/2024/`), each with
Pagefind's UI script and styles."""
SEARCH_SCRIPT = "search.js"
INDEX_TIMEOUT_SECONDS = 1800
INDEXERS_AT_ONCE = 2
"""Pagefind uses more than one core itself, but a small bundle leaves them idle much of
the time: at 10,000 events the seven year bundles took 10.7 s one at a time against
6.7 s for one whole index. Two at a time use both cores, at ~200 MB each."""

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


def bundle_folder(shard: str) -> str:
    return f"{BUNDLE}/{shard}/"


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


def _executable() -> Path:
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise BuildError(
            "the Pagefind search indexer is not installed (pip install -r requirements.txt), "
            "or build with --no-search"
        )
    return found


def _link_pages(site_dir: Path, event_ids: Sequence[str], folder: Path) -> None:
    """`folder` holds the events' pages at their site paths, as hard links (copies where
    the file system has none), so the indexer reads them and nothing else: only event
    pages carry `data-pagefind-body` (reading every hub and list page too was a fifth of
    the indexer's time on a large site)."""
    for out_path in map(urls.event, event_ids):
        source = site_dir.joinpath(*out_path.split("/"))
        target = folder.joinpath(*out_path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def _run_indexer(pages_dir: Path, output: Path) -> None:
    command = [
        str(_executable()),
        "--site",
        str(pages_dir),
        "--output-path",
        str(output),
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


def index_shards(
    site_dir: Path, events: Mapping[str, Sequence[str]], output: Path, work: Path
) -> None:
    """Write the bundle of each shard in `events` (shard -> its event ids, whose pages are
    read from `site_dir`) to `output/<shard>/`, using `work` (an empty folder, left to the
    caller to remove) for the links; BuildError when the indexer fails."""

    def one(shard: str) -> None:
        pages_dir = work / shard
        _link_pages(site_dir, events[shard], pages_dir)
        _run_indexer(pages_dir, output / shard)

    with ThreadPoolExecutor(max_workers=INDEXERS_AT_ONCE) as pool:
        for finished in [pool.submit(one, shard) for shard in sorted(events)]:
            finished.result()
