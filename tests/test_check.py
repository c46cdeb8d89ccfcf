"""`python build.py check`: every content rule, reported at its file, line and column."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from tests.contentkit import EVENT_INCURSION, event, write_site

REPO_ROOT = Path(__file__).resolve().parent.parent
EVENT_FILE = "events/2024/incursion.yaml"


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--content", str(root), *args])
    return code, capsys.readouterr().out


def errors_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line]


def assert_one_error(output: str, path: str, line: int, col: int, fragment: str) -> None:
    errors = errors_of(output)
    assert len(errors) == 1, output
    location, message = errors[0].split(": error: ", 1)
    assert location.endswith(f"{path}:{line}:{col}"), errors[0]
    assert fragment in message, errors[0]


# ------------------------------------------------------------------ the valid site


def test_valid_site_passes_with_exit_code_zero(tmp_path, capsys):
    code, output = check(write_site(tmp_path, {}), capsys)
    assert code == 0
    assert errors_of(output) == []


def test_missing_content_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["check", "--content", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["check", "--bogus"]) == 2


def test_the_real_cli_prints_problems_and_exits_one(tmp_path):
    root = write_site(tmp_path, {EVENT_FILE: event(title="")})
    result = subprocess.run(
        [sys.executable, "build.py", "check", "--content", str(root)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"{root}/{EVENT_FILE}:1:7: error: title must be text, not empty" in result.stdout


# ------------------------------------------------------------------ loading YAML


def test_anchors_and_aliases_are_refused(tmp_path, capsys):
    text = EVENT_INCURSION.replace("tags: [incursion]", "tags: &t [incursion]\nx: *t")
    code, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert code == 1
    assert_one_error(output, EVENT_FILE, 6, 7, "anchors (&t) are not allowed")


def test_a_billion_laughs_file_is_refused_in_well_under_a_second(tmp_path, capsys):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    root = write_site(tmp_path, {EVENT_FILE: "\n".join(lines) + "\n"})
    started = time.perf_counter()
    _, output = check(root, capsys)
    assert time.perf_counter() - started < 0.5
    assert_one_error(output, EVENT_FILE, 1, 5, "anchors (&a0) are not allowed")


def test_python_tags_are_refused_and_never_run(tmp_path, capsys):
    marker = tmp_path / "pwned"
    text = f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
    code, output = check(write_site(tmp_path / "c", {EVENT_FILE: text}), capsys)
    assert code == 1
    assert_one_error(output, EVENT_FILE, 1, 8, "tags such as '!!python/object/apply:os.system'")
    assert not marker.exists()


def test_custom_tags_are_refused(tmp_path, capsys):
    text = EVENT_INCURSION.replace("tags: [incursion]", "tags: !custom [incursion]")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 6, 7, "tags such as '!custom' are not allowed")


def test_duplicate_key_is_reported_at_the_second_occurrence(tmp_path, capsys):
    text = EVENT_INCURSION + "title: Again\n"
    code, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert code == 1
    assert_one_error(output, EVENT_FILE, 22, 1, "duplicate key 'title' (first written on line 1)")


def test_a_second_document_is_refused(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: EVENT_INCURSION + "---\na: 1\n"}), capsys)
    assert_one_error(output, EVENT_FILE, 22, 1, "second YAML document")


def test_a_top_level_list_is_refused(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: "- title: x\n"}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 1, "holds a list; it must be a mapping")


def test_an_empty_file_is_refused(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: "# nothing here\n"}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 1, "the file is empty")


def test_bytes_that_are_not_utf8_are_located(tmp_path, capsys):
    raw = EVENT_INCURSION.replace("Armed groups cross", "Armed gr\xf6ups").encode("latin-1")
    _, output = check(write_site(tmp_path, {EVENT_FILE: raw}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 16, "byte 0xF6 is not UTF-8")


def test_deep_nesting_is_refused(tmp_path, capsys):
    text = "title: " + "[" * 500 + "]" * 500 + "\n"
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 39, "nesting deeper than 32 levels")


def test_a_file_over_the_size_limit_is_refused(tmp_path, capsys):
    text = EVENT_INCURSION + "body: " + "x" * (1024 * 1024) + "\n"
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 1, "the limit is 1,048,576 bytes")


def test_a_file_that_grows_past_the_limit_after_its_size_was_taken_is_refused(tmp_path):
    from generator import load

    path = tmp_path / "grown.yaml"
    path.write_bytes(b"x" * (load.MAX_FILE_BYTES + 10))
    real_fstat = os.fstat

    def smaller(fd: int) -> os.stat_result:
        found = list(real_fstat(fd))
        found[6] = 10  # st_size, as it was before the file grew
        return os.stat_result(found)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fstat", smaller)
        raw, problems = load.read_raw(path, "grown.yaml")
    assert raw is None
    assert "the limit is 1,048,576 bytes" in problems[0].message


def test_a_bom_and_crlf_line_endings_are_accepted(tmp_path, capsys):
    raw = b"\xef\xbb\xbf" + EVENT_INCURSION.replace("\n", "\r\n").encode()
    code, output = check(write_site(tmp_path, {EVENT_FILE: raw}), capsys)
    assert code == 0, output


def test_yaml_11_booleans_and_sexagesimals_stay_text(tmp_path, capsys):
    text = event(title="no", time="14:30")
    code, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert code == 0, output


def test_a_syntax_error_is_located(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(title="a: b: c")}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 9, "YAML syntax")


# ------------------------------------------------------------------ structure


def test_unknown_key_gets_a_did_you_mean_hint(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(sumary="x")}), capsys)
    assert_one_error(
        output, EVENT_FILE, 2, 1, "unknown key 'sumary' in an event; did you mean 'summary'?"
    )


def test_unknown_key_in_a_source_is_located_at_the_key(tmp_path, capsys):
    text = EVENT_INCURSION.replace("    publisher: The", "    publsher: x\n    publisher: The")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(
        output, EVENT_FILE, 19, 5, "unknown key 'publsher' in sources[1]; did you mean 'publisher'?"
    )


def test_missing_required_key_is_reported(tmp_path, capsys):
    text = EVENT_INCURSION.replace(
        "summary: Armed groups crossed from Ukraine into Russia, the groups said.\n", ""
    )
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 1, "missing required key 'summary'")


def test_a_source_needs_only_url_and_publisher(tmp_path, capsys):
    text = EVENT_INCURSION.replace("    title: Russia claims killing 234 fighters\n", "").replace(
        "    published: 2024-03-13\n", ""
    )
    code, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert code == 0, output


def test_a_title_over_200_characters_is_reported(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(title="x" * 201)}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 8, "title is 201 characters long; the limit is 200")


def test_a_wrong_type_is_reported_with_both_types(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(circa="sometimes")}), capsys)
    assert_one_error(output, EVENT_FILE, 2, 8, "circa must be true or false, not text")


def test_an_invalid_claim_status_gets_a_hint(tmp_path, capsys):
    text = EVENT_INCURSION.replace("status: unverified", "status: confirmd")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 11, 13, "did you mean 'confirmed'?")


# ------------------------------------------------------------------ ids


def test_a_file_name_that_is_not_a_slug_is_reported(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {"events/2024/Bad_Name.yaml": EVENT_INCURSION}), capsys)
    assert_one_error(output, "events/2024/Bad_Name.yaml", 1, 1, "'Bad_Name' is not a valid id")


def test_event_ids_are_unique_across_sub_folders(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {"events/2023/incursion.yaml": EVENT_INCURSION}), capsys)
    assert_one_error(output, EVENT_FILE, 1, 1, "event id 'incursion' is already used by")


# ------------------------------------------------------------------ dates and times


@pytest.mark.parametrize("value", ["2024-03-12", "2024-03", "2024", "2024-02-29"])
def test_dates_in_each_precision_are_accepted(tmp_path, capsys, value):
    code, output = check(write_site(tmp_path, {EVENT_FILE: event(date=value)}), capsys)
    assert code == 0, output


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2023-02-29", "February 2023 has 28 days"),
        ("2024-13", "has no month 13"),
        ("2024-04-31", "April 2024 has 30 days"),
        ("12 March 2024", "is not a date"),
    ],
)
def test_dates_must_be_real_calendar_dates(tmp_path, capsys, value, fragment):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(date=value)}), capsys)
    assert_one_error(output, EVENT_FILE, 2, 7, fragment)


def test_end_before_date_is_reported_at_end_line(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(end="2024-03-11")}), capsys)
    assert_one_error(output, EVENT_FILE, 2, 6, "end 2024-03-11 is before date 2024-03-12")


def test_end_of_coarser_precision_that_contains_the_date_is_accepted(tmp_path, capsys):
    code, output = check(write_site(tmp_path, {EVENT_FILE: event(end="2024-03")}), capsys)
    assert code == 0, output


def test_end_month_before_a_day_date_is_reported(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(end="2024-02")}), capsys)
    assert_one_error(output, EVENT_FILE, 2, 6, "end 2024-02 is before date 2024-03-12")


def test_a_time_out_of_range_is_reported(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(time="24:10")}), capsys)
    assert_one_error(output, EVENT_FILE, 2, 7, "'24:10' is not a time")


def test_an_unknown_time_zone_gets_a_hint(tmp_path, capsys):
    text = event(time="09:20", timezone="Europe/Kyyiv")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(
        output,
        EVENT_FILE,
        2,
        11,
        "'Europe/Kyyiv' is not an IANA time zone; did you mean 'Europe/Kyiv'?",
    )


# ------------------------------------------------------------------ URLs and sources


@pytest.mark.parametrize("url", ["ftp://example.org/x", "javascript:alert(1)", "example.org/x"])
def test_source_urls_must_be_http(tmp_path, capsys, url):
    text = EVENT_INCURSION.replace("  - url: https://example.org/news/1", f"  - url: '{url}'")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    location_errors = [e for e in errors_of(output) if ":17:10:" in e]
    assert any("must be an absolute http(s) address" in e for e in location_errors), output


def test_archived_urls_must_be_http(tmp_path, capsys):
    text = EVENT_INCURSION.replace(
        "archived: https://web.archive.org/web/2024/", "archived: javascript:"
    )
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 21, 15, "sources[1].archived")


def test_a_duplicate_source_url_is_reported_at_the_second(tmp_path, capsys):
    text = EVENT_INCURSION + "  - url: https://example.org/news/1\n    publisher: Again\n"
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 22, 10, "listed twice (first on line 17)")


def test_a_source_without_archive_is_a_warning_that_does_not_fail(tmp_path, capsys):
    text = EVENT_INCURSION.replace(
        "    archived: https://web.archive.org/web/2024/https://example.org/news/1\n", ""
    )
    code, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert code == 0
    assert (
        f"{EVENT_FILE}:17:10: warning: source https://example.org/news/1 has no archived copy"
        in output
    )


# ------------------------------------------------------------------ claims and figures


def test_a_claim_without_source_is_a_warning(tmp_path, capsys):
    text = EVENT_INCURSION.replace("    source: https://example.org/news/1\n", "")
    code, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert code == 0
    assert f"{EVENT_FILE}:8:5: warning: claim has no source" in output


def test_a_claim_source_must_be_one_of_the_events_sources(tmp_path, capsys):
    text = EVENT_INCURSION.replace(
        "    source: https://example.org/news/1", "    source: https://example.org/news/2"
    )
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 15, 13, "is not one of this event's sources")


def test_a_figure_range_with_low_above_high_is_reported(tmp_path, capsys):
    text = EVENT_INCURSION.replace("killed: 234", "killed: [300, 234]")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 14, 15, "range [300, 234] has low above high")


@pytest.mark.parametrize("value", ["[1, 2, 3]", "-4", "2.5", "many"])
def test_a_figure_must_be_a_whole_number_or_a_pair(tmp_path, capsys, value):
    text = EVENT_INCURSION.replace("killed: 234", f"killed: {value}")
    code, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert code == 1
    assert all(":14:" in e for e in errors_of(output)), output


def test_duplicate_claim_ids_are_reported(tmp_path, capsys):
    claim = EVENT_INCURSION.split("claims:\n")[1].split("sources:\n")[0]
    text = EVENT_INCURSION.replace("sources:\n", claim + "sources:\n", 1)
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 16, 9, "claim id 'mod-234-killed' is used twice")


# ------------------------------------------------------------------ references


def test_an_unknown_place_gets_a_hint(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(places="[kursk-oblst]")}), capsys)
    assert_one_error(
        output, EVENT_FILE, 4, 10, "unknown place 'kursk-oblst'; did you mean 'kursk-oblast'?"
    )


def test_an_unknown_actor_names_the_missing_file(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(actors="[fsb]")}), capsys)
    assert_one_error(output, EVENT_FILE, 5, 10, "unknown actor 'fsb' (no file actors/fsb.yaml)")


def test_an_unknown_claimant_is_reported(tmp_path, capsys):
    text = EVENT_INCURSION.replace("by: russian-mod", "by: kremlin")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 9, 9, "unknown actor 'kremlin'")


def test_an_unknown_related_event_is_reported(tmp_path, capsys):
    text = event(related="[{event: election, kind: context}]")
    _, output = check(write_site(tmp_path, {EVENT_FILE: text}), capsys)
    assert_one_error(output, EVENT_FILE, 2, 19, "unknown event 'election'")


def test_an_event_related_to_itself_is_reported(tmp_path, capsys):
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(related="[incursion]")}), capsys)
    assert_one_error(output, EVENT_FILE, 2, 11, "cannot be related to itself")


def test_an_unknown_related_kind_gets_a_hint(tmp_path, capsys):
    files = {
        EVENT_FILE: event(related="[{event: other, kind: response}]"),
        "events/2024/other.yaml": EVENT_INCURSION,
    }
    _, output = check(write_site(tmp_path, files), capsys)
    assert_one_error(output, EVENT_FILE, 2, 32, "did you mean 'response-to'?")


def test_unknown_part_of_and_within_are_reported(tmp_path, capsys):
    files = {
        "actors/russian-mod.yaml": "name: MoD\nkind: military\npart_of: kremlin\n",
        "places/kursk-oblast.yaml": "name: Kursk\nkind: region\nwithin: rusia\n",
    }
    _, output = check(write_site(tmp_path, files), capsys)
    errors = errors_of(output)
    assert len(errors) == 2, output
    assert errors[0].endswith(
        "actors/russian-mod.yaml:3:10: error: unknown actor 'kremlin' (no file actors/kremlin.yaml)"
    )
    assert errors[1].endswith(
        "places/kursk-oblast.yaml:3:9: error: unknown place 'rusia'; did you mean 'russia'?"
    )


def test_a_within_cycle_is_reported_at_every_member(tmp_path, capsys):
    files = {"places/russia.yaml": "name: Russia\nkind: country\nwithin: kursk-oblast\n"}
    _, output = check(write_site(tmp_path, files), capsys)
    errors = errors_of(output)
    assert len(errors) == 2, output
    assert all(
        "within makes a cycle of places: kursk-oblast -> russia -> kursk-oblast" in e
        for e in errors
    )


def test_a_part_of_cycle_is_reported(tmp_path, capsys):
    files = {
        "actors/russian-government.yaml": "name: Gov\nkind: government\npart_of: russian-mod\n"
    }
    _, output = check(write_site(tmp_path, files), capsys)
    assert len(errors_of(output)) == 2
    assert "part_of makes a cycle of actors" in output


def test_coordinates_out_of_range_are_reported(tmp_path, capsys):
    files = {"places/russia.yaml": "name: Russia\nkind: country\ncoordinates: [95.0, 37.6]\n"}
    _, output = check(write_site(tmp_path, files), capsys)
    assert_one_error(output, "places/russia.yaml", 3, 15, "is 95.0; it must be at most 90")


# ------------------------------------------------------------------ site.yaml


def test_base_url_must_be_absolute_https(tmp_path, capsys):
    site = "title: T\ndescription: D\nbase_url: http://example.org/\n"
    _, output = check(write_site(tmp_path, {"site.yaml": site}), capsys)
    assert_one_error(output, "site.yaml", 3, 11, "must be an absolute https address")


def test_language_must_be_bcp47(tmp_path, capsys):
    site = "title: T\ndescription: D\nbase_url: https://example.org/\nlanguage: english-uk\n"
    _, output = check(write_site(tmp_path, {"site.yaml": site}), capsys)
    assert_one_error(output, "site.yaml", 4, 11, "is not a language tag")


def test_site_time_zone_must_exist(tmp_path, capsys):
    site = "title: T\ndescription: D\nbase_url: https://example.org/\ntimezone: Mars/Olympus\n"
    _, output = check(write_site(tmp_path, {"site.yaml": site}), capsys)
    assert_one_error(output, "site.yaml", 4, 11, "'Mars/Olympus' is not an IANA time zone")


def test_missing_site_yaml_is_reported(tmp_path, capsys):
    root = write_site(tmp_path, {})
    (root / "site.yaml").unlink()
    _, output = check(root, capsys)
    assert_one_error(output, "site.yaml", 1, 1, "site.yaml is missing")


# ------------------------------------------------------------------ reporting


def test_all_problems_are_reported_in_one_run_sorted_by_file_line_column(tmp_path, capsys):
    files = {
        EVENT_FILE: event(date="2024-02-30", title="x" * 201),
        "places/russia.yaml": "name: Russia\nkind: Country\n",
        "actors/russian-mod.yaml": "name: MoD\nkind: military\nsurname: x\n",
    }
    _, output = check(write_site(tmp_path, files), capsys)
    locations = [
        line.split(": error: ")[0].removeprefix(str(tmp_path) + "/") for line in errors_of(output)
    ]
    assert locations == [
        "actors/russian-mod.yaml:3:1",
        "events/2024/incursion.yaml:1:8",
        "events/2024/incursion.yaml:2:7",
        "places/russia.yaml:2:7",
    ]


def test_json_format_lists_every_problem(tmp_path, capsys):
    _, output = check(
        write_site(tmp_path, {EVENT_FILE: event(time="25:00")}), capsys, "--format", "json"
    )
    records = json.loads(output)
    errors = [r for r in records if r["severity"] == "error"]
    assert errors == [
        {
            "file": f"{tmp_path}/{EVENT_FILE}",
            "line": 2,
            "col": 7,
            "severity": "error",
            "message": "time '25:00' is not a time: write HH:MM on the 24-hour clock, e.g. 14:30",
        }
    ]


def test_github_format_escapes_properties_and_messages(tmp_path, capsys):
    root = write_site(tmp_path / "a,b:c", {EVENT_FILE: event(title="x" * 201)})
    _, output = check(root, capsys, "--format", "github")
    expected_file = f"{root}/{EVENT_FILE}".replace(":", "%3A").replace(",", "%2C")
    assert f"::error file={expected_file},line=1,col=8::title is 201 characters long" in output


def test_github_format_is_the_default_under_github_actions(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, output = check(write_site(tmp_path, {EVENT_FILE: event(time="25:00")}), capsys)
    assert output.startswith("::error file=")
