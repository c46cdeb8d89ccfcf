"""`timelinejs.json`: the timeline in Knight Lab TimelineJS3's JSON format, ready to load.

A month- or year-precision date simply leaves out `day` (and `month`), which TimelineJS
reads as a coarser date, so no precision is invented. Approximate dates get a
slide-level `display_date` ("c. March 2024"); ranges get `end_date`. Slide text is HTML,
so everything from the content is escaped here. `unique_id` is the event id, so a
TimelineJS URL hash (`#event-<id>`) keeps pointing at the same slide.
"""

from __future__ import annotations

import html

from generator.dates import PartialDate, format_range
from generator.exports.facts import event_url
from generator.exports.joined import join, json_list
from generator.index import SiteIndex
from generator.model import Event

Json = dict[str, object]


def tl_date(value: PartialDate, time: str | None = None) -> dict[str, str]:
    """TimelineJS wants strings; missing parts are left out, not zero-filled."""
    date = {"year": str(value.year)}
    if value.month is not None:
        date["month"] = str(value.month)
    if value.day is not None:
        date["day"] = str(value.day)
        if time is not None:
            hour, minute = time.split(":")
            date["hour"], date["minute"] = str(int(hour)), str(int(minute))
    return date


def _text(index: SiteIndex, event: Event) -> str:
    url = html.escape(event_url(index, event.id))
    parts = [f"<p>{html.escape(event.summary)}</p>"]
    if event.claims:
        items = "".join(
            f"<li>{html.escape(index.actors[c.by].name)}: {html.escape(c.text)} "
            f"[{html.escape(c.status.value)}]</li>"
            for c in event.claims
        )
        parts.append(f"<ul>{items}</ul>")
    parts.append(f'<p><a href="{url}">Sources and details</a></p>')
    return "".join(parts)


def slide(index: SiteIndex, event: Event) -> Json:
    data: Json = {
        "start_date": tl_date(event.date, event.time),
        "text": {"headline": html.escape(event.title), "text": _text(index, event)},
        "unique_id": event.id,
    }
    if event.is_multi_day and event.end is not None:
        data["end_date"] = tl_date(event.end)
    if event.circa:
        data["display_date"] = f"c. {format_range(event.date, event.end)}"
    if event.tags:
        data["group"] = event.tags[0]
    return data


def _document(index: SiteIndex) -> dict[str, object]:
    title = {
        "text": {
            "headline": html.escape(index.site.title),
            "text": f"<p>{html.escape(index.site.description)}</p>",
        }
    }
    return {"title": title}


TIMELINEJS_JSON = json_list("timelinejs.json", _document, "events", slide)


def timelinejs_json(index: SiteIndex) -> bytes:
    return join(index, TIMELINEJS_JSON)
