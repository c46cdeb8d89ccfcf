"""Has anything changed since the last build? One stat per file, and nothing heavy imported.

A build whose content files (by path, size and mtime) and options are as the last build
saw them, run by the same generator code, and whose output is exactly as it published
it, has nothing to do. Finding that out is the whole of a no-change build, so this
module answers it with the standard library's lightest parts (no dataclasses, no
temporary files): importing the rest of the generator would cost more than the answer.
"""

from __future__ import annotations

import array
import contextlib
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from generator.problems import Problem

Stat = tuple[int, int, int]
"""(size, mtime_ns, inode) of a published file."""
Inputs = dict[str, tuple[int, int]]
"""Content file relative to the content folder -> (size, mtime_ns)."""
RACY_NS = 1_000_000_000


def walk_folders(
    root: Path, *, strict: bool = False
) -> Iterator[tuple[str, str, list[os.DirEntry[str]]]]:
    """Every folder from `root` down as (POSIX path relative to `root`, "" for itself; its
    path; its entries), never following a symlink. `os.scandir` keeps a walk to one stat
    per file: it is the cost of every no-change rebuild. A folder that cannot be listed
    is skipped, like `os.walk` does, unless `strict`."""
    pending = [(os.fspath(root), "")]
    while pending:
        path, rel = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            if strict:
                raise
            continue
        yield rel, path, entries
        prefix = f"{rel}/" if rel else ""
        pending += [
            (e.path, f"{prefix}{e.name}") for e in entries if e.is_dir(follow_symlinks=False)
        ]


def file_stats(rel: str, entries: list[os.DirEntry[str]]) -> Iterator[tuple[str, Stat]]:
    prefix = f"{rel}/" if rel else ""
    for entry in entries:
        if not entry.is_dir(follow_symlinks=False):
            found = entry.stat(follow_symlinks=False)
            yield f"{prefix}{entry.name}", (found.st_size, found.st_mtime_ns, found.st_ino)


def files_under(folder: Path) -> Iterator[tuple[str, Stat]]:
    """Every file below `folder` as (relative POSIX path, stat), in no particular order.
    Symlinks count as files."""
    for rel, _path, entries in walk_folders(folder):
        yield from file_stats(rel, entries)


def input_stats(content_dir: Path) -> Inputs:
    """Every file in the content folder, with its size and mtime. Each is stat'ed by name
    in its opened folder rather than by its full path, which spares the kernel walking
    the path again for each of 10,000 files; a file gone since its folder was listed is
    left out, as if listed a moment later. (The loop is kept bare: it runs once per
    content file in every no-change build.)"""
    found: Inputs = {}
    stat = os.stat
    for rel, path, entries in walk_folders(content_dir):
        try:
            folder = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        prefix = f"{rel}/" if rel else ""
        try:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    continue
                name = entry.name
                try:
                    got = stat(name, dir_fd=folder, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                found[prefix + name] = (got.st_size, got.st_mtime_ns)
        finally:
            os.close(folder)
    return found


def same_inputs(last: PackedStats, inputs: Inputs, *, trusted_before: int) -> bool:
    """True when `inputs` are exactly the last build's content files, sizes and mtimes,
    and none of those mtimes is within `RACY_NS` of that build's start: a file changed
    so close to it may have changed again within the same timestamp, unseen (as git's
    "racily clean" entries). One pass over the packed columns, no dict of them made."""
    if len(inputs) != last.path_count():
        return False
    newest = trusted_before - RACY_NS
    get = inputs.get
    names, sizes, mtimes = last.flat()
    for name, size, mtime in zip(names, sizes, mtimes, strict=True):
        found = get(name)
        if found is None or found[0] != size or found[1] != mtime or mtime >= newest:
            return False
    return True


def output_matches(out_dir: Path, published: Mapping[str, Stat]) -> bool:
    """True when `out_dir` holds exactly the published files, none changed since."""
    try:
        return dict(files_under(out_dir)) == published
    except OSError:
        return False


class FolderSnapshot(NamedTuple):
    """The published folders as the last build left them, to verify the output quickly.

    A folder's mtime changes whenever an entry is added to it, removed or renamed, so
    when every folder still has its recorded (mtime, inode) and every file its recorded
    stat, the output is unchanged without listing a folder. A folder changed in the
    second before the snapshot cannot vouch for itself that way (a later change could
    share its timestamp), so its entries are recorded and listed instead.
    """

    folders: dict[str, tuple[int, int]]
    """Folder relative to the output ("" for the output itself) -> (mtime_ns, inode)."""
    listings: dict[str, frozenset[str]]


class PackedStats(NamedTuple):
    """Paths, each with the same few numbers from its stat, packed to load quickly.

    A no-change build loads three such tables of ~10,000 paths and stats every path.
    As dicts of tuples they took ~10 ms to unpickle and free, a tenth of that build; as
    one string of names and one array per number, ~4 ms. Each number is a stat field, so
    it fits its array: sizes and inodes unsigned 64-bit, mtimes in ns signed 64-bit."""

    names: str
    """The paths, separated by NUL (which no path holds); "" is a path, the root."""
    columns: tuple[array.array[int], ...]

    @classmethod
    def pack(cls, table: Mapping[str, tuple[int, ...]], typecodes: str) -> PackedStats:
        """`typecodes`: an `array` type per number ("Q" unsigned, "q" signed)."""
        numbers = list(zip(*table.values(), strict=True)) or [()] * len(typecodes)
        columns = tuple(
            array.array(code, column) for code, column in zip(typecodes, numbers, strict=True)
        )
        return cls("\0".join(table), columns)

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[str, Any]]:
        """(path, numbers) for the paths from `start` to `stop`, in the packed order."""
        names, *columns = self.flat(start, stop)
        return zip(names, zip(*columns, strict=True), strict=True)

    def flat(self, start: int = 0, stop: int | None = None) -> list[Sequence[Any]]:
        """The paths from `start` to `stop`, then each of their numbers, column by column:
        what the stat loops zip together without making a tuple per row."""
        names = self.names.split("\0") if len(self.columns[0]) else []
        return [names[start:stop], *(column[start:stop] for column in self.columns)]

    def path_count(self) -> int:
        return len(self.columns[0])

    def as_dict(self) -> dict[str, Any]:
        return dict(self.rows())


INPUT_TYPES = "Qq"
"""Content file -> (size, mtime_ns)."""
FILE_TYPES = "QqQ"
"""Published file -> (size, mtime_ns, inode)."""
FOLDER_TYPES = "qQ"
"""Published folder -> (mtime_ns, inode)."""


class LastBuild(NamedTuple):
    """What a no-change build reads of the last build's state: the quick state.

    The rest (hashes of the content and of the published files, page keys, search
    bundles) is saved apart and read only when something must be built."""

    options: object
    started: int
    problems: list[Problem]
    inputs: PackedStats
    published: PackedStats
    folders: PackedStats | None
    """None: the output was not snapshot, so verifying it walks it whole."""
    listings: dict[str, frozenset[str]]

    @classmethod
    def of(cls, state: Mapping[str, Any]) -> LastBuild:
        snapshot: FolderSnapshot | None = state["snapshot"]
        return cls(
            state["options"],
            state["started"],
            state["problems"],
            PackedStats.pack(state["inputs"], INPUT_TYPES),
            PackedStats.pack(state["published"], FILE_TYPES),
            None if snapshot is None else PackedStats.pack(snapshot.folders, FOLDER_TYPES),
            {} if snapshot is None else snapshot.listings,
        )

    def as_state(self) -> dict[str, Any]:
        """The state `of` packed, as a full build uses it."""
        folders = self.folders
        return {
            "options": self.options,
            "started": self.started,
            "problems": self.problems,
            "inputs": self.inputs.as_dict(),
            "published": self.published.as_dict(),
            "snapshot": None
            if folders is None
            else FolderSnapshot(folders.as_dict(), self.listings),
        }


def output_unchanged(out_dir: Path, last: LastBuild) -> bool:
    """True when `out_dir` is exactly as published: a stat per folder and file, no walk."""
    if last.folders is None:
        return output_matches(out_dir, last.published.as_dict())
    return _folders_as_left(out_dir, last.folders, last.listings) and _files_as_left(
        out_dir, last.published
    )


@contextlib.contextmanager
def _opened_folder(path: Path) -> Iterator[int]:
    """A descriptor of `path`, for stats relative to it: that spares joining and resolving
    10,000 paths on a 10,000-event site."""
    folder = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield folder
    finally:
        os.close(folder)


def _folders_as_left(
    out_dir: Path, folders: PackedStats, listings: Mapping[str, frozenset[str]]
) -> bool:
    """Every published folder still has its recorded mtime and inode (so no entry was added,
    removed or renamed in it), and the few recorded by name still list those names."""
    stat = os.stat
    names, mtimes, inodes = folders.flat()
    try:
        with _opened_folder(out_dir) as root:
            for rel, mtime, inode in zip(names, mtimes, inodes, strict=True):
                found = stat(rel or ".", dir_fd=root, follow_symlinks=False)
                if found.st_mtime_ns != mtime or found.st_ino != inode:
                    return False
                if rel in listings and frozenset(os.listdir(out_dir / rel)) != listings[rel]:
                    return False
    except OSError:
        return False
    return True


def _files_as_left(
    out_dir: Path, files: PackedStats, start: int = 0, stop: int | None = None
) -> bool:
    """Every published file from `start` to `stop` still has its size, mtime and inode."""
    stat = os.stat
    names, sizes, mtimes, inodes = files.flat(start, stop)
    try:
        with _opened_folder(out_dir) as root:
            for rel, size, mtime, inode in zip(names, sizes, mtimes, inodes, strict=True):
                found = stat(rel, dir_fd=root, follow_symlinks=False)
                if found.st_mtime_ns != mtime or found.st_ino != inode or found.st_size != size:
                    return False
    except OSError:
        return False
    return True


CONTENT_FILE_COST = 1.0
FOLDER_COST = 0.8
"""What a content file and a published folder cost beside a published file, for the
split of a no-change build's stats: the child takes published files until the two
shares cost about the same. Measured end to end at 10,000 events (the child also pays
for its fork and exit): 6,500-7,000 of 11,600 files to the child was best, ~2 ms
better than half."""


def _child_files(inputs: int, files: PackedStats, folders: PackedStats) -> int:
    """How many published files the child stats besides the folders."""
    parent_alone = CONTENT_FILE_COST * inputs + files.path_count()
    child_alone = FOLDER_COST * folders.path_count()
    return max(0, min(files.path_count(), round((parent_alone - child_alone) / 2)))


FORK_FROM_FILES = 4000
"""Below this many published files the output is verified in a few milliseconds, less
than a forked helper costs."""


def inputs_and_output_unchanged(
    content_dir: Path, out_dir: Path, last: LastBuild
) -> tuple[Inputs, bool]:
    """`input_stats(content_dir)` and `output_unchanged(out_dir, last)`, on both cores.

    The two are the whole of a no-change build: a stat per content file, per published
    folder and per published file (~10,000 of each on a 10,000-event site, where each
    page has its own folder). A forked child stats the folders and some of the published
    files while this process stats the content and the rest, so each does about half of
    the work (`_child_files`). The child answers with its exit status, and anything unexpected
    there reads as "changed", which only costs a real build. Threads would not help:
    each stat is a short system call, and the interpreter lock serialises the Python
    around it."""
    folders, files = last.folders, last.published
    if folders is None or files.path_count() < FORK_FROM_FILES or not hasattr(os, "fork"):
        return input_stats(content_dir), output_unchanged(out_dir, last)
    taken = _child_files(inputs=last.inputs.path_count(), files=files, folders=folders)
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which exits without reporting
        status = 1
        try:
            as_left = _folders_as_left(out_dir, folders, last.listings) and _files_as_left(
                out_dir, files, 0, taken
            )
            status = 0 if as_left else 1
        finally:
            os._exit(status)
    try:
        inputs = input_stats(content_dir)
        rest_as_left = _files_as_left(out_dir, files, taken)
    finally:
        _, status = os.waitpid(child, 0)
    return inputs, rest_as_left and os.waitstatus_to_exitcode(status) == 0


def now_ns() -> int:
    return time.time_ns()
