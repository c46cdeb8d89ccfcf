"""`build_site`: load, check, render every page and export, then publish atomically.

A build whose content, options, generator and published output are exactly as the last
build left them returns at once, having imported nothing but this module's light
helpers. Otherwise the content is loaded and checked (`pipeline`), the site assembled
(`assemble`) and published: through a staging folder swapped in whole, or, when the
published folder is exactly as the last build left it, file by file in place.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator import cache, outpath, unchanged
from generator.problems import Problem, sort_problems
from generator.progress import Report

if TYPE_CHECKING:
    from generator.finish import Filled

REPO_ROOT = Path(__file__).resolve().parent.parent


def _quiet(step: str, done: int, total: int) -> None:
    """The default reporter: builds run by tests and other code say nothing."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
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


LISTED_ENTRY = "listed"
"""The parts of each event's list item that no page changes (`assemble.Job.listed`)."""


PARSED_ENTRY = "parsed"
"""Each content file's outcome (problems, references, record), keyed by its bytes' hash."""


KEPT_ENTRIES = (PARSED_ENTRY, f"{PARSED_ENTRY}-new", LISTED_ENTRY, f"{LISTED_ENTRY}-new")
"""What `serve` keeps in memory between builds (`cache.Kept`): the two large entries,
both layers of each (`incremental.Layered`, which copies what it loads)."""


LOCK_NAME = "build.lock"
"""In the cache folder: held by the build of that folder's output that is running."""


OBSOLETE_ENTRIES = ("fragments", "fragments-new")
"""Cache entries earlier versions wrote and this one does not read (~66 MB at 10,000
events): removed rather than left to take the space for good."""


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
    on_pages_published: Callable[[], None] | None = None,
    kept: cache.Kept | None = None,
) -> list[Problem]:
    """Returns the problems; on any error the previous output is left untouched.

    With the cache (see cache.py, incremental.py and pagekeys.py) an unchanged build
    returns at once, unchanged content files are not parsed again, only the pages and
    exports whose keys changed are rendered, and unchanged files are kept rather than
    rewritten; the output is byte for byte that of `use_cache=False`.

    `on_pages_published` is called when a build in place with search has put its pages
    and exports in place and is about to index them (`serve` reloads the open pages
    then, not ~2 s later once a year of a 10,000-event site is indexed again). `kept`
    holds cache entries from earlier builds of the same process (`KEPT_ENTRIES`).
    """
    outpath.check_output_location(out_dir, content_dir, REPO_ROOT)
    if use_cache and cache_dir is not None:
        cache.check_cache_location(cache_dir, content_dir, out_dir)
    with collector_paused():
        return _build(
            content_dir,
            out_dir,
            base_url,
            cache_dir,
            use_cache,
            with_search,
            report,
            on_pages_published,
            kept,
        )


@contextlib.contextmanager
def one_build_at_a_time(folder: Path, *, create: bool, report: Report) -> Iterator[None]:
    """Wait until no other build holds the lock in `folder` (`LOCK_NAME`), then hold it.

    Two builds of one output at once (`serve` rebuilding while `make site` runs) would
    each update the published files in place from its own reading of the content; the
    one that read first but finished last could leave pages made from its older reading,
    recorded as current, until some later build. Holding the lock from before the
    content is read until the state is saved makes the second build start from the
    first one's result, as cargo does with its build folder. The kernel drops the lock
    when the process ends however it ends, so a killed build never leaves the next one
    waiting. Without `create` a missing lock file means no build with the cache ever ran
    there, and nothing is written. A folder that cannot be written, or a file system
    that cannot lock, is built in unlocked, as before there was a lock."""
    path = os.path.join(folder, LOCK_NAME)
    flags = os.O_RDWR | os.O_CREAT if create else os.O_RDONLY
    try:
        try:
            lock = os.open(path, flags, 0o644)
        except FileNotFoundError:
            if not create:
                raise
            folder.mkdir(parents=True, exist_ok=True)  # the first build with this cache
            lock = os.open(path, flags, 0o644)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report("waiting for another build of this site to finish", 0, 0)
            fcntl.flock(lock, fcntl.LOCK_EX)
    except OSError:  # a file system without locks (some network ones): built unlocked
        pass
    try:
        yield
    finally:
        os.close(lock)


def _build(
    content_dir: Path,
    out_dir: Path,
    base_url: str | None,
    cache_dir: Path | None,
    use_cache: bool,
    with_search: bool,
    report: Report,
    on_pages_published: Callable[[], None] | None,
    kept: cache.Kept | None,
) -> list[Problem]:
    """One build, holding the lock of its output's cache folder (a build without the
    cache holds it too when a build with the cache has made one: its swap of the whole
    folder must not land among another build's changes in place)."""
    store = cache.Store(cache.build_dir(out_dir, cache_dir, use_cache), kept)
    folder = store.folder or cache.default_dir(out_dir)
    with one_build_at_a_time(folder, create=use_cache, report=report):
        return _build_locked(
            content_dir,
            out_dir,
            base_url,
            store,
            with_search,
            report,
            on_pages_published,
        )


def _build_locked(
    content_dir: Path,
    out_dir: Path,
    base_url: str | None,
    store: cache.Store,
    with_search: bool,
    report: Report,
    on_pages_published: Callable[[], None] | None,
) -> list[Problem]:
    started = unchanged.now_ns()
    use_cache = store.folder is not None
    options = (str(content_dir.resolve()), str(out_dir.resolve()), base_url, with_search)
    found = store.load("state")
    last = found if isinstance(found, unchanged.LastBuild) and found.options == options else None
    inputs, as_left = _inputs_and_published_as_left(content_dir, out_dir, last, use_cache)
    if (
        last is not None
        and as_left
        and unchanged.same_inputs(last.inputs, inputs, trusted_before=last.started)
    ):
        return list(last.problems)
    previous = _with_detail(store, last)
    return _load_and_publish(
        content_dir,
        out_dir,
        store,
        previous,
        in_place=as_left and bool(previous),
        apart=with_search and _is_large(content_dir, inputs),
        base_url=base_url,
        with_search=with_search,
        report=report,
        state_keys=(options, inputs, started),
        on_pages_published=on_pages_published,
    )


SEPARATE_FROM_FILES = 1000
"""A build with search of a site with this many content files or more loads and renders
in a child process (`apart`), so that the memory it took is freed before the search
indexers start; a smaller site is done in one process."""


class Assembled(NamedTuple):
    """What loading and rendering gave: all the problems to report, the staged site (None
    when it must not be published) and the content hashes the next build may trust."""

    problems: list[Problem]
    filled: Filled | None
    digests: dict[str, tuple[int, int, bytes]]


def _assemble(
    content_dir: Path,
    out: Path,
    staging: Path,
    store: cache.Store,
    previous: dict[str, Any],
    inputs: unchanged.Inputs,
    *,
    in_place: bool,
    base_url: str | None,
    with_search: bool,
    report: Report,
) -> Assembled:
    """Load and check the content, then render the site into `staging` (in place: only
    the files whose bytes changed). Touches nothing but `staging` and the cache.
    `inputs`: the content files' stats this build took already ({} without the cache)."""
    # Only now: a no-change build needs none of these, nor `dataclasses` which they import.
    from generator import assemble, incremental, pagekeys, render, structure
    from generator.finish import Refused
    from generator.pipeline import Vouched, load_site

    report("reading content", 0, 0)
    use_cache = store.folder is not None
    if use_cache:
        store.load_compiled(structure.COMPILED_ENTRY, structure.load_validators)
    parsed = incremental.Layered.load(store, PARSED_ENTRY) if use_cache else None
    memo = parsed.memo if parsed is not None else None
    vouched = (
        Vouched.after(previous.get("digests") or {}, previous.get("started", 0), inputs)
        if use_cache
        else None
    )
    index, problems = load_site(content_dir, memo, vouched)
    if parsed is not None:
        parsed.save(store)
    digests = vouched.seen if vouched is not None else {}
    if index is None:
        return Assembled(problems, None, digests)
    # Afresh in every build; a store without a folder compiles them and keeps nothing.
    store.load_compiled(render.COMPILED_ENTRY, render.load_templates)
    index = assemble.with_base_url(index, base_url)
    job = assemble.Job(index, out, previous, with_search, report)
    listed = None
    if memo is not None:
        hashes = {source_path: hashed for source_path, _kind, hashed in memo.used}
        job.prints = pagekeys.fingerprints(index, hashes)
        listed = incremental.Layered.load(store, LISTED_ENTRY)
        job.listed = listed.memo
    # In place implies the cache: the output is known to be as left only from its state.
    assert job.prints is not None or not in_place, "an in-place build needs the cache"
    job.in_place = in_place
    try:
        filled = job.fill(staging)
    except Refused as refused:
        return Assembled(sort_problems([*problems, *refused.problems]), None, digests)
    if listed is not None:
        listed.save(store)
    for name in OBSOLETE_ENTRIES:
        store.forget(name)
    return Assembled(problems, filled, digests)


def _load_and_publish(
    content_dir: Path,
    out_dir: Path,
    store: cache.Store,
    previous: dict[str, Any],
    *,
    in_place: bool,
    apart: bool,
    base_url: str | None,
    with_search: bool,
    report: Report,
    state_keys: tuple[object, unchanged.Inputs, int],
    on_pages_published: Callable[[], None] | None,
) -> list[Problem]:
    """The work of a build that is needed: assemble (here, or `apart` in a child process
    that exits before the search indexers run), publish, save the state."""
    # The light modules only: this process runs the search indexers, and the less it
    # holds the more they may use (`assemble`, which renders, is imported by `_assemble`).
    from generator import publish
    from generator.apart import run_apart
    from generator.finish import Finish, Refused

    out = out_dir.resolve()
    finish = Finish(out, previous, report, in_place)
    outcome: list[Assembled] = []

    def fill(staging: Path) -> tuple[list[str], list[str]]:
        def work() -> Assembled:
            return _assemble(
                content_dir,
                out,
                staging,
                store,
                previous,
                state_keys[1],
                in_place=in_place,
                base_url=base_url,
                with_search=with_search,
                report=report,
            )

        if apart:
            assembled = run_apart(work)
            report("publishing", 0, 0)  # the child drew the progress line until now
        else:
            assembled = work()
        outcome.append(assembled)
        if assembled.filled is None:
            raise Refused(assembled.problems)
        return finish.take(assembled.filled)

    try:
        if in_place:
            publish.update_in_place(
                fill,
                out_dir,
                before_changes=lambda: store.forget("state"),
                after_changes=(
                    _announced(on_pages_published, finish.reindex_in_place) if with_search else None
                ),
            )
        else:
            publish.publish_with(
                fill, out_dir, before_swap=finish.index_search if with_search else None
            )
    except Refused as refused:
        return refused.problems
    problems, _, digests = outcome[0]
    _save_state(store, finish.state(problems, *state_keys, digests=digests))
    return problems


def _announced(
    announce: Callable[[], None] | None, reindex: Callable[[Path], None]
) -> Callable[[Path], None]:
    """`reindex`, after telling `announce` that the pages are in place. Pages and search
    bundles are published apart in place anyway (each bundle folder is swapped in as it
    is made), so nothing a reader could not already see is announced early."""
    if announce is None:
        return reindex

    def announced_then_reindexed(staging: Path) -> None:
        announce()
        reindex(staging)

    return announced_then_reindexed


def _is_large(content_dir: Path, inputs: unchanged.Inputs) -> bool:
    """Whether the content folder holds `SEPARATE_FROM_FILES` files or more; counted from
    the stats a build with the cache took already, else by listing the folders."""
    if inputs:
        return len(inputs) >= SEPARATE_FROM_FILES
    count = 0
    for _rel, _path, entries in unchanged.walk_folders(content_dir):
        count += sum(1 for entry in entries if not entry.is_dir(follow_symlinks=False))
        if count >= SEPARATE_FROM_FILES:
            return True
    return False
