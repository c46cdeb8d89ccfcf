"""The test tooling itself works: a checker that cannot fail would make every page test lie."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import (
    axe_violations,
    chromium,
    format_violations,
    format_vnu_messages,
    run_vnu,
    serve_directory,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

GOOD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shelling reported near Tyotkino</title>
</head>
<body>
<header><p>Conflict timeline</p></header>
<main>
<h1>Shelling reported near Tyotkino</h1>
<p>Two sources, <a href="sources/">listed here</a>.</p>
<img src="map.svg" alt="Locator map of Tyotkino">
</main>
</body>
</html>
"""

BAD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken</title></head>
<body>
<main>
<h1>Broken</h1>
<p>An image with no text alternative:</p>
<img src="map.svg">
</main>
</body>
</html>
"""

MAP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10"/></svg>'
)


def write_page(folder: Path, name: str, html: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(html, encoding="utf-8")
    (folder / "map.svg").write_text(MAP_SVG, encoding="utf-8")
    return path


@pytest.mark.browser
def test_vnu_reports_no_errors_for_a_valid_page(tmp_path: Path) -> None:
    page = write_page(tmp_path, "good.html", GOOD_PAGE)
    messages = run_vnu([page])
    assert messages == [], format_vnu_messages(messages)


@pytest.mark.browser
def test_vnu_reports_an_image_without_alt_in_the_right_file(tmp_path: Path) -> None:
    good = write_page(tmp_path, "good.html", GOOD_PAGE)
    bad = write_page(tmp_path, "bad.html", BAD_PAGE)
    messages = run_vnu([good, bad])
    assert messages, "vnu found nothing wrong in a page with an <img> lacking alt"
    assert {m["url"].rsplit("/", 1)[-1] for m in messages} == {"bad.html"}
    assert any("alt" in m["message"] for m in messages), format_vnu_messages(messages)


def test_serve_directory_mounts_the_folder_under_its_sub_path(tmp_path: Path) -> None:
    write_page(tmp_path / "events" / "a", "index.html", GOOD_PAGE)
    with serve_directory(tmp_path, "/project/") as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/project/")
        with urllib.request.urlopen(base + "events/a/") as response:
            assert response.status == 200
            assert b"Tyotkino" in response.read()
        # Without the trailing slash a static host redirects to the folder.
        with urllib.request.urlopen(base + "events/a") as response:
            assert response.url == base + "events/a/"
        outside = base.removesuffix("project/") + "events/a/"
        for url in (outside, base + "events/"):
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(url)
            assert caught.value.code == 404
            caught.value.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.mark.browser
def test_axe_finds_no_violation_on_a_clean_page_under_a_sub_path(
    tmp_path: Path, browser: Browser
) -> None:
    write_page(tmp_path, "index.html", GOOD_PAGE)
    with serve_directory(tmp_path, "/project/") as base:
        page = browser.new_page()
        try:
            response = page.goto(base)
            assert response is not None and response.ok
            assert page.title() == "Shelling reported near Tyotkino"
            violations = axe_violations(page)
        finally:
            page.close()
    assert violations == [], format_violations(violations)


@pytest.mark.browser
def test_axe_finds_an_image_without_alt(tmp_path: Path, browser: Browser) -> None:
    write_page(tmp_path, "index.html", BAD_PAGE)
    with serve_directory(tmp_path, "/project/") as base:
        page = browser.new_page()
        try:
            page.goto(base)
            violations = axe_violations(page)
        finally:
            page.close()
    assert "image-alt" in {v["id"] for v in violations}, format_violations(violations)
