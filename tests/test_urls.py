"""Relative links between pages agree with posixpath.relpath, without touching the disk."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from generator import urls

folder = st.sampled_from(["events", "a", "b", "2024", "03", "page"])
file_name = st.sampled_from(["index.html", "feed.xml", "events.json"])
out_path = st.builds(
    lambda dirs, name: "/".join([*dirs, name]), st.lists(folder, max_size=4), file_name
)
"""Like every out_path of the site: folders, then a file name with a suffix."""


@given(out_path, out_path)
def test_relative_links_match_relpath(from_path, to_path):
    expected = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    assert urls.relative(from_path, to_path) == expected


def test_a_link_to_the_home_page_from_an_event_climbs_two_folders():
    assert urls.relative(urls.event("x"), urls.home()) == "../../index.html"


def test_canonical_urls_drop_index_html():
    assert urls.absolute("https://e.org/t/", urls.event("x")) == "https://e.org/t/events/x/"


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:/", ""]),
    st.text(alphabet="ab1.-:/[]@?# %", max_size=20),
)
def test_the_url_shortcut_agrees_with_urlsplit(scheme, rest):
    text = scheme + rest
    from urllib.parse import urlsplit

    from generator.validate import is_http_url

    try:
        parts = urlsplit(text)
        expected = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        expected = False
    expected = expected and not any(char.isspace() for char in text)
    assert is_http_url(text) == expected
