"""The published pages say what the content says: dates as written, every source, every
claim with its status, figures side by side, typed links both ways, hubs and archives.

Read-only tests share one site built from `tests/sitefixture.py` by the real CLI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator import pages
from generator.pipeline import load_site
from tests.sitewalk import broken_links, parse_page


def read(site: Path, out_path: str) -> str:
    return (site / out_path).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The page's text with tags removed and whitespace collapsed, as a reader sees it."""
    without_tags = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", without_tags).replace(" ,", ",").strip()


def section(html: str, heading_id: str) -> str:
    """From a section's heading to the end of that section."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_the_fixture_site_has_every_page_type(built_site: Path) -> None:
    expected = {
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "2023/index.html",
        "2024/index.html",
        "2024/03/index.html",
        "2024/04/index.html",
        "events/incursion/index.html",
        "events/shelling/index.html",
        "events/statement/index.html",
        "events/aftermath/index.html",
        "events/mobilisation/index.html",
        "actors/index.html",
        "actors/russian-government/index.html",
        "actors/russian-mod/index.html",
        "actors/freedom-legion/index.html",
        "places/index.html",
        "places/russia/index.html",
        "places/kursk-oblast/index.html",
        "places/tyotkino/index.html",
        "places/ukraine/index.html",
        "tags/index.html",
        "tags/border/index.html",
        "tags/incursion/index.html",
        "sources/index.html",
    }
    assert expected <= html_pages(built_site)
    assert (built_site / "static" / "style.css").is_file()


def test_event_page_lists_each_source_with_publisher_headline_date_and_archive(
    built_site: Path,
) -> None:
    sources = section(read(built_site, "events/incursion/index.html"), "sources-heading")
    assert 'href="https://example.org/news/1"' in sources
    assert "The Example Times" in sources
    assert "Russia claims killing 234 fighters" in sources
    assert '<time datetime="2024-03-13">13 March 2024</time>' in sources
    assert 'href="https://web.archive.org/web/2024/https://example.org/news/1"' in sources


def test_a_source_without_a_headline_says_so(built_site: Path) -> None:
    sources = text_of(section(read(built_site, "events/incursion/index.html"), "sources-heading"))
    assert "Example Wire, headline not recorded" in sources


def test_each_claim_has_a_permanent_anchor_and_a_visible_permalink(built_site: Path) -> None:
    html = read(built_site, "events/incursion/index.html")
    assert '<li class="claim" id="claim-mod-234-killed">' in html
    assert '<li class="claim" id="claim-legion-losses">' in html
    assert re.search(r'<a class="permalink" href="index.html#claim-legion-losses"[^>]*>#</a>', html)


def test_each_claim_shows_claimant_status_date_figures_and_source(built_site: Path) -> None:
    html = read(built_site, "events/incursion/index.html")
    claim = html[html.index('id="claim-legion-losses">') + 25 :]
    claim = text_of(claim[: claim.index("</li>")])
    assert claim.startswith("Disputed Freedom of Russia Legion · 13 March 2024")
    assert "Killed 10–15" in claim
    assert "Source: Example Wire" in claim


def test_claims_giving_the_same_figure_are_side_by_side_in_one_table(built_site: Path) -> None:
    html = read(built_site, "events/incursion/index.html")
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) == 1, "only `killed` is given by two claims; `tanks` by one"
    rows = [text_of(row) for row in re.findall(r"<tr>.*?</tr>", tables[0], flags=re.S)]
    assert rows == [
        "Who says How many Status Date Source",
        "Russian Ministry of Defence 234 Unverified 12 March 2024 The Example Times",
        "Freedom of Russia Legion 10–15 Disputed 13 March 2024 Example Wire",
    ]


def related_sentences(site: Path, event_id: str) -> list[str]:
    html = section(read(site, f"events/{event_id}/index.html"), "related-heading")
    groups = re.findall(
        r'<h3 class="relation">(.*?)</h3>\s*<ul class="related-list">(.*?)</ul>', html, re.S
    )
    return [
        f"{label}: {title}"
        for label, items in groups
        for title in re.findall(r'<li><a href="[^"]+">([^<]+)</a>', items)
    ]


def test_typed_related_links_read_as_sentences_in_both_directions(built_site: Path) -> None:
    assert related_sentences(built_site, "incursion") == [
        "Includes: Ministry statement on the border",
        "Responses: Shelling reported in Tyotkino",
        "Provides context for: Aftermath of {{ 7*7 }} and &lt;script&gt;alert(1)&lt;/script&gt;",
    ]
    assert related_sentences(built_site, "shelling") == [
        "In response to: Armed groups cross into Kursk Oblast",
        "Followed by: Aftermath of {{ 7*7 }} and &lt;script&gt;alert(1)&lt;/script&gt;",
    ]
    assert related_sentences(built_site, "aftermath") == [
        "Related: Ministry statement on the border",
        "Follows: Shelling reported in Tyotkino",
        "Context: Armed groups cross into Kursk Oblast",
    ]
    assert related_sentences(built_site, "statement") == [
        "Part of: Armed groups cross into Kursk Oblast",
        "Related: Aftermath of {{ 7*7 }} and &lt;script&gt;alert(1)&lt;/script&gt;",
    ]


def test_event_page_links_the_previous_and_next_event_in_time(built_site: Path) -> None:
    html = read(built_site, "events/shelling/index.html")
    assert '<a rel="prev" href="../statement/index.html">' in html
    assert '<a rel="next" href="../incursion/index.html">' in html, "an untimed event sorts first"
    assert '<a rel="prev"' not in read(built_site, "events/mobilisation/index.html")


def test_events_on_the_same_day_link_each_other(built_site: Path) -> None:
    same_day = section(read(built_site, "events/shelling/index.html"), "same-day-heading")
    assert 'href="../incursion/index.html"' in same_day
    assert 'id="same-day-heading"' not in read(built_site, "events/aftermath/index.html")


def test_only_lists_the_filter_script_can_narrow_carry_facets(built_site: Path) -> None:
    event_page = read(built_site, "events/shelling/index.html")
    assert "data-facets" not in section(event_page, "same-day-heading")
    assert "filter.js" not in event_page
    home = read(built_site, "index.html")
    assert "filter.js" in home and "data-facets" in home


def test_actor_place_and_tag_pages_load_the_filter_for_their_events(built_site: Path) -> None:
    for hub in ("actors/russian-mod", "places/kursk-oblast", "tags/incursion"):
        html = read(built_site, f"{hub}/index.html")
        assert "filter.js" in html and "data-facets" in html, hub


def test_a_time_is_shown_with_its_zone(built_site: Path) -> None:
    html = read(built_site, "events/incursion/index.html")
    assert '<time datetime="2024-03-12T09:20:00+03:00">09:20 (Europe/Moscow)</time>' in html


def test_an_approximate_month_reads_c_march_2024_with_a_reduced_precision_datetime(
    built_site: Path,
) -> None:
    header = text_of(read(built_site, "events/statement/index.html").split("<h1>")[0])
    assert header.endswith("c. March 2024")
    assert '<time datetime="2024-03">March 2024</time>' in read(
        built_site, "events/statement/index.html"
    )


def test_a_multi_day_event_shows_its_range(built_site: Path) -> None:
    assert '<time datetime="2024-04-02">2–5 April 2024</time>' in read(
        built_site, "events/aftermath/index.html"
    )


def test_an_event_place_reads_with_its_hierarchy_innermost_first(built_site: Path) -> None:
    facts = read(built_site, "events/incursion/index.html").split('<dl class="facts">')[1]
    assert "Place Tyotkino, Kursk Oblast, Russia" in text_of(facts.split("</dl>")[0])


def test_an_event_date_links_to_its_day_in_the_month_archive(built_site: Path) -> None:
    html = read(built_site, "events/incursion/index.html")
    assert 'href="../../2024/03/index.html#d-2024-03-12"' in html
    assert 'id="d-2024-03-12"' in read(built_site, "2024/03/index.html")


def test_a_country_page_shows_an_event_located_in_its_oblast(built_site: Path) -> None:
    html = read(built_site, "places/russia/index.html")
    assert 'href="../../events/aftermath/index.html"' in html
    assert 'href="../../events/incursion/index.html"' in html, "Tyotkino is two levels down"
    assert 'href="../../events/mobilisation/index.html"' not in html


def test_a_place_page_shows_its_within_chain_and_the_places_within_it(built_site: Path) -> None:
    html = read(built_site, "places/kursk-oblast/index.html")
    assert '<nav class="breadcrumb" aria-label="Within">' in html
    assert 'href="../russia/index.html">Russia</a>' in html
    assert 'href="../tyotkino/index.html">Tyotkino</a>' in section(html, "within-heading")


def test_an_actor_page_lists_its_claims_with_their_status(built_site: Path) -> None:
    claims = section(read(built_site, "actors/russian-mod/index.html"), "claims-heading")
    assert '<span class="status status-unverified">Unverified</span>' in claims
    assert 'href="../../events/incursion/index.html#claim-mod-234-killed"' in claims


def test_an_actor_page_shows_what_it_is_part_of_and_its_members(built_site: Path) -> None:
    assert 'href="../russian-government/index.html"' in read(
        built_site, "actors/russian-mod/index.html"
    )
    members = section(read(built_site, "actors/russian-government/index.html"), "members-heading")
    assert 'href="../russian-mod/index.html">Russian Ministry of Defence</a>' in members


def test_the_timeline_is_paginated_by_per_page(built_site: Path) -> None:
    def events_on(out_path: str) -> int:
        return read(built_site, out_path).count('<li class="event-item">')

    assert [events_on(p) for p in ("index.html", "page/2/index.html", "page/3/index.html")] == [
        2,
        2,
        1,
    ]
    assert '<a rel="next" href="page/2/index.html">' in read(built_site, "index.html")
    assert '<a rel="prev" href="../../index.html">' in read(built_site, "page/2/index.html")


def test_the_timeline_has_a_day_anchor_for_each_date_as_written(built_site: Path) -> None:
    html = read(built_site, "2024/index.html")
    assert 'id="d-2024-03"' in html and "March 2024 (day not recorded)" in html
    assert 'id="d-2024-03-12"' in html
    assert "2023 (month not recorded)" in read(built_site, "2023/index.html")


def test_the_sources_page_lists_each_source_with_the_events_citing_it(built_site: Path) -> None:
    html = read(built_site, "sources/index.html")
    assert html.count('<li class="source-entry">') == 6
    entry = html[html.index('href="https://example.org/news/1"') :]
    assert 'href="../events/incursion/index.html"' in entry[: entry.index("</ul>")]


def test_the_corrections_log_is_shown(built_site: Path) -> None:
    corrections = section(read(built_site, "events/incursion/index.html"), "corrections-heading")
    assert "14 March 2024" in corrections and "The village was misspelt." in corrections


def test_an_event_page_embeds_its_json_ld(built_site: Path) -> None:
    html = read(built_site, "events/incursion/index.html")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script is not None
    graph = json.loads(script.group(1))["@graph"]
    assert graph[0]["@type"] == "Event"
    assert [node["@type"] for node in graph[1:]] == ["Claim", "Claim"]


def test_jinja_syntax_in_a_title_appears_literally_and_html_is_escaped(built_site: Path) -> None:
    html = read(built_site, "events/aftermath/index.html")
    assert "<h1>Aftermath of {{ 7*7 }} and &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert "<script>alert(1)" not in html


def test_every_page_has_one_h1_a_language_and_an_absolute_canonical_link(
    built_site: Path,
) -> None:
    for out_path in sorted(html_pages(built_site) - {"404.html"}):
        html = read(built_site, out_path)
        assert html.count("<h1") == 1, out_path
        assert '<html lang="en-GB">' in html, out_path
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
        assert canonical and canonical.group(1).startswith("https://example.org/timeline/")


def test_home_and_hub_pages_advertise_their_atom_feed(built_site: Path) -> None:
    feed = '<link rel="alternate" type="application/atom+xml"'
    assert f'{feed} title="Fixture timeline (Atom)" href="feed.xml">' in read(
        built_site, "index.html"
    )
    assert 'href="feed.xml">' in read(built_site, "places/russia/index.html").split(feed)[1]


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    assert list(broken_links(built_site)) == []


def test_the_link_walker_reports_a_missing_file_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<p id="here"><a href="../b/index.html">b</a> <a href="#nowhere">x</a>'
        ' <a href="#here">ok</a> <a href="https://example.org/">out</a></p>'
    )
    assert list(broken_links(tmp_path)) == [
        "a/index.html: ../b/index.html (no file b/index.html)",
        "a/index.html: #nowhere (no id 'nowhere' in a/index.html)",
    ]


def test_the_same_content_renders_to_identical_bytes(fixture_content: Path) -> None:
    first, _ = load_site(fixture_content)
    second, _ = load_site(fixture_content)
    assert first is not None and second is not None
    assert pages.render_pages(first) == pages.render_pages(second)


def test_pages_link_only_relatively_apart_from_canonical_and_external_sources(
    built_site: Path,
) -> None:
    for out_path in sorted(html_pages(built_site) - {"404.html"}):  # served from any depth
        _, links = parse_page(read(built_site, out_path))
        absolute = [u for u in links if u.startswith(("http:", "https:", "/"))]
        assert all(not u.startswith("/") for u in absolute), out_path
        site_links = [u for u in absolute if u.startswith("https://example.org/timeline/")]
        assert len(site_links) == 1, f"{out_path}: only the canonical link is absolute"


def test_a_long_list_of_sources_is_split_into_linked_pages(tmp_path: Path) -> None:
    from bench import generate
    from generator.cli import main
    from generator.hubs import SOURCES_PER_PAGE

    content = tmp_path / "content"
    generate.write_tree(generate.generate(120, 2), content)
    site = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(site), "--no-search"]) == 0
    index = load_site(content)[0]
    assert index is not None
    cited = len(index.citations)
    page_count = -(-cited // SOURCES_PER_PAGE)
    assert page_count >= 2
    paths = ["sources/index.html"] + [
        f"sources/page/{n}/index.html" for n in range(2, page_count + 1)
    ]
    listed: list[str] = []
    for number, out_path in enumerate(paths, start=1):
        html = read(site, out_path)
        listed += re.findall(
            r'<li class="source-entry">\s*<p>.*?href="(https?://[^"]+)"', html, re.S
        )
        if number > 1:
            assert f'start="{(number - 1) * SOURCES_PER_PAGE + 1}"' in html
            assert f"Sources, page {number} of {page_count}" in html
    assert sorted(listed) == sorted(index.citations) and len(set(listed)) == cited
    assert not (site / "sources" / "page" / str(page_count + 1)).exists()
    assert [b for b in broken_links(site) if "pagefind" not in b] == []


def test_the_search_indexer_is_given_exactly_the_pages_marked_for_indexing(
    built_site: Path, fixture_content: Path
) -> None:
    from generator.search import shards
    from generator.urls import event

    index, _ = load_site(fixture_content)
    assert index is not None
    given = {event(event_id) for ids in shards(index).values() for event_id in ids}
    marked = {p for p in html_pages(built_site) if "data-pagefind-body" in read(built_site, p)}
    assert marked and marked == given


def test_an_index_with_other_site_settings_does_not_reuse_remembered_list_items(
    fixture_content: Path,
) -> None:
    import dataclasses

    index, _ = load_site(fixture_content)
    assert index is not None
    pages.render_pages(index)
    assert index.listed, "rendering remembers each listed event's date, places and facets"
    moved = dataclasses.replace(index, site=dataclasses.replace(index.site, timezone="UTC"))
    assert moved.listed == {}
    assert moved.listed is not index.listed
