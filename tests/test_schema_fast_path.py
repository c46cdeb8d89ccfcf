"""The compiled fast pass and jsonschema agree on every document, so no error is skipped."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import cache, structure
from generator.load import parse_text
from generator.structure import (
    LINE_BREAK_GUARD,
    NO_LINE_BREAK_AHEAD,
    as_draft7,
    fast_schema,
    folded_guards,
    load_schema,
    merged_alternatives,
    passes_schema_quickly,
)
from tests.contentkit import ACTOR_MOD, EVENT_INCURSION, PLACE_KURSK, SITE, write_site

BASES = {
    "event": yaml.safe_load(EVENT_INCURSION.replace("2024-03-12", "'2024-03-12'")),
    "actor": yaml.safe_load(ACTOR_MOD),
    "place": yaml.safe_load(PLACE_KURSK),
    "site": yaml.safe_load(SITE),
}

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 300)
    | st.floats(-100, 100, allow_nan=False)
    | st.sampled_from(
        [
            *("", "x", "2024-03", "2024-13-40", "bad id", "ok-id", "https://e.org/", "12:30\n"),
            *("ok-id\n", "\nok-id", "ok\r-id", "2024-03-12\r", "https://e.org/\n", "Europe/Kyiv\n"),
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["url", "by", "low", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def mutate(data: Any, path: list[int], value: Any) -> Any:
    """Replace one value somewhere in `data`, choosing the spot from `path`."""
    if not path or not isinstance(data, dict | list) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    copy[key] = mutate(copy[key], path[1:], value)
    return copy


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(sorted(BASES)),
    st.lists(st.integers(0, 20), max_size=5),
    values,
)
def test_fast_pass_accepts_exactly_what_jsonschema_accepts(kind, path, value):
    document = mutate(BASES[kind], path, value)
    slow_ok = jsonschema.Draft202012Validator(load_schema(kind)).is_valid(document)
    assert passes_schema_quickly(document, kind) == slow_ok


@pytest.mark.parametrize("kind", sorted(BASES))
def test_every_reference_is_inlined_for_the_fast_pass(kind):
    """A `$ref` costs the fast pass a function call and a formatted name per value."""
    assert '"$ref"' not in json.dumps(fast_schema(kind))


@pytest.mark.parametrize("kind", sorted(BASES))
def test_every_line_break_guard_is_folded_into_the_pattern_it_guards(kind):
    """A guard left as `not` costs the fast pass an exception per valid string."""
    folded = json.dumps(folded_guards(as_draft7(load_schema(kind))))
    assert json.dumps(LINE_BREAK_GUARD) not in folded
    assert (json.dumps(LINE_BREAK_GUARD) in json.dumps(load_schema(kind))) == (
        NO_LINE_BREAK_AHEAD.replace("\\", "\\\\") in folded
    )


@pytest.mark.parametrize("kind", sorted(BASES))
def test_every_one_of_is_merged_for_the_fast_pass(kind):
    """A `oneOf` costs the fast pass an exception per value, however valid."""
    assert '"oneOf"' not in json.dumps(fast_schema(kind))


FIGURES = [0, 12, -1, True, 1.5, "12", None, {}, [10, 15], [10], [10, 15, 20], [-1, 2], [1, "2"]]
RELATED = [
    *("ok-id", "bad id", "ok-id\n", 5, None, [], True),
    *({"event": "ok-id"}, {"event": "ok-id", "kind": "part-of"}, {"event": "bad id"}),
    *({"kind": "part-of"}, {"event": "ok-id", "x": 1}, {"event": "ok-id", "kind": "nope"}),
]


@pytest.mark.parametrize("figure", FIGURES, ids=repr)
def test_a_merged_figure_accepts_exactly_what_its_one_of_accepts(figure):
    claim = {**BASES["event"]["claims"][0], "figures": {"killed": figure}}
    document = {**BASES["event"], "claims": [claim]}
    slow_ok = jsonschema.Draft202012Validator(load_schema("event")).is_valid(document)
    assert passes_schema_quickly(document, "event") == slow_ok


@pytest.mark.parametrize("related", RELATED, ids=repr)
def test_a_merged_related_event_accepts_exactly_what_its_one_of_accepts(related):
    document = {**BASES["event"], "related": [related]}
    slow_ok = jsonschema.Draft202012Validator(load_schema("event")).is_valid(document)
    assert passes_schema_quickly(document, "event") == slow_ok


@pytest.mark.parametrize(
    "alternatives",
    [
        [{"type": "integer"}, {"type": "number", "minimum": 0}],  # numbers overlap integers
        [{"type": "string"}, {"type": "string", "maxLength": 3}],  # one type twice
        [{"type": "string", "enum": ["a"]}, {"type": "array"}],  # a keyword of any type
        [{"type": ["string", "array"]}, {"type": "object"}],  # more than one type
        [{"type": "string", "minimum": 1}, {"type": "array"}],  # another type's keyword
    ],
)
def test_a_one_of_that_cannot_be_merged_exactly_is_kept(alternatives):
    assert merged_alternatives({"oneOf": alternatives}) == {"oneOf": alternatives}


def test_a_one_of_beside_other_keywords_is_kept():
    schema = {"oneOf": [{"type": "string"}, {"type": "array"}], "not": {"const": "x"}}
    assert merged_alternatives(schema) == schema


@pytest.mark.parametrize("definition", ["slug", "date", "day", "time", "timezone", "url"])
def test_a_folded_pattern_refuses_a_final_line_break_even_where_dollar_would_allow_it(definition):
    """Python's `re` lets `$` match before a final newline; the folded pattern must not
    depend on the validator rewriting `$` (fastjsonschema does, others need not)."""
    schema = folded_guards(as_draft7(load_schema("event")))["definitions"][definition]
    valid = load_schema("event")["$defs"][definition]["examples"][0]
    assert re.search(schema["pattern"], valid)
    assert not re.search(schema["pattern"], f"{valid}\n")
    assert not re.search(schema["pattern"], f"{valid}\r")


@pytest.mark.parametrize(
    "field, value",
    [("date", "2024-03-12\n"), ("related", ["ok-id\n"]), ("timezone", "Europe/Kyiv\r")],
)
def test_the_fast_pass_refuses_a_line_break_after_a_valid_value(field, value):
    document = {**BASES["event"], field: value}
    assert not passes_schema_quickly(document, "event")
    assert not jsonschema.Draft202012Validator(load_schema("event")).is_valid(document)


def _modules_after_loading(content: str) -> set[str]:
    script = (
        "import sys\nfrom pathlib import Path\nfrom generator.pipeline import load_site\n"
        f"load_site(Path({content!r}))\nprint(' '.join(sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    return set(ran.stdout.split())


def test_valid_content_is_loaded_without_importing_jsonschema(tmp_path):
    assert "jsonschema" not in _modules_after_loading(str(write_site(tmp_path, {})))


def test_a_file_the_fast_pass_rejects_is_explained_by_jsonschema(tmp_path):
    root = write_site(tmp_path, {"actors/russian-mod.yaml": "name: 5\nkind: Military\n"})
    assert "jsonschema" in _modules_after_loading(str(root))


@pytest.fixture
def fresh_validators(monkeypatch):
    """No validator loaded yet, as in a new process, and a list of the kinds compiled."""
    monkeypatch.setattr(structure, "_loaded_code", {})
    structure._fast_validator.cache_clear()
    compiled: list[str] = []
    compile_code = structure._validator_code

    def counted(kind):
        compiled.append(kind)
        return compile_code(kind)

    monkeypatch.setattr(structure, "_validator_code", counted)
    yield compiled
    structure._fast_validator.cache_clear()


def test_validators_compiled_once_are_loaded_from_their_code(fresh_validators, monkeypatch):
    code = structure.load_validators({})
    assert code is not None
    assert sorted(fresh_validators) == sorted(BASES)
    monkeypatch.setattr(structure, "_loaded_code", {})
    structure._fast_validator.cache_clear()
    fresh_validators.clear()
    assert structure.load_validators(code) is None
    for kind, text in (("event", EVENT_INCURSION), ("actor", ACTOR_MOD), ("site", SITE)):
        parsed, _ = parse_text(text, f"{kind}.yaml")
        assert parsed is not None
        data = parsed.data
        assert passes_schema_quickly(data, kind)
        compiled = fastjsonschema.compile(fast_schema(kind))
        for document in ({**data, "title": 5}, {**data, "unknown-key": 1}):
            assert not passes_schema_quickly(document, kind)
            assert not _passes(compiled, document)
    assert fresh_validators == []


def _passes(validator, document) -> bool:
    try:
        validator(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def test_validator_code_that_does_not_load_is_compiled_again(fresh_validators):
    damaged = {kind: b"not code" for kind in BASES}
    code = structure.load_validators(damaged)
    assert code is not None
    assert sorted(fresh_validators) == sorted(BASES)


def test_a_check_and_a_build_keep_the_validators_code_in_their_caches(tmp_path):
    content = write_site(tmp_path / "content", {})
    for command in (["check"], ["build", "--no-search", "--out", str(tmp_path / "site")]):
        subprocess.run(
            [sys.executable, "build.py", *command, "--content", str(content)],
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
            capture_output=True,
        )
    for folder in (f"check-{content.name}", "site"):
        kept = cache.Store(tmp_path / ".cache" / folder).load(structure.COMPILED_ENTRY)
        assert set(kept) == set(BASES)
