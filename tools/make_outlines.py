"""Regenerate `generator/data/outlines.json` from world-atlas's `countries-110m.json`.

The locator maps draw country outlines at build time, and `make site` must work where
`node_modules/` was never installed, so a compact copy of the outlines is committed.
This script is how that copy is made; run it after `npm ci` when world-atlas changes:

    python tools/make_outlines.py [node_modules/world-atlas/countries-110m.json]

The outlines are Natural Earth's 1:110m admin-0 countries (public domain), as packaged
by Mike Bostock's world-atlas (ISC licence). Coordinates are stored as whole hundredths
of a degree, each ring a flat list `[lon, lat, lon, lat, ...]`, consecutive duplicates
dropped, longitudes unwrapped across the antimeridian (so they may pass 180); the output is sorted by country name so it is the same on every run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT / "node_modules" / "world-atlas" / "countries-110m.json"
TARGET = REPO_ROOT / "generator" / "data" / "outlines.json"
NOTICE = (
    "Country outlines: Natural Earth 1:110m admin-0 countries (public domain, "
    "https://www.naturalearthdata.com/), via world-atlas 2.0.2 (ISC licence, Mike Bostock). "
    "Coordinates in hundredths of a degree, rings as flat [lon, lat, ...] lists. "
    "Regenerate with tools/make_outlines.py."
)

Point = tuple[int, int]


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON's delta encoding and quantisation: each arc as (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def unwrap(points: list[Point]) -> list[Point]:
    """Keep a ring that crosses the antimeridian continuous (Russia's Chukotka runs on
    past 180° instead of jumping to -180°), so no line is drawn across the whole map."""
    if not points:
        return points
    unwrapped = [points[0]]
    for lon, lat in points[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 18000:
            lon -= 36000
        while previous - lon > 18000:
            lon += 36000
        unwrapped.append((lon, lat))
    return unwrapped


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[Point]:
    """Join a ring's arcs (`~i` is arc i reversed), rounded to hundredths of a degree."""
    points: list[Point] = []
    for number in ring:
        arc = arcs[number] if number >= 0 else list(reversed(arcs[~number]))
        for lon, lat in arc[1:] if points else arc:
            point = (round(lon * 100), round(lat * 100))
            if not points or points[-1] != point:
                points.append(point)
    return unwrap(points)


def polygons_of(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def outlines(topology: dict[str, Any]) -> list[dict[str, Any]]:
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = []
        for polygon in polygons_of(geometry):
            for ring in polygon:
                points = ring_points(ring, arcs)
                if len(points) >= 4:
                    rings.append([value for point in points for value in point])
        if rings:
            countries.append({"name": geometry["properties"]["name"], "rings": rings})
    return sorted(countries, key=lambda country: (country["name"], country["rings"]))


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    topology = json.loads(source.read_text(encoding="utf-8"))
    data = {"notice": NOTICE, "countries": outlines(topology)}
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(REPO_ROOT)} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
