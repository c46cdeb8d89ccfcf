"""Finding and seeing in a real browser: static search, list filters, the strip and maps.

The real content is built once with the search index and served under a sub-path, the
way GitHub Pages publishes a project site; every request a page makes is recorded so a
test can prove that nothing leaves the local server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from generator import cli
from tests.browser import REPO_ROOT, axe_violations, chromium, format_violations, serve_directory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

INCURSION = "events/kursk-belgorod-cross-border-incursion/index.html"
RESULT_LINK = ".pagefind-ui__result-link"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "site"
    assert cli.main(["build", "--content", str(REPO_ROOT / "content"), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, "/project/") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture()
def requests() -> list[str]:
    return []


@pytest.fixture()
def page(browser: Browser, requests: list[str]) -> Iterator[Page]:
    opened = browser.new_page()
    opened.on("request", lambda request: requests.append(request.url))
    yield opened
    opened.close()


def search_for(page: Page, base_url: str, query: str) -> list[str]:
    page.goto(f"{base_url}search/index.html?q={query}")
    page.wait_for_selector(RESULT_LINK)
    return [link.get_attribute("href") or "" for link in page.query_selector_all(RESULT_LINK)]


def result_count(page: Page) -> int:
    return len(page.query_selector_all("li.pagefind-ui__result"))


def test_searching_a_place_alias_finds_the_incursion(page: Page, base_url: str) -> None:
    hrefs = search_for(page, base_url, "Tetkino")
    assert f"/project/{INCURSION}" in hrefs


def test_a_search_result_opens_the_event_under_the_sub_path(page: Page, base_url: str) -> None:
    search_for(page, base_url, "Tetkino")
    page.click(f"{RESULT_LINK}[href='/project/{INCURSION}']")
    page.wait_for_load_state()
    assert page.url == base_url + INCURSION
    assert "Kursk" in page.inner_text("h1")


def test_the_search_box_on_every_page_hands_its_query_to_the_search_page(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + INCURSION)
    page.fill("#site-search-q", "Tetkino")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(RESULT_LINK)
    assert page.url.startswith(base_url + "search/index.html?q=Tetkino")


def test_a_filter_narrows_the_search_results(page: Page, base_url: str) -> None:
    search_for(page, base_url, "Russia")
    page.wait_for_timeout(300)
    before = result_count(page)
    page.click("summary.pagefind-ui__filter-name:has-text('Year')")
    page.check("input.pagefind-ui__filter-checkbox[name='year'][value='2023']")
    page.wait_for_function(f"document.querySelectorAll('li.pagefind-ui__result').length < {before}")
    assert 0 < result_count(page) < before


def test_no_page_asks_anything_of_a_host_but_the_site(
    page: Page, base_url: str, requests: list[str]
) -> None:
    search_for(page, base_url, "Tetkino")
    for path in ("index.html", INCURSION, "places/kursk-oblast/index.html", "places/index.html"):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).hostname for url in requests}
    assert len(requests) > 10
    assert hosts == {"127.0.0.1"}, sorted(url for url in requests if "127.0.0.1" not in url)


def test_search_page_with_results_has_no_accessibility_violations(
    page: Page, base_url: str
) -> None:
    search_for(page, base_url, "Tetkino")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize(
    ("path", "drawing"),
    [
        ("index.html", "svg.strip-chart"),
        ("places/kursk-oblast/index.html", "svg.map"),
        ("places/index.html", "svg.map"),
        ("actors/freedom-of-russia-legion/index.html", "svg.strip-chart"),
    ],
)
def test_pages_with_the_strip_and_maps_have_no_accessibility_violations(
    page: Page, base_url: str, path: str, drawing: str
) -> None:
    page.goto(base_url + path)
    assert page.locator(drawing).count() == 1
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_a_strip_bar_links_to_its_month_archive(page: Page, base_url: str) -> None:
    page.goto(base_url + "index.html")
    page.click("svg.strip-chart a[aria-label^='March 2024']")
    page.wait_for_load_state()
    assert page.url == base_url + "2024/03/index.html"


def test_the_list_filter_narrows_the_timeline_and_keeps_its_state_in_the_url(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "index.html")
    items = page.locator("li.event-item")
    total = items.count()
    page.select_option("form.list-filter select[name='tag']", index=1)
    chosen = page.eval_on_selector("form.list-filter select[name='tag']", "s => s.value")
    shown = page.locator("li.event-item:visible").count()
    assert 0 < shown < total
    assert parse_qs(urlsplit(page.url).query) == {"tag": [chosen]}
    assert page.inner_text("form.list-filter [role=status]") == (
        f"Showing {shown} of {total} events."
    )


def test_the_list_filter_narrows_a_places_events(page: Page, base_url: str) -> None:
    page.goto(base_url + "places/russia/index.html")
    items = page.locator("li.event-item")
    total = items.count()
    page.select_option("form.list-filter select[name='tag']", "evacuation")
    shown = page.locator("li.event-item:visible").count()
    assert 0 < shown < total
    assert parse_qs(urlsplit(page.url).query) == {"tag": ["evacuation"]}
    heading = page.locator("#events-heading")
    form = page.locator("form.list-filter")
    assert heading.bounding_box()["y"] < form.bounding_box()["y"]  # under its heading
    listed = page.locator("section[aria-labelledby='events-heading'] ol.event-list")
    assert form.bounding_box()["y"] < listed.bounding_box()["y"]


def test_a_shared_filter_link_opens_the_filtered_view(page: Page, base_url: str) -> None:
    page.goto(base_url + "index.html")
    total = page.locator("li.event-item").count()
    page.goto(base_url + "index.html?status=disputed")
    assert page.eval_on_selector("select[name='status']", "s => s.value") == "disputed"
    assert 0 < page.locator("li.event-item:visible").count() < total


def test_without_javascript_every_event_shows(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "index.html?tag=incursion")
        assert page.locator("form.list-filter").count() == 0
        assert (
            page.locator("li.event-item:visible").count() == page.locator("li.event-item").count()
        )
    finally:
        context.close()
