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
from collections.abc import Iterable
from pathlib import Path

from generator import index as linking
from generator.load import read_document
from generator.pipeline import ContentFile, check_ids, find_content_files, read_and_check
from generator.problems import Problem, error, sort_problems

MIN_FILES_TO_FORK = 1000
"""Below this a second process costs more (start-up, pickling) than it saves."""

PARENT_KEY = {"actor": "part_of", "place": "within"}

FileOutcome = tuple[list[Problem], str | None]


def check_one(item: ContentFile, known: linking.KnownIds) -> FileOutcome:
    """A file's own problems and its reference problems, plus its parent id if it has one."""
    document, problems = read_and_check(item)
    if document is None:
        return problems, None
    if item.kind == "event":
        problems.extend(linking.check_event_references(item.id, document, known))
    elif item.kind == "actor":
        problems.extend(linking.check_actor_references(document, known))
    elif item.kind == "place":
        problems.extend(linking.check_place_references(document, known))
    parent = document.data.get(PARENT_KEY.get(item.kind, ""))
    return problems, parent if isinstance(parent, str) else None


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


def _cycle_problems(
    files: Iterable[ContentFile], parents: dict[str, dict[str, str | None]]
) -> list[Problem]:
    by_kind_id = {(item.kind, item.id): item for item in files}
    problems: list[Problem] = []
    for kind, key in PARENT_KEY.items():
        for cycle in linking.find_cycles(parents[kind]):
            chain = " -> ".join((*cycle, cycle[0]))
            for member in cycle:
                item = by_kind_id[(kind, member)]  # type: ignore[index]
                document, _ = read_document(item.path, item.source_path)
                line, col = document.locate((key,)) if document is not None else (1, 1)
                message = f"{key} makes a cycle of {kind}s: {chain}"
                problems.append(error(item.source_path, line, col, message))
    return problems


def check_content(content_dir: Path) -> list[Problem]:
    """Every problem, sorted; the same list `load_site` reports for the same folder."""
    files, problems = find_content_files(content_dir)
    problems.extend(check_ids(files))
    known = linking.KnownIds(
        events=frozenset(f.id for f in files if f.kind == "event"),
        actors=frozenset(f.id for f in files if f.kind == "actor"),
        places=frozenset(f.id for f in files if f.kind == "place"),
    )
    first_files: dict[tuple[str, str], ContentFile] = {}
    for item in files:
        first_files.setdefault((item.kind, item.id), item)
    parents: dict[str, dict[str, str | None]] = {"actor": {}, "place": {}}
    for item, (file_problems, parent) in zip(files, _check_all(files, known), strict=True):
        problems.extend(file_problems)
        if item.kind in parents and first_files[(item.kind, item.id)] is item:
            parents[item.kind][item.id] = parent
    problems.extend(_cycle_problems(files, parents))
    return sort_problems(problems)
