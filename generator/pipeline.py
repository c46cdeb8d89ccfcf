"""`load_site`: the one path from a content folder to a linked index, shared by check and build.

Stages: find the files; read each into a located document, check its structure and
meaning, note the ids it names and, if it has no error, make its record (one file at a
time, on every core for a large site, and never again for bytes the build cache has
seen); check references between files; and only when no error remains build the index.
Every stage adds to one list of problems, so an editor sees all of them in one run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from generator import index as linking
from generator.digests import digest
from generator.load import Document, parse_bytes, read_document, read_raw
from generator.model import (
    Actor,
    Event,
    Place,
    Site,
    actor_from_data,
    event_from_data,
    place_from_data,
    site_from_data,
)
from generator.problems import Problem, error, has_errors, sort_problems, warning
from generator.structure import SLUG, Kind
from generator.unchanged import RACY_NS
from generator.validate import check_file

YAML_SUFFIXES = (".yaml", ".yml")
FOLDERS: dict[str, Kind] = {"events": "event", "actors": "actor", "places": "place"}


@dataclass(frozen=True, slots=True)
class ContentFile:
    kind: Kind
    id: str
    path: str
    """Where to read it; a string, as `os.scandir` gives it: making a `Path` of each of a
    large site's files was a third of listing them."""
    source_path: str
    """The path as the editor sees it: the content folder as given, then the file."""
    listed_as: str | None = None
    """Its POSIX path below the content folder when it was listed as a plain file (not a
    symlink): the key of its stat in `Vouched.stats`. None: stat it by `path`."""


def _display(content_dir: Path, path: Path) -> str:
    return (content_dir / path.relative_to(content_dir)).as_posix()


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _walk(folder: str) -> Iterator[os.DirEntry[str]]:
    """Files under `folder`, sorted, never following a symlinked directory.

    `os.scandir` rather than `os.walk` and `pathlib`: the entries already know whether
    they are folders or symlinks, so a large timeline is listed without a stat per file.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(
                (entry for entry in listing if not entry.name.startswith(".")),
                key=lambda entry: entry.name,
            )
    except OSError:
        return
    yield from (entry for entry in entries if not entry.is_dir())
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry.path)


def find_content_files(content_dir: Path) -> tuple[list[ContentFile], list[Problem]]:
    """Every content file by kind; stray files and escaping symlinks are reported."""
    files: list[ContentFile] = []
    problems: list[Problem] = []
    site_path = content_dir / "site.yaml"
    if site_path.is_file():
        files.append(ContentFile("site", "site", str(site_path), _display(content_dir, site_path)))
    else:
        problems.append(error(_display(content_dir, site_path), 1, 1, "site.yaml is missing"))
    shown_root = content_dir.as_posix()
    for folder, kind in FOLDERS.items():
        base = os.path.join(content_dir, folder)
        for entry in _walk(base):
            # entry.path is base + the path below it: no relpath (a tenth of listing)
            relative = folder + entry.path[len(base) :].replace(os.sep, "/")
            shown = f"{shown_root}/{relative}"
            if not entry.name.endswith(YAML_SUFFIXES):
                problems.append(warning(shown, 1, 1, "not read: content files end in .yaml"))
            elif entry.is_symlink() and not _is_inside(Path(entry.path), content_dir):
                problems.append(
                    error(shown, 1, 1, "symlink points outside the content folder; not read")
                )
            else:
                stem = entry.name.rsplit(".", 1)[0]
                listed_as = None if entry.is_symlink() else relative
                files.append(ContentFile(kind, stem, entry.path, shown, listed_as))
    return files, problems


def check_ids(files: list[ContentFile]) -> Iterator[Problem]:
    first: dict[tuple[str, str], ContentFile] = {}
    for item in files:
        if item.kind == "site":
            continue
        if not SLUG.match(item.id):
            yield error(
                item.source_path,
                1,
                1,
                f"file name '{item.id}' is not a valid id: use lower-case letters, digits and "
                "single hyphens, e.g. kursk-oblast.yaml",
            )
        key = (item.kind, item.id)
        if key in first:
            yield error(
                item.source_path,
                1,
                1,
                f"{item.kind} id '{item.id}' is already used by {first[key].source_path}",
            )
        else:
            first[key] = item


@dataclass(frozen=True, slots=True)
class ReadTree:
    files: tuple[ContentFile, ...]
    documents: dict[str, Document]
    """source_path -> parsed document, for files that could be parsed."""


def read_tree(content_dir: Path) -> tuple[ReadTree, list[Problem]]:
    """Every file read, nothing checked (for `links`, which needs only the sources)."""
    files, problems = find_content_files(content_dir)
    problems.extend(check_ids(files))
    documents: dict[str, Document] = {}
    for item in files:
        document, file_problems = read_document(item.path, item.source_path)
        problems.extend(file_problems)
        if document is not None:
            documents[item.source_path] = document
    return ReadTree(tuple(files), documents), problems


# ---------------------------------------------------------------- one file at a time

Record = Site | Event | Actor | Place


class FileOutcome(NamedTuple):
    """What the rest of a build needs of one content file, once it has been read.

    The parsed document itself is not kept: its problems, the ids it names with their
    positions and its record are all that checking it against the other files and
    building the index need. That keeps a large site's memory to its records, and lets
    the build cache hold these (and a rebuild skip parsing) rather than whole documents.
    """

    problems: tuple[Problem, ...]
    """The file's own problems: reading, YAML, schema, meaning, an event related to itself."""
    references: tuple[linking.Reference, ...]
    record: Record | None
    """Made only when asked for and the file has no error of its own."""


def _record(item: ContentFile, data: dict[str, Any]) -> Record:
    if item.kind == "site":
        return site_from_data(data)
    if item.kind == "event":
        return event_from_data(item.id, item.source_path, data)
    if item.kind == "actor":
        return actor_from_data(item.id, item.source_path, data)
    return place_from_data(item.id, item.source_path, data)


def examine(item: ContentFile, raw: bytes, with_record: bool) -> FileOutcome:
    """Parse and check one file's bytes on its own: a pure function, run in any process."""
    document, problems = parse_bytes(raw, item.source_path)
    if document is None:
        return FileOutcome(tuple(problems), (), None)
    problems.extend(check_file(document, item.kind))
    references, own = linking.references_of(item.kind, item.id, document)
    problems.extend(own)
    record = _record(item, document.data) if with_record and not has_errors(problems) else None
    return FileOutcome(tuple(problems), tuple(references), record)


FileMemo = MutableMapping[tuple[str, str, bytes], FileOutcome]
"""(source path, kind, hash of the bytes) -> the file's outcome (the build cache)."""


Signature = tuple[int, int, bytes]
"""(size, mtime_ns, hash of the bytes) of a content file when it was last read."""


@dataclass
class Vouched:
    """Hashes vouched for by a file's unchanged size and mtime, so it need not be read.

    As for the no-change build (and git), an mtime vouches for a file only if the file
    had not been touched in the second before the build that recorded it began: a later
    edit within the same clock tick could otherwise keep the same mtime.
    """

    previous: Mapping[str, Signature]
    """File path -> signature, as the last build read it."""
    trusted_before_ns: int
    stats: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """(size, mtime_ns) of the content files by their path below the content folder, as
    this build stat'ed them already (`unchanged.input_stats`, without following
    symlinks): stating every file a second time was 10,500 more stats (~2.7 us each)
    in a 10,000-event rebuild."""
    seen: dict[str, Signature] = field(default_factory=dict)
    """Filled by this build, for the next one."""

    @classmethod
    def after(
        cls,
        previous: Mapping[str, Signature],
        started_ns: int,
        stats: Mapping[str, tuple[int, int]] | None = None,
    ) -> Vouched:
        """The signatures a read that began at `started_ns` recorded, trusted for files
        untouched in the second before it began."""
        return cls(previous, started_ns - RACY_NS, stats or {})

    def stat_of(self, item: ContentFile) -> tuple[int, int] | None:
        """The file's (size, mtime_ns) before it is read: from `stats` when it was listed
        as a plain file, else taken now (a symlink's target, a file new since the stats
        were taken); None when it cannot be stat'ed. Either is taken before the file is
        read, so a file changed in between is recorded with its older stat and read
        again by the next build, never trusted with newer bytes than it had."""
        if item.listed_as is not None:
            found = self.stats.get(item.listed_as)
            if found is not None:
                return found
        try:
            taken = os.stat(item.path)
        except OSError:
            return None
        return taken.st_size, taken.st_mtime_ns


@dataclass(frozen=True, slots=True)
class _Task:
    """A file to read; the stat taken beforehand becomes its signature."""

    item: ContentFile
    stat: tuple[int, int] | None
    with_record: bool


_Read = tuple[Signature | None, tuple[str, str, bytes] | None, FileOutcome | None]
"""(signature, memo key, outcome); the outcome is None when the memo holds it already."""


def _read_and_examine(task: _Task, memo: FileMemo | None) -> _Read:
    item = task.item
    raw, problems = read_raw(item.path, item.source_path)
    if raw is None:
        return None, None, FileOutcome(tuple(problems), (), None)
    hashed = digest(raw)
    signature = (*task.stat, hashed) if task.stat and task.stat[0] == len(raw) else None
    key = (item.source_path, item.kind, hashed)
    if memo is not None and key in memo:
        return signature, key, None
    return signature, key, examine(item, raw, task.with_record)


MIN_FILES_TO_FORK = 1000
"""Below this a second process costs more (start-up, pickling) than it saves."""
MAX_PROCESSES = 8


def process_count(items: int, at_least: int) -> int:
    """Processes worth using for `items` pieces of work: one below `at_least` (forking
    would cost more than it saves) or where there is no fork, else one per usable core.
    Shared by reading the files (here) and rendering the pages (`parallel`)."""
    if items < at_least or not hasattr(os, "fork"):
        return 1
    return max(1, min(MAX_PROCESSES, len(os.sched_getaffinity(0))))


_inherited_memo: list[FileMemo | None] = []
"""The memo a forked worker was born with (only read there); set only in workers."""


def _adopt_memo(memo: FileMemo | None) -> None:
    _inherited_memo.append(memo)


def _read_in_worker(task: _Task) -> _Read:
    return _read_and_examine(task, _inherited_memo[0])


def _read_all(tasks: list[_Task], memo: FileMemo | None) -> list[_Read]:
    """On every core when there are many: workers read and parse, and send back only
    the outcomes (records included), never the documents. Forked workers inherit the
    memo rather than receive it, so a file whose bytes it knows is not parsed again."""
    processes = process_count(len(tasks), MIN_FILES_TO_FORK)
    if processes == 1:
        return [_read_and_examine(task, memo) for task in tasks]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_adopt_memo, initargs=(memo,)) as pool:
        chunk = max(1, len(tasks) // (processes * 8))
        return pool.map(_read_in_worker, tasks, chunksize=chunk)


def _vouched_hit(
    item: ContentFile, found: tuple[int, int] | None, memo: FileMemo, vouched: Vouched
) -> FileOutcome | None:
    known = vouched.previous.get(item.path)
    if found is None or known is None:
        return None
    if known[:2] != found or found[1] >= vouched.trusted_before_ns:
        return None
    key = (item.source_path, item.kind, known[2])
    if key not in memo:
        return None
    vouched.seen[item.path] = known
    return memo[key]


def examine_files(
    files: list[ContentFile],
    memo: FileMemo | None = None,
    vouched: Vouched | None = None,
    *,
    with_records: bool = True,
) -> dict[str, FileOutcome]:
    """source_path -> outcome for every file. `memo` skips parsing files whose bytes were
    seen, and `vouched` reading files whose size and mtime say they were."""
    outcomes: dict[str, FileOutcome] = {}
    tasks: list[_Task] = []
    for item in files:
        found = vouched.stat_of(item) if vouched is not None else None
        hit = (
            _vouched_hit(item, found, memo, vouched)
            if memo is not None and vouched is not None
            else None
        )
        if hit is not None:
            outcomes[item.source_path] = hit
        else:
            tasks.append(_Task(item, found, with_records))
    for task, (signature, key, outcome) in zip(tasks, _read_all(tasks, memo), strict=True):
        if signature is not None and vouched is not None:
            vouched.seen[task.item.path] = signature
        if memo is not None and key is not None:
            if outcome is None:
                outcome = memo[key]
            else:
                memo[key] = outcome
        assert outcome is not None
        outcomes[task.item.source_path] = outcome
    return outcomes


# ---------------------------------------------------------------- the whole folder


@dataclass(frozen=True, slots=True)
class LoadedContent:
    files: tuple[ContentFile, ...]
    outcomes: dict[str, FileOutcome]
    """source_path -> what reading and checking the file on its own gave."""


def known_ids(files: Iterable[ContentFile]) -> linking.KnownIds:
    """Ids come from file names, so a file that fails to parse still counts as existing."""
    files = list(files)
    return linking.KnownIds(
        events=frozenset(f.id for f in files if f.kind == "event"),
        actors=frozenset(f.id for f in files if f.kind == "actor"),
        places=frozenset(f.id for f in files if f.kind == "place"),
    )


def read_checked_tree(
    content_dir: Path,
    memo: FileMemo | None = None,
    vouched: Vouched | None = None,
    *,
    with_records: bool = True,
) -> tuple[LoadedContent, list[Problem]]:
    """Every file read and checked on its own; the problems so far."""
    files, problems = find_content_files(content_dir)
    problems.extend(check_ids(files))
    outcomes = examine_files(files, memo, vouched, with_records=with_records)
    for item in files:
        problems.extend(outcomes[item.source_path].problems)
    return LoadedContent(tuple(files), outcomes), problems


def check_references(loaded: LoadedContent) -> list[Problem]:
    """Every file's references, then cycles among the first file of each id."""
    known = known_ids(loaded.files)
    problems: list[Problem] = []
    first: dict[str, dict[str, tuple[str, linking.Reference]]] = {
        kind: {} for kind in linking.PARENT_KEY
    }
    parents: dict[str, dict[str, str | None]] = {kind: {} for kind in linking.PARENT_KEY}
    for item in loaded.files:
        references = loaded.outcomes[item.source_path].references
        problems.extend(linking.check_references(item.source_path, references, known))
        if item.kind in first and item.id not in parents[item.kind]:
            parent = next((r for r in references if r[0] == item.kind), None)
            parents[item.kind][item.id] = parent[1] if parent is not None else None
            if parent is not None:
                first[item.kind][item.id] = (item.source_path, parent)
    for kind, members in first.items():
        problems.extend(linking.check_cycles(kind, parents[kind], _at_parent(members)))
    return problems


def _at_parent(members: Mapping[str, tuple[str, linking.Reference]]) -> linking.Locate:
    def locate(member: str) -> tuple[str, int, int]:
        source_path, (_kind, _target, line, col) = members[member]
        return source_path, line, col

    return locate


def build_records(loaded: LoadedContent) -> linking.SiteIndex:
    """Only called on content without errors, so every file has its record."""
    events: list[Event] = []
    actors: list[Actor] = []
    places: list[Place] = []
    site = None
    for item in loaded.files:
        record = loaded.outcomes[item.source_path].record
        if isinstance(record, Event):
            events.append(record)
        elif isinstance(record, Actor):
            actors.append(record)
        elif isinstance(record, Place):
            places.append(record)
        else:
            site = record
    assert site is not None
    return linking.build_index(site, events, actors, places)


def check_content(content_dir: Path) -> list[Problem]:
    """Every problem, sorted, building nothing: what `check` reports, and exactly what
    `load_site` would (the same path, without records)."""
    loaded, problems = read_checked_tree(content_dir, with_records=False)
    problems.extend(check_references(loaded))
    return sort_problems(problems)


def load_site(
    content_dir: Path, memo: FileMemo | None = None, vouched: Vouched | None = None
) -> tuple[linking.SiteIndex | None, list[Problem]]:
    """The content folder as a linked index, or None; plus every problem, sorted.

    `memo` (the build cache's file outcomes) is read and filled; it never changes results.
    """
    loaded, problems = read_checked_tree(content_dir, memo, vouched)
    problems.extend(check_references(loaded))
    problems = sort_problems(problems)
    if has_errors(problems):
        return None, problems
    return build_records(loaded), problems
