"""Assemble a site from its index: render the pages and exports into a staging folder,
keep what the page keys say is unchanged, and index the result for search.

`generator.build` decides whether a build is needed at all and calls this only then, so
a no-change rebuild never imports the rendering machinery.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from generator import (
    exports,
    incremental,
    pagekeys,
    pages,
    parallel,
    render,
    search,
    unchanged,
    views,
)
from generator.errors import UsageError
from generator.exports import joined
from generator.finish import Filled, Refused
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


def _search_keys(index: SiteIndex, prints: pagekeys.Fingerprints | None) -> dict[str, bytes]:
    """Each shard's bundle key; without the cache (no fingerprints) every shard is new.
    `importlib.metadata` is imported here, not with the module: it took ~24 ms, an
    eightieth of a one-title rebuild, which without search never asks for a version."""
    if prints is None:
        return dict.fromkeys(search.shard_names(index), b"")
    import importlib.metadata

    try:
        indexer = importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        indexer = ""
    return pagekeys.search_shards(index, prints, indexer)


class _Unit(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def out_paths(self) -> tuple[str, ...]: ...
    @property
    def key(self) -> Callable[[pagekeys.Fingerprints], pagekeys.Key]: ...


_Keyed = TypeVar("_Keyed", bound=_Unit)


def _write_each(
    writer: incremental.Writer,
    made: list[exports.Export],
    plan: joined.Plan,
    last: incremental.Layouts | None,
) -> dict[str, incremental.Layout]:
    """Each export written as it is made; the whole-site files (~65 MB at 10,000 events,
    events.json ~40 MB, which need never be in memory at once) spliced from their
    published copies where `last` says where the unchanged fragments lie. Returns where
    the fragments lie in the whole-site files written."""
    layouts: dict[str, incremental.Layout] = {}
    for unit in made:
        if unit.splice is None:
            writer.put(unit.out_path, unit.make())
            continue
        known = last.usable(unit.out_path) if last is not None else None
        source = writer.open_published(unit.out_path, known.stat) if known else None
        splice = unit.splice(plan, known if source is not None else None)
        writer.put_spliced(unit.out_path, splice, source)
        assert splice.layout is not None
        stat = writer.written[unit.out_path][1]
        layouts[unit.out_path] = dataclasses.replace(splice.layout, stat=stat)
    return layouts


def _layouts(
    plan: joined.Plan,
    last: incremental.Layouts | None,
    written: incremental.Manifest,
    made: dict[str, incremental.Layout],
) -> incremental.Layouts | None:
    """Where the fragments lie in the whole-site files as this build leaves them: those
    it made, and those it kept as the last build published them (same stat: same bytes;
    same events and keys: same places). None without the cache."""
    if plan.keys is None:
        return None
    kept = {}
    if last is not None and (last.ids, last.keys) == (plan.ids, plan.keys):
        kept = {
            out_path: layout
            for out_path, layout in last.files.items()
            if out_path in written and written[out_path][1] == layout.stat
        }
    return incremental.Layouts(plan.ids, plan.keys, {**kept, **made})


@dataclass
class Job:
    """Render a site from its index into a staging folder; `previous` is the last build's
    state. `Finish` does the rest (search, the next state) from what `fill` returns."""

    index: SiteIndex
    out: Path
    previous: dict[str, Any]
    with_search: bool
    report: Report
    prints: pagekeys.Fingerprints | None = None
    """Set when the cache is on: then page keys decide which pages to render again."""
    in_place: bool = False
    """The published site is exactly as the last build left it: update it file by file."""
    unit_keys: dict[str, tuple[bytes, tuple[str, ...]]] = field(default_factory=dict)
    listed: MutableMapping[bytes, views.ListedParts] | None = None
    """The build cache's list-item parts (`pagekeys.listed_keys` -> parts): read before
    rendering, given the parts this build made after it. Set with `prints`."""

    def fill(self, staging: Path) -> Filled:
        """Every page, export and static file into `staging` (in place: only the changed
        ones); `Refused` when two of them claim one path."""
        writer = incremental.Writer(
            staging, self.out, _manifest(self.previous), in_place=self.in_place
        )
        units = pages.page_units(self.index)
        made = exports.export_units(self.index)
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
        last = incremental.Layouts.of(self.previous.get("joined"))
        keys = pagekeys.fragments(self.index, self.prints) if self.prints is not None else None
        plan = joined.plan(self.index, keys, last)
        spliced: dict[str, incremental.Layout] = {}
        listed_keys = None
        if self.prints is not None and self.listed is not None:
            listed_keys = pagekeys.listed_keys(self.prints)
            _recall_listed(self.index, self.listed, listed_keys)
        parallel.render_pages(
            self.index,
            units,
            writer,
            alongside=lambda: spliced.update(_write_each(writer, made, plan, last)),
            on_units=lambda done, total: self.report("rendering pages", done, total),
            send_listed=listed_keys is not None,
        )
        if listed_keys is not None and self.listed is not None:
            _keep_listed(self.index, self.listed, listed_keys)
        for out_path, data in sorted(static.items()):
            writer.put(out_path, data)
        writer.put_marker()
        return Filled(
            written=writer.written,
            unit_keys=self.unit_keys,
            search_keys=_search_keys(self.index, self.prints) if self.with_search else {},
            shards=search.shards(self.index) if self.with_search else {},
            changed=writer.changed() if self.in_place else [],
            removed=writer.removed() if self.in_place else [],
            layouts=_layouts(plan, last, writer.written, spliced),
        )

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


def _recall_listed(
    index: SiteIndex, known: Mapping[bytes, views.ListedParts], keys: Mapping[str, bytes]
) -> None:
    """Give the index the list-item parts an earlier build made, before the renderer
    forks. A one-title rebuild renders the ~23 pages that list the event, thousands of
    items at 10,000 events; laying out each one's parts afresh took that rendering from
    ~0.23 to ~0.36 s (`bench/rebuild_stages.py`)."""
    for event_id, key in keys.items():
        if key in known:
            index.listed[event_id] = known[key]


def _keep_listed(
    index: SiteIndex, known: MutableMapping[bytes, views.ListedParts], keys: Mapping[str, bytes]
) -> None:
    """Add the parts this build made (a forked renderer sends back its own)."""
    for event_id, parts in index.listed.items():
        key = keys[event_id]
        if key not in known:
            known[key] = parts


def _manifest(previous: dict[str, Any]) -> incremental.Manifest:
    """The last build's published files that are safe to keep: their hash and stat."""
    hashes: dict[str, bytes] = previous.get("output_hashes") or {}
    published: dict[str, unchanged.Stat] = previous.get("published") or {}
    return {path: (hashed, published[path]) for path, hashed in hashes.items()}
