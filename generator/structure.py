"""Check a file's structure against the published JSON Schema, in words an editor can act on.

The JSON Schemas in `schemas/` are the single description of each file kind; editors'
IDEs read the same files. A compiled validator (the schema in draft-07 terms, which
`fastjsonschema` understands) accepts a valid file quickly; only a file it rejects goes
through `jsonschema`, whose errors are translated into located messages with
did-you-mean hints for unknown keys and misspelt values.
"""

from __future__ import annotations

import difflib
import functools
import json
import marshal
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any, Literal, get_args

import fastjsonschema

if TYPE_CHECKING:
    import jsonschema

from generator.load import Document, KeyPath
from generator.problems import Problem, error

Kind = Literal["site", "event", "actor", "place"]

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

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
    """Imported only when a file fails the fast pass: importing jsonschema takes ~50 ms,
    a quarter of the imports of a rebuild whose edited files are valid."""
    import jsonschema

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


LINE_BREAK_GUARD = "[\\r\\n]"
NO_LINE_BREAK_AHEAD = "^(?![\\s\\S]*[\\r\\n])"


def folded_guards(node: Any) -> Any:
    """The schema with each line-break guard folded into the pattern it guards.

    Our schemas pair an anchored `pattern` with `not: {type: string, pattern: "[\\r\\n]"}`
    (Python's `$` also matches before a final newline). The compiled validator checks a
    `not` by running its subschema and catching the failure, an exception for every
    valid string: a quarter of the fast pass. A lookahead for a line break at the
    pattern's start accepts exactly the same strings without raising, and without
    relying on the validator reading `$` as the end of the text (fastjsonschema does).
    """
    if isinstance(node, list):
        return [folded_guards(item) for item in node]
    if not isinstance(node, dict):
        return node
    folded = {key: folded_guards(value) for key, value in node.items()}
    guard, pattern = folded.get("not"), folded.get("pattern")
    if (
        isinstance(guard, dict)
        and guard.get("pattern") == LINE_BREAK_GUARD
        and guard.get("type") == "string"
        and set(guard) <= {"$comment", "type", "pattern"}
        and isinstance(pattern, str)
        and pattern.startswith("^")
    ):
        del folded["not"]
        folded["pattern"] = NO_LINE_BREAK_AHEAD + pattern[1:]
    return folded


ANNOTATIONS = frozenset({"description", "examples", "default", "title", "$comment"})


def inlined_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The draft-07 schema with each local `$ref` replaced by the definition it names.

    The compiled validator calls a function for each `$ref` it meets and, for every call,
    formats the name an error there would carry (`str.format(**locals())`), valid data or
    not: 124,000 calls at 10,000 events. Inlined, the same checks run in place, a tenth
    faster (under 2 % of a check). Beside a `$ref`, draft-07 ignores other keywords, and
    in our schemas they are annotations; a `$ref` with any other sibling, or within its
    own definition, is kept as it is."""
    definitions = schema.get("definitions", {})

    def inline(node: Any, expanding: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [inline(item, expanding) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            name = ref.removeprefix("#/definitions/")
            if (
                name in definitions
                and name not in expanding
                and set(node) - {"$ref"} <= ANNOTATIONS
            ):
                return inline(definitions[name], expanding | {name})
        return {key: inline(value, expanding) for key, value in node.items()}

    inlined: dict[str, Any] = inline(schema, frozenset())
    return inlined


TYPE_KEYWORDS: Mapping[str, frozenset[str]] = {
    "integer": frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}),
    "string": frozenset({"pattern", "minLength", "maxLength"}),
    "array": frozenset({"items", "additionalItems", "minItems", "maxItems", "uniqueItems"}),
    "object": frozenset(
        {"properties", "required", "additionalProperties", "propertyNames"}
        | {"minProperties", "maxProperties", "patternProperties"}
    ),
}
"""Draft-07 keywords that apply to values of one type only and pass any other value.
"number" is left out on purpose: it overlaps "integer"."""


def merged_alternatives(node: Any) -> Any:
    """The schema with each `oneOf` of one-type alternatives merged into one schema.

    The compiled validator checks a `oneOf` by running every alternative and catching
    the failures: an exception for every figure and every related event, valid or not.
    Merged, a check of 10,000 events with no cache takes 0.89 the time, paired
    (`bench/compare.py --check`). Where each alternative names a single type, no two
    the same, and holds besides annotations only keywords of that type, a value can
    match one alternative at most, and the merged schema (the types as a list, the
    keywords side by side, each passing values of the other types) accepts exactly the
    values the `oneOf` accepts. Any other `oneOf` is kept as it is."""
    if isinstance(node, list):
        return [merged_alternatives(item) for item in node]
    if not isinstance(node, dict):
        return node
    merged = {key: merged_alternatives(value) for key, value in node.items()}
    alternatives = merged.get("oneOf")
    if not isinstance(alternatives, list) or set(merged) - ANNOTATIONS != {"oneOf"}:
        return merged
    types: list[str] = []
    keywords: dict[str, Any] = {}
    for alternative in alternatives:
        kind = alternative.get("type") if isinstance(alternative, dict) else None
        if not isinstance(kind, str) or kind in types or kind not in TYPE_KEYWORDS:
            return merged
        own = set(alternative) - ANNOTATIONS - {"type"}
        if not own <= TYPE_KEYWORDS[kind]:
            return merged
        types.append(kind)
        keywords |= {key: alternative[key] for key in own}
    annotations = {key: value for key, value in merged.items() if key != "oneOf"}
    return {**annotations, "type": types, **keywords}


def fast_schema(kind: Kind) -> dict[str, Any]:
    """The schema the compiled fast pass is made from: in draft-07 terms, reshaped so
    that a valid value raises no exception inside the validator, accepting the same
    values as the published schema."""
    fast: dict[str, Any] = merged_alternatives(
        inlined_refs(folded_guards(as_draft7(load_schema(kind))))
    )
    return fast


def _validator_code(kind: Kind) -> CodeType:
    """What `fastjsonschema.compile` makes, as one code object: its generated module (the
    validator and the patterns it uses), compiled. Generating and compiling the four
    kinds' validators took ~36 ms (most of it Python compiling the event validator's ~180,000
    characters) in every process that checks a file; unmarshalling their code takes
    ~0.3 ms (`bench/fixed_costs.py`)."""
    source = fastjsonschema.compile_to_code(fast_schema(kind))
    return compile(source, f"<{kind} schema>", "exec")


COMPILED_ENTRY = "validators"
"""The cache entry of the validators' code (`cache.Store.load_compiled`), for build and check."""

_loaded_code: dict[str, CodeType] = {}
"""The validators' code `load_validators` took from the cache or compiled, by kind; set
in the process that then examines the files (or forks the processes that do)."""


def load_validators(known: Mapping[str, bytes]) -> dict[str, bytes] | None:
    """Make every kind's validator code ready in this process, from `known` (marshalled
    code, as the cache keeps it) where it loads, else compiled; returns the code to keep
    when any had to be compiled, else None. Done before files are examined, so forked
    workers inherit it. The cache's code key covers the schemas, this module, Python's
    version (marshal's format) and fastjsonschema's, so what it holds is current."""
    compiled = False
    for kind in get_args(Kind):
        code = _loaded_code.get(kind) or _unmarshalled(known.get(kind))
        if code is None:
            code = _validator_code(kind)
            compiled = True
        _loaded_code[kind] = code
    return {kind: marshal.dumps(code) for kind, code in _loaded_code.items()} if compiled else None


def _unmarshalled(data: bytes | None) -> CodeType | None:
    try:
        code = marshal.loads(data) if data is not None else None
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


@functools.cache
def _fast_validator(kind: Kind) -> Any:
    namespace: dict[str, Any] = {}
    exec(_loaded_code.get(kind) or _validator_code(kind), namespace)
    return namespace["validate"]


def passes_schema_quickly(data: Any, kind: Kind) -> bool:
    try:
        _fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


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
