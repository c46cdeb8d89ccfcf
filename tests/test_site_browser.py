"""The built site in a real browser: valid HTML, no accessibility violations in light or
dark, every link working when served under a sub-path, and no failed request.

Three sites are checked: the fixture site (every page feature), the real `content/`
when it is valid, and a generated 1,000-event site (a sample of its pages plus one of
every page type). Set UPDATE_SCREENSHOTS=1 to also refresh `docs/screenshots/`.
"""

from __future__ import annotations

import os
import random
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin

import pytest

from bench.generate import generate, write_tree
from generator import cli
from tests.browser import (
    REPO_ROOT,
    axe_violations,
    chromium,
    format_violations,
    format_vnu_messages,
    run_vnu,
    serve_directory,
)
from tests.screenshots import OUT_DIR, take_screenshots
from tests.sitewalk import is_internal, parse_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "index": "index.html",
    "index page 2": "page/2/index.html",
    "year": "2024/index.html",
    "month": "2024/03/index.html",
    "event": "events/incursion/index.html",
    "event with related": "events/aftermath/index.html",
    "actor": "actors/russian-mod/index.html",
    "place": "places/russia/index.html",
    "tag": "tags/border/index.html",
    "sources": "sources/index.html",
    "actors index": "actors/index.html",
    "places index": "places/index.html",
    "tags index": "tags/index.html",
}


def build(content: Path, out: Path) -> Path:
    assert cli.main(["build", "--content", str(content), "--out", str(out), "--no-cache"]) == 0
    return out


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = REPO_ROOT / "content"
    if not content.is_dir() or cli.main(["check", "--content", str(content)]) != 0:
        pytest.skip("content/ is missing or not valid")
    return build(content, tmp_path_factory.mktemp("real") / "site")


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("generated") / "content"
    write_tree(generate(1000, 7), content)
    return build(content, tmp_path_factory.mktemp("generated") / "site")


def sample_of_every_type(site: Path, size: int) -> list[Path]:
    """A seeded sample of pages, plus the first page of each folder kind."""
    pages = html_files(site)
    kinds = {
        p.relative_to(site).parts[0] if len(p.relative_to(site).parts) > 1 else p.name
        for p in pages
    }
    firsts = [
        next(p for p in pages if p.relative_to(site).as_posix().startswith(k))
        for k in sorted(kinds)
    ]
    return sorted(set(random.Random(7).sample(pages, min(size, len(pages))) + firsts))


def test_every_page_of_the_fixture_site_is_valid_html(built_site: Path) -> None:
    messages = run_vnu(html_files(built_site))
    assert messages == [], format_vnu_messages(messages)


def test_every_page_of_the_real_content_is_valid_html(real_site: Path) -> None:
    messages = run_vnu(html_files(real_site))
    assert messages == [], format_vnu_messages(messages)


def test_a_sample_of_a_thousand_event_site_is_valid_html(generated_site: Path) -> None:
    pages = sample_of_every_type(generated_site, 60)
    assert len(pages) >= 60
    messages = run_vnu(pages)
    assert messages == [], format_vnu_messages(messages)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_page_type_has_no_accessibility_violations(
    built_site: Path, browser: Browser, scheme: str
) -> None:
    found = []
    with serve_directory(built_site, "/project/") as base:
        context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
        page = context.new_page()
        for name, out_path in PAGE_TYPES.items():
            page.goto(base + out_path)
            violations = axe_violations(page)
            if violations:
                found.append(f"{name} ({out_path}):\n{format_violations(violations)}")
        context.close()
    assert found == []


def test_the_real_event_and_place_pages_have_no_accessibility_violations_in_dark(
    real_site: Path, browser: Browser
) -> None:
    out_paths = [
        "index.html",
        "events/kursk-belgorod-cross-border-incursion/index.html",
        "places/russia/index.html",
    ]
    found = []
    with serve_directory(real_site, "/project/") as base:
        context = browser.new_context(color_scheme="dark")
        page = context.new_page()
        for out_path in out_paths:
            page.goto(base + out_path)
            if violations := axe_violations(page):
                found.append(f"{out_path}:\n{format_violations(violations)}")
        context.close()
    assert found == []


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_every_link_works_over_http_under_a_sub_path(built_site: Path) -> None:
    broken = []
    with serve_directory(built_site, "/project/") as base:
        pages = {
            base + p.relative_to(built_site).as_posix(): p.read_text(encoding="utf-8")
            for p in html_files(built_site)
        }
        ids = {url: parse_page(html)[0] for url, html in pages.items()}
        for page_url, html in pages.items():
            for link in parse_page(html)[1]:
                if not is_internal(link):
                    continue
                target, fragment = urldefrag(urljoin(page_url, link))
                if not target.startswith(base):
                    broken.append(f"{page_url}: {link} leaves {base}")
                elif target not in pages and fetch(target)[0] != 200:
                    broken.append(f"{page_url}: {link} -> {target} not found")
                elif fragment and target in ids and fragment not in ids[target]:
                    broken.append(f"{page_url}: {link} has no #{fragment}")
    assert broken == []


def test_each_page_type_loads_under_a_sub_path_without_a_failed_request(
    built_site: Path, browser: Browser
) -> None:
    failures: list[str] = []
    with serve_directory(built_site, "/project/") as base:
        context = browser.new_context()
        page = context.new_page()
        page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
        page.on(
            "response",
            lambda response: (
                failures.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith(base) else failures.append(f"third party {r.url}"),
        )
        for out_path in PAGE_TYPES.values():
            page.goto(base + out_path, wait_until="networkidle")
        context.close()
    assert failures == []


@pytest.mark.skipif(
    os.environ.get("UPDATE_SCREENSHOTS") != "1", reason="UPDATE_SCREENSHOTS=1 to refresh"
)
def test_screenshots_are_refreshed(real_site: Path) -> None:
    written = take_screenshots(real_site, OUT_DIR)
    assert all(path.stat().st_size > 0 for path in written)
