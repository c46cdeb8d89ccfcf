"""Convert one of our content folders into a Pelican site doing comparable work.

One article per event (title, date, summary, Markdown body with its sources and claims
as Markdown lists), actors, places and tags as Pelican tags (Pelican has no custom
taxonomies), the year as category, an index paginated by 50 and one Atom feed. Pelican's
own extras (author pages, per-category and per-tag feeds, caches) are switched off; the
default theme is used as it ships.

Usage: python bench/pelican_site.py CONTENT_DIR PELICAN_DIR
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

SETTINGS = """\
AUTHOR = "Benchmark"
SITENAME = "Benchmark timeline"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 50
FEED_DOMAIN = "https://bench.example.org"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARTICLE_URL = "events/{slug}/"
ARTICLE_SAVE_AS = "events/{slug}/index.html"
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = True
RELATIVE_URLS = True
"""


def full_date(text: str) -> str:
    """Pelican wants a whole day: a month or year precision date becomes its first day."""
    parts = str(text).split("-")
    return "-".join([*parts, *["01"] * (3 - len(parts))])


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def sources_markdown(data: dict[str, Any]) -> list[str]:
    lines = ["", "## Sources", ""]
    for source in data["sources"]:
        title = source.get("title", source["url"])
        line = f"- [{title}]({source['url']}), {source['publisher']} {source.get('published', '')}"
        if "archived" in source:
            line += f" ([archived]({source['archived']}))"
        lines.append(line)
    return lines


def claims_markdown(data: dict[str, Any]) -> list[str]:
    if not data.get("claims"):
        return []
    lines = ["", "## Claims", ""]
    for claim in data["claims"]:
        figures = ", ".join(f"{k}: {v}" for k, v in claim.get("figures", {}).items())
        lines.append(f"- {claim['by']}: {claim['text']} ({claim.get('status', '')}) {figures}")
    return lines


def article_text(event_id: str, data: dict[str, Any]) -> str:
    terms = [*data.get("actors", []), *data.get("places", []), *data.get("tags", [])]
    header = [
        f"Title: {one_line(data['title'])}",
        f"Date: {full_date(data['date'])}",
        f"Slug: {event_id}",
        f"Category: {str(data['date'])[:4]}",
        f"Tags: {', '.join(terms)}",
        f"Summary: {one_line(data['summary'])}",
    ]
    body = [data.get("body", ""), *sources_markdown(data), *claims_markdown(data)]
    return "\n".join(header) + "\n\n" + "\n".join(body) + "\n"


def convert(content_dir: Path, pelican_dir: Path) -> int:
    if pelican_dir.exists():
        shutil.rmtree(pelican_dir)
    (pelican_dir / "content").mkdir(parents=True)
    (pelican_dir / "pelicanconf.py").write_text(SETTINGS, encoding="utf-8")
    count = 0
    for path in sorted((content_dir / "events").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out = pelican_dir / "content" / f"{path.stem}.md"
        out.write_text(article_text(path.stem, data), encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    print(convert(Path(sys.argv[1]), Path(sys.argv[2])), "events converted")
