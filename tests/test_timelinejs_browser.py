"""`timelinejs.json` loads in Knight Lab's TimelineJS3 as it is, in a real browser."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from generator.exports import render_exports
from generator.index import SiteIndex
from generator.pipeline import load_site
from tests.browser import REPO_ROOT, axe_violations, chromium, serve_directory
from tests.contentkit import write_site
from tests.test_exports import FILES

pytestmark = pytest.mark.browser

TIMELINEJS_DIST = REPO_ROOT / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

# `font: null` keeps TimelineJS from loading its default web fonts from Google: the site
# promises no third-party requests, and the test machine has no internet anyway.
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TimelineJS check</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="timelinejs/css/timeline.css">
<script src="timelinejs/js/timeline.js"></script>
</head>
<body>
<div id="timeline" style="width: 1000px; height: 600px"></div>
<script>
window.timeline = new TL.Timeline("timeline", "timelinejs.json", {
  script_path: new URL("timelinejs/js/", location.href).href,
  font: null,
});
</script>
</body>
</html>
"""


def _site_root(tmp_path: Path, index: SiteIndex) -> Path:
    root = tmp_path / "served"
    shutil.copytree(TIMELINEJS_DIST, root / "timelinejs")
    (root / "timelinejs.json").write_bytes(render_exports(index)["timelinejs.json"])
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    return root


@pytest.fixture(params=["fixture", "content"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> SiteIndex:
    """The small fixture site, and the repository's real content."""
    if request.param == "fixture":
        content = write_site(tmp_path / "content", dict(FILES))
    else:
        content = REPO_ROOT / "content"
    loaded, problems = load_site(content)
    assert loaded is not None, problems
    return loaded


def test_timelinejs_shows_every_event_headline_without_errors(
    tmp_path: Path, index: SiteIndex
) -> None:
    assert (TIMELINEJS_DIST / "js" / "timeline.js").exists(), "run `npm ci` first"
    root = _site_root(tmp_path, index)
    errors: list[str] = []
    foreign: list[str] = []
    with chromium() as browser, serve_directory(root, "/project/") as base_url:
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda r: None if r.url.startswith(base_url) else foreign.append(r.url),
        )
        page.goto(base_url + "index.html")
        page.wait_for_selector(".tl-slide .tl-headline", state="attached", timeout=20_000)
        headlines = page.locator(".tl-slide .tl-headline").all_text_contents()
        slides = page.locator(".tl-slide").count()
    assert errors == []
    assert foreign == []
    assert slides == len(index.events) + 1  # the title slide, then one per event
    for event in index.events:
        assert html.unescape(event.title) in headlines


def test_404_page_is_accessible_when_served_under_a_missing_url(
    tmp_path: Path, index: SiteIndex
) -> None:
    root = tmp_path / "served"
    root.mkdir()
    (root / "404.html").write_bytes(render_exports(index)["404.html"])
    with chromium() as browser, serve_directory(root, "/project/") as base_url:
        page = browser.new_page()
        page.goto(base_url + "404.html")
        violations = axe_violations(page)
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
    assert violations == []
    assert hrefs and all(href.startswith(index.site.base_url) for href in hrefs)
