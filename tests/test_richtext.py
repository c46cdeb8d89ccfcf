"""Editors' Markdown becomes HTML that can carry no script, and links go only where allowed.

The outputs are read back with `html.parser`, so the assertions are about the tags and
attributes a browser would build, not about how the text happens to be spelled.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import generate
from generator import load, render
from generator.richtext import (
    _markdown,
    _needless_patterns,
    clean_html,
    json_for_attribute,
    json_for_script,
    render_markdown,
    safe_href,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


class Elements(HTMLParser):
    """Every start tag with its attributes, plus the text, as a browser would see them."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def hrefs(self) -> list[str]:
        return [attrs["href"] or "" for tag, attrs in self.tags if "href" in attrs]


def browser_scheme(url: str) -> str | None:
    """The scheme a browser finds: tabs and newlines removed, C0 and space stripped."""
    url = re.sub(r"[\t\n\r]", "", url).strip("".join(chr(c) for c in range(0x21)))
    found = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    return found.group(1).lower() if found else None


# ------------------------------------------------------------------ raw HTML


RAW_HTML = {
    "script": "<script>alert(1)</script>",
    "img onerror": '<img src="x" onerror="alert(1)">',
    "iframe": '<iframe src="https://example.org/"></iframe>',
    "anchor to javascript": '<a href="javascript:alert(1)">x</a>',
    "style": "<style>body { display: none }</style>",
    "svg onload": "<svg onload=alert(1)>",
    "block of html": "<div>\n<script>alert(1)</script>\n</div>",
    "inline in a paragraph": "Hello <b onclick='alert(1)'>there</b> reader.",
}


@pytest.mark.parametrize("raw", RAW_HTML.values(), ids=RAW_HTML.keys())
def test_raw_html_in_markdown_never_becomes_a_tag(raw):
    elements = Elements(render_markdown(raw))
    assert elements.names() <= {"p"}
    assert all(attrs == {} for _, attrs in elements.tags)


def test_raw_html_is_shown_to_the_reader_as_text():
    assert "<script>alert(1)</script>" in "".join(
        Elements(render_markdown(RAW_HTML["script"])).text
    )


def test_html_comment_is_neither_kept_as_a_comment_nor_hidden():
    elements = Elements(render_markdown("before <!-- hidden --> after"))
    assert elements.comments == []
    assert "<!-- hidden -->" in "".join(elements.text)


# ------------------------------------------------------------------ link schemes


HOSTILE_TARGETS = {
    "plain": "javascript:alert(1)",
    "mixed case": "JaVaScRiPt:alert(1)",
    "decimal entity": "&#106;avascript:alert(1)",
    "hex entity": "&#x6A;avascript:alert(1)",
    "named colon entity": "javascript&colon;alert(1)",
    "double-encoded entity": "&amp;#106;avascript:alert(1)",
    "entity tab inside": "jav&#x09;ascript:alert(1)",
    "leading control char": "\x01javascript:alert(1)",
    "backslash escape": "java\\script:alert(1)",
    "angle brackets": "<javascript:alert(1)>",
    "leading spaces": "   javascript:alert(1)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
    "file": "file:///etc/passwd",
}


@pytest.mark.parametrize("target", HOSTILE_TARGETS.values(), ids=HOSTILE_TARGETS.keys())
def test_markdown_link_to_a_forbidden_scheme_has_no_href(target):
    elements = Elements(render_markdown(f"[click]({target})"))
    assert elements.hrefs() == []
    assert "click" in "".join(elements.text)


@pytest.mark.parametrize("target", HOSTILE_TARGETS.values(), ids=HOSTILE_TARGETS.keys())
def test_markdown_image_with_a_forbidden_scheme_has_no_href(target):
    elements = Elements(render_markdown(f"![picture]({target})"))
    assert elements.hrefs() == []
    assert "img" not in elements.names()


def test_reference_style_link_to_javascript_has_no_href():
    assert Elements(render_markdown("[x][r]\n\n[r]: javascript:alert(1)")).hrefs() == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#0000106;avascript:alert(1)",
        "\x01javascript:alert(1)",
        "\x00 javascript:alert(1)",
        " \u00a0javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.org/",
        "",
        "   ",
    ],
)
def test_safe_href_refuses_everything_but_http_mailto_and_relative(url):
    assert safe_href(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("../../actors/golos/index.html", "../../actors/golos/index.html"),
        ("#claim-mod-234-killed", "#claim-mod-234-killed"),
        ("  https://example.org/  ", "https://example.org/"),
        ("https://example.org/a file.pdf", "https://example.org/a%20file.pdf"),
        ("https://example.org/?a=1&amp;b=2", "https://example.org/?a=1&b=2"),
    ],
)
def test_safe_href_keeps_http_mailto_and_relative_urls_as_a_browser_reads_them(url, expected):
    assert safe_href(url) == expected


def test_http_https_mailto_and_relative_links_survive():
    text = (
        "[a](https://example.org/report) [b](http://example.org/) "
        "[c](mailto:desk@example.org) [d](../other/index.html) [e](#claim-one)"
    )
    assert Elements(render_markdown(text)).hrefs() == [
        "https://example.org/report",
        "http://example.org/",
        "mailto:desk@example.org",
        "../other/index.html",
        "#claim-one",
    ]


def test_external_links_get_noopener_noreferrer_nofollow():
    elements = Elements(render_markdown("[a](https://example.org/) [b](../x/index.html)"))
    rels = [attrs.get("rel") for tag, attrs in elements.tags if tag == "a"]
    assert rels == ["noopener noreferrer nofollow", None]


def test_image_becomes_a_link_so_readers_never_request_a_third_party():
    elements = Elements(render_markdown("![Damaged school](https://example.org/school.jpg)"))
    assert "img" not in elements.names()
    assert elements.hrefs() == ["https://example.org/school.jpg"]
    assert "Damaged school" in "".join(elements.text)


# ------------------------------------------------------------------ structure


def test_body_heading_one_becomes_heading_two():
    assert render_markdown("# Background") == "<h2>Background</h2>"


def test_body_heading_levels_are_renumbered_without_gaps():
    html = render_markdown("### First\n\n##### Second\n\n### Third")
    assert [tag for tag, _ in Elements(html).tags] == ["h2", "h3", "h2"]


def test_markdown_formatting_still_works():
    html = render_markdown(
        "Shelling began at **14:30**.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert {"strong", "ul", "li", "table", "td"} <= Elements(html).names()


def test_template_syntax_in_markdown_is_plain_text():
    assert render_markdown("{{ 7*7 }} {% raw %}") == "<p>{{ 7*7 }} {% raw %}</p>"


def test_same_text_renders_identically_every_time():
    """The converter is shared and reset between texts: nothing one leaves behind (here a
    reference definition) may change the next."""
    text = "# Title\n\n[a](https://example.org/) *b* [r]"
    first = render_markdown(text)
    render_markdown("[r]: https://example.org/elsewhere\n\ntext")
    assert render_markdown(text) == first
    assert "elsewhere" not in first


# ------------------------------------------------------------------ properties


# fmt: off
MARKUP_PIECES = st.sampled_from(
    [
        "<", ">", "&", '"', "'", "`", "[", "]", "(", ")", "!", "*", "_", "#", "\n", "\t", "\x01",
        ":", "/", "\\", "=", " ", "javascript:", "JAVASCRIPT:", "&#106;", "&#x3c;", "onerror=",
        " onclick=", "<script>", "</script>", "<img src=x ", "<a href=", "data:", "](", "[x](",
        "<!--", "-->", "<style>", "<svg", "<iframe", "\u2028", "```", "    ", "> ",
    ]
)
# fmt: on
MARKDOWNISH = st.lists(st.one_of(MARKUP_PIECES, st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
def test_no_text_ever_renders_script_handler_or_javascript_href(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE)
    elements = Elements(html)
    assert "script" not in elements.names()
    for _, attrs in elements.tags:
        assert not any(name.startswith("on") for name in attrs)
    for href in elements.hrefs():
        assert browser_scheme(href) in (None, "http", "https", "mailto")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_safe_href_result_has_an_allowed_scheme_or_none(url):
    result = safe_href(url)
    if result is not None:
        assert browser_scheme(result) in (None, "http", "https", "mailto")


# ------------------------------------------------------------------ JSON inside <script>


BREAKOUT = "</script><script>alert(1)</script>"


def test_json_for_script_cannot_close_the_script_element():
    text = json_for_script({"name": BREAKOUT, "note": "<!-- a & b -->"})
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text


def test_json_for_script_escapes_line_separators():
    text = json_for_script(["a\u2028b\u2029c"])
    assert "\u2028" not in text
    assert "\u2029" not in text
    assert "\\u2028" in text
    assert "\\u2029" in text


def test_json_for_script_round_trips_through_json_loads():
    value = {"name": BREAKOUT, "sep": "\u2028\u2029", "город": "Курск", "n": [1, 2.5, None, True]}
    assert json.loads(json_for_script(value)) == value


def test_json_for_script_is_deterministic_with_sorted_keys():
    assert json_for_script({"b": 1, "a": 2}) == '{"a":2,"b":1}'


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.text() | st.integers() | st.none(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_json_for_script_never_contains_a_tag_and_always_round_trips(value):
    text = json_for_script(value)
    assert "</" not in text
    assert json.loads(text) == value


# ------------------------------------------------ leaving out inline patterns that cannot match

MARKDOWN_PIECES = st.sampled_from(
    [
        "word", "two words", " ", "  ", "\n", "\n\n", "  \n", "\t", "\r\n", "\r", "*", "**",
        "_", "__", "`", "``", "\\", "[", "]", "(", ")", "!", "<", ">", "&", ";", "&amp;",
        "&#35;", ":", "|", "#", "- ", "1. ", "> ", "    ", "~~~", "```", "http://a.example/b",
        "<http://a.example>", "<me@a.example>", "[x](http://a.example)", "![i](p.png)",
        "[ref]", "[ref]: http://r.example", "*[ABBR]: An abbreviation", "ABBR", ":   def",
        "| a | b |\n|---|---|\n| 1 | 2 |", "\x02", "\x03", "é", "Тёткино",
    ]
)  # fmt: skip


def _every_pattern(text: str) -> str:
    return clean_html(_markdown().reset().convert(text)).strip()


@settings(max_examples=600, deadline=None)
@given(st.lists(MARKDOWN_PIECES, max_size=40).map("".join))
def test_leaving_out_patterns_that_cannot_match_never_changes_the_html(text):
    assert render_markdown(text) == _every_pattern(text)


def test_every_body_of_the_content_and_of_generated_sites_renders_as_with_every_pattern():
    texts = [
        path.read_text() for path in sorted((REPO_ROOT / "content" / "events").rglob("*.yaml"))
    ]
    texts += [
        text for path, text in generate.generate(300, 7).items() if path.startswith("events/")
    ]
    documents = [load.parse_text(text, "event.yaml")[0] for text in texts]
    bodies = [str(document.data.get("body", "")) for document in documents if document is not None]
    assert len([body for body in bodies if body]) > 300
    for body in bodies:
        assert render_markdown(body) == _every_pattern(body)


def test_plain_prose_leaves_out_the_patterns_it_cannot_use():
    left_out = _needless_patterns("Shelling near *the* bridge, [per](https://a.example) officials.")
    assert {"backtick", "escape", "autolink", "entity", "linebreak"} <= left_out
    assert not {"em_strong", "link", "reference"} & left_out


@pytest.mark.parametrize("unsure", ["\t", "\r", "\x02", "\x03"])
def test_a_body_whose_characters_markdown_rewrites_keeps_every_pattern(unsure):
    assert _needless_patterns(f"plain{unsure}text") == frozenset()


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_json_for_an_attribute_is_what_the_tojson_filter_writes(value):
    expected = render.environment().from_string("{{ value|tojson }}").render(value=value)
    assert json_for_attribute(value) == expected
    assert "'" not in json_for_attribute(value) and "<" not in json_for_attribute(value)


def test_converting_a_body_reads_no_installed_package_metadata():
    """Extensions named by string are looked up through every installed package's entry
    points, which imports `importlib.metadata` and `email` in every process that renders
    a body (a one-title rebuild took 0.987x the time without it, paired)."""
    probe = (
        "import sys\n"
        "from generator.richtext import render_markdown\n"
        "assert '<table>' in render_markdown('| a |\\n|---|\\n| b |\\n')\n"
        "print(sorted({'importlib.metadata', 'email'} & set(sys.modules)))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "[]"
