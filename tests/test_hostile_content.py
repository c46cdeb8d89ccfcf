"""Hostile content cannot run script in a reader's browser, whatever field it hides in.

Every free-text field of a small site carries the same payload: a script element, an
attribute breakout, template syntax and a `</script>` meant to end the JSON-LD block. The
site is built once with `python build.py build`, and every output file is read back:
HTML with `html.parser`, feeds with an XML parser, JSON with `json.loads`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.contentkit import write_site

REPO_ROOT = Path(__file__).resolve().parent.parent

PAYLOAD = '<script>alert(1)</script> " onmouseover="alert(1) {{ 7*7 }} {% raw %} </script>'
BODY = f"""\
# {PAYLOAD}

{PAYLOAD}

[click me](javascript:alert(1)) <img src=x onerror=alert(1)> <iframe src=x></iframe>

<a href="javascript:alert(1)">raw link</a> <!-- hidden --> <style>p {{ display: none }}</style>
"""
SCRIPT_TYPES_WITH_DATA = {"application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset"}


def hostile(label: str) -> str:
    return f"{label} {PAYLOAD}"


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


HOSTILE_SITE = {
    "site.yaml": dump(
        {
            "title": hostile("Site"),
            "description": hostile("About"),
            "base_url": "https://example.org/timeline/",
        }
    ),
    "actors/russian-mod.yaml": dump(
        {
            "name": hostile("Ministry"),
            "kind": "military",
            "part_of": "russian-government",
            "aliases": [hostile("Alias")],
            "description": BODY,
        }
    ),
    "places/kursk-oblast.yaml": dump(
        {
            "name": hostile("Kursk"),
            "kind": "region",
            "within": "russia",
            "coordinates": [51.7, 36.2],
            "aliases": [hostile("Kursk alias")],
            "description": BODY,
        }
    ),
    "events/2024/incursion.yaml": dump(
        {
            "title": hostile("Title"),
            "date": "2024-03-12",
            "summary": hostile("Summary"),
            "body": BODY,
            "places": ["kursk-oblast"],
            "actors": ["russian-mod"],
            "tags": ["incursion"],
            "claims": [
                {
                    "id": "mod-234-killed",
                    "by": "russian-mod",
                    "text": hostile("Claim"),
                    "status": "unverified",
                    "figures": {"killed": 234},
                    "source": "https://example.org/news/1",
                }
            ],
            "sources": [
                {
                    "url": "https://example.org/news/1",
                    "title": hostile("Headline"),
                    "publisher": hostile("Publisher"),
                    "published": "2024-03-13",
                    "archived": "https://web.archive.org/web/2024/https://example.org/news/1",
                }
            ],
            "corrections": [{"date": "2024-03-14", "note": hostile("Correction")}],
        }
    ),
    "events/2024/reply.yaml": dump(
        {
            "title": hostile("Reply"),
            "date": "2024-03-13",
            "summary": hostile("Reply summary"),
            "places": ["kursk-oblast"],
            "actors": ["russian-mod"],
            "related": [{"event": "incursion", "kind": "response-to", "note": hostile("Note")}],
            "sources": [{"url": "https://example.org/news/2", "publisher": hostile("Wire")}],
        }
    ),
}


def run_build(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "GITHUB_ACTIONS": ""},
    )


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = write_site(root / "content", HOSTILE_SITE)
    out = root / "site"
    result = run_build("build", "--content", str(content), "--out", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    return out


def output_files(site: Path, *suffixes: str) -> list[Path]:
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)
    assert files, f"no {suffixes} files in the build"
    return files


# ------------------------------------------------------------------ reading HTML back


class Document(HTMLParser):
    """Tags, attributes, scripts and text of one HTML document or fragment."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)
        else:
            self.text.append(data)

    def all_text(self) -> str:
        return "".join(self.text)


def browser_scheme(url: str) -> str | None:
    """The scheme a browser would find: tabs and newlines dropped, C0 and spaces stripped."""
    url = re.sub(r"[\t\n\r]", "", url).strip("".join(chr(c) for c in range(0x21)))
    found = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    return found.group(1).lower() if found else None


def unsafe_parts(document: Document) -> list[str]:
    """Everything in the document that could run script; empty when it is safe."""
    found: list[str] = []
    for tag, attributes in document.tags:
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            found.append(f"<meta refresh {attributes}>")
        if tag in {"iframe", "object", "embed", "base"}:
            found.append(f"<{tag}>")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and browser_scheme(value) not in (
                None,
                "http",
                "https",
                "mailto",
            ):
                found.append(f"<{tag} {name}={value!r}>")
    for attributes, text in document.scripts:
        if attributes.get("type") in SCRIPT_TYPES_WITH_DATA:
            continue
        if "alert" in text or "onmouseover" in text:
            found.append(f"inline script {text[:60]!r}")
    return found


# ------------------------------------------------------------------ every HTML page


def test_no_html_page_contains_a_script_handler_or_script_url(built_site):
    problems = {
        path.relative_to(built_site).as_posix(): unsafe
        for path in output_files(built_site, ".html")
        if (unsafe := unsafe_parts(Document(path.read_text(encoding="utf-8"))))
    }
    assert problems == {}


def test_payload_is_shown_to_readers_as_text(built_site):
    page = Document((built_site / "events/incursion/index.html").read_text(encoding="utf-8"))
    for label in ("Title", "Summary", "Claim", "Headline", "Publisher", "Correction"):
        assert hostile(label) in page.all_text(), label


def test_payload_in_an_event_list_is_shown_to_readers_as_text(built_site):
    page = Document((built_site / "index.html").read_text(encoding="utf-8"))
    for label in ("Title", "Summary"):
        assert hostile(label) in page.all_text(), label


def test_template_syntax_in_content_is_printed_literally(built_site):
    text = (built_site / "events/incursion/index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in text
    assert "{% raw %}" in text
    assert "49" not in Document(text).all_text()


def test_body_link_to_javascript_is_plain_text(built_site):
    page = Document((built_site / "events/incursion/index.html").read_text(encoding="utf-8"))
    assert "click me" in page.all_text()
    assert not [a for tag, a in page.tags if tag == "a" and "alert" in a.get("href", "")]


def test_every_page_that_names_the_actor_or_place_is_safe(built_site):
    names = (hostile("Ministry"), hostile("Kursk"))
    pages = [
        path
        for path in output_files(built_site, ".html")
        if any(name in Document(path.read_text(encoding="utf-8")).all_text() for name in names)
    ]
    assert len(pages) >= 3
    assert all(unsafe_parts(Document(p.read_text(encoding="utf-8"))) == [] for p in pages)


# ------------------------------------------------------------------ JSON-LD


def json_ld_blocks(site: Path) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    for path in output_files(site, ".html"):
        scripts = Document(path.read_text(encoding="utf-8")).scripts
        found = [text for attrs, text in scripts if attrs.get("type") == "application/ld+json"]
        if found:
            blocks[path.relative_to(site).as_posix()] = found
    return blocks


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def test_json_ld_cannot_be_closed_by_a_script_end_tag(built_site):
    blocks = json_ld_blocks(built_site)
    assert "events/incursion/index.html" in blocks
    for texts in blocks.values():
        for text in texts:
            assert "</script" not in text.lower()
            json.loads(text)


def test_json_ld_carries_the_literal_text(built_site):
    texts = json_ld_blocks(built_site)["events/incursion/index.html"]
    values = [s for text in texts for s in strings_in(json.loads(text))]
    assert hostile("Title") in values


# ------------------------------------------------------------------ feeds and data files


def test_feeds_are_well_formed_and_their_html_content_is_safe(built_site):
    for path in output_files(built_site, ".xml"):
        root = ElementTree.parse(path).getroot()
        for element in root.iter():
            if element.get("type") in ("html", "xhtml") and element.text:
                assert unsafe_parts(Document(element.text)) == [], path
                assert "script" not in {tag for tag, _ in Document(element.text).tags}, path


def test_timelinejs_text_is_escaped_html(built_site):
    data = json.loads((built_site / "timelinejs.json").read_text(encoding="utf-8"))
    slides = [data.get("title", {}), *data["events"]]
    for slide in slides:
        for field in ("headline", "text"):
            fragment = slide.get("text", {}).get(field, "")
            assert unsafe_parts(Document(fragment)) == []
            assert "script" not in {tag for tag, _ in Document(fragment).tags}


def test_json_exports_parse_and_keep_the_literal_text(built_site):
    for path in output_files(built_site, ".json", ".geojson"):
        json.loads(path.read_text(encoding="utf-8"))
    events = (built_site / "events.json").read_text(encoding="utf-8")
    assert hostile("Title") in strings_in(json.loads(events))


# ------------------------------------------------------------------ refused before rendering


def test_tag_with_markup_is_refused_by_check(tmp_path):
    event = yaml.safe_load(HOSTILE_SITE["events/2024/incursion.yaml"])
    event["tags"] = ["<script>alert(1)</script>"]
    content = write_site(tmp_path / "content", {"events/2024/incursion.yaml": dump(event)})
    result = run_build("check", "--content", str(content))
    assert result.returncode == 1
    assert "incursion.yaml" in result.stdout


def test_symlinked_event_outside_the_content_folder_is_reported_and_never_opened(tmp_path):
    content = write_site(tmp_path / "content", {})
    outside = tmp_path / "outside.yaml"
    os.mkfifo(outside)  # opening a FIFO with no writer blocks, so a read would time out
    (content / "events" / "2024" / "stolen.yaml").symlink_to(outside)
    result = run_build("check", "--content", str(content), timeout=30)
    assert result.returncode == 1
    assert "stolen.yaml:1:1: error: symlink points outside the content folder" in result.stdout


def test_symlinked_folder_outside_the_content_folder_is_not_followed(tmp_path):
    content = write_site(tmp_path / "content", {})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.mkfifo(elsewhere / "stolen.yaml")
    (content / "events" / "linked").symlink_to(elsewhere, target_is_directory=True)
    result = run_build("check", "--content", str(content), timeout=30)
    assert "stolen.yaml" not in result.stdout + result.stderr
    assert result.returncode == 0
