"""Locator and overview maps, drawn at build time as inline SVG.

A reader's browser must never ask a third party for anything, so there are no tiles:
country outlines come from a small committed file (`data/outlines.json`, Natural Earth
1:110m, public domain; `tools/make_outlines.py` regenerates it) and are projected here.

The projection is equirectangular with its standard parallel at the middle of the
frame (x = lon * cos(mid-latitude)): for the few degrees a locator map covers it keeps
shapes honest, and it is simple enough to check by hand in a test.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from markupsafe import Markup

from generator.index import SiteIndex
from generator.model import Place

OUTLINES_PATH = Path(__file__).resolve().parent / "data" / "outlines.json"
WIDTH = 400
HEIGHT = 300
MAX_LATITUDE = 85.0
MARKER_COLOUR = "#c0392b"
MIN_SPAN_BY_KIND = {"country": 12.0, "region": 5.0, "oblast": 5.0}
"""Degrees of latitude a locator map shows at least, so a village gets some context."""
DEFAULT_MIN_SPAN = 3.0

LatLon = tuple[float, float]
Ring = tuple[tuple[float, float], ...]
"""(lon, lat) points of one closed outline."""


@dataclass(frozen=True, slots=True)
class Frame:
    """The part of the globe a map shows, in degrees, and its size in SVG units."""

    west: float
    south: float
    east: float
    north: float
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def shrink(self) -> float:
        """cos(mid-latitude): how much a degree of longitude is shorter than one of latitude."""
        return math.cos(math.radians((self.south + self.north) / 2))

    def intersects(self, west: float, south: float, east: float, north: float) -> bool:
        return (
            west <= self.east and east >= self.west and south <= self.north and north >= self.south
        )


@dataclass(frozen=True, slots=True)
class Outline:
    name: str
    rings: tuple[Ring, ...]


@dataclass(frozen=True, slots=True)
class Marker:
    """One place on a map; `href` makes it a link, `major` draws it large and labelled."""

    name: str
    lat: float
    lon: float
    href: str | None
    major: bool


def project(frame: Frame, lat: float, lon: float) -> tuple[float, float]:
    """SVG (x, y) of a point: west edge at x = 0, north edge at y = 0."""
    x = (lon - frame.west) / (frame.east - frame.west) * frame.width
    y = (frame.north - lat) / (frame.north - frame.south) * frame.height
    return x, y


def frame_around(points: Sequence[LatLon], min_span: float, padding: float = 0.25) -> Frame:
    """The smallest frame of the maps' aspect ratio holding every point with room around it.

    `min_span` is the least latitude span in degrees; `padding` the share of the span
    added on each side.
    """
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    mid_lat = (min(lats) + max(lats)) / 2
    mid_lon = (min(lons) + max(lons)) / 2
    shrink = math.cos(math.radians(mid_lat))
    lat_span = max(max(lats) - min(lats), min_span) * (1 + 2 * padding)
    lon_span = max(max(lons) - min(lons), 0.0) * (1 + 2 * padding)
    aspect = WIDTH / HEIGHT
    lat_span = max(lat_span, lon_span * shrink / aspect)
    lon_span = lat_span * aspect / shrink
    south = max(mid_lat - lat_span / 2, -MAX_LATITUDE)
    north = min(mid_lat + lat_span / 2, MAX_LATITUDE)
    return Frame(mid_lon - lon_span / 2, south, mid_lon + lon_span / 2, north)


@functools.cache
def load_outlines(path: Path = OUTLINES_PATH) -> tuple[Outline, ...]:
    """The committed outlines, read once per process (they never change during a build)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Outline(
            country["name"],
            tuple(
                tuple((flat[n] / 100, flat[n + 1] / 100) for n in range(0, len(flat), 2))
                for flat in country["rings"]
            ),
        )
        for country in data["countries"]
    )


def _ring_path(frame: Frame, ring: Ring) -> str:
    points = [project(frame, lat, lon) for lon, lat in ring]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z"


@functools.cache
def _bounds(ring: Ring) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a ring, worked out once per process, not once per map."""
    lons = [lon for lon, _ in ring]
    lats = [lat for _, lat in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _visible(frame: Frame, ring: Ring) -> bool:
    return frame.intersects(*_bounds(ring))


def outline_paths(frame: Frame, outlines: Iterable[Outline]) -> str:
    """One <path> per country that shows in the frame; the SVG viewport crops the rest."""
    paths = []
    for outline in outlines:
        rings = [_ring_path(frame, ring) for ring in outline.rings if _visible(frame, ring)]
        if rings:
            paths.append(f'<path d="{"".join(rings)}"><title>{escape(outline.name)}</title></path>')
    return "".join(paths)


def _marker_svg(frame: Frame, marker: Marker) -> str:
    x, y = project(frame, marker.lat, marker.lon)
    radius = 6 if marker.major else 3.5
    name = escape(marker.name)
    shape = (
        f'<circle class="map-marker" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" '
        f'fill="{MARKER_COLOUR}" stroke="#fff" stroke-width="1.5"/>'
    )
    if marker.major:
        anchor = "end" if x > frame.width * 0.7 else "start"
        dx = -9 if anchor == "end" else 9
        shape += (
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" '
            f'font-size="14" fill="currentColor">{name}</text>'
        )
    if marker.href is None:
        return shape
    return f'<a href="{escape(marker.href)}" aria-label="{name}">{shape}</a>'


def render_map(
    frame: Frame, markers: Sequence[Marker], title: str, description: str, id_prefix: str
) -> Markup:
    """An accessible SVG: a title and a text description name it; linked markers are links."""
    interactive = any(marker.href is not None for marker in markers)
    role = "group" if interactive else "img"
    ordered = sorted(markers, key=lambda m: (m.major, m.name, m.lat, m.lon))
    return Markup(
        f'<svg class="map" role="{role}" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="{frame.width}" height="{frame.height}" '
        f'aria-labelledby="{id_prefix}-title" aria-describedby="{id_prefix}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>'
        f'<rect width="{frame.width}" height="{frame.height}" fill="none" '
        f'stroke="currentColor" stroke-opacity="0.4"/>'
        f'<g fill="currentColor" fill-opacity="0.12" stroke="currentColor" '
        f'stroke-opacity="0.45" stroke-width="0.8" aria-hidden="true">'
        f"{outline_paths(frame, load_outlines())}</g>"
        f"{''.join(_marker_svg(frame, marker) for marker in ordered)}"
        "</svg>"
    )


def _marker(place: Place, href: str | None, major: bool) -> Marker:
    """Only called for places with coordinates."""
    lat, lon = place.coordinates or (0.0, 0.0)
    return Marker(place.name, lat, lon, href, major)


def descendants(index: SiteIndex, place_id: str) -> list[Place]:
    """Every place within `place_id`, at any depth, sorted by id."""
    found: list[Place] = []
    stack = list(index.place_children.get(place_id, ()))
    while stack and len(found) < len(index.places):
        child = index.places[stack.pop()]
        found.append(child)
        stack.extend(index.place_children.get(child.id, ()))
    return sorted(found, key=lambda p: p.id)


def _where(place: Place, ancestors: Sequence[Place]) -> str:
    chain = [place.name, *(a.name for a in reversed(ancestors))]
    return ", ".join(chain)


def locator_map(
    place: Place,
    ancestors: Sequence[Place],
    index: SiteIndex,
    link: Callable[[Place], str] | None = None,
) -> Markup:
    """Where a place is: it marked large, the places within it small, countries around.

    Empty when neither the place nor anything within it has coordinates. `link` gives
    the URL of a place page, making the smaller markers links.
    """
    inner = [p for p in descendants(index, place.id) if p.coordinates is not None]
    markers = [_marker(p, link(p) if link else None, False) for p in inner]
    if place.coordinates is not None:
        markers.append(_marker(place, None, True))
    if not markers:
        return Markup("")
    span = MIN_SPAN_BY_KIND.get(place.kind, DEFAULT_MIN_SPAN)
    frame = frame_around([(m.lat, m.lon) for m in markers], span)
    where = _where(place, ancestors)
    described = f"Map of the area around {where}."
    if inner:
        described += f" Also marked: {', '.join(p.name for p in inner)}."
    return render_map(frame, markers, f"Locator map: {place.name}", described, "locator-map")


def overview_map(index: SiteIndex, link: Callable[[Place], str]) -> Markup:
    """Every place with coordinates, each marker a link to its page."""
    placed = [p for p in index.places.values() if p.coordinates is not None]
    if not placed:
        return Markup("")
    markers = [_marker(p, link(p), False) for p in placed]
    frame = frame_around([(m.lat, m.lon) for m in markers], 10.0, padding=0.1)
    names = ", ".join(sorted(p.name for p in placed))
    return render_map(
        frame, markers, "Map of every place", f"Places on this map: {names}.", "overview-map"
    )
