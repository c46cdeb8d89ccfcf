"""`new`: write a skeleton event file an editor fills in, never overwriting one.

The skeleton passes `check` as written, so an editor can run the tools at once, yet every
value the generator cannot know is an obvious placeholder: the summary and the source
publisher read "REPLACE ME" and the source url is `PLACEHOLDER_URL`, which `check` flags
(no archived copy) and `links` reports by name without fetching it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from generator.dates import PartialDate, parse_date
from generator.errors import UsageError
from generator.structure import SLUG

PLACEHOLDER_URL = "https://example.org/replace-me"
PLACEHOLDER = "REPLACE ME"
MAX_ID_LENGTH = 60
MAX_TITLE_LENGTH = 200


def slugify(title: str, limit: int = MAX_ID_LENGTH) -> str:
    """An id from a title: ASCII letters and digits joined by single hyphens, cut at a word."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", folded.lower())
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > limit:
            return slug or word[:limit]
        slug = longer
    return slug


def _checked_title(title: str) -> str:
    text = title.strip()
    if not text:
        raise UsageError("--title must not be empty")
    if any(unicodedata.category(char).startswith(("Cc", "Zl", "Zp")) for char in text):
        raise UsageError("--title must be one line of plain text")
    if len(text) > MAX_TITLE_LENGTH:
        raise UsageError(f"--title is {len(text)} characters long; the limit is {MAX_TITLE_LENGTH}")
    return text


def _checked_date(date: str | None) -> PartialDate:
    """`--date` as given, else today: the one place the generator reads the clock."""
    if date is None:
        today = dt.date.today()
        return PartialDate(today.year, today.month, today.day)
    parsed = parse_date(date)
    if isinstance(parsed, str):
        raise UsageError(f"--date {parsed}")
    return parsed


def _check_known(content_dir: Path, folder: str, option: str, ids: Sequence[str]) -> None:
    known = {path.stem for path in (content_dir / folder).glob("*.y*ml")}
    for item in ids:
        if item not in known:
            raise UsageError(f"{option} '{item}': no file {folder}/{item}.yaml in '{content_dir}'")


def _existing_event(content_dir: Path, event_id: str) -> Path | None:
    """Ids are unique across every year folder, so look in all of them."""
    for suffix in (".yaml", ".yml"):
        for path in sorted((content_dir / "events").rglob(event_id + suffix)):
            return path
    return None


def _id_list(key: str, ids: Sequence[str]) -> list[str]:
    if not ids:
        return [f"# {key}: [{key[:-1]}-id]   # files in content/{key}/"]
    return [f"{key}:", *(f"  - {item}" for item in ids)]


def render_skeleton(
    title: str, date: PartialDate, places: Sequence[str], actors: Sequence[str]
) -> str:
    """The file's text; the title is JSON-quoted, which YAML reads as a double-quoted string."""
    lines = [
        "# Written by `python build.py new`. Replace every REPLACE ME (and the example.org",
        "# source) before opening a pull request; docs/editing.md explains every key.",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {date.iso()}",
        f"summary: {PLACEHOLDER} with one or two plain-text sentences on what happened.",
        *_id_list("places", places),
        *_id_list("actors", actors),
        "# tags: [shelling]",
        "sources:",
        "  # One entry per report you rely on; url and publisher are required.",
        f"  - url: {PLACEHOLDER_URL}",
        f"    publisher: {PLACEHOLDER}",
        "    # title: Headline of the report",
        f"    # published: {date.iso()}",
        "    # archived: https://web.archive.org/web/2024/https://example.org/report",
    ]
    return "\n".join(lines) + "\n"


def create_event(
    content_dir: Path,
    title: str,
    date: str | None,
    places: Sequence[str],
    actors: Sequence[str],
    *,
    event_id: str | None = None,
) -> Path:
    """Write `events/<year>/<id>.yaml` and return its path; refuse rather than overwrite."""
    text = _checked_title(title)
    day = _checked_date(date)
    slug = event_id if event_id is not None else slugify(text)
    if not SLUG.match(slug):
        raise UsageError(
            f"cannot make an id from the title '{text}'; give one with --id (e.g. --id kursk-shelling)"
            if event_id is None
            else f"--id '{slug}' is not a valid id: use lower-case letters, digits and single hyphens"
        )
    _check_known(content_dir, "places", "--place", places)
    _check_known(content_dir, "actors", "--actor", actors)
    existing = _existing_event(content_dir, slug)
    if existing is not None:
        raise UsageError(f"event '{slug}' already exists: {existing}; nothing was written")
    path = content_dir / "events" / f"{day.year:04d}" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(render_skeleton(text, day, places, actors))
    except FileExistsError as exists:
        raise UsageError(f"{path} already exists; nothing was written") from exists
    return path
