"""Where a rebuild after one title edit spends its time, stage by stage, in one process.

Builds a copy of the content once with the cache (untimed), edits one event's title,
waits out the one-second mtime guard, then rebuilds with every stage of
`generator.build.build_site` wrapped in a timer, and prints the split as JSON. Stages
run once each except the cache loads and saves, which are summed (the loads also one
line per cache entry). The modules are imported before the timed build (so imports are
not in it); the build loads its templates afresh, as in a new process.

Usage: python bench/rebuild_stages.py CONTENT_DIR WORK_DIR [--search]
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


Stage = str | Callable[..., str]
"""A stage's name, or a function of the call's arguments that names it."""


def timing(split: dict[str, float], stage: Stage, owner: Any, name: str) -> None:
    """Replace `owner.name` by a wrapper adding its run time to `split[stage]`."""
    original: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            label = stage(*args) if callable(stage) else stage
            split[label] = round(split.get(label, 0.0) + time.perf_counter() - start, 4)

    setattr(owner, name, timed)


INSIDE = "  of which: "
"""Lines timed inside another stage, so not counted twice in "other"."""
INSIDE_RENDER = f"{INSIDE}write the exports (parent, beside the renderer)"


def entry_loaded(_store: object, entry: str) -> str:
    """One line per cache entry loaded (the file outcomes, the state, the list-item
    parts, ...), inside "cache loads"."""
    return f"{INSIDE}load {entry}"


def main() -> int:
    content_source, work = Path(sys.argv[1]), Path(sys.argv[2])
    with_search = "--search" in sys.argv[3:]
    content, out = work / "content", work / "site"
    if not content.exists():
        shutil.copytree(content_source, content)
    from bench import edits
    from generator import build

    build.build_site(content, out, with_search=with_search)
    edits.edit_first_title(content)
    time.sleep(1.1)

    from generator import (
        assemble,
        cache,
        incremental,
        pagekeys,
        pages,
        parallel,
        pipeline,
        render,
        unchanged,
    )

    split: dict[str, float] = {}
    for stage, owner, name in [
        ("stat content files + verify output", unchanged, "inputs_and_output_unchanged"),
        ("cache loads", cache.Store, "load"),
        ("cache saves", cache.Store, "save"),
        ("read + hash content files", pipeline, "read_checked_tree"),
        ("check references", pipeline, "check_references"),
        ("records + index", pipeline, "build_records"),
        ("fingerprints", pagekeys, "fingerprints"),
        ("plan units", pages, "page_units"),
        ("page and export keys", assemble.Job, "reuse_unchanged"),
        ("render changed pages + exports", parallel, "render_pages"),
        ("snapshot output", incremental, "snapshot_output"),
        ("update output snapshot", incremental, "updated_snapshot"),
        ("load templates (compiled code from the cache)", render, "load_templates"),
        (INSIDE_RENDER, assemble, "_write_each"),
    ]:
        timing(split, stage, owner, name)
    timing(split, entry_loaded, cache.Store, "load")  # also inside "cache loads"
    start = time.perf_counter()
    build.build_site(content, out, with_search=with_search)
    total = time.perf_counter() - start
    outer = sum(seconds for stage, seconds in split.items() if not stage.startswith(INSIDE))
    split["other (imports, moving files, saving state)"] = round(total - outer, 4)
    split["total (in process)"] = round(total, 4)
    print(json.dumps(grouped(split), indent=2))
    return 0


def grouped(split: dict[str, float]) -> dict[str, float]:
    """The stages in the order they first ran, each followed by the lines timed inside
    it: the cache entries under "cache loads", the exports under the rendering."""
    parent_of = {INSIDE_RENDER: "render changed pages + exports"}
    ordered: dict[str, float] = {}
    for stage, seconds in split.items():
        if stage.startswith(INSIDE):
            continue
        ordered[stage] = seconds
        for inner, inner_seconds in split.items():
            if inner.startswith(INSIDE) and parent_of.get(inner, "cache loads") == stage:
                ordered[inner] = inner_seconds
    return ordered


if __name__ == "__main__":
    raise SystemExit(main())
