"""The build cache: a folder of a few pickle files that only ever make a build faster.

Nothing in the cache is trusted beyond what its key proves. Every file carries the
*code key* (a hash of the generator's own Python, templates, static files, data and
schemas, plus the Python version), so a new generator version or an edited template
discards every entry at once. Within a file, entries are keyed by content hashes:
a parsed content file by the hash of its bytes, a page by the hash of the data it is
rendered from.

Safety: the folder can be deleted at any time, and a missing, truncated or otherwise
unreadable file reads as empty (the build then works cold). Writes go to a temporary
file in the same folder and are renamed over the old one (`os.replace`), so a build
killed mid-write leaves either the old file or the new one, never half of one. The
cache is local build state, written by this program for this user: like `.pyc` files
it is loaded with `pickle`, so never point `--cache-dir` at a folder others can write.

`check` never writes the cache and does not read it either: a check is already fast
and must report from the files alone.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from generator import __version__
from generator.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMAS_DIR = PACKAGE_DIR.parent / "schemas"
FORMAT = 1
"""Bumped when the layout of the cache files changes."""
DEFAULT_NAME = ".cache"


DIGEST_BYTES = 16


def digest(data: bytes) -> bytes:
    """A 128-bit content hash: collisions are not a practical concern at site sizes."""
    return hashlib.blake2b(data, digest_size=DIGEST_BYTES).digest()


def _code_files() -> list[Path]:
    """The package's files and the schemas. `os.walk` prunes `__pycache__` and is several
    times quicker than `Path.rglob`: this runs in every build, including no-change ones."""
    found = []
    for folder, subfolders, names in os.walk(PACKAGE_DIR):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [Path(folder, name) for name in names]
    found += [p for p in SCHEMAS_DIR.glob("*.json") if p.is_file()]
    return sorted(found)


@functools.cache
def code_key() -> str:
    """Hash of everything in the program that shapes output; once per process."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{FORMAT}\0{__version__}\0{sys.version}\0".encode())
    for path in _code_files():
        hasher.update(path.relative_to(PACKAGE_DIR.parent).as_posix().encode() + b"\0")
        hasher.update(digest(path.read_bytes()))
    return hasher.hexdigest()


def check_cache_location(cache_dir: Path, content_dir: Path, out_dir: Path) -> None:
    """Refuse a cache folder in the editors' content, or in the site the swap replaces."""
    cache_path = cache_dir.resolve()
    for folder, what in ((content_dir, "content"), (out_dir, "output")):
        if cache_path.is_relative_to(folder.resolve()):
            raise UsageError(
                f"cache folder '{cache_dir}' is inside the {what} folder '{folder}'; choose another"
            )


def default_dir(out_dir: Path) -> Path:
    """`.cache/<output folder's name>` next to the output folder: outside it, so a swap
    never removes it, and one per output, so two outputs side by side (a site with and
    one without search) keep their own state instead of replacing each other's."""
    out = out_dir.resolve()
    return out.parent / DEFAULT_NAME / out.name


class Store:
    """Named entries in one folder; `None` as folder makes a store that keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def load(self, name: str) -> Any:
        """The payload saved under `name` by this code version, or None."""
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{name}.pickle", "rb") as stream:
                header, payload = pickle.load(stream)
        except Exception:  # any damage to a cache file means "no entry"
            return None
        return payload if header == (FORMAT, code_key()) else None

    def save(self, name: str, payload: Any) -> None:
        """Atomically replace the entry; a failure to write leaves the cache as it was."""
        if self.folder is None:
            return
        import tempfile  # here: a no-change build saves nothing and spares its import

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{name}-", dir=self.folder)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(((FORMAT, code_key()), payload), stream, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / f"{name}.pickle")
        except OSError:
            Path(temporary).unlink(missing_ok=True)

    def forget(self, name: str) -> None:
        """Remove the entry, so a later load finds nothing (and the build works cold)."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            (self.folder / f"{name}.pickle").unlink(missing_ok=True)
