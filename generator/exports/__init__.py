"""Every machine-readable file of the site: feeds, data downloads and host files.

`render_exports(index)` returns out_path -> bytes like the page renderer, so the build
merges and publishes both the same way. Each export is a pure function of the index:
no clock, no environment, sorted everywhere, so the same content gives the same bytes.
"""

from __future__ import annotations

from generator.exports.data import render_data
from generator.exports.feeds import render_feeds
from generator.exports.geo import events_geojson
from generator.exports.ical import events_ics
from generator.exports.sitefiles import render_site_files
from generator.exports.table import events_csv
from generator.exports.timeline import timelinejs_json
from generator.index import SiteIndex


def render_exports(index: SiteIndex) -> dict[str, bytes]:
    files = {
        **render_feeds(index),
        **render_data(index),
        "events.csv": events_csv(index),
        "events.ics": events_ics(index),
        "events.geojson": events_geojson(index),
        "timelinejs.json": timelinejs_json(index),
        **render_site_files(index),
    }
    return dict(sorted(files.items()))
