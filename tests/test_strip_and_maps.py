"""The timeline strip and the maps: inline SVG drawn at build time, readable without sight."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator import maps, strip
from generator.pipeline import load_site
from tests.contentkit import write_site

SVG = "{http://www.w3.org/2000/svg}"

COUNTS = [
    (2024, 1, 3, "../2024/01/index.html"),
    (2024, 3, 12, "../2024/03/index.html"),
    (2024, 4, 1, "../2024/04/index.html"),
]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def the_svg(markup: str) -> ET.Element:
    root = parse(markup)
    found = root if root.tag == f"{SVG}svg" else root.find(f".//{SVG}svg")
    assert found is not None
    return found


# ---------------------------------------------------------------- strip


def test_strip_is_named_by_its_title_and_described_in_words() -> None:
    svg = the_svg(strip.render_strip(COUNTS, "Events per month"))
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Events per month"
    assert desc is not None and "16 events from January 2024 to April 2024" in (desc.text or "")
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")


def test_strip_has_one_link_per_month_with_events_named_with_its_count() -> None:
    svg = the_svg(strip.render_strip(COUNTS, "Events per month"))
    links = svg.findall(f".//{SVG}a")
    assert [(a.get("href"), a.get("aria-label")) for a in links] == [
        ("../2024/01/index.html", "January 2024: 3 events"),
        ("../2024/03/index.html", "March 2024: 12 events"),
        ("../2024/04/index.html", "April 2024: 1 event"),
    ]


def test_strip_draws_a_quiet_month_as_a_gap_without_a_link() -> None:
    bars = strip.fill_gaps(COUNTS)
    assert [(bar.month, bar.count, bar.href) for bar in bars][1] == (2, 0, None)
    assert len(bars) == 4


def test_strip_bar_heights_are_proportional_to_counts() -> None:
    svg = the_svg(strip.render_strip(COUNTS, "Events per month"))
    heights = [float(r.get("height", "0")) for r in svg.iter(f"{SVG}rect") if r.get("class")]
    assert heights == [pytest.approx(20.0), pytest.approx(80.0), pytest.approx(80 / 12, abs=0.1)]


def test_strip_comes_with_a_table_of_the_same_counts() -> None:
    figure = parse(strip.render_strip(COUNTS, "Events per month"))
    rows = [
        ("".join(row.find("th").itertext()), row.find("td").text)  # type: ignore[union-attr]
        for row in figure.iter("tr")
        if row.find("td") is not None
    ]
    assert rows == [("January 2024", "3"), ("March 2024", "12"), ("April 2024", "1")]


def test_strip_is_empty_without_dated_months() -> None:
    assert strip.render_strip([], "Events per month") == ""


def test_strip_escapes_its_title() -> None:
    markup = strip.render_strip(COUNTS, "<script>alert(1)</script>")
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup


def test_strip_is_the_same_every_time() -> None:
    assert strip.render_strip(COUNTS, "A") == strip.render_strip(list(COUNTS), "A")


# ---------------------------------------------------------------- maps


PLACES: dict[str, str | bytes] = {
    "places/tetkino.yaml": "name: Tyotkino\nkind: village\nwithin: kursk-oblast\n"
    "coordinates: [51.28, 34.30]\naliases: [Tetkino]\n",
    "places/odd.yaml": 'name: "<script>alert(1)</script>"\nkind: city\nwithin: kursk-oblast\n'
    "coordinates: [51.0, 36.0]\n",
    "places/nowhere.yaml": "name: Nowhere\nkind: region\n",
}


@pytest.fixture(scope="module")
def site_index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    content = write_site(tmp_path_factory.mktemp("content"), PLACES)
    index, problems = load_site(content)
    assert index is not None, problems
    return index


def marker_positions(markup: str) -> list[tuple[float, float, float]]:
    return [
        (float(c.get("cx", "nan")), float(c.get("cy", "nan")), float(c.get("r", "nan")))
        for c in the_svg(markup).iter(f"{SVG}circle")
    ]


def test_projection_puts_the_frame_corners_at_the_svg_corners() -> None:
    frame = maps.Frame(west=30.0, south=50.0, east=40.0, north=56.0)
    assert maps.project(frame, 56.0, 30.0) == (0.0, 0.0)
    assert maps.project(frame, 50.0, 40.0) == (400.0, 300.0)
    assert maps.project(frame, 53.0, 35.0) == (200.0, 150.0)


def test_frame_keeps_the_maps_aspect_ratio_in_true_distances() -> None:
    frame = maps.frame_around([(51.28, 34.30)], min_span=3.0)
    ground_width = (frame.east - frame.west) * frame.shrink
    ground_height = frame.north - frame.south
    assert ground_width / ground_height == pytest.approx(400 / 300, rel=1e-3)
    assert frame.west < 34.30 < frame.east and frame.south < 51.28 < frame.north


def test_locator_map_marks_the_place_large_at_its_projected_position(site_index) -> None:  # type: ignore[no-untyped-def]
    place = site_index.places["tetkino"]
    markup = maps.locator_map(place, site_index.place_ancestors("tetkino"), site_index)
    frame = maps.frame_around([(51.28, 34.30)], maps.DEFAULT_MIN_SPAN)
    x, y = maps.project(frame, 51.28, 34.30)
    assert marker_positions(markup) == [(round(x, 1), round(y, 1), 6.0)]
    assert x == pytest.approx(200)
    assert y == pytest.approx(150)


def test_locator_map_marks_the_places_within_smaller_and_links_them(site_index) -> None:  # type: ignore[no-untyped-def]
    place = site_index.places["kursk-oblast"]
    markup = maps.locator_map(
        place, site_index.place_ancestors("kursk-oblast"), site_index, link=lambda p: f"../{p.id}/"
    )
    radii = sorted(r for _, _, r in marker_positions(markup))
    assert radii == [3.5, 3.5, 6.0]
    hrefs = sorted(a.get("href") or "" for a in the_svg(markup).iter(f"{SVG}a"))
    assert hrefs == ["../odd/", "../tetkino/"]


def test_locator_map_draws_country_outlines_around_the_place(site_index) -> None:  # type: ignore[no-untyped-def]
    markup = maps.locator_map(site_index.places["tetkino"], (), site_index)
    countries = {t.text for p in the_svg(markup).iter(f"{SVG}path") for t in p.iter(f"{SVG}title")}
    assert {"Russia", "Ukraine"} <= countries
    assert "Brazil" not in countries


def test_locator_map_says_in_words_where_the_place_is(site_index) -> None:  # type: ignore[no-untyped-def]
    markup = maps.locator_map(
        site_index.places["tetkino"], site_index.place_ancestors("tetkino"), site_index
    )
    svg = the_svg(markup)
    assert svg.get("role") == "img"
    assert svg.findtext(f"{SVG}title") == "Locator map: Tyotkino"
    assert svg.findtext(f"{SVG}desc") == "Map of the area around Tyotkino, Kursk Oblast, Russia."


def test_a_place_named_like_markup_stays_text(site_index) -> None:  # type: ignore[no-untyped-def]
    markup = maps.locator_map(site_index.places["odd"], (), site_index)
    assert "<script>" not in markup
    assert the_svg(markup).findtext(f"{SVG}title") == "Locator map: <script>alert(1)</script>"


def test_a_place_without_any_coordinates_has_no_map(site_index) -> None:  # type: ignore[no-untyped-def]
    assert maps.locator_map(site_index.places["nowhere"], (), site_index) == ""


def test_overview_map_links_every_place_with_coordinates(site_index) -> None:  # type: ignore[no-untyped-def]
    markup = maps.overview_map(site_index, link=lambda p: f"{p.id}/index.html")
    labels = sorted(a.get("aria-label") or "" for a in the_svg(markup).iter(f"{SVG}a"))
    assert labels == ["<script>alert(1)</script>", "Kursk Oblast", "Russia", "Tyotkino"]


def test_maps_are_the_same_every_time(site_index) -> None:  # type: ignore[no-untyped-def]
    place = site_index.places["kursk-oblast"]
    assert maps.locator_map(place, (), site_index) == maps.locator_map(place, (), site_index)


def test_committed_outlines_match_the_script_that_makes_them() -> None:
    """The shipped outlines must be what tools/make_outlines.py makes from world-atlas."""
    source = Path(__file__).resolve().parent.parent / "node_modules/world-atlas/countries-110m.json"
    if not source.exists():
        pytest.skip("node_modules/world-atlas is not installed (run `make node`)")
    import json

    from tools.make_outlines import outlines

    shipped = json.loads(maps.OUTLINES_PATH.read_text(encoding="utf-8"))
    assert shipped["countries"] == outlines(json.loads(source.read_text(encoding="utf-8")))
    assert maps.OUTLINES_PATH.stat().st_size < 1_000_000


def test_outline_coordinates_are_plausible_degrees() -> None:
    for outline in maps.load_outlines():
        for ring in outline.rings:
            assert all(-200 <= lon <= 200 and -90 <= lat <= 90 for lon, lat in ring)
            steps = [abs(b[0] - a[0]) for a, b in itertools.pairwise(ring)]
            assert max(steps, default=0) < 180, f"{outline.name} jumps across the map"
            assert not any(math.isnan(lon) for lon, _ in ring)
    assert re.search("Natural Earth", maps.OUTLINES_PATH.read_text(encoding="utf-8"))
