"""The machine-readable exports, each read back by the library its consumers use."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import jsonschema
import pytest
from geojson_pydantic import FeatureCollection
from pyld import jsonld

from generator import urls
from generator.build import build_site
from generator.exports import render_exports
from generator.exports.ical import fold
from generator.index import SiteIndex
from generator.pipeline import load_site
from generator.problems import has_errors
from generator.structured import event_json_ld
from tests.browser import format_vnu_messages, run_vnu
from tests.contentkit import write_site

PLACE_TYOTKINO = """\
name: Tyotkino
kind: village
within: kursk-oblast
"""

ACTOR_LEGION = """\
name: Freedom of Russia Legion
kind: armed-group
"""

EVENT_MONTH = """\
title: Shelling of border villages, Kursk region
date: 2024-03
circa: true
summary: Villages near the border were shelled; the regional governor reported damage.
places: [tyotkino]
actors: [freedom-legion, russian-mod]
tags: [shelling]
related:
  - event: incursion
    kind: follows
claims:
  - by: freedom-legion
    text: The Legion said it did not target homes; figures vary; "quotes" too.
    status: disputed
    figures:
      wounded: [3, 5]
sources:
  - url: https://example.org/news/2
    publisher: Example Wire
"""

EVENT_RANGE = """\
title: Fighting around Tyotkino over several days — Тёткино
date: 2024-03-14
end: 2024-03-17
summary: Fighting went on for four days, both sides said.
places: [tyotkino]
actors: [freedom-legion]
tags: [incursion, fighting]
sources:
  - url: https://example.org/news/3
    publisher: Example Wire
"""

EVENT_TIMED = """\
title: Drone strike on a Belgorod building
date: 2024-03-20
time: "09:30"
timezone: Europe/Moscow
summary: A drone hit an administration building in the morning, officials said.
places: [kursk-oblast]
sources:
  - url: https://example.org/news/4
    publisher: Example Wire
"""

EVENT_YEAR = """\
title: Border fortifications built
date: 2023
summary: Fortifications were built along the border during the year.
sources:
  - url: https://example.org/news/5
    publisher: Example Wire
"""

FILES = {
    "places/tyotkino.yaml": PLACE_TYOTKINO,
    "actors/freedom-legion.yaml": ACTOR_LEGION,
    "events/2024/shelling.yaml": EVENT_MONTH,
    "events/2024/fighting.yaml": EVENT_RANGE,
    "events/2024/drone.yaml": EVENT_TIMED,
    "events/2023/fortifications.yaml": EVENT_YEAR,
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SiteIndex:
    content = write_site(tmp_path_factory.mktemp("content"), dict(FILES))
    loaded, problems = load_site(content)
    assert loaded is not None, problems
    return loaded


@pytest.fixture(scope="module")
def files(index: SiteIndex) -> dict[str, bytes]:
    return render_exports(index)


def _json(files: dict[str, bytes], out_path: str) -> Any:
    return json.loads(files[out_path].decode("utf-8"))


# ---------------------------------------------------------------- determinism


def test_rendering_twice_gives_identical_bytes(index: SiteIndex) -> None:
    assert render_exports(index) == render_exports(index)


def test_exports_are_listed_at_the_documented_paths(files: dict[str, bytes]) -> None:
    expected = {"feed.xml", "events.json", "events.schema.json", "events.csv", "events.ics"}
    expected |= {"events.geojson", "timelinejs.json", "sitemap.xml", "robots.txt", "404.html"}
    assert expected <= set(files)


# ---------------------------------------------------------------- Atom


def test_every_feed_parses_without_errors_in_feedparser(files: dict[str, bytes]) -> None:
    feeds = [path for path in files if path.endswith("feed.xml")]
    assert len(feeds) == 1 + 3 + 3 + 3  # site, actors, places, tags
    for path in feeds:
        parsed = feedparser.parse(files[path])
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))


def test_site_feed_lists_newest_event_first_with_absolute_links(
    files: dict[str, bytes], index: SiteIndex
) -> None:
    parsed = feedparser.parse(files["feed.xml"])
    assert len(parsed.entries) == len(index.events)
    assert parsed.entries[0].title == "Drone strike on a Belgorod building"
    assert parsed.entries[0].link == "https://example.org/timeline/events/drone/"
    assert parsed.entries[0].id == "https://example.org/timeline/events/drone/"
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == ["https://example.org/timeline/feed.xml"]


def test_feed_updated_comes_from_the_data_not_the_clock(files: dict[str, bytes]) -> None:
    parsed = feedparser.parse(files["feed.xml"])
    assert parsed.feed.updated == "2024-03-20T00:00:00Z"


def test_place_feed_includes_events_at_places_within_it(files: dict[str, bytes]) -> None:
    parsed = feedparser.parse(files[urls.feed(urls.place("kursk-oblast"))])
    ids = {entry.link.rsplit("/", 2)[-2] for entry in parsed.entries}
    assert ids == {"incursion", "shelling", "fighting", "drone"}


def test_actor_and_tag_feeds_list_only_their_events(files: dict[str, bytes]) -> None:
    legion = feedparser.parse(files["actors/freedom-legion/feed.xml"])
    fighting = feedparser.parse(files["tags/fighting/feed.xml"])
    assert [e.title for e in fighting.entries] == [
        "Fighting around Tyotkino over several days — Тёткино"
    ]
    assert len(legion.entries) == 2


# ---------------------------------------------------------------- events.json


def test_published_schema_is_a_valid_draft_2020_12_schema(files: dict[str, bytes]) -> None:
    jsonschema.Draft202012Validator.check_schema(_json(files, "events.schema.json"))


def test_events_json_validates_against_the_published_schema(files: dict[str, bytes]) -> None:
    schema = _json(files, "events.schema.json")
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [e.message for e in validator.iter_errors(_json(files, "events.json"))]
    assert errors == []


def test_events_json_points_at_its_schema_by_absolute_url(files: dict[str, bytes]) -> None:
    assert _json(files, "events.json")["$schema"] == (
        "https://example.org/timeline/events.schema.json"
    )


def test_events_json_keeps_date_precision(files: dict[str, bytes]) -> None:
    events = {e["id"]: e for e in _json(files, "events.json")["events"]}
    assert (events["shelling"]["date"], events["shelling"]["date_precision"]) == (
        "2024-03",
        "month",
    )
    assert (events["fortifications"]["date"], events["fortifications"]["date_precision"]) == (
        "2023",
        "year",
    )


def test_events_json_resolves_references_and_relations_both_ways(
    files: dict[str, bytes],
) -> None:
    events = {e["id"]: e for e in _json(files, "events.json")["events"]}
    shelling = events["shelling"]
    assert shelling["places"][0]["within"] == [
        {"id": "russia", "name": "Russia"},
        {"id": "kursk-oblast", "name": "Kursk Oblast"},
    ]
    assert shelling["claims"][0]["figures"] == {"wounded": {"low": 3, "high": 5}}
    assert shelling["claims"][0]["by"] == {
        "id": "freedom-legion",
        "name": "Freedom of Russia Legion",
    }
    assert events["incursion"]["related"] == [
        {"event": "shelling", "kind": "follows", "direction": "incoming", "note": None}
    ]


# ---------------------------------------------------------------- CSV


def test_csv_round_trips_with_its_header(files: dict[str, bytes], index: SiteIndex) -> None:
    text = files["events.csv"].decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["event_id"] for row in rows] == [event.id for event in index.events]
    shelling = next(row for row in rows if row["event_id"] == "shelling")
    assert shelling["claims"] == (
        "Freedom of Russia Legion: The Legion said it did not target homes; figures vary; "
        '"quotes" too. (wounded 3-5) [disputed]'
    )
    assert (shelling["country"], shelling["admin1"], shelling["location"]) == (
        "Russia",
        "Kursk Oblast",
        "Tyotkino",
    )


def test_csv_uses_crlf_line_ends_and_no_byte_order_mark(files: dict[str, bytes]) -> None:
    data = files["events.csv"]
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") >= len(data.splitlines()) - 1
    assert b"\n" not in data.replace(b"\r\n", b"")


# ---------------------------------------------------------------- iCalendar


def _calendar_events(files: dict[str, bytes]) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(files["events.ics"])
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def test_every_event_is_in_the_calendar_with_a_stable_uid(
    files: dict[str, bytes], index: SiteIndex
) -> None:
    events = _calendar_events(files)
    assert sorted(events) == sorted(event.id for event in index.events)
    assert str(events["drone"]["UID"]) == "drone@example.org"


def test_a_multi_day_event_is_an_all_day_range_with_exclusive_end(
    files: dict[str, bytes],
) -> None:
    fighting = _calendar_events(files)["fighting"]
    assert fighting.decoded("DTSTART") == dt.date(2024, 3, 14)
    assert fighting.decoded("DTEND") == dt.date(2024, 3, 18)


def test_a_month_precision_event_spans_the_month_and_says_so(files: dict[str, bytes]) -> None:
    shelling = _calendar_events(files)["shelling"]
    assert shelling.decoded("DTSTART") == dt.date(2024, 3, 1)
    assert shelling.decoded("DTEND") == dt.date(2024, 4, 1)
    assert "only the month is known" in str(shelling["DESCRIPTION"])


def test_a_year_precision_event_spans_the_year(files: dict[str, bytes]) -> None:
    year = _calendar_events(files)["fortifications"]
    assert year.decoded("DTSTART") == dt.date(2023, 1, 1)
    assert year.decoded("DTEND") == dt.date(2024, 1, 1)


def test_a_timed_event_is_converted_to_utc(files: dict[str, bytes]) -> None:
    drone = _calendar_events(files)["drone"]
    assert drone.decoded("DTSTART") == dt.datetime(2024, 3, 20, 6, 30, tzinfo=dt.UTC)


def test_calendar_lines_are_folded_at_75_octets(files: dict[str, bytes]) -> None:
    lines = files["events.ics"].split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert "Тёткино" in str(_calendar_events(files)["fighting"]["SUMMARY"])


def test_folding_never_cuts_a_multibyte_character() -> None:
    folded = fold("SUMMARY:" + "ё" * 100)
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75
        piece.encode("utf-8").decode("utf-8")


@pytest.mark.parametrize("length", [1, 74, 75, 76, 149, 150, 223, 224, 1000])
def test_folding_fills_each_line_to_75_octets_and_loses_nothing(length: int) -> None:
    line = "".join(chr(ord("a") + n % 26) for n in range(length))
    pieces = fold(line).split("\r\n")
    assert pieces[0] + "".join(piece.removeprefix(" ") for piece in pieces[1:]) == line
    assert all(len(piece) == 75 for piece in pieces[:-1])
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert 0 < len(pieces[-1]) <= 75


# ---------------------------------------------------------------- GeoJSON


def test_geojson_is_a_valid_feature_collection(files: dict[str, bytes]) -> None:
    FeatureCollection.model_validate(_json(files, "events.geojson"))


def test_geojson_points_are_longitude_first(files: dict[str, bytes]) -> None:
    features = {f["id"]: f for f in _json(files, "events.geojson")["features"]}
    assert features["incursion"]["geometry"]["coordinates"] == [36.2, 51.7]


def test_an_unlocated_place_is_drawn_at_its_nearest_located_ancestor(
    files: dict[str, bytes],
) -> None:
    shelling = {f["id"]: f for f in _json(files, "events.geojson")["features"]}["shelling"]
    assert shelling["properties"]["place"] == "tyotkino"
    assert shelling["properties"]["coordinates_of"] == "kursk-oblast"
    assert shelling["properties"]["located_exactly"] is False


def test_an_event_without_places_is_left_off_the_map(files: dict[str, bytes]) -> None:
    ids = [f["id"] for f in _json(files, "events.geojson")["features"]]
    assert "fortifications" not in ids


# ---------------------------------------------------------------- TimelineJS


def test_timelinejs_dates_omit_parts_that_are_not_known(files: dict[str, bytes]) -> None:
    slides = {s["unique_id"]: s for s in _json(files, "timelinejs.json")["events"]}
    assert slides["shelling"]["start_date"] == {"year": "2024", "month": "3"}
    assert slides["shelling"]["display_date"] == "c. March 2024"
    assert slides["fortifications"]["start_date"] == {"year": "2023"}
    assert slides["fighting"]["end_date"] == {"year": "2024", "month": "3", "day": "17"}


# ---------------------------------------------------------------- host files


def test_sitemap_lists_absolute_canonical_urls(files: dict[str, bytes]) -> None:
    root = ET.fromstring(files["sitemap.xml"])
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    assert "https://example.org/timeline/events/shelling/" in locs
    assert "https://example.org/timeline/2024/03/" in locs
    assert all(loc is not None and loc.startswith("https://example.org/timeline/") for loc in locs)


def test_robots_allows_everything_and_names_the_sitemap(files: dict[str, bytes]) -> None:
    text = files["robots.txt"].decode()
    assert "User-agent: *\nAllow: /\n" in text
    assert "Sitemap: https://example.org/timeline/sitemap.xml" in text


def test_404_page_links_only_by_absolute_url(files: dict[str, bytes]) -> None:
    text = files["404.html"].decode()
    hrefs = [part.split('"')[0] for part in text.split('href="')[1:]]
    assert hrefs and all(href.startswith("https://example.org/timeline/") for href in hrefs)
    assert "<link" not in text and "<script" not in text


# ---------------------------------------------------------------- JSON-LD

SCHEMA_ORG_CONTEXT = {"@context": {"@vocab": "https://schema.org/"}}


def _offline_loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """Tests run offline: a minimal stand-in for the schema.org context document."""
    assert url.rstrip("/") == "https://schema.org"
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": SCHEMA_ORG_CONTEXT,
    }


def test_event_json_ld_expands_to_a_schema_org_event_and_claims(index: SiteIndex) -> None:
    document = event_json_ld(index, index.event_by_id["incursion"])
    expanded = jsonld.expand(json.loads(json.dumps(document)), {"documentLoader": _offline_loader})
    types = sorted(t for node in expanded for t in node["@type"])
    assert types == ["https://schema.org/Claim", "https://schema.org/Event"]
    claim = next(n for n in expanded if "https://schema.org/Claim" in n["@type"])
    assert claim["@id"] == "https://example.org/timeline/events/incursion/#claim-mod-234-killed"


def test_event_json_ld_keeps_month_precision(index: SiteIndex) -> None:
    graph = event_json_ld(index, index.event_by_id["shelling"])["@graph"]
    assert isinstance(graph, list)
    assert graph[0]["startDate"] == "2024-03"


# ---------------------------------------------------------------- sitemap against a build


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("build")
    content = write_site(root / "content", dict(FILES))
    problems = build_site(content, root / "site")
    assert not has_errors(problems), problems
    return root / "site"


def test_sitemap_lists_exactly_the_built_html_pages_except_404(built_site: Path) -> None:
    root = ET.fromstring((built_site / "sitemap.xml").read_bytes())
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text for loc in root.findall("s:url/s:loc", namespace)}
    built = {
        urls.absolute("https://example.org/timeline/", path.relative_to(built_site).as_posix())
        for path in built_site.rglob("*.html")
        if path.name != "404.html"
    }
    assert listed == built


def test_event_page_json_ld_expands_to_event_and_claims(built_site: Path) -> None:
    page = (built_site / "events" / "incursion" / "index.html").read_text(encoding="utf-8")
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    document = json.loads(page[start : page.index("</script>", start)])
    expanded = jsonld.expand(document, {"documentLoader": _offline_loader})
    types = sorted(t for node in expanded for t in node["@type"])
    assert types == ["https://schema.org/Claim", "https://schema.org/Event"]


def test_404_page_is_valid_html(tmp_path: Path, files: dict[str, bytes]) -> None:
    page = tmp_path / "404.html"
    page.write_bytes(files["404.html"])
    messages = run_vnu([page])
    assert messages == [], format_vnu_messages(messages)


def test_event_json_ld_gives_a_timed_start_with_its_utc_offset(index: SiteIndex) -> None:
    graph = event_json_ld(index, index.event_by_id["drone"])["@graph"]
    assert isinstance(graph, list)
    assert graph[0]["startDate"] == "2024-03-20T09:30:00+03:00"


@pytest.mark.parametrize("text", ["Kursk", "Курськ — «Тьоткіно»", "a\ud800b", "<&>\"'", "😀"])
def test_an_atom_element_is_serialised_exactly_as_elementtree_writes_utf_8(text: str) -> None:
    from generator.exports import feeds

    def entry() -> ET.Element:
        element = ET.Element("entry")
        ET.SubElement(element, "title").text = text
        ET.SubElement(element, "category", {"term": text})
        return element

    expected = entry()
    ET.indent(expected, level=1)
    assert feeds._serialise(entry(), level=1) == ET.tostring(expected, encoding="utf-8")
