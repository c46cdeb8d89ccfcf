"""`load_site`: the one path from a content folder to a linked index, shared by check and build.

Stages: find the files, read each into a located document, check each file's structure
and meaning, check references between files, and only when no error remains build the
records and the index. Every stage adds to one list of problems, so an editor sees all
of them in one run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import index as linking
from generator.cache import digest
from generator.load import Document, parse_bytes, read_document, read_raw
from generator.model import (
    Actor,
    Event,
    Place,
    actor_from_data,
    event_from_data,
    place_from_data,
    site_from_data,
)
from generator.problems import Problem, error, has_errors, sort_problems, warning
from generator.structure import SLUG, Kind
from generator.validate import check_file

YAML_SUFFIXES = (".yaml", ".yml")
FOLDERS: dict[str, Kind] = {"events": "event", "actors": "actor", "places": "place"}


@dataclass(frozen=True, slots=True)
class ContentFile:
    kind: Kind
    id: str
    path: Path
    source_path: str
    """The path as the editor sees it: the content folder as given, then the file."""


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
        files.append(ContentFile("site", "site", site_path, _display(content_dir, site_path)))
    else:
        problems.append(error(_display(content_dir, site_path), 1, 1, "site.yaml is missing"))
    shown_root = content_dir.as_posix()
    for folder, kind in FOLDERS.items():
        base = os.path.join(content_dir, folder)
        for entry in _walk(base):
            relative = os.path.relpath(entry.path, content_dir).replace(os.sep, "/")
            shown = f"{shown_root}/{relative}"
            if not entry.name.endswith(YAML_SUFFIXES):
                problems.append(warning(shown, 1, 1, "not read: content files end in .yaml"))
            elif entry.is_symlink() and not _is_inside(Path(entry.path), content_dir):
                problems.append(
                    error(shown, 1, 1, "symlink points outside the content folder; not read")
                )
            else:
                stem = entry.name.rsplit(".", 1)[0]
                files.append(ContentFile(kind, stem, Path(entry.path), shown))
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
class LoadedContent:
    files: tuple[ContentFile, ...]
    documents: dict[str, Document]
    """source_path -> parsed document, for files that could be parsed."""


FileResult = tuple[Document | None, list[Problem]]
FileMemo = MutableMapping[tuple[str, str, bytes], FileResult]
"""(source path, kind, hash of the bytes) -> the parsed document and its own problems."""


def read_and_check(item: ContentFile) -> FileResult:
    document, problems = read_document(item.path, item.source_path)
    if document is not None:
        problems.extend(check_file(document, item.kind))
    return document, problems


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
    seen: dict[str, Signature] = field(default_factory=dict)
    """Filled by this build, for the next one."""


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _remembered(item: ContentFile, memo: FileMemo, vouched: Vouched | None = None) -> FileResult:
    """Parse and check a file only when its bytes are new: the hash is the whole key."""
    name = str(item.path)
    found = _stat_or_none(item.path) if vouched is not None else None
    if vouched is not None and found is not None:
        known = vouched.previous.get(name)
        size, mtime = found.st_size, found.st_mtime_ns
        if known is not None and known[:2] == (size, mtime) and mtime < vouched.trusted_before_ns:
            key = (item.source_path, item.kind, known[2])
            if key in memo:
                vouched.seen[name] = known
                document, problems = memo[key]
                return document, list(problems)
    raw, problems = read_raw(item.path, item.source_path)
    if raw is None:
        return None, problems
    hashed = digest(raw)
    if vouched is not None and found is not None and found.st_size == len(raw):
        vouched.seen[name] = (found.st_size, found.st_mtime_ns, hashed)
    key = (item.source_path, item.kind, hashed)
    if key not in memo:
        document, problems = parse_bytes(raw, item.source_path)
        if document is not None:
            problems.extend(check_file(document, item.kind))
        memo[key] = (document, problems)
    document, problems = memo[key]
    return document, list(problems)


def read_tree(content_dir: Path) -> tuple[LoadedContent, list[Problem]]:
    """Every file read, nothing checked (for `links`, which needs only the sources)."""
    files, problems = find_content_files(content_dir)
    problems.extend(check_ids(files))
    documents: dict[str, Document] = {}
    for item in files:
        document, file_problems = read_document(item.path, item.source_path)
        problems.extend(file_problems)
        if document is not None:
            documents[item.source_path] = document
    return LoadedContent(tuple(files), documents), problems


def read_checked_tree(
    content_dir: Path, memo: FileMemo | None = None, vouched: Vouched | None = None
) -> tuple[LoadedContent, list[Problem]]:
    """Every file read and checked on its own; `memo` skips files whose bytes were seen,
    and `vouched` reading files whose size and mtime say they were."""
    files, problems = find_content_files(content_dir)
    problems.extend(check_ids(files))
    documents: dict[str, Document] = {}
    for item in files:
        document, file_problems = (
            read_and_check(item) if memo is None else _remembered(item, memo, vouched)
        )
        problems.extend(file_problems)
        if document is not None:
            documents[item.source_path] = document
    return LoadedContent(tuple(files), documents), problems


def known_ids(files: Iterable[ContentFile]) -> linking.KnownIds:
    """Ids come from file names, so a file that fails to parse still counts as existing."""
    files = list(files)
    return linking.KnownIds(
        events=frozenset(f.id for f in files if f.kind == "event"),
        actors=frozenset(f.id for f in files if f.kind == "actor"),
        places=frozenset(f.id for f in files if f.kind == "place"),
    )


def _locator(documents: dict[str, Document], key: str) -> linking.Locate:
    def locate(member: str) -> tuple[str, int, int]:
        return (documents[member].source_path, *documents[member].locate((key,)))

    return locate


def check_references(loaded: LoadedContent) -> list[Problem]:
    """Every file's references, then cycles among the first file of each id."""
    known = known_ids(loaded.files)
    problems: list[Problem] = []
    hierarchy: dict[str, dict[str, Document]] = {kind: {} for kind in linking.PARENT_KEY}
    for item in loaded.files:
        document = loaded.documents.get(item.source_path)
        if document is None:
            continue
        problems.extend(linking.check_references(item.kind, item.id, document, known))
        if item.kind in hierarchy:
            hierarchy[item.kind].setdefault(item.id, document)
    for kind, documents in hierarchy.items():
        parents = {item_id: linking.parent_of(kind, doc) for item_id, doc in documents.items()}
        locate = _locator(documents, linking.PARENT_KEY[kind])
        problems.extend(linking.check_cycles(kind, parents, locate))
    return problems


def build_records(loaded: LoadedContent) -> linking.SiteIndex:
    """Only called on content without errors, so every record is complete."""
    events: list[Event] = []
    actors: list[Actor] = []
    places: list[Place] = []
    site = None
    for item in loaded.files:
        data = loaded.documents[item.source_path].data
        if item.kind == "site":
            site = site_from_data(data)
        elif item.kind == "event":
            events.append(event_from_data(item.id, item.source_path, data))
        elif item.kind == "actor":
            actors.append(actor_from_data(item.id, item.source_path, data))
        else:
            places.append(place_from_data(item.id, item.source_path, data))
    assert site is not None
    return linking.build_index(site, events, actors, places)


def load_site(
    content_dir: Path, memo: FileMemo | None = None, vouched: Vouched | None = None
) -> tuple[linking.SiteIndex | None, list[Problem]]:
    """The content folder as a linked index, or None; plus every problem, sorted.

    `memo` (the build cache's parsed files) is read and filled; it never changes results.
    """
    loaded, problems = read_checked_tree(content_dir, memo, vouched)
    problems.extend(check_references(loaded))
    problems = sort_problems(problems)
    if has_errors(problems):
        return None, problems
    return build_records(loaded), problems
