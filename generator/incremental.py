"""Rebuild only what changed: skip unchanged builds, keep unchanged output files.

Which pages and exports are rendered again is decided by their keys (`pagekeys`); this
module keeps the files. A file whose bytes equal the previous build's is not written:
updating in place, it is left alone; through a staging folder, it is hard-linked from
the previous output, so its inode and mtime stay as they were. The previous build's
*manifest* (out_path -> hash of the bytes, size, mtime and inode as published) says
which files are safe to keep: a file someone changed in `site/` since has another size,
mtime or inode and is written afresh.

A build whose inputs did not change at all and whose output is exactly as published
returns at once (`unchanged`). Like git, it trusts an mtime only if the file had not
been touched in the second before the previous build began, so an edit racing a build is
never missed.
"""

from __future__ import annotations

import operator
import os
import shutil
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator.cache import Store
from generator.digests import DIGEST_BYTES, digest
from generator.outpath import MARKER, MARKER_TEXT, check_out_path
from generator.unchanged import (
    RACY_NS,
    FolderSnapshot,
    Stat,
    file_stats,
    now_ns,
    walk_folders,
)

Manifest = dict[str, tuple[bytes, Stat]]
"""out_path -> (hash of the bytes, stat as published)."""


class Spliced(Protocol):
    """A file made in order of new bytes and (offset, length) ranges of its published
    copy (`exports.joined.Splice`); `digest` is its hash once the parts are spent."""

    digest: bytes

    def parts(self) -> Iterable[bytes | tuple[int, int]]: ...


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each event's fragment lies in a whole-site file as written
    (`exports.joined`), in the order of `Layouts.ids`, and the file's stat then: a
    published file with any other stat is not copied from."""

    stat: Stat
    starts: array[int]
    """Offsets; only meaningful where the length is not 0."""
    lengths: array[int]
    """0 for an event the file leaves out."""
    digests: bytes
    """The fragments' hashes, `DIGEST_BYTES` each."""

    def fits(self, count: int) -> bool:
        """Whether it describes `count` events within a file of its recorded size."""
        return (
            len(self.starts) == len(self.lengths) == count
            and len(self.digests) == count * DIGEST_BYTES
            and all(length >= 0 for length in self.lengths)
            and all(start >= 0 for start in self.starts)
            and max(map(operator.add, self.starts, self.lengths), default=0) <= self.stat[0]
        )


@dataclass(frozen=True, slots=True)
class Layouts:
    """The layouts of the whole-site files, which share the events and their keys.
    Arrays and one string of hashes rather than a tuple per fragment: ~50,000 of those
    at 10,000 events made the build state a few MB larger and slower to save."""

    ids: tuple[str, ...]
    keys: tuple[bytes, ...]
    """Each event's fragment key (`pagekeys.fragments`)."""
    files: dict[str, Layout]

    @classmethod
    def of(cls, found: object) -> Layouts | None:
        """`found` (from the build state) if it is whole: as many keys as events."""
        return found if isinstance(found, cls) and len(found.ids) == len(found.keys) else None

    def usable(self, out_path: str) -> Layout | None:
        """The layout of one file if it fits these events and the file's recorded size:
        a cache file damaged yet still readable must not make a build copy wrong bytes."""
        known = self.files.get(out_path)
        return known if known is not None and known.fits(len(self.ids)) else None


def stat_of(path: Path) -> Stat:
    found = os.stat(path, follow_symlinks=False)
    return found.st_size, found.st_mtime_ns, found.st_ino


@dataclass
class Writer:
    """Puts files into `staging`, linking the previous build's copy when the bytes match."""

    staging: Path
    previous_dir: Path
    previous: Mapping[str, tuple[bytes, Stat]]
    in_place: bool = False
    """The published folder is exactly as the last build left it and will be updated in
    place: `staging` then receives only the files whose bytes changed, and an unchanged
    file is neither linked nor written, just recorded (see `changed`)."""
    written: Manifest = field(default_factory=dict)
    _folders: set[Path] = field(default_factory=set)

    def put(self, out_path: str, data: bytes) -> None:
        self.place(out_path, check_out_path(out_path).parts, data)

    def place(self, out_path: str, parts: tuple[str, ...], data: bytes) -> None:
        self._settle(out_path, parts, digest(data), lambda target: _write_new(target, data))

    def open_published(self, out_path: str, expected: Stat) -> int | None:
        """A descriptor of the published file to copy from, if it is still exactly what
        the last build wrote (checked on the open file, so it cannot change in between).
        A symlink is not followed, and a FIFO put in its place does not block the open."""
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            source = os.open(self.previous_dir.joinpath(*out_path.split("/")), flags)
        except OSError:
            return None
        found = os.fstat(source)
        if (found.st_size, found.st_mtime_ns, found.st_ino) != expected:
            os.close(source)
            return None
        return source

    def put_spliced(self, out_path: str, made: Spliced, source: int | None) -> None:
        """As `put`, for a large file made in order of new bytes and ranges of `source`
        (from `open_published`, closed here): written beside the target, and only then
        compared with the last build's by its hash: kept, linked or moved into place."""
        parts = check_out_path(out_path).parts
        fresh = self._target(parts).with_name(f".{parts[-1]}.new")
        try:
            with open(fresh, "wb", buffering=0) as stream:
                _write_parts(stream.fileno(), made.parts(), source)
        finally:
            if source is not None:
                os.close(source)
        self._settle(out_path, parts, made.digest, lambda target: os.replace(fresh, target))
        fresh.unlink(missing_ok=True)

    def _settle(
        self, out_path: str, parts: tuple[str, ...], hashed: bytes, write: Callable[[Path], None]
    ) -> None:
        """Record a file of these bytes: kept as published when updating in place, else
        linked from the last build when unchanged, else written by `write`."""
        known = self.previous.get(out_path)
        same = known if known is not None and known[0] == hashed else None
        if same is not None and self.in_place:
            self.written[out_path] = same
            return
        target = self._target(parts)
        if same is None or not self.link(out_path, same[1], target):
            write(target)
        self.written[out_path] = (hashed, stat_of(target))

    def reuse(self, out_path: str) -> bool:
        """Keep the published file unread: its page key says its bytes would be the same."""
        known = self.previous.get(out_path)
        if known is None:
            return False
        if not self.in_place:
            target = self._target(check_out_path(out_path).parts)
            if not self.link(out_path, known[1], target):
                return False
        self.written[out_path] = known
        return True

    def changed(self) -> list[str]:
        """In place: the files in `staging` to move over the published ones."""
        return sorted(p for p, entry in self.written.items() if self.previous.get(p) != entry)

    def removed(self) -> list[str]:
        """In place: published files this build no longer makes."""
        return sorted(set(self.previous) - set(self.written))

    def _target(self, parts: tuple[str, ...]) -> Path:
        target = self.staging.joinpath(*parts)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def link(self, out_path: str, expected: Stat, target: Path) -> bool:
        return link_published(self.previous_dir, out_path, expected, target)

    def put_marker(self) -> None:
        self.place(MARKER, (MARKER,), MARKER_TEXT)


BATCH_BYTES = 1 << 20


def _write_parts(target: int, parts: Iterable[bytes | tuple[int, int]], source: int | None) -> None:
    """New bytes joined into ~1 MiB writes (a whole-site file made afresh is ~20,000
    small pieces, and a write call for each cost more than joining them); ranges copied
    from `source` by the kernel, without passing through this process."""
    batch: list[bytes] = []
    size = 0
    for part in parts:
        if isinstance(part, bytes):
            batch.append(part)
            size += len(part)
            if size < BATCH_BYTES:
                continue
        if batch:
            _write_all(target, b"".join(batch))
            batch, size = [], 0
        if isinstance(part, tuple):
            if source is None:
                raise ValueError("a range to copy, and no published file to copy it from")
            _copy_range(source, target, *part)
    if batch:
        _write_all(target, b"".join(batch))


def _write_all(target: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(target, view) :]


def _copy_range(source: int, target: int, offset: int, length: int) -> None:
    """`os.copy_file_range`, or reading and writing where the file system refuses it."""
    end = offset + length
    while offset < end:
        try:
            copied = os.copy_file_range(source, target, end - offset, offset)
        except OSError:
            copied = -1
        if copied < 0:
            data = os.pread(source, min(end - offset, BATCH_BYTES), offset)
            _write_all(target, data)
            copied = len(data)
        if copied == 0:
            raise OSError(f"the published file ended {end - offset} bytes early")
        offset += copied


def _write_new(target: Path, data: bytes) -> None:
    """A new file: a link already at `target` is a published copy and is never written through."""
    try:
        with open(target, "xb") as stream:
            stream.write(data)
    except FileExistsError:
        target.unlink()
        with open(target, "xb") as stream:
            stream.write(data)


def link_published(previous_dir: Path, out_path: str, expected: Stat, target: Path) -> bool:
    """Hard-link the published file if it is still exactly what the last build wrote."""
    source = previous_dir.joinpath(*out_path.split("/"))
    try:
        if stat_of(source) != expected:
            return False
        os.link(source, target)
    except OSError:
        return False
    return True


def reuse_tree(staging: Path, previous_dir: Path, stats: Mapping[str, Stat]) -> bool:
    """Link every file of a previous sub-tree (the search index) from `previous_dir` into
    `staging`; False if any changed."""
    for rel, expected in sorted(stats.items()):
        target = staging.joinpath(*rel.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        if not link_published(previous_dir, rel, expected, target):
            return False
    return True


def remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _needs_listing(folder_mtime_ns: int, taken_ns: int) -> bool:
    """A folder changed in the second before the snapshot cannot vouch for its entries by
    its mtime (a later change could share the timestamp): the snapshot lists it."""
    return folder_mtime_ns >= taken_ns - RACY_NS


def snapshot_output(out_dir: Path, published: Mapping[str, Stat]) -> FolderSnapshot | None:
    """Walk the output once; None when it does not hold exactly the published files."""
    taken = now_ns()
    folders: dict[str, tuple[int, int]] = {}
    listings: dict[str, frozenset[str]] = {}
    files: dict[str, Stat] = {}
    try:
        for rel, path, entries in walk_folders(out_dir, strict=True):
            found = os.stat(path, follow_symlinks=False)
            folders[rel] = (found.st_mtime_ns, found.st_ino)
            if _needs_listing(found.st_mtime_ns, taken):
                listings[rel] = frozenset(entry.name for entry in entries)
            files.update(file_stats(rel, entries))
    except OSError:
        return None
    return FolderSnapshot(folders, listings) if files == published else None


def _folders_above(out_path: str) -> Iterator[str]:
    """`a/b/c.html` -> `a/b`, `a`, `` (the output itself)."""
    while out_path:
        out_path = out_path.rpartition("/")[0]
        yield out_path


def _is_under(rel: str, roots: Iterable[str]) -> bool:
    return any(rel == root or rel.startswith(f"{root}/") for root in roots)


def updated_snapshot(
    out_dir: Path,
    previous: FolderSnapshot,
    published: Mapping[str, Stat],
    moved: Iterable[str],
    replaced: Iterable[str],
) -> FolderSnapshot | None:
    """The snapshot after an in-place update, without walking the whole output.

    Only the folders above a file moved in or deleted (`moved`) and the folders replaced
    whole (`replaced`: search bundles) can have changed; every other folder was verified
    against `previous` when the build began, and a change to it since would change its
    mtime. Each changed folder must list exactly its published files and folders (the
    full walk's check, for the folders this build touched); None when one does not."""
    taken = now_ns()
    replaced = sorted(replaced)
    touched = {rel for out_path in moved for rel in _folders_above(out_path)}
    touched |= {rel for root in replaced for rel in _folders_above(f"{root}/-")}
    folders = {
        rel: mark
        for rel, mark in previous.folders.items()
        if rel not in touched and not _is_under(rel, replaced)
    }
    listings = {
        rel: names
        for rel, names in previous.listings.items()
        if rel not in touched and not _is_under(rel, replaced)
    }
    found_names: dict[str, frozenset[str]] = {}
    try:
        for root in replaced:
            if not (out_dir / root).is_dir():
                continue
            for rel, path, entries in walk_folders(out_dir / root, strict=True):
                full = f"{root}/{rel}" if rel else root
                found = os.stat(path, follow_symlinks=False)
                folders[full] = (found.st_mtime_ns, found.st_ino)
                found_names[full] = frozenset(entry.name for entry in entries)
                for name, stat in file_stats(full, entries):
                    if published.get(name) != stat:
                        return None
        for rel in sorted(touched - set(found_names)):
            try:
                found = os.stat(out_dir / rel, follow_symlinks=False)
            except FileNotFoundError:
                continue  # pruned, being left empty
            folders[rel] = (found.st_mtime_ns, found.st_ino)
            found_names[rel] = frozenset(os.listdir(out_dir / rel))
    except OSError:
        return None
    expected: dict[str, set[str]] = {rel: set() for rel in found_names}
    for path in (*published, *folders):
        parent, _, name = path.rpartition("/")
        if path and parent in expected:
            expected[parent].add(name)
    for rel, names in found_names.items():
        if names != expected[rel]:
            return None
        if _needs_listing(folders[rel][0], taken):
            listings[rel] = names
    return FolderSnapshot(folders, listings)


class Carried(MutableMapping[Any, Any]):
    """A memo that reads last build's entries and keeps only those used in this build.

    Entries nobody asked for (deleted or edited files) are dropped when it is saved.
    """

    def __init__(self, previous: Mapping[Any, Any] | None) -> None:
        self._previous = dict(previous or {})
        self.used: dict[Any, Any] = {}
        self.added = 0
        """Entries set by this build, not carried from the last."""

    def __contains__(self, key: object) -> bool:
        if key in self.used:
            return True
        if key in self._previous:
            self.used[key] = self._previous[key]
            return True
        return False

    def __getitem__(self, key: Any) -> Any:
        if key in self:
            return self.used[key]
        raise KeyError(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.used[key] = value
        self.added += 1

    def __delitem__(self, key: Any) -> None:
        self.used.pop(key, None)
        self._previous.pop(key, None)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)


REWRITE_SHARE = 0.1
"""Rewrite a layered cache whole once a tenth of it is new or unused; until then only
the new entries are saved, in a small second file."""


@dataclass
class Layered:
    """A large cache entry kept as two files: the bulk, rewritten rarely, and what is new.

    Saving the parsed files (or export fragments) of a large site whole costs most of a
    second; an edit changes a few, so only the entries the bulk lacks are written, to
    `<name>-new`. Entries are keyed by content hashes, so the two never disagree on a key.
    """

    name: str
    memo: Carried
    bulk_keys: frozenset[Any]

    @classmethod
    def load(cls, store: Store, name: str) -> Layered:
        bulk = store.load(name) or {}
        new = store.load(f"{name}-new") or {}
        return cls(name, Carried({**bulk, **new}), frozenset(bulk))

    def save(self, store: Store) -> None:
        used = self.memo.used
        new = {key: value for key, value in used.items() if key not in self.bulk_keys}
        unused = len(self.bulk_keys) - (len(used) - len(new))
        if self.bulk_keys and max(len(new), unused) <= REWRITE_SHARE * len(used):
            store.save(f"{self.name}-new", new)
            return
        store.save(self.name, used)
        store.forget(f"{self.name}-new")
