"""schema.org JSON-LD for an event page: the event, its places, actors, sources and claims.

Search engines and fact-check aggregators read `Event` and `Claim` from the page itself,
so this is the machine-readable twin of what the event page shows. Dates keep the
precision the editor wrote (`2024-03` stays a month: ISO 8601 reduced precision is valid
for schema.org `Date`), because exporting the 1st of the month would invent a fact.
The result is plain JSON data with a fixed key and list order, so pages stay
byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from generator import urls
from generator.index import SiteIndex
from generator.model import Actor, Claim, Event, Place, Source

JsonObject = dict[str, object]

CONTEXT = "https://schema.org"
PERSON_KINDS = frozenset({"person", "individual"})


def event_url(index: SiteIndex, event_id: str) -> str:
    return urls.absolute(index.site.base_url, urls.event(event_id))


def _node_id(index: SiteIndex, out_path: str) -> str:
    return urls.absolute(index.site.base_url, out_path)


def actor_node(index: SiteIndex, actor: Actor) -> JsonObject:
    """A `Person` for people, an `Organization` for every other kind of actor."""
    node: JsonObject = {
        "@type": "Person" if actor.kind in PERSON_KINDS else "Organization",
        "@id": _node_id(index, urls.actor(actor.id)),
        "name": actor.name,
        "url": _node_id(index, urls.actor(actor.id)),
    }
    if actor.aliases:
        node["alternateName"] = list(actor.aliases)
    if actor.links:
        node["sameAs"] = list(actor.links)
    return node


def _place_core(index: SiteIndex, place: Place) -> JsonObject:
    node: JsonObject = {
        "@type": "Place",
        "@id": _node_id(index, urls.place(place.id)),
        "name": place.name,
        "url": _node_id(index, urls.place(place.id)),
    }
    if place.coordinates is not None:
        latitude, longitude = place.coordinates
        node["geo"] = {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}
    return node


def place_node(index: SiteIndex, place: Place) -> JsonObject:
    """The place with its `containedInPlace` chain, innermost parent first."""
    node = _place_core(index, place)
    parent: JsonObject = node
    for ancestor in reversed(index.place_ancestors(place.id)):
        outer = _place_core(index, ancestor)
        parent["containedInPlace"] = outer
        parent = outer
    return node


def source_node(source: Source) -> JsonObject:
    """A `CreativeWork` with its publisher as an `Organization`."""
    node: JsonObject = {
        "@type": "CreativeWork",
        "url": source.url,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    if source.title is not None:
        node["name"] = source.title
    if source.published is not None:
        node["datePublished"] = source.published.iso()
    if source.archived is not None:
        node["archivedAt"] = source.archived
    return node


def claim_node(index: SiteIndex, event: Event, claim: Claim) -> JsonObject:
    """A `Claim` by an actor, appearing in its cited source when the editor named one."""
    node: JsonObject = {
        "@type": "Claim",
        "@id": f"{event_url(index, event.id)}#{urls.claim_anchor(claim.id)}",
        "text": claim.text,
        "author": actor_node(index, index.actors[claim.by]),
        "about": {"@id": event_url(index, event.id)},
    }
    if claim.date is not None:
        node["datePublished"] = claim.date.iso()
    if claim.source is not None:
        cited = [s for s in event.sources if s.url == claim.source]
        node["appearance"] = (
            source_node(cited[0])
            if cited
            else {
                "@type": "CreativeWork",
                "url": claim.source,
            }
        )
    return node


def start_date(event: Event, site_timezone: str) -> str:
    """The day, or the local date-time with its UTC offset when the editor gave a time."""
    if event.time is None or event.date.day is None:
        return event.date.iso()
    local = dt.datetime.combine(
        event.date.first_day,
        dt.time.fromisoformat(event.time),
        tzinfo=ZoneInfo(event.timezone or site_timezone),
    )
    return local.isoformat()


def event_json_ld(index: SiteIndex, event: Event) -> JsonObject:
    """The whole `@graph` for one event page: the `Event` first, then each `Claim`."""
    url = event_url(index, event.id)
    node: JsonObject = {
        "@type": "Event",
        "@id": url,
        "name": event.title,
        "description": event.summary,
        "startDate": start_date(event, index.site.timezone),
        "url": url,
    }
    if event.end is not None and event.end != event.date:
        node["endDate"] = event.end.iso()
    if event.places:
        node["location"] = [place_node(index, index.places[p]) for p in event.places]
    if event.actors:
        node["about"] = [actor_node(index, index.actors[a]) for a in event.actors]
    if event.sources:
        node["subjectOf"] = [source_node(source) for source in event.sources]
    if event.tags:
        node["keywords"] = ", ".join(event.tags)
    claims = [claim_node(index, event, claim) for claim in event.claims]
    return {"@context": CONTEXT, "@graph": [node, *claims]}
