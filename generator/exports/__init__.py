"""Every machine-readable file of the site: feeds, data downloads and host files.

`render_exports(index)` returns out_path -> bytes like the page renderer, so the build
merges and publishes both the same way. Each export is a pure function of the index:
no clock, no environment, sorted everywhere, so the same content gives the same bytes.

`export_units` splits the same work into units with a key each (see `pagekeys`), so an
incremental build makes again only the feeds of the hubs an edit touched; the
whole-site files (JSON, CSV, iCalendar, GeoJSON, TimelineJS, sitemap) depend on every
event and are made again after any edit to the content.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from generator import pagekeys
from generator.exports.data import SCHEMA_FILE, SCHEMA_OUT_PATH, events_json
from generator.exports.feeds import EntryBytes, entry_memo, feed_hubs, feed_out_path, hub_feed
from generator.exports.geo import events_geojson
from generator.exports.ical import events_ics
from generator.exports.sitefiles import not_found_html, robots_txt, sitemap_xml
from generator.exports.table import events_csv
from generator.exports.timeline import timelinejs_json
from generator.index import SiteIndex

WHOLE_SITE: dict[str, Callable[[SiteIndex], bytes]] = {
    "events.json": events_json,
    "events.csv": events_csv,
    "events.ics": events_ics,
    "events.geojson": events_geojson,
    "timelinejs.json": timelinejs_json,
    "sitemap.xml": sitemap_xml,
    "robots.txt": robots_txt,
    "404.html": not_found_html,
}


@dataclass(frozen=True, slots=True)
class Export:
    """One export file, made only when `make` is called; `key` as for page units."""

    name: str
    out_path: str
    make: Callable[[], bytes]
    key: Callable[[pagekeys.Fingerprints], pagekeys.Key]

    @property
    def out_paths(self) -> tuple[str, ...]:
        return (self.out_path,)


def _schema() -> bytes:
    return SCHEMA_FILE.read_bytes()


def export_units(index: SiteIndex) -> list[Export]:
    entry: EntryBytes = entry_memo(index)
    units = [
        Export(
            f"export:{out_path}",
            out_path,
            functools.partial(make, index),
            functools.partial(pagekeys.whole_site, index),
        )
        for out_path, make in WHOLE_SITE.items()
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
