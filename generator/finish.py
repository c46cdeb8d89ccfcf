"""The steps of a build around publishing that need no index: the search bundles and
the state the next build compares with.

`assemble.Job.fill` renders the site into a staging folder and returns a small
`Filled` record; everything after that works from the record alone, so a large build
can render in a child process that exits (its memory freed) before the search indexers
run here (`build`, `apart`). This module therefore imports nothing that renders, parses
or indexes content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import incremental, indexer, publish, unchanged
from generator.problems import Problem
from generator.progress import Report


class Refused(Exception):
    """Raised inside the staging step to abandon the build with these problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("refused")
        self.problems = problems


SearchState = dict[str, tuple[bytes, dict[str, unchanged.Stat]]]
"""Shard -> (the key its bundle was made from, the bundle's files as published)."""


@dataclass(frozen=True, slots=True)
class Filled:
    """What filling the staging folder made that the rest of the build needs: small, so
    a separate process can send it back (see `build`), and free of the index."""

    written: incremental.Manifest
    """Every file the site holds: its hash and its stat where it is (staged or published)."""
    unit_keys: dict[str, tuple[bytes, tuple[str, ...]]]
    search_keys: dict[str, bytes]
    """Each shard's bundle key (empty without search)."""
    shards: dict[str, tuple[str, ...]]
    """Each shard's event ids (empty without search)."""
    changed: list[str]
    """In place: the staged files to move over the published ones."""
    removed: list[str]
    """In place: the published files this build no longer makes."""
    layouts: incremental.Layouts | None
    """Where each event's fragment lies in the whole-site files (None without the cache)."""


def _bundle_files(site: Path, shard: str) -> dict[str, unchanged.Stat]:
    """A shard's bundle files, as site paths, with their stats as published."""
    folder = indexer.bundle_folder(shard)
    return {f"{folder}{rel}": stat for rel, stat in unchanged.files_under(site / folder)}


@dataclass
class Finish:
    """The steps of a build around publishing that need no index: the search bundles of
    the shards whose key changed, and the state the next build compares with. It holds
    only what `Job.fill` returned, so a build can run the job in a process of its own
    and leave this one small while the indexers run (`build`)."""

    out: Path
    previous: dict[str, Any]
    report: Report
    in_place: bool
    """The published site is updated file by file (else swapped in whole)."""
    filled: Filled | None = None
    """Set by `take` once `Job.fill` has filled the staging folder."""
    search: SearchState = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)
    """In place: the search bundle folders replaced or removed whole."""

    def take(self, filled: Filled) -> tuple[list[str], list[str]]:
        """Keep what the staging step made; in place, the files to move and to delete."""
        self.filled = filled
        return filled.changed, filled.removed

    def _filled(self) -> Filled:
        if self.filled is None:
            raise RuntimeError("Finish needs the Filled record of Job.fill first")
        return self.filled

    def _last_search(self) -> SearchState:
        last = self.previous.get("search")
        return last if isinstance(last, dict) else {}

    def _index(self, stale: list[str], site: Path, output: Path, work: Path) -> None:
        self.report("indexing for search", 0, len(stale))
        shards = self._filled().shards
        indexer.index_shards(site, {shard: shards[shard] for shard in stale}, output, work)

    def index_search(self, staging: Path) -> None:
        """Index the shards whose pages changed; link the last bundle of every other."""
        keys, last = self._filled().search_keys, self._last_search()
        stale = []
        for shard, key in keys.items():
            last_key, last_files = last.get(shard, (b"", {}))
            if not (
                key and key == last_key and incremental.reuse_tree(staging, self.out, last_files)
            ):
                incremental.remove_tree(staging / indexer.bundle_folder(shard))
                stale.append(shard)
        if stale:
            with publish.scratch_folder(staging.parent) as work:
                self._index(stale, staging, staging / indexer.BUNDLE, work)
        self.search = {shard: (key, _bundle_files(staging, shard)) for shard, key in keys.items()}

    def reindex_in_place(self, staging: Path) -> None:
        """In place: index the changed shards into `staging`, then swap each bundle folder
        in; remove the bundles of shards that have no events left."""
        keys, last = self._filled().search_keys, self._last_search()
        stale = [shard for shard, key in keys.items() if last.get(shard, (b"",))[0] != key]
        if stale:
            fresh = staging / "search-index"
            self._index(stale, self.out, fresh, staging / "links")
            for shard in stale:
                publish.replace_folder(
                    fresh / shard, self.out / indexer.bundle_folder(shard), staging / "search-old"
                )
        gone = set(last) - set(keys)
        for shard in gone:
            incremental.remove_tree(self.out / indexer.bundle_folder(shard))
        self.replaced |= {indexer.bundle_folder(shard).rstrip("/") for shard in (*stale, *gone)}
        if not keys:
            incremental.remove_tree(self.out / indexer.BUNDLE)
            self.replaced.add(indexer.BUNDLE)
        self.search = {
            shard: (key, _bundle_files(self.out, shard) if shard in stale else last[shard][1])
            for shard, key in keys.items()
        }

    def state(
        self,
        problems: list[Problem],
        options: object,
        inputs: object,
        started: int,
        digests: object,
    ) -> dict[str, Any]:
        """What the next build compares with, taken once this build is published."""
        filled = self._filled()
        written = filled.written
        published = {path: stat for path, (_, stat) in written.items()}
        for _key, files in self.search.values():
            published |= files
        last = self.previous.get("snapshot")
        if self.in_place and isinstance(last, unchanged.FolderSnapshot):
            moved = filled.changed + filled.removed
            snapshot = incremental.updated_snapshot(self.out, last, published, moved, self.replaced)
        else:
            snapshot = incremental.snapshot_output(self.out, published)
        return {
            "digests": digests,
            "snapshot": snapshot,
            "options": options,
            "inputs": inputs,
            "started": started,
            "problems": problems,
            "output_hashes": {path: hashed for path, (hashed, _) in written.items()},
            "search": self.search,
            "published": published,
            "units": filled.unit_keys,
            "joined": filled.layouts,
        }
