"""`check_content`: every problem in a content folder, using every core, building nothing.

`check` needs only problems, never records or the index, so it takes a shorter road than
`load_site`: each file is read, checked on its own and checked against the ids known from
file names, all in one pass that can run in several processes. Only the parent links of
actors and places come back from each file, for the cycle check; the few files in a cycle
are read again to point at the offending line.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from pathlib import Path

from generator import index as linking
from generator.load import read_document
from generator.pipeline import (
    ContentFile,
    check_ids,
    find_content_files,
    known_ids,
    read_and_check,
)
from generator.problems import Problem, sort_problems

MIN_FILES_TO_FORK = 1000
"""Below this a second process costs more (start-up, pickling) than it saves."""

FileOutcome = tuple[list[Problem], str | None]


def check_one(item: ContentFile, known: linking.KnownIds) -> FileOutcome:
    """A file's own problems and its reference problems, plus its parent id if it has one."""
    document, problems = read_and_check(item)
    if document is None:
        return problems, None
    problems.extend(linking.check_references(item.kind, item.id, document, known))
    return problems, linking.parent_of(item.kind, document)


def _process_count(files: int) -> int:
    if files < MIN_FILES_TO_FORK or not hasattr(os, "fork"):
        return 1
    return max(1, min(8, len(os.sched_getaffinity(0))))


def _check_all(files: list[ContentFile], known: linking.KnownIds) -> list[FileOutcome]:
    task = functools.partial(check_one, known=known)
    processes = _process_count(len(files))
    if processes == 1:
        return [task(item) for item in files]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(task, files, chunksize=max(1, len(files) // (processes * 8)))


def _locator(files: dict[str, ContentFile], key: str) -> linking.Locate:
    """Cycles are rare: their few members are read again to find the parent key's line."""

    def locate(member: str) -> tuple[str, int, int]:
        item = files[member]
        document, _ = read_document(item.path, item.source_path)
        line, col = document.locate((key,)) if document is not None else (1, 1)
        return item.source_path, line, col

    return locate


def check_content(content_dir: Path) -> list[Problem]:
    """Every problem, sorted; the same list `load_site` reports for the same folder."""
    files, problems = find_content_files(content_dir)
    problems.extend(check_ids(files))
    first: dict[str, dict[str, ContentFile]] = {kind: {} for kind in linking.PARENT_KEY}
    parents: dict[str, dict[str, str | None]] = {kind: {} for kind in linking.PARENT_KEY}
    outcomes = _check_all(files, known_ids(files))
    for item, (file_problems, parent) in zip(files, outcomes, strict=True):
        problems.extend(file_problems)
        if item.kind in first and item.id not in first[item.kind]:
            first[item.kind][item.id] = item
            parents[item.kind][item.id] = parent
    for kind, key in linking.PARENT_KEY.items():
        problems.extend(linking.check_cycles(kind, parents[kind], _locator(first[kind], key)))
    return sort_problems(problems)
