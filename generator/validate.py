"""Check one file at a time: its structure (`structure.py`), then its meaning.

Rules a schema cannot say (real calendar
days, `end` after `date`, IANA zones, ranges in order, a claim citing one of the event's
own sources) follow in plain Python. Everything here is per file; references between
files are checked in `index.py`.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from generator.dates import PartialDate, ends_before_it_starts, parse_date
from generator.load import Document, KeyPath
from generator.problems import Problem, error, warning
from generator.structure import Kind, check_structure, did_you_mean, field_name

BCP47 = re.compile(
    r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-(?:[a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*$"
)

_WHITESPACE = re.compile(r"\s")
_PLAIN_HTTP_URL = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:[/?#]|$)")
_LOOSE_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


@functools.cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def is_http_url(text: str) -> bool:
    """http(s) with a host, no whitespace: what a reader's browser can follow."""
    if _WHITESPACE.search(text):
        return False
    if _PLAIN_HTTP_URL.match(text):
        return True  # the common case, decided without urlsplit
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# ---------------------------------------------------------------- meaning


def check_meaning(document: Document, kind: Kind) -> list[Problem]:
    """Rules beyond the schema's reach; each rule skips values of the wrong type."""
    if kind == "event":
        return list(_check_event(document))
    if kind == "site":
        return list(_check_site(document))
    return []  # actors and places have no rule beyond their schema and references


def _at(document: Document, path: KeyPath, message: str) -> Problem:
    line, col = document.locate(path)
    return error(document.source_path, line, col, message)


def _warn_at(document: Document, path: KeyPath, message: str) -> Problem:
    line, col = document.locate(path)
    return warning(document.source_path, line, col, message)


def _parsed_date(document: Document, path: KeyPath) -> tuple[PartialDate | None, list[Problem]]:
    value = _get(document.data, path)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # an unquoted year such as `date: 2024`
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return None, []  # absent, or the schema already reported its form
    parsed = parse_date(value)
    if isinstance(parsed, str):
        return None, [_at(document, path, f"{field_name(path)} {parsed}")]
    return parsed, []


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(n, item) for n, item in enumerate(value) if isinstance(item, dict)]


def _check_dates_and_zones(
    document: Document, date_paths: list[KeyPath], zone_paths: list[KeyPath]
) -> Iterator[Problem]:
    for path in date_paths:
        yield from _parsed_date(document, path)[1]
    for path in zone_paths:
        zone = _get(document.data, path)
        if isinstance(zone, str) and zone not in known_time_zones():
            hint = did_you_mean(zone, sorted(known_time_zones()))
            yield _at(document, path, f"'{zone}' is not an IANA time zone{hint}")


def _check_site(document: Document) -> Iterator[Problem]:
    data = document.data
    yield from _check_dates_and_zones(document, [], [("timezone",)])
    base_url = data.get("base_url")
    if isinstance(base_url, str) and not (
        is_http_url(base_url) and base_url.startswith("https://")
    ):
        yield _at(
            document, ("base_url",), f"base_url '{base_url}' must be an absolute https address"
        )
    language = data.get("language")
    schema_accepts = isinstance(language, str) and _LOOSE_LANGUAGE.match(language)
    if schema_accepts and not BCP47.match(str(language)):
        yield _at(
            document, ("language",), f"'{language}' is not a BCP 47 language tag such as en or uk"
        )


def _check_event(document: Document) -> Iterator[Problem]:
    data = document.data
    start, problems = _parsed_date(document, ("date",))
    yield from problems
    end, problems = _parsed_date(document, ("end",))
    yield from problems
    if start is not None and end is not None and ends_before_it_starts(start, end):
        yield _at(document, ("end",), f"end {end} is before date {start}")
    if "timezone" in data and "time" not in data:
        yield _warn_at(document, ("timezone",), "timezone is ignored without a time")
    date_paths: list[KeyPath] = [("sources", n, "published") for n, _ in _items(data, "sources")]
    date_paths += [("claims", n, "date") for n, _ in _items(data, "claims")]
    date_paths += [("corrections", n, "date") for n, _ in _items(data, "corrections")]
    yield from _check_dates_and_zones(document, date_paths, [("timezone",)])
    yield from _check_sources(document)
    yield from _check_claims(document)
    yield from _check_related(document)


def _check_urls(document: Document, path: KeyPath) -> Iterator[Problem]:
    value = _get(document.data, path)
    is_web = isinstance(value, str) and value.lower().startswith(("http://", "https://"))
    if is_web and not is_http_url(value):
        yield _at(document, path, f"{field_name(path)} '{value}' is not a valid web address")


def _check_sources(document: Document) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for n, source in _items(document.data, "sources"):
        url = source.get("url")
        yield from _check_urls(document, ("sources", n, "url"))
        yield from _check_urls(document, ("sources", n, "archived"))
        if not isinstance(url, str):
            continue
        if url in seen:
            first_line = document.locate(("sources", seen[url], "url"))[0]
            yield _at(
                document,
                ("sources", n, "url"),
                f"source {url} is listed twice (first on line {first_line})",
            )
        else:
            seen[url] = n
        if "archived" not in source:
            yield _warn_at(
                document,
                ("sources", n, "url"),
                f"source {url} has no archived copy: add 'archived' with an archive URL",
            )


def _check_claims(document: Document) -> Iterator[Problem]:
    source_urls = {source.get("url") for _, source in _items(document.data, "sources")}
    seen_ids: dict[str, int] = {}
    for n, claim in _items(document.data, "claims"):
        claim_id = claim.get("id", str(n + 1))
        if isinstance(claim_id, str):
            if claim_id in seen_ids:
                yield _at(
                    document,
                    ("claims", n, "id") if "id" in claim else ("claims", n),
                    f"claim id '{claim_id}' is used twice in this event "
                    f"(first by claims[{seen_ids[claim_id] + 1}])",
                )
            seen_ids.setdefault(claim_id, n)
        source = claim.get("source")
        if source is None:
            yield _warn_at(
                document,
                ("claims", n),
                "claim has no source: add 'source' with the url of one of this event's sources",
            )
        elif isinstance(source, str) and source not in source_urls:
            yield _at(
                document,
                ("claims", n, "source"),
                f"claims[{n + 1}].source {source} is not one of this event's sources"
                + did_you_mean(source, sorted(u for u in source_urls if isinstance(u, str))),
            )
        figures = claim.get("figures")
        if isinstance(figures, dict):
            for name, value in figures.items():
                if (
                    isinstance(value, list)
                    and len(value) == 2
                    and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                    and value[0] > value[1]
                ):
                    yield _at(
                        document,
                        ("claims", n, "figures", name),
                        f"figure '{name}' range [{value[0]}, {value[1]}] has low above high",
                    )


def _check_related(document: Document) -> Iterator[Problem]:
    seen: set[str] = set()
    related = document.data.get("related")
    if not isinstance(related, list):
        return
    for n, item in enumerate(related):
        target = item.get("event") if isinstance(item, dict) else item
        if not isinstance(target, str):
            continue
        if target in seen:
            yield _at(document, ("related", n), f"related event '{target}' is listed twice")
        seen.add(target)


def check_file(document: Document, kind: Kind) -> list[Problem]:
    return check_structure(document, kind) + check_meaning(document, kind)
