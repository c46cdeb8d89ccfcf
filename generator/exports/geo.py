"""`events.geojson`: the events as points on a map (RFC 7946 FeatureCollection).

An event is drawn at the first of its places that has coordinates; when none has, at the
nearest ancestor of its first such place that has (a village without coordinates is
drawn at its oblast), and `located_exactly` is false so a map can show it differently.
Events with no place or no coordinates anywhere up the chain are left out, because a
Feature without geometry shows on no map. Coordinates are [longitude, latitude] as
RFC 7946 requires (our content writes [latitude, longitude]).
"""

from __future__ import annotations

from generator.exports.facts import event_url, locate
from generator.exports.joined import join, json_list
from generator.index import SiteIndex
from generator.model import Event

Json = dict[str, object]


def feature(index: SiteIndex, event: Event) -> Json | None:
    located = locate(index, event)
    if located is None:
        return None
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": {"type": "Point", "coordinates": [located.longitude, located.latitude]},
        "properties": {
            "title": event.title,
            "date": event.date.iso(),
            "date_precision": event.date.precision.value,
            "end": event.end.iso() if event.end is not None else None,
            "end_precision": event.end.precision.value if event.end is not None else None,
            "summary": event.summary,
            "url": event_url(index, event.id),
            "place": located.named.id,
            "place_name": located.named.name,
            "coordinates_of": located.place.id,
            "located_exactly": located.exact,
        },
    }


EVENTS_GEOJSON = json_list(
    "events.geojson", lambda index: {"type": "FeatureCollection"}, "features", feature
)


def events_geojson(index: SiteIndex) -> bytes:
    return join(index, EVENTS_GEOJSON)
