"""Every machine-readable file of the site: feeds, data downloads and host files.

`render_exports(index)` returns out_path -> bytes like the page renderer, so the build
merges and publishes both the same way. Each export is a pure function of the index:
no clock, no environment, sorted everywhere, so the same content gives the same bytes.

`export_units` splits the same work into units with a key each (see `pagekeys`), so an
incremental build makes again only the feeds of the hubs an edit touched. The
whole-site files (JSON, CSV, iCalendar, GeoJSON, TimelineJS) depend on every event and
are made again after any edit, but spliced from the published file (`joined`), so only
the edited events are serialised again; the sitemap only when the set of pages changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from generator import pagekeys
from generator.exports.data import EVENTS_JSON, SCHEMA_FILE, SCHEMA_OUT_PATH
from generator.exports.feeds import EntryBytes, entry_memo, feed_hubs, feed_out_path, hub_feed
from generator.exports.geo import EVENTS_GEOJSON
from generator.exports.ical import EVENTS_ICS
from generator.exports.joined import Plan, Splice, join
from generator.exports.sitefiles import not_found_html, page_out_paths, robots_txt, sitemap_xml
from generator.exports.table import EVENTS_CSV
from generator.exports.timeline import TIMELINEJS_JSON
from generator.incremental import Layout
from generator.index import SiteIndex

JOINED = (EVENTS_JSON, EVENTS_CSV, EVENTS_ICS, EVENTS_GEOJSON, TIMELINEJS_JSON)
"""Whole-site files made of one fragment per event (see `joined`)."""


def _sitemap_key(index: SiteIndex, prints: pagekeys.Fingerprints) -> pagekeys.Key:
    """The sitemap lists page addresses only: an edit that adds, moves or removes no
    page (a title, a body, a claim) leaves it as it was."""
    return pagekeys.combine("sitemap", prints.site, "\n".join(page_out_paths(index)))


def _site_only_key(index: SiteIndex, prints: pagekeys.Fingerprints) -> pagekeys.Key:
    return pagekeys.combine("site-only", prints.site)


HostFile = tuple[
    Callable[[SiteIndex], bytes], Callable[[SiteIndex, pagekeys.Fingerprints], pagekeys.Key]
]
HOST_FILES: dict[str, HostFile] = {
    "sitemap.xml": (sitemap_xml, _sitemap_key),
    "robots.txt": (robots_txt, _site_only_key),
    "404.html": (not_found_html, _site_only_key),
}


@dataclass(frozen=True, slots=True)
class Export:
    """One export file, made only when `make` is called; `key` as for page units."""

    name: str
    out_path: str
    make: Callable[[], bytes]
    key: Callable[[pagekeys.Fingerprints], pagekeys.Key]
    splice: Callable[[Plan, Layout | None], Splice] | None = None
    """The same bytes as `make`, as parts copied from the published file where its
    layout is given (the large whole-site files; see `joined`)."""

    @property
    def out_paths(self) -> tuple[str, ...]:
        return (self.out_path,)


def _schema() -> bytes:
    return SCHEMA_FILE.read_bytes()


def _computed_once(
    key: Callable[[pagekeys.Fingerprints], pagekeys.Key],
) -> Callable[[pagekeys.Fingerprints], pagekeys.Key]:
    """One key shared by several units, hashed once per build's fingerprints (the eight
    whole-site files share the hash of every event, actor and place)."""
    made: list[tuple[pagekeys.Fingerprints, pagekeys.Key]] = []

    def shared(prints: pagekeys.Fingerprints) -> pagekeys.Key:
        if not made or made[0][0] is not prints:
            made[:] = [(prints, key(prints))]
        return made[0][1]

    return shared


def export_units(index: SiteIndex) -> list[Export]:
    """Every export file as a unit."""
    entry: EntryBytes = entry_memo(index)
    whole_site = _computed_once(functools.partial(pagekeys.whole_site, index))
    units = [
        Export(
            f"export:{joined.out_path}",
            joined.out_path,
            functools.partial(join, index, joined),
            whole_site,
            functools.partial(Splice, index, joined),
        )
        for joined in JOINED
    ]
    units += [
        Export(
            f"export:{out_path}",
            out_path,
            functools.partial(make, index),
            functools.partial(key, index),
        )
        for out_path, (make, key) in HOST_FILES.items()
    ]
    units.append(Export(f"export:{SCHEMA_OUT_PATH}", SCHEMA_OUT_PATH, _schema, pagekeys.unchanging))
    for hub in feed_hubs(index):
        units.append(
            Export(
                f"export:{feed_out_path(hub)}",
                feed_out_path(hub),
                functools.partial(hub_feed, index, hub, entry),
                functools.partial(pagekeys.feed, hub=hub),
            )
        )
    return units


def render_exports(index: SiteIndex) -> dict[str, bytes]:
    files = {unit.out_path: unit.make() for unit in export_units(index)}
    return dict(sorted(files.items()))
