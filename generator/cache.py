"""The build cache: a folder of a few pickle files that only ever make a build faster.

Nothing in the cache is trusted beyond what its key proves. Every file carries the
*code key* (a hash of the generator's own Python, templates, static files, data and
schemas, plus the Python version, the versions of the libraries that shape the output
and the time zone database), so a new generator version, an edited template, an
upgraded Markdown or an updated time zone database discards every entry at once.
Within a file, entries are keyed by content hashes: a parsed content file by the hash of
its bytes, a page by the hash of the data it is rendered from. The code key is hashed
again only when a code file's size or mtime differs from when it was last hashed
(`code-key.pickle`), as git trusts the stats of files it has hashed before.

Safety: the folder can be deleted at any time, and a missing, truncated or otherwise
unreadable file reads as empty (the build then works cold). Writes go to a temporary
file in the same folder and are renamed over the old one (`os.replace`), so a build
killed mid-write leaves either the old file or the new one, never half of one. The
cache is local build state, written by this program for this user: like `.pyc` files
it is loaded with `pickle`, so never point `--cache-dir` at a folder others can write.

`check` keeps its own entries (`check.py`), by default in `.cache/check-<content folder's
name>` next to the content folder; they are keyed the same way and report exactly what a
check without them would.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from generator import __version__
from generator.errors import UsageError
from generator.unchanged import RACY_NS, now_ns

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMAS_DIR = PACKAGE_DIR.parent / "schemas"
FORMAT = 1
"""Bumped when the layout of the cache files changes."""
DEFAULT_NAME = ".cache"
CODE_MEMO = "code-key.pickle"

CodeStamp = tuple[tuple[str, int, int], ...]
"""(path, size, mtime_ns) of every code file and of each shaping library's entry file."""

SHAPING_LIBRARIES = (
    ("jinja2", "Jinja2"),
    ("markupsafe", "MarkupSafe"),
    ("markdown", "Markdown"),
    ("nh3", "nh3"),
    ("yaml", "PyYAML"),
    ("jsonschema", "jsonschema"),
    ("fastjsonschema", "fastjsonschema"),
    ("tzdata", "tzdata"),
)
"""(import name, distribution) of the libraries whose versions shape what a build writes
or a check reports: templates compile and escape, bodies render and are sanitised, files
parse and fail the schema, all by their code; `tzdata` is the time zone database where
the system has none (`time_zone_files`). A page kept by its key after an upgrade
would differ from a cold build."""


def _code_files() -> list[Path]:
    """The package's files and the schemas. `os.walk` prunes `__pycache__` and is several
    times quicker than `Path.rglob`: this runs in every build, including no-change ones."""
    found = []
    for folder, subfolders, names in os.walk(PACKAGE_DIR):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [Path(folder, name) for name in names]
    found += [p for p in SCHEMAS_DIR.glob("*.json") if p.is_file()]
    return sorted(found)


def _library_files() -> list[Path]:
    """Each shaping library's `__init__.py` where an import would find it (the first
    folder on `sys.path` holding it), found without importing it: a no-change build
    imports none of them. Installing another version rewrites the file, so its stat
    changes (a few stats, ~0.1 ms)."""
    found = []
    for module, _distribution in SHAPING_LIBRARIES:
        for folder in sys.path:
            entry = os.path.join(folder or os.curdir, module, "__init__.py")
            if os.path.isfile(entry):
                found.append(Path(entry))
                break
    return found


def _library_versions() -> str:
    """The installed version of each shaping library ("-" for one not installed)."""
    import importlib.metadata  # here: only when the code is hashed again

    versions = []
    for _module, distribution in SHAPING_LIBRARIES:
        try:
            versions.append(f"{distribution}={importlib.metadata.version(distribution)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{distribution}=-")
    return "\0".join(versions)


TIME_ZONE_VERSION_FILES = ("tzdata.zi", "+VERSION")
"""Files of a system time zone database that every update of it rewrites: `tzdata.zi`
holds the whole database as text (Debian, Fedora, Alpine), `+VERSION` names it (macOS)."""

TIME_ZONE_PATH_VARIABLE = "PYTHONTZPATH"


def time_zone_files() -> tuple[str, ...]:
    """The files that tell which time zone database `zoneinfo` reads: the version files
    of each folder on its search path (the system's database comes first; the `tzdata`
    package, a shaping library, only when the system has none). Zones shape what a build
    writes (an event's UTC offset) and what a check reports (whether a zone exists:
    `Europe/Kyiv` came with the 2022 database), so an update must discard the cache.
    Importing `zoneinfo` takes ~6 ms, so a build whose code key is remembered takes
    these paths from the memo instead (`Store.code_key`)."""
    import zoneinfo

    return tuple(
        path
        for folder in zoneinfo.TZPATH
        for name in TIME_ZONE_VERSION_FILES
        if os.path.isfile(path := os.path.join(folder, name))
    )


def code_stamp(zone_files: tuple[str, ...] = ()) -> CodeStamp:
    """What tells, without reading a code file, that none changed since it was hashed,
    that no shaping library was installed again and that the time zone database read
    from `zone_files` was not updated."""
    stamp = []
    for path in [*_code_files(), *_library_files(), *map(Path, zone_files)]:
        found = path.stat()
        stamp.append((str(path), found.st_size, found.st_mtime_ns))
    return tuple(stamp)


def code_key(zone_files: tuple[str, ...] = ()) -> str:
    """Hash of everything in the program that shapes output, as the files are now. Not
    kept for the life of the process: `serve` builds again after a template edit, and a
    key hashed before it, remembered with the stamp taken after it, would have every
    later build trust pages made with the old template (`Store.code_key` keeps it for a
    build, and the memo between builds)."""
    import hashlib  # here: a build whose code key is remembered hashes nothing

    from generator.digests import digest

    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{FORMAT}\0{__version__}\0{sys.version}\0{_library_versions()}\0".encode())
    for path in _code_files():
        hasher.update(path.relative_to(PACKAGE_DIR.parent).as_posix().encode() + b"\0")
        hasher.update(digest(path.read_bytes()))
    for zone_file in zone_files:
        hasher.update(zone_file.encode() + b"\0")
        hasher.update(digest(Path(zone_file).read_bytes()))
    return hasher.hexdigest()


def check_cache_location(cache_dir: Path, content_dir: Path, out_dir: Path | None = None) -> None:
    """Refuse a cache folder in the editors' content, or in the site the swap replaces."""
    cache_path = cache_dir.resolve()
    folders = [(content_dir, "content")] + ([(out_dir, "output")] if out_dir else [])
    for folder, what in folders:
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


def build_dir(out_dir: Path, cache_dir: Path | None, use_cache: bool) -> Path | None:
    """The cache folder of a build of `out_dir`: `cache_dir` or the default; None without
    the cache."""
    return (cache_dir or default_dir(out_dir)) if use_cache else None


def default_check_dir(content_dir: Path) -> Path:
    """`.cache/check-<content folder's name>` next to the content folder: outside it, as
    editors' files must stay theirs alone, and one per content folder checked."""
    content = content_dir.resolve()
    return content.parent / DEFAULT_NAME / f"check-{content.name}"


FileIdentity = tuple[int, int, int, int]
"""(device, inode, size, mtime_ns) of a cache file as it was read."""


class Kept:
    """Cache entries a long-running process (`serve`) keeps unpickled between its builds.

    Unpickling the parsed files and the list items' parts of a 10,000-event site is most
    of a rebuild's cache loading. A kept entry is given back, without reading the file,
    while the file is still the very one it was read from: the cache only ever replaces
    a file by renaming a new one over it, so a file another build wrote has another
    inode. What is given back is the file's whole content, header included, so an entry
    saved under another code key is refused as it would be from the file. The entries
    are shared from build to build: only those whose readers copy rather than change
    them may be kept (`incremental.Layered`)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.file_names = frozenset(f"{name}.pickle" for name in names)
        self._read: dict[str, tuple[FileIdentity, Any]] = {}

    def read(self, file_name: str, stream: BinaryIO) -> Any:
        """The content of `stream`, the open file `file_name`: kept, or unpickled and kept."""
        found = os.fstat(stream.fileno())
        identity = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)
        kept = self._read.get(file_name)
        if kept is not None and kept[0] == identity:
            return kept[1]
        self._read.pop(file_name, None)
        content = pickle.load(stream)
        self._read[file_name] = (identity, content)
        return content


class Store:
    """Named entries in one folder; `None` as folder makes a store that keeps nothing.
    With `kept`, the entries it names are read through it (`Kept`)."""

    def __init__(self, folder: Path | None, kept: Kept | None = None) -> None:
        self.folder = folder
        self.kept = kept
        self._code_key: str | None = None

    def code_key(self) -> str:
        """`code_key()`, taken from this folder's memo while every code file has the size
        and mtime it had when hashed: reading and hashing them all, and importing hashlib
        to do it, was a twentieth of a no-change build. A memo written within a second
        of a code file's change could miss a later change in the same tick, so none is
        written then (as `unchanged.same_inputs` does for content). The memo also names
        the time zone database's files, stat'ed with the code files (`time_zone_files`
        would import `zoneinfo` to find them), and the `PYTHONTZPATH` they were found
        with."""
        if self._code_key is not None:
            return self._code_key
        search_path = os.environ.get(TIME_ZONE_PATH_VARIABLE)
        memo = self._read(CODE_MEMO)
        if isinstance(memo, tuple) and len(memo) == 5 and memo[:2] == (FORMAT, search_path):
            _format, _path, zone_files, stamp, key = memo
            with contextlib.suppress(OSError):  # a file gone since: hashed again below
                if code_stamp(zone_files) == stamp:
                    self._code_key = str(key)
                    return self._code_key
        zone_files = time_zone_files()
        stamp = code_stamp(zone_files)
        self._code_key = code_key(zone_files)
        if all(mtime < now_ns() - RACY_NS for _, _, mtime in stamp):
            self._write(CODE_MEMO, (FORMAT, search_path, zone_files, stamp, self._code_key))
        return self._code_key

    def load(self, name: str) -> Any:
        """The payload saved under `name` by this code version, or None."""
        found = self._read(f"{name}.pickle")
        if not isinstance(found, tuple) or len(found) != 2:
            return None
        header, payload = found
        return payload if header == (FORMAT, self.code_key()) else None

    def save(self, name: str, payload: Any) -> None:
        """Atomically replace the entry; a failure to write leaves the cache as it was."""
        if self.folder is not None:
            self._write(f"{name}.pickle", ((FORMAT, self.code_key()), payload))

    def warm(self) -> None:
        """Read the kept entries now, while the process is idle, so that the next build
        finds them in memory; a build that ran in a child process (`apart`) read them
        there, into a copy of `kept` that ended with it."""
        for file_name in self.kept.file_names if self.kept is not None else ():
            self._read(file_name)

    def _read(self, file_name: str) -> Any:
        if self.folder is None:
            return None
        try:
            with open(self.folder / file_name, "rb") as stream:
                if self.kept is not None and file_name in self.kept.file_names:
                    return self.kept.read(file_name, stream)
                return pickle.load(stream)
        except Exception:  # any damage to a cache file means "no entry"
            return None

    def _write(self, file_name: str, value: Any) -> None:
        if self.folder is None:
            return
        import tempfile  # here: a no-change build saves nothing and spares its import

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{file_name}-", dir=self.folder)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / file_name)
        except OSError:
            Path(temporary).unlink(missing_ok=True)

    def load_compiled(
        self, name: str, load: Callable[[Mapping[str, bytes]], dict[str, bytes] | None]
    ) -> None:
        """Compiled code a process loads (templates, schema validators): `load` takes the
        entry's code by name ({} when there is none) and returns the code to keep when it
        had to compile some, which is saved; None leaves the entry as it is."""
        known = self.load(name)
        compiled = load(known if isinstance(known, dict) else {})
        if compiled is not None:
            self.save(name, compiled)

    def forget(self, name: str) -> None:
        """Remove the entry, so a later load finds nothing (and the build works cold)."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            (self.folder / f"{name}.pickle").unlink(missing_ok=True)
