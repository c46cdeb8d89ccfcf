"""Time each stage of our build in one fresh process and print the split as JSON.

Runs the same steps as `generator.build.build_site` one by one (read, validate, link,
index, render, write) so the benchmark can say where the time goes. Render and write are
skipped, and reported as missing, while the site rendering modules do not exist yet.

Usage: python bench/stages.py CONTENT_DIR OUT_DIR
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def timed(split: dict[str, float | None], stage: str, step: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = step()
    split[stage] = round(time.perf_counter() - start, 4)
    return result


def load_stages(content: Path, split: dict[str, float | None]) -> Any:
    from generator import pipeline

    pipeline.MIN_FILES_TO_FORK = 10**9  # one process: a split of the work, not of cores
    loaded, _ = timed(
        split,
        "read + check each file (YAML, schema, meaning, records)",
        lambda: pipeline.read_checked_tree(content),
    )
    timed(split, "link (references + cycles)", lambda: pipeline.check_references(loaded))
    return timed(split, "index (SiteIndex)", lambda: pipeline.build_records(loaded))


def build_stages(index: Any, out: Path, split: dict[str, float | None]) -> None:
    try:
        from generator import assemble, exports, pages, publish
    except ImportError as missing:
        split["render/write"] = None
        print(f"render stages skipped: {missing}", file=sys.stderr)
        return
    try:
        page_files = timed(split, "render pages", lambda: pages.render_pages(index))
        export_files = timed(split, "render exports", lambda: exports.render_exports(index))
    except Exception as failure:  # the rendering is still being written: report, go on
        split["render/write"] = None
        print(f"render stages failed: {failure!r}", file=sys.stderr)
        return
    timed(
        split,
        "merge",
        lambda: assemble.find_collisions([("pages", page_files), ("exports", export_files)]),
    )
    files = {**page_files, **export_files}
    timed(split, "write (publish)", lambda: publish.publish(files, out))


def main() -> int:
    content, out = Path(sys.argv[1]), Path(sys.argv[2])
    split: dict[str, float | None] = {}
    start = time.perf_counter()
    timed(split, "import", lambda: __import__("generator.pipeline"))
    index = load_stages(content, split)
    build_stages(index, out, split)
    split["total"] = round(time.perf_counter() - start, 4)
    print(json.dumps(split))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
