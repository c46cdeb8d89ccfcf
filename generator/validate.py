"""Check one file at a time: its structure against the published JSON Schema, then its meaning.

The JSON Schemas in `schemas/` are the single description of each file kind; editors'
IDEs read the same files. Schema errors are translated into messages an editor can act
on, located at the offending key or value. Rules a schema cannot say (real calendar
days, `end` after `date`, IANA zones, ranges in order, a claim citing one of the event's
own sources) follow in plain Python. Everything here is per file; references between
files are checked in `index.py`.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import fastjsonschema
import jsonschema

from generator.dates import PartialDate, ends_before_it_starts, parse_date
from generator.load import Document, KeyPath
from generator.problems import Problem, error, warning

Kind = Literal["site", "event", "actor", "place"]

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BCP47 = re.compile(
    r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-(?:[a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*$"
)

_WHITESPACE = re.compile(r"\s")
_PLAIN_HTTP_URL = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:[/?#]|$)")
_LOOSE_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_KIND_NOUN = {"site": "site.yaml", "event": "an event", "actor": "an actor", "place": "a place"}
_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "empty",
}


@functools.cache
def load_schema(kind: Kind) -> dict[str, Any]:
    with (SCHEMA_DIR / f"{kind}.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@functools.cache
def _validator(kind: Kind) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(load_schema(kind))


def as_draft7(node: Any) -> Any:
    """The same schema in draft-07 terms, which the compiled fast validator understands.

    Only the keywords our schemas use differ: `$defs`, `prefixItems` with `items: false`.
    `format` is dropped because jsonschema treats it as informational too.
    """
    if isinstance(node, list):
        return [as_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$schema":
            converted[key] = "http://json-schema.org/draft-07/schema#"
        elif key == "$defs":
            converted["definitions"] = as_draft7(value)
        elif key == "$ref" and isinstance(value, str):
            converted[key] = value.replace("#/$defs/", "#/definitions/")
        elif key == "prefixItems":
            converted["items"] = as_draft7(value)
            if node.get("items") is False:
                converted["additionalItems"] = False
        elif key == "items" and "prefixItems" in node:
            continue
        elif key not in ("format", "$id"):
            converted[key] = as_draft7(value)
    return converted


@functools.cache
def _fast_validator(kind: Kind) -> Any:
    return fastjsonschema.compile(as_draft7(load_schema(kind)))


def passes_schema_quickly(data: Any, kind: Kind) -> bool:
    try:
        _fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@functools.cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def describe_type(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def field_name(path: KeyPath) -> str:
    """`claims[2].figures.killed` for the key path ('claims', 1, 'figures', 'killed')."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the file"


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


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


# ---------------------------------------------------------------- structure


def check_structure(document: Document, kind: Kind) -> list[Problem]:
    """Every schema error in the file, each located and worded for an editor."""
    if passes_schema_quickly(document.data, kind):
        return []
    problems: list[Problem] = []
    for schema_error in _validator(kind).iter_errors(document.data):
        problems.extend(_translate(document, kind, schema_error))
    return problems


def _translate(
    document: Document, kind: Kind, schema_error: jsonschema.ValidationError
) -> Iterator[Problem]:
    path: KeyPath = tuple(schema_error.absolute_path)
    line, col = document.locate(path)
    name = field_name(path)
    validator: Any = schema_error.validator
    value: Any = schema_error.validator_value
    instance: Any = schema_error.instance
    schema: Any = schema_error.schema
    file = document.source_path
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(instance) - set(allowed)):
            key_line, key_col = document.locate_key((*path, key))
            where = f" in {name}" if path else f" in {_KIND_NOUN[kind]}"
            hint = did_you_mean(key, allowed) or f"; allowed keys: {', '.join(allowed)}"
            yield error(file, key_line, key_col, f"unknown key '{key}'{where}{hint}")
    elif validator == "required":
        for key in value:
            if key not in instance:
                where = f" in {name}" if path else ""
                yield error(file, line, col, f"missing required key '{key}'{where}")
    elif validator in ("oneOf", "anyOf"):
        yield from _translate_alternatives(document, kind, schema_error)
    else:
        yield error(file, line, col, _message(name, validator, value, instance, schema_error))


def _translate_alternatives(
    document: Document, kind: Kind, schema_error: jsonschema.ValidationError
) -> Iterator[Problem]:
    """For `a or b` rules, report only the branches whose type matches what was written."""
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in schema_error.context or []:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    matching = [
        errors
        for errors in branches.values()
        if not any(sub.validator == "type" and not sub.relative_path for sub in errors)
    ]
    if len(matching) == 1:
        for sub in matching[0]:
            yield from _translate(document, kind, sub)
        return
    path: KeyPath = tuple(schema_error.absolute_path)
    line, col = document.locate(path)
    schema: Any = schema_error.schema
    described = schema.get("description", "")
    yield error(
        document.source_path,
        line,
        col,
        f"{field_name(path)} cannot be {describe_type(schema_error.instance)}. {described}".strip(),
    )


def _message(
    name: str, validator: str, value: Any, instance: Any, err: jsonschema.ValidationError
) -> str:
    if validator == "type":
        expected = value if isinstance(value, list) else [value]
        wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
        return f"{name} must be {wanted}, not {describe_type(instance)}"
    if validator == "pattern":
        return _pattern_message(name, value, instance)
    if validator == "not":
        return f"{name} must be written on one line"
    if validator == "enum":
        options = ", ".join(str(option) for option in value)
        hint = did_you_mean(str(instance), [str(option) for option in value])
        return f"{name} is '{instance}'; it must be one of: {options}{hint}"
    if validator == "maxLength":
        return f"{name} is {len(instance)} characters long; the limit is {value}"
    if validator == "minLength":
        return f"{name} must not be empty"
    if validator == "minItems":
        return f"{name} needs at least {value} item{'s' if value != 1 else ''}"
    if validator == "maxItems":
        return f"{name} has {len(instance)} items; at most {value} are allowed"
    if validator == "uniqueItems":
        return f"{name} lists the same value twice"
    if validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = "at least" if "inimum" in validator else "at most"
        return f"{name} is {instance}; it must be {bound} {value}"
    if validator == "items" and value is False:
        return f"{name} has too many items"
    if validator == "propertyNames":
        return f"{name}: '{instance}' is not a valid name: use lower-case words joined by hyphens"
    if validator == "const":
        return f"{name} must be {value!r}"
    return f"{name}: {err.message}"


def _pattern_message(name: str, pattern: str, instance: str) -> str:
    if "https?" in pattern:
        return f"{name} '{instance}' must be an absolute http(s) address such as https://example.org/page"
    if pattern.startswith("^https://"):
        return f"{name} '{instance}' must be an absolute https address"
    if pattern == SLUG.pattern:
        return (
            f"{name} '{instance}' is not a valid id: use lower-case letters, digits and single "
            "hyphens, e.g. 'kursk-oblast'"
        )
    if "[0-9]{4}" in pattern:
        return f"{name} '{instance}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"
    if "[01][0-9]" in pattern:
        return f"{name} '{instance}' is not a time: write HH:MM on the 24-hour clock, e.g. 14:30"
    if "A-Za-z_" in pattern:
        return f"{name} '{instance}' is not a time zone name such as Europe/Kyiv or UTC"
    if "a-zA-Z]{2,3}" in pattern:
        return f"{name} '{instance}' is not a language tag such as en or uk"
    return f"{name} '{instance}' is not in the expected form"


# ---------------------------------------------------------------- meaning


def check_meaning(document: Document, kind: Kind) -> list[Problem]:
    """Rules beyond the schema's reach; each rule skips values of the wrong type."""
    if kind == "event":
        return list(_check_event(document))
    if kind == "site":
        return list(_check_site(document))
    return list(_check_dates_and_zones(document, [], []))


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
