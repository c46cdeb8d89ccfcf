"""Where a build may write: the output folder's location, and each path inside it.

Every build contains a marker file, `.timeline-build`. An existing, non-empty output
folder without it is not ours (a typo such as `--out docs`), so the build refuses to
replace it rather than delete someone's files. These checks run first in every build,
the no-change ones included, so this module imports nothing that publishing needs.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from generator.errors import BuildError, UsageError

MARKER = ".timeline-build"
MARKER_TEXT = (
    b"This folder is written by `python build.py build` and replaced whole on every build.\n"
    b"Do not edit it: change the content folder and build again.\n"
)


def is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def looks_like_build(folder: Path) -> bool:
    """True for a missing or empty folder, or one holding the marker of a previous build."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())


def check_output_location(out_dir: Path, content_dir: Path, repo_root: Path) -> None:
    """Refuse an output folder the swap would wreck, before anything is read or written.

    Symlinks are resolved first, so a link cannot disguise the content folder. `site/`
    inside the repository is the normal case; the repository itself, or a folder that
    contains it, is not.
    """
    out = out_dir.resolve()
    content = content_dir.resolve()
    repo = repo_root.resolve()
    shown = f"output folder '{out_dir}'"
    if out.parent == out or out == Path.home().resolve():
        raise UsageError(f"{shown} is the root or home folder; choose a folder such as 'site'")
    if is_within(out, content):
        raise UsageError(f"{shown} is inside the content folder '{content_dir}'; choose another")
    if is_within(content, out):
        raise UsageError(f"{shown} contains the content folder '{content_dir}'; choose another")
    if is_within(repo, out):
        raise UsageError(
            f"{shown} is or contains the repository '{repo}'; use a folder inside it, such as 'site'"
        )
    if not looks_like_build(out):
        raise UsageError(
            f"{shown} exists, is not empty and holds no '{MARKER}' file from a previous build; "
            "refusing to replace it (delete it yourself or choose another folder)"
        )


def check_out_path(out_path: str) -> PurePosixPath:
    """A relative, normalised path inside the site, or BuildError.

    Refused: empty, absolute (POSIX or Windows), backslashes, `.` or `..` segments, and
    the marker's own name.
    """
    path = PurePosixPath(out_path)
    if (
        not out_path
        or "\\" in out_path
        or "\x00" in out_path
        or path.is_absolute()
        or PureWindowsPath(out_path).drive
        or any(part in ("", ".", "..") for part in out_path.split("/"))
        or out_path == MARKER
    ):
        raise BuildError(f"refusing to write '{out_path}': not a plain path inside the site")
    return path
