"""Read editors' YAML files into plain values that remember where each value was written.

PyYAML's constructors are never used: we walk the parser's event stream ourselves. That
lets us refuse what an editor's file must never contain (anchors and aliases, tags, a
second document, duplicate keys, absurd nesting) before anything is built, read plain
scalars the way YAML 1.2 does (`no` stays "no", `14:30` stays "14:30", an unquoted
`2024-03-12` stays a string that `dates.py` parses), and keep the line and column of
every key and value so that later stages can point at the exact spot of a mistake.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problem, error

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
"""Largest content file accepted (1 MiB): far above any real event, far below harm."""

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted; real content needs four levels."""

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


@dataclass(frozen=True, slots=True)
class Document:
    """One content file: its top-level mapping plus where each key and value sits."""

    source_path: str
    data: dict[str, Any]
    value_at: Mapping[KeyPath, Position]
    key_at: Mapping[KeyPath, Position]

    def locate(self, path: KeyPath) -> Position:
        """Position of the value at `path`, or of its nearest written ancestor."""
        while path and path not in self.value_at:
            path = path[:-1]
        return self.value_at.get(path, (1, 1))

    def locate_key(self, path: KeyPath) -> Position:
        """Position of the key naming `path` (falls back to the value's position)."""
        if path in self.key_at:
            return self.key_at[path]
        return self.locate(path)


_MAY_NOT_BE_TEXT = frozenset("0123456789+-.~nNtTfF")


def resolve_plain_scalar(text: str) -> Any:
    """The YAML 1.2 core schema: only these spellings are not strings."""
    if text and text[0] not in _MAY_NOT_BE_TEXT:
        return text
    if _NULL.match(text):
        return None
    if _BOOL_TRUE.match(text):
        return True
    if _BOOL_FALSE.match(text):
        return False
    if _INT.match(text):
        return int(text)
    if _INT_OCT.match(text):
        return int(text[2:], 8)
    if _INT_HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


class _Refused(Exception):
    """Stops reading a file whose structure cannot be trusted any further."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_DISCARD = object()
_PLAIN_STYLES = (None, "")


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    path: KeyPath
    attached: bool
    pending_key: str | object | None = None
    key_lines: dict[str, int] = field(default_factory=dict)


class _TreeBuilder:
    """Turns parser events into plain values, recording positions as it goes."""

    def __init__(self, source_path: str) -> None:
        self.source_path = source_path
        self.root: Any = None
        self.has_root = False
        self.stack: list[_Frame] = []
        self.value_at: dict[KeyPath, Position] = {}
        self.key_at: dict[KeyPath, Position] = {}
        self.problems: list[Problem] = []
        self.documents = 0

    def refuse(self, mark: Any, message: str) -> _Refused:
        return _Refused(error(self.source_path, mark.line + 1, mark.column + 1, message))

    def feed(self, event: yaml.Event) -> None:
        """Every event but scalars, which `_feed_events` hands to `add_scalar` directly."""
        kind = type(event)
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.stack.pop()
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self.check_node_event(event)  # type: ignore[arg-type]
            self.open_container(event)  # type: ignore[arg-type]
        elif kind is yaml.AliasEvent:
            raise self.refuse(
                event.start_mark,
                f"YAML aliases (*{event.anchor}) are not allowed: write the value out in full",  # type: ignore[attr-defined]
            )
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise self.refuse(
                    event.start_mark,
                    "a second YAML document ('---') is not allowed: one event per file",
                )

    def check_node_event(self, event: yaml.NodeEvent) -> None:
        if event.anchor is not None:
            raise self.refuse(
                event.start_mark,
                f"YAML anchors (&{event.anchor}) are not allowed: write each value out in full",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            short = tag.replace("tag:yaml.org,2002:", "!!")
            raise self.refuse(
                event.start_mark,
                f"YAML tags such as '{short}' are not allowed: write plain values",
            )

    def add_scalar(self, event: yaml.ScalarEvent) -> None:
        """The hot path (most events are a key or a value in a mapping), kept inline."""
        if event.anchor is not None or (event.tag is not None and event.tag != "!"):
            self.check_node_event(event)
        frame = self.stack[-1] if self.stack else None
        container = frame.container if frame is not None else None
        if frame is not None and type(container) is dict:
            key = frame.pending_key
            if key is None:
                self.add_key(frame, event)
                return
            frame.pending_key = None
            if not isinstance(key, str):
                return  # the value of a duplicate key, already reported
            text = event.value
            container[key] = resolve_plain_scalar(text) if event.style in _PLAIN_STYLES else text
            if frame.attached:
                mark: Any = event.start_mark
                self.value_at[(*frame.path, key)] = (mark.line + 1, mark.column + 1)
            return
        is_plain = event.style in _PLAIN_STYLES
        self.attach(
            resolve_plain_scalar(event.value) if is_plain else event.value, event.start_mark
        )

    def add_key(self, frame: _Frame, event: yaml.ScalarEvent) -> None:
        key = event.value
        mark: Any = event.start_mark
        line, col = mark.line + 1, mark.column + 1
        if key in frame.key_lines:
            self.problems.append(
                error(
                    self.source_path,
                    line,
                    col,
                    f"duplicate key '{key}' (first written on line {frame.key_lines[key]})",
                )
            )
            frame.pending_key = _DISCARD
            return
        frame.key_lines[key] = line
        frame.pending_key = key
        if frame.attached:
            self.key_at[(*frame.path, key)] = (line, col)

    def open_container(self, event: yaml.NodeEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise self.refuse(
                event.start_mark, f"nesting deeper than {MAX_DEPTH} levels is not allowed"
            )
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.pending_key is None:
            raise self.refuse(event.start_mark, "a key must be plain text, not a list or mapping")
        container: dict[str, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        path, attached = self.attach(container, event.start_mark)
        self.stack.append(_Frame(container, path, attached))

    def attach(self, value: Any, mark: Any) -> tuple[KeyPath, bool]:
        """Place a value in its parent; returns its key path and whether it was kept."""
        position = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.root, self.has_root = value, True
            self.value_at[()] = position
            return (), True
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            path: KeyPath = (*frame.path, len(frame.container))
            frame.container.append(value)
        else:
            key, frame.pending_key = frame.pending_key, None
            if key is _DISCARD or not isinstance(key, str):
                return (*frame.path, "<discarded>"), False
            path = (*frame.path, key)
            frame.container[key] = value
        if frame.attached:
            self.value_at[path] = position
        return path, frame.attached


def _feed_events(text: str, builder: _TreeBuilder) -> None:
    """Pull events straight from the parser (yaml.parse adds a generator step per event)."""
    loader = _Loader(text)
    try:
        get_event, scalar = loader.get_event, yaml.ScalarEvent
        add_scalar, feed = builder.add_scalar, builder.feed
        while (event := get_event()) is not None:
            if type(event) is scalar:
                add_scalar(event)
            else:
                feed(event)
    finally:
        loader.dispose()


def _syntax_problem(source_path: str, text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        return error(source_path, mark.line + 1, mark.column + 1, f"YAML syntax: {message}")
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _line_col_of_offset(text, exc.position)
        return error(
            source_path, line, col, f"character U+{exc.character:04X} is not allowed in YAML"
        )
    return error(source_path, 1, 1, f"YAML syntax: {exc}")


def _line_col_of_offset(text: str, offset: int) -> Position:
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


def parse_text(text: str, source_path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one file's text; returns the document or the problems that refused it."""
    builder = _TreeBuilder(source_path)
    try:
        _feed_events(text, builder)
    except _Refused as refused:
        return None, [*builder.problems, refused.problem]
    except yaml.YAMLError as exc:
        return None, [*builder.problems, _syntax_problem(source_path, text, exc)]
    except RecursionError:
        return None, [error(source_path, 1, 1, "the file is nested too deeply to read")]
    if not builder.has_root or builder.root is None:
        return None, [error(source_path, 1, 1, "the file is empty: write a YAML mapping")]
    if not isinstance(builder.root, dict):
        kind = "a list" if isinstance(builder.root, list) else "a single value"
        line, col = builder.value_at[()]
        return None, [
            error(source_path, line, col, f"the file holds {kind}; it must be a mapping of keys")
        ]
    document = Document(source_path, builder.root, builder.value_at, builder.key_at)
    return document, builder.problems


def _too_large(size: int, source_path: str) -> Problem:
    return error(
        source_path, 1, 1, f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes"
    )


def decode(raw: bytes, source_path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 (a byte-order mark is fine) within the size limit, or a located refusal."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [_too_large(len(raw), source_path)]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            error(
                source_path,
                line,
                col,
                f"byte 0x{raw[exc.start]:02X} is not UTF-8: save the file as UTF-8",
            )
        ]


def read_raw(path: str | Path, source_path: str) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes within the size limit, or why not. The size is taken from the
    opened file, not from its path beforehand: one lookup of the path rather than two
    for each file a build reads, and a file that grows in between is still held to the
    limit (no more than one byte past it is ever read)."""
    try:
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            raw = stream.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
            if size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
                return None, [_too_large(max(size, len(raw)), source_path)]
            return raw, []
    except OSError as exc:
        return None, [error(source_path, 1, 1, f"cannot read the file: {exc.strerror}")]


def parse_bytes(raw: bytes, source_path: str) -> tuple[Document | None, list[Problem]]:
    """Decode and parse a file's bytes."""
    text, problems = decode(raw, source_path)
    if text is None:
        return None, problems
    return parse_text(text, source_path)


def read_document(path: str | Path, source_path: str) -> tuple[Document | None, list[Problem]]:
    """Read, decode and parse one file from disk."""
    raw, problems = read_raw(path, source_path)
    if raw is None:
        return None, problems
    return parse_bytes(raw, source_path)
