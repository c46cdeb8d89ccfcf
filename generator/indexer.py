"""Run the Pagefind indexer over built pages: one bundle per shard, within a memory budget.

Pagefind reads the built HTML and writes a static index (`pagefind/`) that the reader's
browser queries in small fragments. It has no incremental mode, so the index is split
into one bundle per shard (a year of events, see `search.shards`), each indexed from
just its event pages: picked out of the site by a glob that names them, or, for a shard
too large for one glob, from a folder of hard links to them at their site paths. Either
way the URLs are those of the site. This module needs nothing of the index: the build
can run it from a process that holds no more than the list of pages (see `apart`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator import urls
from generator.errors import BuildError

BUNDLE = "pagefind"
"""Folder of the index inside the site: one bundle per shard (`pagefind/2024/`), each with
Pagefind's UI script and styles."""
INDEX_TIMEOUT_SECONDS = 1800
INDEXERS_AT_ONCE = 2
"""Pagefind uses more than one core itself, but a small bundle leaves them idle much of
the time: at 10,000 events the seven year bundles took 10.7 s one at a time against
6.7 s for one whole index. Two run together when their pages fit the budget below."""
PAGES_INDEXED_AT_ONCE = 2000
"""An indexer holds ~0.13 MiB per page it indexes (the text's word index; page size and
ignored sections make no difference), ~200 MiB for a year of a 10,000-event site. A
bundle starts beside a running one only while the two together stay within this many
pages, so the indexers never need much more than ~270 MiB together; a bundle larger
than this runs alone."""


def bundle_folder(shard: str) -> str:
    return f"{BUNDLE}/{shard}/"


def _executable() -> Path:
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise BuildError(
            "the Pagefind search indexer is not installed (pip install -r requirements.txt), "
            "or build with --no-search"
        )
    return found


GLOB_MAX_CHARS = 60_000
"""The longest glob of event pages given to Pagefind (~2,000 ids of 25 characters, a
year of a 14,000-event site); a longer list is indexed from a folder of links instead.
Two limits lie above it: Linux refuses any single argument longer than 128 KiB
(`MAX_ARG_STRLEN`: "Argument list too long"), and Pagefind's glob parser refuses a list
of ids some way beyond that. Either refusal (`_GlobRefused`) falls back to the links."""
GLOB_REFUSED = "did not parse as a valid glob"
"""What Pagefind says of a glob its parser refuses."""
GLOB_SAFE_ID = re.compile(r"[a-z0-9-]+")
"""Ids are slugs (`structure.SLUG`); nothing else is put in a glob, where `*`, `?`,
`[`, `{`, `,` and `\\` have meanings of their own."""


def _pages_glob(event_ids: Sequence[str]) -> str | None:
    """A glob that matches the events' pages and nothing else, or None (too long, or an
    id that is not a plain slug).

    Linking the pages into a folder of their own took a directory and a link per page
    and as much again to remove them: ~0.25 s for a year of a 10,000-event site here (a
    rebuild with search took 0.951x the time without them, paired); Pagefind finds the
    same pages by the glob."""
    before, _, after = urls.event("*").partition("*")
    glob = f"{before}{{{','.join(event_ids)}}}{after}"
    if len(glob) > GLOB_MAX_CHARS or not all(map(GLOB_SAFE_ID.fullmatch, event_ids)):
        return None
    return glob


class _GlobRefused(BuildError):
    """The indexer never ran over the pages because of the glob itself: too long an
    argument for the system, or one its parser refused. Any other failure (a crash, a
    timeout, a full disk) would fail again from links, after as long again, so it is
    reported at once."""


def _index_pages(site_dir: Path, event_ids: Sequence[str], output: Path, work: Path) -> None:
    """One bundle in `output` from the events' pages in `site_dir`, by a glob where one
    fits, else from links in `work`."""
    glob = _pages_glob(event_ids)
    if glob is not None:
        try:
            _run_indexer(site_dir, output, glob)
            return
        except _GlobRefused:  # never seen within GLOB_MAX_CHARS: the links are tried once
            shutil.rmtree(output, ignore_errors=True)
    _link_pages(site_dir, event_ids, work)
    _run_indexer(work, output)


def _link_pages(site_dir: Path, event_ids: Sequence[str], folder: Path) -> None:
    """`folder` holds the events' pages at their site paths, as hard links (copies where
    the file system has none), so the indexer reads them and nothing else: only event
    pages carry `data-pagefind-body` (reading every hub and list page too was a fifth of
    the indexer's time on a large site)."""
    for out_path in map(urls.event, event_ids):
        source = site_dir.joinpath(*out_path.split("/"))
        target = folder.joinpath(*out_path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def _run_indexer(pages_dir: Path, output: Path, glob: str | None = None) -> None:
    """Index the HTML files in `pages_dir` (those matching `glob`, when given)."""
    command = [
        str(_executable()),
        "--site",
        str(pages_dir),
        "--output-path",
        str(output),
        "--keep-index-url",
        "--quiet",
        *(["--glob", glob] if glob is not None else []),
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=INDEX_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as problem:
        refused = isinstance(problem, OSError) and problem.errno == errno.E2BIG
        raise (_GlobRefused if refused else BuildError)(
            f"the search indexer could not run: {problem}"
        ) from problem
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()
        refused = glob is not None and GLOB_REFUSED in detail
        raise (_GlobRefused if refused else BuildError)(
            f"the search indexer failed (exit {completed.returncode}): {detail}"
        )


def index_shards(
    site_dir: Path, events: Mapping[str, Sequence[str]], output: Path, work: Path
) -> None:
    """Write the bundle of each shard in `events` (shard -> its event ids, whose pages are
    read from `site_dir`) to `output/<shard>/`, using `work` (an empty folder, left to the
    caller to remove) for any links; BuildError when the indexer fails. Up to
    `INDEXERS_AT_ONCE` run together, within `PAGES_INDEXED_AT_ONCE` pages."""
    budget = _PageBudget(PAGES_INDEXED_AT_ONCE)

    def one(shard: str) -> None:
        with budget.taken(len(events[shard])):
            _index_pages(site_dir, events[shard], output / shard, work / shard)

    with ThreadPoolExecutor(max_workers=INDEXERS_AT_ONCE) as pool:
        for finished in [pool.submit(one, shard) for shard in sorted(events)]:
            finished.result()


class _PageBudget:
    """Pages being indexed at once: a bundle waits until its pages fit beside the running
    ones, or nothing runs (so a bundle larger than the whole budget still runs, alone)."""

    def __init__(self, pages: int) -> None:
        self._limit = pages
        self._free = pages
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def taken(self, pages: int) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: pages <= self._free or self._free == self._limit)
            self._free -= pages
        try:
            yield
        finally:
            with self._changed:
                self._free += pages
                self._changed.notify_all()
