"""The only code that writes the site: publish atomically.

A build writes every file into a staging folder next to the output (same parent, so a
rename never crosses file systems), runs an optional hook there (the search indexer),
and only then swaps it in: the old output is renamed aside, the staging folder renamed
into place, the old output deleted. Any failure before the swap deletes the staging
folder and leaves the previous site byte-identical; a failure during the swap puts the
old output back.

Where a build may write at all (the output folder's location, and each path inside
it) is checked by `outpath`, before anything is read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from generator.errors import BuildError
from generator.outpath import MARKER, MARKER_TEXT, check_out_path, is_within

STAGING_PREFIX = ".site-staging-"
"""The repository's .gitignore ignores `/.site-staging-*/`, for builds that were killed."""


def write_tree(files: Mapping[str, bytes], folder: Path) -> None:
    """Write every file under `folder`, in sorted order, refusing anything that escapes it."""
    root = folder.resolve()
    for out_path in sorted(files):
        target = root.joinpath(*check_out_path(out_path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not is_within(target.resolve(), root):
            raise BuildError(f"refusing to write '{out_path}': it resolves outside the site")
        target.write_bytes(files[out_path])
    (root / MARKER).write_bytes(MARKER_TEXT)


def swap_in(staging: Path, out: Path) -> None:
    """Put `staging` where `out` is; on failure `out` is as it was."""
    previous = staging.with_name(staging.name + "-previous")
    had_previous = out.exists() or out.is_symlink()
    if had_previous:
        os.rename(out, previous)
    try:
        os.rename(staging, out)
    except OSError:
        if had_previous:
            os.rename(previous, out)
        raise
    if had_previous:
        try:
            shutil.rmtree(previous)
        except OSError as problem:
            raise BuildError(
                f"the site was published, but the previous output could not be removed "
                f"from '{previous}': {problem}"
            ) from problem


def publish(
    files: Mapping[str, bytes],
    out_dir: Path,
    *,
    before_swap: Callable[[Path], None] | None = None,
) -> None:
    """Write `files` (out_path -> bytes) as the whole content of `out_dir`, atomically.

    `before_swap` runs on the finished staging folder (e.g. to build a search index);
    if it raises, nothing is swapped and the exception propagates.
    """
    for out_path in files:
        check_out_path(out_path)
    publish_with(lambda staging: write_tree(files, staging), out_dir, before_swap=before_swap)


def _new_staging_folder(out: Path, shown: Path) -> Path:
    """An empty folder beside the output (same file system, so renames are atomic)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out.parent))
    except OSError as problem:
        raise BuildError(
            f"cannot create a staging folder next to '{shown}': {problem}"
        ) from problem


@contextlib.contextmanager
def scratch_folder(beside: Path) -> Iterator[Path]:
    """An empty working folder in `beside` (the output's parent: the same file system,
    so files can be hard-linked into it), removed afterwards whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=beside))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish_with(
    fill: Callable[[Path], object],
    out_dir: Path,
    *,
    before_swap: Callable[[Path], None] | None = None,
) -> None:
    """Let `fill` write the staging folder (marker included; what it returns is not
    used), then swap it in atomically.

    The incremental build fills it itself, linking unchanged files from the old output;
    any exception from `fill` or `before_swap` leaves the old output as it was.
    """
    out = out_dir.resolve()
    staging = _new_staging_folder(out, out_dir)
    try:
        staging.chmod(0o755)
        fill(staging)
        if before_swap is not None:
            before_swap(staging)
        swap_in(staging, out)
    except OSError as problem:
        raise BuildError(f"cannot write the site to '{out_dir}': {problem}") from problem
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _prune_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and is_within(folder, root):
        try:
            folder.rmdir()
        except OSError:  # not empty: an ancestor is not empty either
            return
        folder = folder.parent


def update_in_place(
    fill: Callable[[Path], tuple[list[str], list[str]]],
    out_dir: Path,
    *,
    before_changes: Callable[[], None],
    after_changes: Callable[[Path], None] | None = None,
) -> None:
    """Update a published site file by file: the fast path of an incremental build.

    `fill` writes only the files whose bytes changed into a staging folder and returns
    (changed, removed) out_paths. Nothing in `out_dir` is touched until `fill` has
    succeeded; then `before_changes` runs (the build forgets its saved state), each
    changed file is moved over the published one with one atomic rename (a reader never
    sees half a file), removed files are deleted with the folders they leave empty, and
    `after_changes` runs (the search indexer). If the process dies while moving files,
    the next build finds no state, or an output that no longer matches it, and
    republishes the whole site through a staging folder.
    """
    out = out_dir.resolve()
    staging = _new_staging_folder(out, out_dir)
    try:
        changed, removed = fill(staging)
        before_changes()
        for out_path in changed:
            parts = check_out_path(out_path).parts
            target = out.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging.joinpath(*parts), target)
        for out_path in removed:
            target = out.joinpath(*check_out_path(out_path).parts)
            target.unlink(missing_ok=True)
            _prune_empty_folders(target.parent, out)
        if after_changes is not None:
            after_changes(staging)
    except OSError as problem:
        raise BuildError(f"cannot update the site in '{out_dir}': {problem}") from problem
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_folder(new: Path, target: Path, aside: Path) -> None:
    """Put the folder `new` where `target` is, with two renames; `aside` gets the old one."""
    had_target = target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    if had_target:
        os.rename(target, aside)
    os.rename(new, target)
    if had_target:
        shutil.rmtree(aside, ignore_errors=True)
