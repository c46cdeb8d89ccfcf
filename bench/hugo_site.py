"""Convert one of our content folders into a Hugo site doing comparable work.

One page per event (title, date, summary, Markdown body, sources, claims), term pages for
actors, places and tags (Hugo taxonomies), a home list paginated by 50 and one RSS feed
for the home page only. Everything else Hugo would make by default is switched off, so
the comparison is about the same pages, not about Hugo's extras.

Usage: python bench/hugo_site.py CONTENT_DIR HUGO_DIR
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Benchmark timeline"
languageCode = "en"
disableKinds = ["section", "robotsTXT", "404", "sitemap"]
enableRobotsTXT = false

[pagination]
pagerSize = 50

[services.rss]
limit = 50

[outputs]
home = ["html", "rss"]
page = ["html"]
term = ["html"]
taxonomy = ["html"]

[taxonomies]
actor = "actors"
place = "places"
tag = "tags"

[markup.goldmark.renderer]
unsafe = false
"""

BASEOF = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
"""

HOME = """\
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ $pager := .Paginate .Site.RegularPages.ByDate.Reverse }}
<ol>{{ range $pager.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }}: {{ .Summary }}</li>
{{ end }}</ol>
{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
{{ end }}
"""

PAGE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 January 2006" }}</time></p>
<p>{{ .Params.summary }}</p>
{{ .Content }}
<h2>Sources</h2>
<ul>{{ range .Params.sources }}
<li><a href="{{ .url }}">{{ .title }}</a>, {{ .publisher }} {{ .published }}{{ with .archived }} (<a href="{{ . }}">archived</a>){{ end }}</li>
{{ end }}</ul>
{{ with .Params.claims }}<h2>Claims</h2>
<ul>{{ range . }}
<li id="claim-{{ .id }}">{{ .by }}: {{ .text }} ({{ .status }}){{ range $name, $value := .figures }} {{ $name }}: {{ $value }}{{ end }}</li>
{{ end }}</ul>{{ end }}
<p>{{ range .GetTerms "actors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}
{{ range .GetTerms "places" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}
{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
{{ end }}
"""

LISTING = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}</ul>
{{ end }}
"""

LAYOUTS = {
    "baseof.html": BASEOF,
    "home.html": HOME,
    "page.html": PAGE,
    "term.html": LISTING,
    "taxonomy.html": LISTING,
}


def full_date(text: str) -> str:
    """Hugo wants a whole day: a month or year precision date becomes its first day."""
    parts = str(text).split("-")
    return "-".join([*parts, *["01"] * (3 - len(parts))])


def front_matter(event_id: str, data: dict[str, Any]) -> dict[str, Any]:
    matter: dict[str, Any] = {
        "title": data["title"],
        "date": full_date(data["date"]),
        "slug": event_id,
        "summary": data["summary"],
        "sources": data["sources"],
    }
    for key in ("actors", "places", "tags", "claims"):
        if key in data:
            matter[key] = data[key]
    return matter


def page_text(event_id: str, data: dict[str, Any]) -> str:
    """JSON front matter: Hugo reads it natively and it is exact for every value."""
    matter = json.dumps(front_matter(event_id, data), ensure_ascii=False, default=str)
    return f"{matter}\n\n{data.get('body', '')}"


def convert(content_dir: Path, hugo_dir: Path) -> int:
    if hugo_dir.exists():
        shutil.rmtree(hugo_dir)
    (hugo_dir / "layouts").mkdir(parents=True)
    (hugo_dir / "content" / "events").mkdir(parents=True)
    (hugo_dir / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (hugo_dir / "layouts" / name).write_text(text, encoding="utf-8")
    count = 0
    for path in sorted((content_dir / "events").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out = hugo_dir / "content" / "events" / f"{path.stem}.md"
        out.write_text(page_text(path.stem, data), encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    print(convert(Path(sys.argv[1]), Path(sys.argv[2])), "events converted")
