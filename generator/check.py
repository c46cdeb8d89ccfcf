"""`check_site`: every problem in a content folder, with a cache that only makes it faster.

An editor checks the same folder again and again (before each commit, on each save),
and between two checks a file or two change. So, as `ruff` and `mypy` do, a check keeps
what it learnt of each file under a cache folder and reuses it while the file's bytes are
the same: a file whose size and mtime are as the last check recorded is not even read
(the rule `build` follows, racy mtimes included), and a file whose bytes hash to an entry
is not parsed again. References between files are checked afresh every time, since a file
that did not change can still name one that went away.

The problems are exactly those of a check without a cache (`tests/test_check_cache.py`):
entries are keyed by the file's path as the editor gave it, its kind and the hash of its
bytes, in a store that the generator's code key invalidates whole (`cache.Store`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator import cache, unchanged
from generator.build import collector_paused
from generator.problems import Problem, sort_problems

FILES = "checked"
"""The cache entry of file outcomes (a `Layered` one: the bulk, plus what is new)."""
STATE = "check-state"
"""When the last check began, and the signature of every file it read."""


def check_site(content_dir: Path, cache_dir: Path | None = None) -> list[Problem]:
    """Every problem, sorted; `cache_dir` None reads and writes no cache."""
    from generator.pipeline import check_content

    with collector_paused():
        if cache_dir is None:
            return check_content(content_dir)
        return sort_problems(_check_with(content_dir, cache.Store(cache_dir)))


def _check_with(content_dir: Path, store: cache.Store) -> list[Problem]:
    from generator import incremental, structure
    from generator.pipeline import Vouched, check_references, read_checked_tree

    started = unchanged.now_ns()
    store.load_compiled(structure.COMPILED_ENTRY, structure.load_validators)
    last = _last_state(store)
    files = incremental.Layered.load(store, FILES)
    vouched = Vouched.after(last["digests"], last["started"])
    loaded, problems = read_checked_tree(content_dir, files.memo, vouched, with_records=False)
    problems.extend(check_references(loaded))
    # Nothing to save when every file was vouched for and none was parsed: the cache
    # already holds all this check learnt, and an editor's repeated check writes nothing.
    if vouched.seen != vouched.previous or files.memo.added:
        files.save(store)
        store.save(STATE, {"started": started, "digests": vouched.seen})
    return problems


def _last_state(store: cache.Store) -> dict[str, Any]:
    found = store.load(STATE)
    if isinstance(found, dict) and isinstance(found.get("digests"), dict):
        return found
    return {"started": 0, "digests": {}}
