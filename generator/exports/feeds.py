"""Atom feeds (RFC 4287): the whole site, and one beside every actor, place and tag page.

A feed lists the newest events first. Each entry's `id` is the event's canonical URL,
which never changes, so feed readers do not show an event twice when its text is
corrected; `updated` is the newest date in the event's own record (its end, claims or
corrections), never the time of the build.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from generator import urls
from generator.exports.facts import absolute, event_url, newest_day, rfc3339
from generator.index import SiteIndex
from generator.model import Event

ATOM = "http://www.w3.org/2005/Atom"
FEED_LENGTH = 50


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _entry(feed: ET.Element, index: SiteIndex, event: Event) -> None:
    entry = _sub(feed, "entry")
    url = event_url(index, event.id)
    _sub(entry, "id", url)
    _sub(entry, "title", event.title)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    _sub(entry, "published", rfc3339(event.date.first_day))
    _sub(entry, "updated", rfc3339(newest_day([event])))
    _sub(entry, "summary", event.summary)
    for tag in event.tags:
        _sub(entry, "category", term=tag, scheme=absolute(index, urls.tags_index()))


def feed_xml(index: SiteIndex, title: str, hub_out_path: str, event_ids: Iterable[str]) -> bytes:
    """One feed of the newest events among `event_ids`, linking to the hub page."""
    chosen = [index.event_by_id[event_id] for event_id in event_ids]
    newest = sorted(chosen, key=lambda e: index.position[e.id], reverse=True)[:FEED_LENGTH]
    self_url = absolute(index, urls.feed(None if hub_out_path == urls.home() else hub_out_path))
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": index.site.language})
    _sub(feed, "id", self_url)
    _sub(feed, "title", title)
    _sub(feed, "subtitle", index.site.description)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(index, hub_out_path))
    _sub(feed, "updated", rfc3339(newest_day(chosen)))
    author = _sub(feed, "author")
    _sub(author, "name", index.site.title)
    _sub(author, "uri", index.site.base_url)
    for event in newest:
        _entry(feed, index, event)
    ET.indent(feed)
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def render_feeds(index: SiteIndex) -> dict[str, bytes]:
    """`feed.xml` and a `feed.xml` beside each actor, place and tag page."""
    site = index.site.title
    files = {urls.feed(): feed_xml(index, site, urls.home(), (e.id for e in index.events))}
    for actor_id, actor in index.actors.items():
        hub = urls.actor(actor_id)
        ids = index.events_by_actor.get(actor_id, ())
        files[urls.feed(hub)] = feed_xml(index, f"{site}: {actor.name}", hub, ids)
    for place_id, place in index.places.items():
        hub = urls.place(place_id)
        ids = index.events_by_place.get(place_id, ())
        files[urls.feed(hub)] = feed_xml(index, f"{site}: {place.name}", hub, ids)
    for tag, ids in index.events_by_tag.items():
        hub = urls.tag(tag)
        files[urls.feed(hub)] = feed_xml(index, f"{site}: {tag}", hub, ids)
    return files
