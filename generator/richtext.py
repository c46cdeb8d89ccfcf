"""Editors' Markdown as HTML that is safe to put in a page, plus the two other escapes
a template needs: link targets (`safe_href`) and JSON inside `<script>` (`json_for_script`).

Markdown is untrusted input: an editor's file arrives by pull request. Three layers keep
script out of the site, so no single mistake lets it through:

1. Python-Markdown never sees raw HTML as HTML: the `html_block` preprocessor and the
   `html` inline pattern are removed, so `<script>` in a body is plain text and the
   serializer escapes it.
2. Every link and image target passes `safe_href` (http, https, mailto or relative only).
   Images become plain links to the picture: an `<img>` would make a reader's browser
   request a third party, which the design forbids.
3. `nh3` cleans the result with an explicit allow-list of tags and attributes, checking
   every `href` with `safe_href` once more.

Headings: an event page's `<h1>` is its title, so a body never produces one. The heading
levels a body uses are ranked and renumbered from `<h2>` down (`#` and `###` in one body
become `<h2>` and `<h3>`), which also closes gaps that would skip a level.
"""

from __future__ import annotations

import functools
import html
import json
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from jinja2.utils import htmlsafe_json_dumps
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

TOP_HEADING_LEVEL = 2
"""The level a body's biggest heading gets; the page title is the only `<h1>`."""

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "noopener noreferrer nofollow"

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
        "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "rel", "title"}, "abbr": {"title"}, "ol": {"start"}}

MARKDOWN_EXTENSIONS = (
    AbbrExtension,
    DefListExtension,
    FencedCodeExtension,
    SaneListExtension,
    TableExtension,
)
"""`extra` without `md_in_html` (raw HTML), `attr_list` (arbitrary attributes) and
`footnotes` (fixed ids that would clash when two bodies share a page). No `smarty`:
quoted words must stay as the source wrote them, and editors type their own dashes.
Given as classes, not names: Python-Markdown finds a named extension through the
installed packages' entry points, which imported `importlib.metadata` (with `email`)
and read every package's metadata in each process that renders a body (a one-title
rebuild took 0.987x the time without it, paired with `bench/compare.py`)."""

_SCHEME = re.compile(r"^([^/?#]*?):")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HEADING = re.compile(r"^h([1-6])$")


def _decode_entities(url: str) -> str:
    """Decode until stable, so `&amp;#106;` cannot hide a `j` from the scheme check."""
    for _ in range(4):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    return url


def safe_href(url: str) -> str | None:
    """The URL as a browser would read it, or None unless it is http(s), mailto or relative.

    Browsers drop tabs and newlines anywhere in a URL and control characters and spaces
    around it, and decode entities in attributes, before they look for a scheme; we do
    the same (removing every control character, which is stricter; inner spaces become
    `%20`) and return the cleaned text, so the check and the browser see one string. Anything
    before the first `:` that precedes `/`, `?` or `#` is a scheme and must be allowed.
    """
    cleaned = _CONTROL.sub("", _decode_entities(url)).strip().replace(" ", "%20")
    if not cleaned:
        return None
    scheme = _SCHEME.match(cleaned)
    if scheme is not None and scheme.group(1).casefold() not in ALLOWED_SCHEMES:
        return None
    return cleaned


def is_external(url: str) -> bool:
    scheme = _SCHEME.match(url)
    return url.startswith("//") or (scheme is not None and scheme.group(1).casefold() != "mailto")


def json_for_script(value: object) -> str:
    """JSON that cannot end its `<script>` element or open a comment or CDATA inside it.

    `<`, `>` and `&` become `\\u003c` escapes (no `</script>`, `<!--` or `]]>`), and the
    line separators U+2028 and U+2029, which older JavaScript parsers reject in strings,
    are escaped too. The result still parses as the same JSON.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def json_for_attribute(value: object) -> str:
    """JSON for an HTML attribute, exactly as Jinja's `tojson` filter writes it (keys
    sorted; `<`, `>`, `&` and `'` as \\u escapes, so it can close neither the attribute
    nor the element): for a value made once and shown on many pages."""
    return str(htmlsafe_json_dumps(value, sort_keys=True))


def _link_target(element: etree.Element, attribute: str) -> str | None:
    value = element.get(attribute)
    if value is None:
        return None
    return safe_href(value.replace(AMP_SUBSTITUTE, "&"))


def _make_link(element: etree.Element, href: str | None, text: str | None) -> None:
    """Turn `element` into `<a href>` (or a bare `<span>` when the target was refused)."""
    tail, title = element.tail, element.get("title")
    element.clear()
    element.tail = tail
    if text is not None:
        element.text = text
    if href is None:
        element.tag = "span"
        return
    element.tag = "a"
    element.set("href", href)
    if title:
        element.set("title", title)
    if is_external(href):
        element.set("rel", EXTERNAL_REL)


class SafeLinks(Treeprocessor):
    """Every link and image target through `safe_href`; images become links."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                href = _link_target(element, "href")
                text, children = element.text, list(element)
                _make_link(element, href, text)
                element.extend(children)
            elif element.tag == "img":
                href = _link_target(element, "src")
                alt = element.get("alt") or "image"
                _make_link(element, href, alt)


class ShiftHeadings(Treeprocessor):
    """Rank the heading levels used and renumber them from `TOP_HEADING_LEVEL`."""

    def run(self, root: etree.Element) -> None:
        headings = [(e, int(m.group(1))) for e in root.iter() if (m := _HEADING.match(e.tag))]
        ranks = {level: rank for rank, level in enumerate(sorted({lv for _, lv in headings}))}
        for element, level in headings:
            element.tag = f"h{min(6, TOP_HEADING_LEVEL + ranks[level])}"


INLINE_TRIGGERS = {
    "backtick": "`",
    "escape": "\\",
    "reference": "[",
    "link": "[",
    "image_link": "[",
    "image_reference": "[",
    "short_reference": "[",
    "short_image_ref": "[",
    "autolink": "<",
    "automail": "<",
    "entity": "&",
}
"""Python-Markdown's inline patterns, each with the characters one of which its match
must contain. Python-Markdown tries every pattern on every piece of text, ~60 % of a
conversion; a pattern whose characters occur nowhere in a body cannot match in it, so a
converter without that pattern gives the same HTML, a sixth faster on the benchmark's
bodies. The delimiter processor (emphasis) takes its characters from its own delimiters;
a pattern known neither way (another version, another extension) is always kept."""

EMPHASIS_PATTERN = "em_strong"
"""The delimiter processor (`*`, `_` and any delimiter an extension adds)."""

LINE_BREAK_PATTERN = "linebreak"
"""Two spaces before a newline (`  \n`), checked as that string."""

_UNSURE = frozenset("\t\r\x02\x03")
"""Characters that Python-Markdown's preprocessing turns into others (tabs to spaces,
CR to LF, and the markers of its own placeholders dropped): a body holding any of them
keeps every pattern."""


@functools.cache
def _triggers() -> dict[str, str]:
    """Every inline pattern that can be left out, with the characters it needs."""
    md = _markdown()
    triggers = {name: chars for name, chars in INLINE_TRIGGERS.items() if name in md.inlinePatterns}
    emphasis = md.delimiters
    if EMPHASIS_PATTERN in md.inlinePatterns and md.inlinePatterns[EMPHASIS_PATTERN] is emphasis:
        assert emphasis is not None
        triggers[EMPHASIS_PATTERN] = "".join(emphasis.tokens)
    return triggers


def _needless_patterns(text: str) -> frozenset[str]:
    """The inline patterns that cannot match anywhere in `text`."""
    if not _UNSURE.isdisjoint(text):
        return frozenset()
    needless = {name for name, chars in _triggers().items() if not any(c in text for c in chars)}
    if "  \n" not in text:
        needless.add(LINE_BREAK_PATTERN)
    return frozenset(needless)


@functools.lru_cache(maxsize=64)
def _markdown(without: frozenset[str] = frozenset()) -> markdown.Markdown:
    """One converter per process and set of left-out inline patterns, `reset()` before
    each use: building one costs more than converting a body, and `reset()` clears the
    state (abbreviations, references) a conversion leaves behind. Bodies leave out a
    few sets at most (most use emphasis and links), so the cache stays small."""
    md = markdown.Markdown(
        extensions=[extension() for extension in MARKDOWN_EXTENSIONS], output_format="html"
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in without:
        md.inlinePatterns.deregister(name, strict=False)
    # After `unescape` (priority 0), so backslash escapes cannot hide a scheme.
    md.treeprocessors.register(SafeLinks(md), "safe_links", -10)
    md.treeprocessors.register(ShiftHeadings(md), "shift_headings", -20)
    return md


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return safe_href(value)
    if attribute == "rel":
        return EXTERNAL_REL if value == EXTERNAL_REL else None
    return value


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """One sanitiser per process: `nh3.clean` turned the allow-lists into its own on
    every call, about 40 % of the time it took for a body."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def clean_html(fragment: str) -> str:
    """The second guard: only allow-listed tags, attributes and URL schemes survive."""
    return _cleaner().clean(fragment)


def render_markdown(text: str) -> str:
    """Safe HTML for an editor's Markdown. Not cached: a build converts each body once
    (on its event's page), and a cache of 4,096 texts held ~14 MB per rendering process
    for no hit."""
    return clean_html(_markdown(_needless_patterns(text)).reset().convert(text)).strip()
