"""How long Pagefind takes to index one search bundle, by the bundle's size.

An edit re-indexes its event's whole bundle, so the bundle's size is what an edit
costs with search. Indexes one year's event pages of a built site as one bundle, as its
first quarter and as its January, each twice, the way the build does (`indexer`: hard
links to just those pages, one Pagefind run), and prints pages, seconds and the size
of the bundle. Bundles finer than a year were tried from these figures and not kept:
they cost readers more than they save a build (bench/README.md, "Third round").

Usage: python bench/shard_sizes.py CONTENT_DIR SITE_DIR YEAR
(SITE_DIR built from CONTENT_DIR, with or without search: only its event pages are read)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def main() -> int:
    from generator import indexer
    from generator.pipeline import load_site

    content, site, year = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    index, _ = load_site(content)
    if index is None:
        print(f"{content} does not build", file=sys.stderr)
        return 1
    dated = [e for e in index.events if e.date.year == year]
    bundles = {
        "year": [e.id for e in dated],
        "first quarter": [e.id for e in dated if e.date.month in (1, 2, 3)],
        "January": [e.id for e in dated if e.date.month == 1],
    }
    for name, ids in [*bundles.items()] * 2:
        with tempfile.TemporaryDirectory() as scratch:
            pages, output = Path(scratch, "pages"), Path(scratch, "bundle")
            indexer._link_pages(site, ids, pages)
            start = time.perf_counter()
            indexer._run_indexer(pages, output)
            seconds = time.perf_counter() - start
            size = sum(f.stat().st_size for f in output.rglob("*") if f.is_file())
            shutil.rmtree(output)
        print(f"{name:14} {len(ids):6} pages {seconds:6.2f} s {size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
