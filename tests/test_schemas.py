"""The JSON Schemas in schemas/ describe the shape of every content file kind.

They are used by `build.py check` (through jsonschema's Draft202012Validator) and published for
editors' IDEs, so they must be valid, self-describing and strict about unknown keys.
"""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

SCHEMAS = Path(__file__).parent.parent / "schemas"
KINDS = ["site", "event", "actor", "place"]

SUBSCHEMA_MAP_KEYWORDS = ("properties", "$defs", "patternProperties", "dependentSchemas")
SUBSCHEMA_LIST_KEYWORDS = ("prefixItems", "allOf", "anyOf", "oneOf")
SUBSCHEMA_KEYWORDS = (
    "items",
    "additionalProperties",
    "propertyNames",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
)


def load(kind):
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))


def validator(kind):
    return Draft202012Validator(load(kind))


def is_valid(kind, instance):
    return validator(kind).is_valid(instance)


def subschemas(schema, path="#"):
    """Yield (json-pointer, subschema) for the schema and every subschema at any depth."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for keyword in SUBSCHEMA_MAP_KEYWORDS:
        for name, sub in schema.get(keyword, {}).items():
            yield from subschemas(sub, f"{path}/{keyword}/{name}")
    for keyword in SUBSCHEMA_LIST_KEYWORDS:
        for index, sub in enumerate(schema.get(keyword, [])):
            yield from subschemas(sub, f"{path}/{keyword}/{index}")
    for keyword in SUBSCHEMA_KEYWORDS:
        if keyword in schema:
            yield from subschemas(schema[keyword], f"{path}/{keyword}")


def properties(schema):
    """Yield (json-pointer, property schema) for every property at any depth."""
    for path, sub in subschemas(schema):
        for name, prop in sub.get("properties", {}).items():
            yield f"{path}/properties/{name}", prop


MINIMAL = {
    "site": {
        "title": "Border Incidents Timeline",
        "description": "A sourced timeline of cross-border incidents.",
        "base_url": "https://example.org/timeline/",
    },
    "event": {
        "title": "Shelling of Tyotkino",
        "date": "2024-03-12",
        "summary": "Artillery fire hit the village centre.",
        "sources": [{"url": "https://example.org/report", "publisher": "Example News"}],
    },
    "actor": {"name": "Kursk Regional Administration", "kind": "government"},
    "place": {"name": "Tyotkino", "kind": "village"},
}

FULL_EVENT = {
    "title": "Shelling of Tyotkino",
    "date": "2024-03",
    "end": "2024-03-17",
    "time": "23:59",
    "timezone": "Europe/Moscow",
    "circa": True,
    "summary": "Artillery fire hit the village centre.",
    "body": "Shelling began at **14:30**.",
    "places": ["tyotkino"],
    "actors": ["regional-administration", "armed-forces-of-ukraine"],
    "tags": ["shelling"],
    "claims": [
        {
            "id": "governor-casualties",
            "by": "regional-administration",
            "text": "Two civilians were killed.",
            "status": "disputed",
            "date": "2024",
            "figures": {"killed": 2, "injured": [4, 6]},
            "source": "https://example.org/report",
        }
    ],
    "sources": [
        {
            "url": "https://example.org/report",
            "title": "Shelling hits border village",
            "publisher": "Example News",
            "published": "2024-03-12",
            "archived": "http://web.archive.org/web/2024/https://example.org/report",
        }
    ],
    "related": [
        "2024-03-10-drone-strike",
        {"event": "2024-02-24-offensive", "kind": "part-of", "note": "One of many."},
    ],
    "corrections": [{"date": "2024-03-14", "note": "Corrected the number of injured."}],
}


def event_with(**changes):
    event = json.loads(json.dumps(MINIMAL["event"]))
    event.update(changes)
    return event


def event_with_claim(**claim):
    base = {"by": "regional-administration", "text": "Two civilians were killed."}
    base.update(claim)
    return event_with(claims=[base])


def event_with_source(**source):
    base = {"url": "https://example.org/report", "publisher": "Example News"}
    base.update(source)
    return event_with(sources=[base])


# ---------------------------------------------------------------- the schemas themselves


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_a_valid_draft_2020_12_schema(kind):
    Draft202012Validator.check_schema(load(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_declares_draft_2020_12_and_its_published_id(kind):
    schema = load(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://conflict-timeline.example/schemas/{kind}.schema.json"
    assert schema["type"] == "object"


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_self_contained_without_cross_file_refs(kind):
    refs = [sub["$ref"] for _, sub in subschemas(load(kind)) if "$ref" in sub]
    assert refs, "expected shared pieces in $defs"
    assert all(ref.startswith("#/$defs/") for ref in refs), refs


@pytest.mark.parametrize("kind", KINDS)
def test_the_root_of_each_schema_has_a_description(kind):
    assert load(kind)["description"].strip()


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_at_every_depth_has_a_non_empty_description(kind):
    missing = [
        path
        for path, prop in properties(load(kind))
        if not isinstance(prop.get("description"), str) or not prop["description"].strip()
    ]
    assert not missing


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_description_gives_an_example_value(kind):
    missing = [path for path, prop in properties(load(kind)) if "e.g." not in prop["description"]]
    assert not missing


@pytest.mark.parametrize("kind", KINDS)
def test_every_shared_definition_has_a_description(kind):
    defs = load(kind).get("$defs", {})
    assert all(sub.get("description", "").strip() for sub in defs.values())


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_with_properties_forbids_unknown_keys(kind):
    lax = [
        path
        for path, sub in subschemas(load(kind))
        if "properties" in sub and sub.get("additionalProperties") is not False
    ]
    assert not lax


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_without_properties_is_a_map_with_constrained_keys(kind):
    loose = [
        path
        for path, sub in subschemas(load(kind))
        if sub.get("type") == "object"
        and "properties" not in sub
        and not ("propertyNames" in sub and isinstance(sub.get("additionalProperties"), dict))
    ]
    assert not loose


@pytest.mark.parametrize("kind", KINDS)
def test_every_default_and_example_is_valid_against_its_own_schema(kind):
    root = Draft202012Validator(load(kind))
    bad = []
    for path, sub in subschemas(load(kind)):
        values = list(sub.get("examples", []))
        if "default" in sub:
            values.append(sub["default"])
        for value in values:
            if not root.evolve(schema=sub).is_valid(value):
                bad.append((path, value))
    assert not bad


# ---------------------------------------------------------------- minimal and full documents


@pytest.mark.parametrize("kind", KINDS)
def test_a_minimal_valid_document_passes(kind):
    errors = [e.message for e in validator(kind).iter_errors(MINIMAL[kind])]
    assert not errors


def test_an_event_using_every_optional_key_passes():
    errors = [e.message for e in validator("event").iter_errors(FULL_EVENT)]
    assert not errors


def test_a_site_using_every_optional_key_passes():
    site = dict(MINIMAL["site"], language="uk-UA", timezone="Europe/Kyiv", per_page=1000)
    assert is_valid("site", site)


def test_an_actor_using_every_optional_key_passes():
    actor = dict(
        MINIMAL["actor"],
        aliases=["Kursk administration"],
        part_of="russian-government",
        description="The **regional** government.",
        links=["https://example.org/about"],
    )
    assert is_valid("actor", actor)


def test_a_place_using_every_optional_key_passes():
    place = dict(
        MINIMAL["place"],
        within="kursk-oblast",
        coordinates=[51.2369, 34],
        aliases=["Tetkino", "Tiotkino"],
        description="A village on the border.",
    )
    assert is_valid("place", place)


@pytest.mark.parametrize("kind", KINDS)
def test_each_required_key_missing_fails(kind):
    for key in load(kind)["required"]:
        document = {k: v for k, v in MINIMAL[kind].items() if k != key}
        assert not is_valid(kind, document), key


# ---------------------------------------------------------------- unknown keys


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_top_level_key_fails(kind):
    assert not is_valid(kind, dict(MINIMAL[kind], titel="typo"))


def test_an_unknown_key_in_a_source_fails():
    assert not is_valid("event", event_with_source(pubisher="Example News"))


def test_an_unknown_key_in_a_claim_fails():
    assert not is_valid("event", event_with_claim(statuss="confirmed"))


def test_an_unknown_key_in_a_related_object_fails():
    assert not is_valid("event", event_with(related=[{"event": "other-event", "type": "follows"}]))


def test_an_unknown_key_in_a_correction_fails():
    assert not is_valid(
        "event", event_with(corrections=[{"date": "2024-03-14", "note": "x", "by": "me"}])
    )


# ---------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    "bad",
    ["Tyotkino", "kursk_oblast", "-kursk", "kursk-", "kursk--oblast", "", "kürsk", "kursk oblast"],
)
def test_a_bad_slug_fails(bad):
    assert not is_valid("event", event_with(places=[bad]))


def test_a_slug_with_a_trailing_newline_fails():
    assert not is_valid("event", event_with(tags=["shelling\n"]))


@pytest.mark.parametrize(
    "kind,key", [("actor", "kind"), ("actor", "part_of"), ("place", "kind"), ("place", "within")]
)
def test_a_bad_slug_in_an_actor_or_place_reference_fails(kind, key):
    assert not is_valid(kind, dict(MINIMAL[kind], **{key: "Not A Slug"}))


def test_a_bad_slug_as_claimant_fails():
    assert not is_valid("event", event_with_claim(by="Regional Administration"))


def test_a_bad_slug_as_related_event_fails():
    assert not is_valid("event", event_with(related=["Other Event"]))
    assert not is_valid("event", event_with(related=[{"event": "Other Event"}]))


def test_a_repeated_place_actor_or_tag_fails():
    assert not is_valid("event", event_with(places=["tyotkino", "tyotkino"]))
    assert not is_valid("event", event_with(actors=["a", "a"]))
    assert not is_valid("event", event_with(tags=["t", "t"]))


# ---------------------------------------------------------------- dates, times, zones


@pytest.mark.parametrize("good", ["2024", "2024-03", "2024-03-12", 2024])
def test_a_date_at_year_month_or_day_precision_passes(good):
    """An unquoted year (`date: 2024`) reaches the schema as a number and also passes."""
    assert is_valid("event", event_with(date=good, end=good))


@pytest.mark.parametrize(
    "bad",
    [
        "24-03-12",
        "2024-3-12",
        "2024/03/12",
        "12.03.2024",
        "2024-03-12T10:00",
        "2024-03-12\n",
        12024,
        2024.5,
        None,
    ],
)
def test_a_malformed_date_fails(bad):
    assert not is_valid("event", event_with(date=bad))


def test_a_correction_date_must_be_a_full_day():
    assert is_valid("event", event_with(corrections=[{"date": "2024-03-14", "note": "x"}]))
    assert not is_valid("event", event_with(corrections=[{"date": "2024-03", "note": "x"}]))


def test_a_source_or_claim_date_may_be_known_only_to_the_month():
    assert is_valid("event", event_with_source(published="2024-03"))
    assert is_valid("event", event_with_claim(date="2024-03"))


@pytest.mark.parametrize("bad", ["24:00", "9:30", "14:60", "14:30:00", "1430", 1430])
def test_a_malformed_time_fails(bad):
    assert not is_valid("event", event_with(time=bad))


@pytest.mark.parametrize(
    "good",
    ["UTC", "Europe/Kyiv", "America/Port-au-Prince", "Etc/GMT+3", "America/Argentina/Buenos_Aires"],
)
def test_an_iana_like_timezone_passes(good):
    assert is_valid("event", event_with(timezone=good))


@pytest.mark.parametrize("bad", ["Europe/", "+03:00", "Europe Kyiv", ""])
def test_a_malformed_timezone_fails(bad):
    assert not is_valid("event", event_with(timezone=bad))


def test_circa_must_be_a_boolean_not_the_string_yes():
    assert is_valid("event", event_with(circa=False))
    assert not is_valid("event", event_with(circa="yes"))


# ---------------------------------------------------------------- text limits


def test_a_title_over_200_characters_fails():
    assert is_valid("event", event_with(title="x" * 200))
    assert not is_valid("event", event_with(title="x" * 201))


def test_a_summary_over_600_characters_fails():
    assert is_valid("event", event_with(summary="x" * 600))
    assert not is_valid("event", event_with(summary="x" * 601))


def test_an_empty_title_or_summary_fails():
    assert not is_valid("event", event_with(title=""))
    assert not is_valid("event", event_with(summary=""))


def test_an_event_without_any_source_fails():
    assert not is_valid("event", event_with(sources=[]))


# ---------------------------------------------------------------- claims and figures


@pytest.mark.parametrize("figure", [0, 12, [5, 3], [0, 0], [10, 15]])
def test_a_whole_number_or_two_number_range_passes_as_figure(figure):
    # [5, 3] passes the schema: low <= high is checked by the Python validation.
    assert is_valid("event", event_with_claim(figures={"killed": figure}))


@pytest.mark.parametrize(
    "figure", [[1, 2, 3], [1], [], -1, 1.5, [1, 2.5], [-1, 2], "12", True, None]
)
def test_a_malformed_figure_fails(figure):
    assert not is_valid("event", event_with_claim(figures={"killed": figure}))


def test_a_figure_name_that_is_not_a_slug_fails():
    assert not is_valid("event", event_with_claim(figures={"Killed civilians": 2}))


@pytest.mark.parametrize("status", ["unverified", "disputed", "confirmed", "refuted"])
def test_each_claim_status_passes(status):
    assert is_valid("event", event_with_claim(status=status))


def test_an_unknown_claim_status_fails():
    assert not is_valid("event", event_with_claim(status="likely"))


def test_a_claim_without_text_fails():
    assert not is_valid("event", event_with(claims=[{"by": "regional-administration"}]))
    assert not is_valid("event", event_with_claim(text=""))


@pytest.mark.parametrize("kind", ["related", "part-of", "follows", "response-to", "context"])
def test_each_related_kind_passes(kind):
    assert is_valid("event", event_with(related=[{"event": "other-event", "kind": kind}]))


def test_an_unknown_related_kind_fails():
    assert not is_valid(
        "event", event_with(related=[{"event": "other-event", "kind": "caused-by"}])
    )


# ---------------------------------------------------------------- urls


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "ftp://example.org/x",
        "example.org",
        "//example.org",
        "https://exa mple.org",
        "https://example.org/\n",
        "",
    ],
)
def test_a_source_url_that_is_not_http_fails(bad):
    assert not is_valid("event", event_with_source(url=bad))


def test_javascript_urls_fail_everywhere_a_url_is_allowed():
    url = "javascript:alert(1)"
    assert not is_valid("event", event_with_source(archived=url))
    assert not is_valid("event", event_with_claim(source=url))
    assert not is_valid("actor", dict(MINIMAL["actor"], links=[url]))


def test_a_url_over_2000_characters_fails():
    assert not is_valid("event", event_with_source(url="https://example.org/" + "x" * 2000))


def test_a_site_base_url_must_be_https():
    assert not is_valid("site", dict(MINIMAL["site"], base_url="http://example.org/"))


# ---------------------------------------------------------------- site, places


@pytest.mark.parametrize("per_page", [0, 1001, "50", True])
def test_a_per_page_outside_1_to_1000_or_not_a_whole_number_fails(per_page):
    assert not is_valid("site", dict(MINIMAL["site"], per_page=per_page))


@pytest.mark.parametrize("bad", ["english", "e", "en_GB", "en-"])
def test_a_malformed_language_tag_fails(bad):
    assert not is_valid("site", dict(MINIMAL["site"], language=bad))


@pytest.mark.parametrize(
    "bad",
    [
        [91, 0],
        [0, 181],
        [-90.5, 0],
        [0, -180.5],
        [51.2],
        [51.2, 34.3, 0],
        ["51.2", "34.3"],
        [True, 0],
    ],
)
def test_coordinates_outside_range_or_not_two_numbers_fail(bad):
    assert not is_valid("place", dict(MINIMAL["place"], coordinates=bad))


def test_an_empty_alias_fails():
    assert not is_valid("place", dict(MINIMAL["place"], aliases=[""]))
    assert not is_valid("actor", dict(MINIMAL["actor"], aliases=[""]))
