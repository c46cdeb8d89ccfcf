"""Atom feeds (RFC 4287): the whole site, and one beside every actor, place and tag page.

A feed lists the newest events first. Each entry's `id` is the event's canonical URL,
which never changes, so feed readers do not show an event twice when its text is
corrected; `updated` is the newest date in the event's own record (its end, claims or
corrections), never the time of the build.

An event appears in many feeds (the site's, and those of each of its actors, places and
tags), so each entry is serialised once and the bytes are reused in every feed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable

from generator import urls
from generator.exports.facts import absolute, event_url, newest_day, rfc3339
from generator.index import SiteIndex
from generator.model import Event

ATOM = "http://www.w3.org/2005/Atom"
FEED_LENGTH = 50

EntryBytes = Callable[[Event], bytes]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _serialise(element: ET.Element, level: int = 0) -> bytes:
    """As `ET.tostring(element, encoding="utf-8")`, byte for byte, but quicker: serialised
    to bytes, each of the dozens of small writes of an entry goes through a text encoder.
    A character UTF-8 cannot hold (a lone surrogate) becomes a character reference
    either way."""
    ET.indent(element, level=level)
    return ET.tostring(element, encoding="unicode").encode("utf-8", "xmlcharrefreplace")


def entry_xml(index: SiteIndex, event: Event) -> bytes:
    """One `<entry>`, indented to sit inside `<feed>`."""
    entry = ET.Element("entry")
    url = event_url(index, event.id)
    _sub(entry, "id", url)
    _sub(entry, "title", event.title)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    _sub(entry, "published", rfc3339(event.date.first_day))
    _sub(entry, "updated", rfc3339(newest_day([event])))
    _sub(entry, "summary", event.summary)
    for tag in event.tags:
        _sub(entry, "category", term=tag, scheme=absolute(index, urls.tags_index()))
    return b"  " + _serialise(entry, level=1) + b"\n"


def _head(index: SiteIndex, title: str, hub_out_path: str, events: list[Event]) -> ET.Element:
    self_url = absolute(index, urls.feed(None if hub_out_path == urls.home() else hub_out_path))
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": index.site.language})
    _sub(feed, "id", self_url)
    _sub(feed, "title", title)
    _sub(feed, "subtitle", index.site.description)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(index, hub_out_path))
    _sub(feed, "updated", rfc3339(newest_day(events)))
    author = _sub(feed, "author")
    _sub(author, "name", index.site.title)
    _sub(author, "uri", index.site.base_url)
    return feed


def feed_xml(
    index: SiteIndex, title: str, hub_out_path: str, event_ids: Iterable[str], entry: EntryBytes
) -> bytes:
    """One feed of the newest events among `event_ids`, linking to the hub page."""
    chosen = [index.event_by_id[event_id] for event_id in event_ids]
    newest = sorted(chosen, key=lambda e: index.position[e.id], reverse=True)[:FEED_LENGTH]
    head = _serialise(_head(index, title, hub_out_path, chosen))
    opening, closing = head[: -len(b"</feed>")], b"</feed>\n"
    body = b"".join(entry(event) for event in newest)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + opening + body + closing


Hub = tuple[str, str, tuple[str, ...]]
"""(hub page out_path, name, event ids) of a page that has a feed beside it."""


def feed_hubs(index: SiteIndex) -> list[Hub]:
    """The timeline, then every actor, place and tag: each page with a feed."""
    hubs: list[Hub] = [(urls.home(), "", tuple(e.id for e in index.events))]
    for actor_id, actor in index.actors.items():
        hubs.append((urls.actor(actor_id), actor.name, index.events_by_actor.get(actor_id, ())))
    for place_id, place in index.places.items():
        hubs.append((urls.place(place_id), place.name, index.events_by_place.get(place_id, ())))
    for tag, tagged in index.events_by_tag.items():
        hubs.append((urls.tag(tag), tag, tagged))
    return hubs


def entry_memo(index: SiteIndex) -> EntryBytes:
    """Serialise each event's entry once, however many feeds it appears in."""
    cache: dict[str, bytes] = {}

    def entry(event: Event) -> bytes:
        if event.id not in cache:
            cache[event.id] = entry_xml(index, event)
        return cache[event.id]

    return entry


def hub_feed(index: SiteIndex, hub: Hub, entry: EntryBytes) -> bytes:
    out_path, name, event_ids = hub
    title = index.site.title if out_path == urls.home() else f"{index.site.title}: {name}"
    return feed_xml(index, title, out_path, event_ids, entry)


def feed_out_path(hub: Hub) -> str:
    return urls.feed(None if hub[0] == urls.home() else hub[0])
