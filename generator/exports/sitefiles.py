"""`sitemap.xml`, `robots.txt` and `404.html`: the files a web host and crawlers expect.

The sitemap lists every HTML page by its canonical URL, derived from the index with the
same `urls` functions the pages are written with; a test checks the list against a real
build so the two cannot drift. `404.html` is served by hosts at whatever URL was missing,
so a relative link in it would point somewhere different each time: its links are
absolute URLs built from `base_url`, and its styles are inline.
"""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET

from generator import urls
from generator.exports.facts import absolute
from generator.hubs import SOURCES_PER_PAGE
from generator.index import SiteIndex

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def archive_paths(index: SiteIndex) -> list[str]:
    """A year page for every year with an event, a month page for every month with one."""
    years = sorted({event.date.year for event in index.events})
    months = sorted({(e.date.year, e.date.month) for e in index.events if e.date.month is not None})
    return [urls.year(y) for y in years] + [urls.month(y, m) for y, m in months]


def page_out_paths(index: SiteIndex) -> list[str]:
    """Every HTML page of the site except `404.html`, sorted.

    Mirrors `pages.plan_pages` without building any page; a test compares the two.
    """
    pages = max(1, math.ceil(len(index.events) / index.site.per_page))
    paths = [urls.home(n) for n in range(1, pages + 1)]
    paths += [urls.actors_index(), urls.places_index(), urls.tags_index()]
    sources_pages = max(1, math.ceil(len(index.citations) / SOURCES_PER_PAGE))
    paths += [urls.sources_index(n) for n in range(1, sources_pages + 1)]
    paths += [urls.search()]
    paths += [urls.event(event.id) for event in index.events]
    paths += [urls.actor(actor_id) for actor_id in index.actors]
    paths += [urls.place(place_id) for place_id in index.places]
    paths += [urls.tag(tag) for tag in index.events_by_tag]
    paths += archive_paths(index)
    return sorted(set(paths))


def sitemap_xml(index: SiteIndex) -> bytes:
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for out_path in page_out_paths(index):
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = absolute(index, out_path)
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def robots_txt(index: SiteIndex) -> bytes:
    """Allow everything. Crawlers read robots.txt only at a host's root, so on a sub-path
    site (a GitHub Pages project) this copy is inert and the sitemap is found through it
    only when the site is served at the root."""
    sitemap = absolute(index, "sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


STYLE = """
body{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;
color:#1a1a1a;background:#fff}
a{color:#0b57a4}
@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}a{color:#8ab4f8}}
""".strip()


def _link(index: SiteIndex, out_path: str, text: str) -> str:
    href = html.escape(absolute(index, out_path))
    return f'<li><a href="{href}">{html.escape(text)}</a></li>'


def not_found_html(index: SiteIndex) -> bytes:
    """A standalone page: inline styles, and only absolute links (see the module note)."""
    site = index.site
    title = html.escape(site.title)
    links = "\n".join(
        [
            _link(index, urls.home(), f"The timeline: {site.title}"),
            _link(index, urls.search(), "Search the events"),
            _link(index, urls.actors_index(), "Actors"),
            _link(index, urls.places_index(), "Places"),
            _link(index, urls.tags_index(), "Tags"),
            _link(index, urls.sources_index(), "Sources"),
        ]
    )
    text = f"""<!DOCTYPE html>
<html lang="{html.escape(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Page not found – {title}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Page not found</h1>
<p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
<ul>
{links}
</ul>
</main>
</body>
</html>
"""
    return text.encode("utf-8")
