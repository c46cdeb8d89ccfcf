"""Every output path of the site, and relative links between them, in one place.

An `out_path` is a POSIX path relative to the site root (`events/kursk/index.html`).
Pages link to each other with relative URLs that name `index.html` explicitly, so the
site works from any sub-path and when opened straight from disk; `base_url` is used
only for absolute URLs (canonical links, feeds, sitemap).
"""

from __future__ import annotations

import functools
import posixpath
from urllib.parse import quote

from generator.dates import PartialDate

INDEX = "index.html"


def home(page: int = 1) -> str:
    return INDEX if page == 1 else f"page/{page}/{INDEX}"


def event(event_id: str) -> str:
    return f"events/{event_id}/{INDEX}"


def claim_anchor(claim_id: str) -> str:
    return f"claim-{claim_id}"


def actor(actor_id: str) -> str:
    return f"actors/{actor_id}/{INDEX}"


def place(place_id: str) -> str:
    return f"places/{place_id}/{INDEX}"


def tag(tag_slug: str) -> str:
    return f"tags/{tag_slug}/{INDEX}"


def actors_index() -> str:
    return f"actors/{INDEX}"


def places_index() -> str:
    return f"places/{INDEX}"


def tags_index() -> str:
    return f"tags/{INDEX}"


def sources_index(page: int = 1) -> str:
    return f"sources/{INDEX}" if page == 1 else f"sources/page/{page}/{INDEX}"


def static(name: str) -> str:
    """A stylesheet or script shipped from `generator/static/`."""
    return f"static/{name}"


def search() -> str:
    return f"search/{INDEX}"


def year(number: int) -> str:
    return f"{number:04d}/{INDEX}"


def month(number_year: int, number_month: int) -> str:
    return f"{number_year:04d}/{number_month:02d}/{INDEX}"


def archive_for(date: PartialDate) -> str:
    """The month archive for a dated event, or the year page for a year-only one."""
    if date.month is None:
        return year(date.year)
    return month(date.year, date.month)


def day_anchor(date: PartialDate) -> str:
    return f"d-{date.iso()}"


def feed(hub_out_path: str | None = None) -> str:
    """`feed.xml` for the site, or `actors/x/feed.xml` beside a hub page."""
    if hub_out_path is None:
        return "feed.xml"
    return posixpath.join(posixpath.dirname(hub_out_path), "feed.xml")


def relative(from_out_path: str, to_out_path: str) -> str:
    """A link from one page to another that works from disk and any sub-path.

    Pure string work on site-relative paths: `posixpath.relpath` would consult the
    working directory on every call, and a large site makes hundreds of thousands.
    Most links leave the page's top folder (an event page's links to places, actors,
    the stylesheet, the navigation), and those depend only on how deep the page is:
    they are cached by depth, so 10,000 event pages share one entry per target.
    """
    start = from_out_path.split("/")[:-1]
    head, slash, _ = to_out_path.partition("/")
    if not start or not slash or start[0] != head:  # no folder in common
        return _down_from(len(start), to_out_path)
    return _between(from_out_path, to_out_path)


@functools.lru_cache(maxsize=16384)
def _down_from(depth: int, to_out_path: str) -> str:
    """A link `depth` folders up to the site root, then down to `to_out_path`."""
    return quote("../" * depth + to_out_path or ".", safe="/#%._-~")


@functools.lru_cache(maxsize=4096)
def _between(from_out_path: str, to_out_path: str) -> str:
    """A link between two paths that may share folders: links of this kind repeat
    within a page, hardly ever across pages, so a small cache finds the repeats."""
    start = from_out_path.split("/")[:-1]
    target = to_out_path.split("/")
    common = 0
    while common < len(start) and common < len(target) - 1 and start[common] == target[common]:
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    return quote("/".join(parts) or ".", safe="/#%._-~")


@functools.lru_cache(maxsize=65536)
def absolute(base_url: str, out_path: str) -> str:
    """The public URL of a page; `index.html` is dropped for canonical links.

    Cached: every export names each event's URL several times."""
    path = out_path[: -len(INDEX)] if out_path.endswith(INDEX) else out_path
    return base_url.rstrip("/") + "/" + quote(path, safe="/#%._-~")
