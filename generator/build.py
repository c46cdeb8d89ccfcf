"""`build_site`: load, check, render every page and export, then publish atomically.

A build whose content, options, generator and published output are exactly as the last
build left them returns at once, having imported nothing but this module's light
helpers. Otherwise the content is loaded and checked (`pipeline`), the site assembled
(`assemble`) and published: through a staging folder swapped in whole, or, when the
published folder is exactly as the last build left it, file by file in place.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator import cache, outpath, unchanged
from generator.problems import Problem, sort_problems
from generator.progress import Report

REPO_ROOT = Path(__file__).resolve().parent.parent


def _quiet(step: str, done: int, total: int) -> None:
    """The default reporter: builds run by tests and other code say nothing."""


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A build makes millions of objects that live to its end and almost no reference
    cycles, and each full collection walks every object made so far: with the cache's
    parsed files in memory that was a third of a rebuild's loading time. Reference
    counting still frees everything else; the collector catches up when it is enabled
    again (a forked renderer inherits the pause, so it never touches, and so never
    copies, the pages it shares with its parent)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


QUICK_STATE = ("options", "inputs", "started", "problems", "published", "snapshot")
"""What a no-change build reads (`state`, as an `unchanged.LastBuild`); the rest
(`state-detail`) is read only when something must be built."""


def _save_state(store: cache.Store, state: dict[str, Any]) -> None:
    """The detail first, then the quick part that vouches for it: a build killed
    between the two leaves a detail that no quick state names, which is ignored."""
    detail = {k: v for k, v in state.items() if k not in QUICK_STATE}
    store.save("state-detail", {**detail, "started": state["started"]})
    store.save("state", unchanged.LastBuild.of(state))


def _with_detail(store: cache.Store, last: unchanged.LastBuild | None) -> dict[str, Any]:
    """The whole last state, or {} (a build through staging) when its parts disagree."""
    detail = store.load("state-detail") if last else None
    if last is None or not isinstance(detail, dict) or detail.get("started") != last.started:
        return {}
    return {**detail, **last.as_state()}


def _inputs_and_published_as_left(
    content_dir: Path, out_dir: Path, last: unchanged.LastBuild | None, use_cache: bool
) -> tuple[unchanged.Inputs, bool]:
    """The content files' stats, and whether the output holds exactly the files the last
    build published, none changed since (never, without a cache or a last build)."""
    if not use_cache:
        return {}, False
    if last is None:
        return unchanged.input_stats(content_dir), False
    return unchanged.inputs_and_output_unchanged(content_dir, out_dir.resolve(), last)


def build_site(
    content_dir: Path,
    out_dir: Path,
    *,
    base_url: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    with_search: bool = True,
    report: Report = _quiet,
) -> list[Problem]:
    """Returns the problems; on any error the previous output is left untouched.

    With the cache (see cache.py, incremental.py and pagekeys.py) an unchanged build
    returns at once, unchanged content files are not parsed again, only the pages and
    exports whose keys changed are rendered, and unchanged files are kept rather than
    rewritten; the output is byte for byte that of `use_cache=False`.
    """
    outpath.check_output_location(out_dir, content_dir, REPO_ROOT)
    if use_cache and cache_dir is not None:
        cache.check_cache_location(cache_dir, content_dir, out_dir)
    with _collector_paused():
        return _build(content_dir, out_dir, base_url, cache_dir, use_cache, with_search, report)


def _build(
    content_dir: Path,
    out_dir: Path,
    base_url: str | None,
    cache_dir: Path | None,
    use_cache: bool,
    with_search: bool,
    report: Report,
) -> list[Problem]:
    started = unchanged.now_ns()
    store = cache.Store((cache_dir or cache.default_dir(out_dir)) if use_cache else None)
    options = (str(content_dir.resolve()), str(out_dir.resolve()), base_url, with_search)
    found = store.load("state")
    last = found if isinstance(found, unchanged.LastBuild) and found.options == options else None
    inputs, as_left = _inputs_and_published_as_left(content_dir, out_dir, last, use_cache)
    if (
        last is not None
        and as_left
        and last.inputs.as_dict() == inputs
        and not unchanged.is_racy(inputs, last.started)
    ):
        return list(last.problems)
    previous = _with_detail(store, last)
    return _load_and_publish(
        content_dir,
        out_dir,
        store,
        previous,
        in_place=as_left and bool(previous),
        base_url=base_url,
        with_search=with_search,
        report=report,
        state_keys=(options, inputs, started),
    )


def _load_and_publish(
    content_dir: Path,
    out_dir: Path,
    store: cache.Store,
    previous: dict[str, Any],
    *,
    in_place: bool,
    base_url: str | None,
    with_search: bool,
    report: Report,
    state_keys: tuple[object, object, int],
) -> list[Problem]:
    """The work of a build that is needed: load, assemble, publish, save the state."""
    # Only now: a no-change build needs none of these, nor `dataclasses` which they import.
    from generator import assemble, incremental, pagekeys, publish
    from generator.pipeline import Vouched, load_site

    report("reading content", 0, 0)
    use_cache = store.folder is not None
    parsed = incremental.Layered.load(store, "parsed") if use_cache else None
    memo = parsed.memo if parsed is not None else None
    vouched = (
        Vouched(previous.get("digests") or {}, previous.get("started", 0) - unchanged.RACY_NS)
        if use_cache
        else None
    )
    index, problems = load_site(content_dir, memo, vouched)
    if parsed is not None:
        parsed.save(store)
    if index is None:
        return problems
    index = assemble.with_base_url(index, base_url)
    job = assemble.Job(index, out_dir.resolve(), previous, with_search, problems, report)
    if memo is not None:
        digests = {source_path: hashed for source_path, _kind, hashed in memo.used}
        job.prints = pagekeys.fingerprints(index, digests)
    job.in_place = in_place and job.prints is not None
    fragments = incremental.Layered.load(store, "fragments") if job.prints is not None else None
    job.fragments = fragments.memo if fragments is not None else None
    try:
        if job.in_place:
            publish.update_in_place(
                job.fill_changes,
                out_dir,
                before_changes=lambda: store.forget("state"),
                after_changes=job.reindex_in_place if with_search else None,
            )
        else:
            publish.publish_with(
                job.fill, out_dir, before_swap=job.index_search if with_search else None
            )
    except assemble.Refused as refused:
        return sort_problems([*problems, *refused.problems])
    if fragments is not None:
        fragments.save(store)
    _save_state(store, job.state(*state_keys, digests=vouched.seen if vouched else {}))
    return problems
