"""Assemble a site from its index: render the pages and exports into a staging folder,
keep what the page keys say is unchanged, and index the result for search.

`generator.build` decides whether a build is needed at all and calls this only then, so
a no-change rebuild never imports the rendering machinery.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from generator import (
    exports,
    incremental,
    pagekeys,
    pages,
    parallel,
    publish,
    render,
    search,
    unchanged,
)
from generator.errors import UsageError
from generator.exports.joined import FragmentMemo, Remembered
from generator.index import SiteIndex
from generator.problems import Problem, error
from generator.progress import Report
from generator.validate import is_http_url


def with_base_url(index: SiteIndex, base_url: str | None) -> SiteIndex:
    if base_url is None:
        return index
    if not is_http_url(base_url):
        raise UsageError(f"--base-url '{base_url}' must be an absolute http(s) URL")
    site = dataclasses.replace(index.site, base_url=base_url.rstrip("/") + "/")
    return dataclasses.replace(index, site=site)


def find_collisions(groups: Iterable[tuple[str, Iterable[str]]]) -> list[Problem]:
    """Two producers claiming one output path is a problem, named with both producers."""
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    for producer, out_paths in groups:
        for out_path in out_paths:
            if out_path in owner:
                message = f"two outputs claim this path ({owner[out_path]} and {producer})"
                problems.append(error(out_path, 1, 1, message))
            else:
                owner[out_path] = producer
    return problems


class Refused(Exception):
    """Raised inside the staging step to abandon the build with these problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("refused")
        self.problems = problems


SearchState = dict[str, tuple[bytes, dict[str, unchanged.Stat]]]
"""Shard -> (the key its bundle was made from, the bundle's files as published)."""


def _search_keys(index: SiteIndex, prints: pagekeys.Fingerprints | None) -> dict[str, bytes]:
    """Each shard's bundle key; without the cache (no fingerprints) every shard is new."""
    if prints is None:
        return dict.fromkeys(search.shard_names(index), b"")
    try:
        indexer = importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        indexer = ""
    return pagekeys.search_shards(index, prints, indexer)


def _bundle_files(site: Path, shard: str) -> dict[str, unchanged.Stat]:
    """A shard's bundle files, as site paths, with their stats as published."""
    folder = search.bundle_folder(shard)
    return {f"{folder}{rel}": stat for rel, stat in unchanged.files_under(site / folder)}


class _Unit(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def out_paths(self) -> tuple[str, ...]: ...
    @property
    def key(self) -> Callable[[pagekeys.Fingerprints], pagekeys.Key]: ...


_Keyed = TypeVar("_Keyed", bound=_Unit)


def _write_each(writer: incremental.Writer, made: list[exports.Export]) -> None:
    """Each export written as it is made, the whole-site files a piece at a time: they
    are ~65 MB on a 10,000-event site (events.json ~40 MB), which need never be in
    memory at once."""
    for unit in made:
        if unit.pieces is not None:
            writer.put_pieces(unit.out_path, unit.pieces())
        else:
            writer.put(unit.out_path, unit.make())


@dataclass
class Job:
    """One build's steps around `publish_with`; `previous` is the last build's state."""

    index: SiteIndex
    out: Path
    previous: dict[str, Any]
    with_search: bool
    problems: list[Problem]
    report: Report
    prints: pagekeys.Fingerprints | None = None
    """Set when the cache is on: then page keys decide which pages to render again."""
    in_place: bool = False
    """The published site is exactly as the last build left it: update it file by file."""
    fragments: FragmentMemo | None = None
    """The export fragments of earlier builds (with the cache on, and `prints` set)."""
    writer: incremental.Writer | None = None
    search: SearchState = field(default_factory=dict)
    unit_keys: dict[str, tuple[bytes, tuple[str, ...]]] = field(default_factory=dict)
    moved: list[str] | None = None
    """In place: the files moved in or deleted; the output snapshot is updated from them."""
    replaced: set[str] = field(default_factory=set)
    """In place: the search bundle folders replaced or removed whole."""

    def fill(self, staging: Path) -> None:
        hashes: dict[str, bytes] = self.previous.get("output_hashes") or {}
        published: dict[str, unchanged.Stat] = self.previous.get("published") or {}
        manifest = {path: (hashed, published[path]) for path, hashed in hashes.items()}
        writer = incremental.Writer(staging, self.out, manifest, in_place=self.in_place)
        self.writer = writer
        units = pages.page_units(self.index)
        remembered = None
        if self.fragments is not None and self.prints is not None:
            keys = pagekeys.fragments(self.index, self.prints)
            remembered = Remembered(self.fragments, keys)
        made = exports.export_units(self.index, remembered)
        static = render.static_files()
        collisions = find_collisions(
            [
                ("pages", (p for unit in units for p in unit.out_paths)),
                ("exports", (unit.out_path for unit in made)),
                ("static files", static),
            ]
        )
        if collisions:
            raise Refused(collisions)
        if self.prints is not None:
            units = self.reuse_unchanged("pages", units, self.prints, writer)
            made = self.reuse_unchanged("exports", made, self.prints, writer)
        parallel.render_pages(
            self.index,
            units,
            writer,
            alongside=lambda: _write_each(writer, made),
            on_units=lambda done, total: self.report("rendering pages", done, total),
        )
        for out_path, data in sorted(static.items()):
            writer.put(out_path, data)
        writer.put_marker()

    def fill_changes(self, staging: Path) -> tuple[list[str], list[str]]:
        """In place: stage the files whose bytes changed; say which to move and delete."""
        self.fill(staging)
        assert self.writer is not None
        changed, removed = self.writer.changed(), self.writer.removed()
        self.moved = changed + removed
        return changed, removed

    def reuse_unchanged(
        self,
        what: str,
        units: list[_Keyed],
        prints: pagekeys.Fingerprints,
        writer: incremental.Writer,
    ) -> list[_Keyed]:
        """Keep the files of units whose key is unchanged; return the units left to make."""
        last: dict[str, tuple[bytes, tuple[str, ...]]] = self.previous.get("units") or {}
        left = []
        for unit in units:
            key = unit.key(prints)
            self.unit_keys[unit.name] = (key, unit.out_paths)
            if last.get(unit.name) != (key, unit.out_paths) or not all(
                writer.reuse(out_path) for out_path in unit.out_paths
            ):
                left.append(unit)
        self.report(f"{what} unchanged", len(units) - len(left), len(units))
        return left

    def _search_plan(self) -> tuple[dict[str, bytes], SearchState]:
        """This build's key of every shard, and the last build's bundles."""
        last = self.previous.get("search")
        keys = _search_keys(self.index, self.prints)
        return keys, (last if isinstance(last, dict) else {})

    def _index(self, stale: list[str], site: Path, output: Path, work: Path) -> None:
        self.report("indexing for search", 0, len(stale))
        events = search.shards(self.index)
        search.index_shards(site, {shard: events[shard] for shard in stale}, output, work)

    def index_search(self, staging: Path) -> None:
        """Index the shards whose pages changed; link the last bundle of every other."""
        assert self.writer is not None
        keys, last = self._search_plan()
        stale = []
        for shard, key in keys.items():
            last_key, last_files = last.get(shard, (b"", {}))
            if not (key and key == last_key and incremental.reuse_tree(self.writer, last_files)):
                incremental.remove_tree(staging / search.bundle_folder(shard))
                stale.append(shard)
        if stale:
            with publish.scratch_folder(staging.parent) as work:
                self._index(stale, staging, staging / search.BUNDLE, work)
        self.search = {shard: (key, _bundle_files(staging, shard)) for shard, key in keys.items()}

    def reindex_in_place(self, staging: Path) -> None:
        """In place: index the changed shards into `staging`, then swap each bundle folder
        in; remove the bundles of shards that have no events left."""
        keys, last = self._search_plan()
        stale = [shard for shard, key in keys.items() if last.get(shard, (b"",))[0] != key]
        if stale:
            fresh = staging / "search-index"
            self._index(stale, self.out, fresh, staging / "links")
            for shard in stale:
                publish.replace_folder(
                    fresh / shard, self.out / search.bundle_folder(shard), staging / "search-old"
                )
        gone = set(last) - set(keys)
        for shard in gone:
            incremental.remove_tree(self.out / search.bundle_folder(shard))
        self.replaced |= {search.bundle_folder(shard).rstrip("/") for shard in (*stale, *gone)}
        if not keys:
            incremental.remove_tree(self.out / search.BUNDLE)
            self.replaced.add(search.BUNDLE)
        self.search = {
            shard: (key, _bundle_files(self.out, shard) if shard in stale else last[shard][1])
            for shard, key in keys.items()
        }

    def state(
        self, options: object, inputs: object, started: int, digests: object
    ) -> dict[str, Any]:
        """What the next build compares with, taken once this build is published."""
        assert self.writer is not None
        written = self.writer.written
        published = {path: stat for path, (_, stat) in written.items()}
        for _key, files in self.search.values():
            published |= files
        last = self.previous.get("snapshot")
        if self.moved is not None and isinstance(last, unchanged.FolderSnapshot):
            snapshot = incremental.updated_snapshot(
                self.out, last, published, self.moved, self.replaced
            )
        else:
            snapshot = incremental.snapshot_output(self.out, published)
        return {
            "digests": digests,
            "snapshot": snapshot,
            "options": options,
            "inputs": inputs,
            "started": started,
            "problems": self.problems,
            "output_hashes": {path: hashed for path, (hashed, _) in written.items()},
            "search": self.search,
            "published": published,
            "units": self.unit_keys,
        }
