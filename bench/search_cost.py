"""What a reader's first search costs: time to results, requests and bytes, in Chromium.

Serves a built site on 127.0.0.1, opens the search page with each query in a fresh
page (an empty cache, as a reader's first visit), waits for the results and their
count, and prints the seconds, the requests the page made and their bytes, split by
kind (Pagefind's index chunks, filter chunks, fragments, the rest). Each search term
fetches one index chunk from every bundle, which is why the number of bundles matters
to readers (bench/README.md, "Third round").

Usage: python bench/search_cost.py SITE_DIR [QUERY ...]   (default queries: strike convoy)
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

RESULT_LINK = ".pagefind-ui__result-link"
COUNTED = "(document.querySelector('.pagefind-ui__message') || {}).textContent?.includes('result')"


def kind_of(url: str) -> str:
    for folder in ("index", "filter", "fragment"):
        if f"/{folder}/" in url:
            return folder
    return "other"


def recorder(got: list[tuple[str, int]]) -> Callable[[Any], None]:
    """A response listener adding (address, bytes) to `got`."""
    return lambda response: got.append((response.url, len(response.body()) if response.ok else 0))


def main() -> int:
    from tests.browser import chromium, serve_directory

    site, queries = Path(sys.argv[1]), sys.argv[2:] or ["strike", "convoy"]
    bundles = sum(1 for p in (site / "pagefind").iterdir() if p.is_dir())
    print(f"{site}: {bundles} search bundles")
    with chromium() as browser, serve_directory(site, "/") as url:
        for query in queries:
            page = browser.new_page()
            got: list[tuple[str, int]] = []
            page.on("response", recorder(got))
            start = time.perf_counter()
            page.goto(f"{url}search/index.html?q={query}")
            page.wait_for_selector(RESULT_LINK, timeout=120_000)
            page.wait_for_function(COUNTED)
            seconds = time.perf_counter() - start
            message = page.inner_text(".pagefind-ui__message")
            page.wait_for_load_state("networkidle")
            by_kind: Counter[str] = Counter()
            for address, size in got:
                by_kind[kind_of(address)] += size
            split = ", ".join(f"{k} {n / 1e3:.0f} KB" for k, n in by_kind.most_common())
            print(
                f"{query}: {seconds:.2f} s, {len(got)} requests, "
                f"{sum(by_kind.values()) / 1e6:.2f} MB ({split}); {message}"
            )
            page.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
