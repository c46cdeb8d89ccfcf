"""The loader never raises: any text or bytes give either values or located problems."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.dates import PartialDate, ends_before_it_starts, format_range, parse_date
from generator.load import decode, parse_text, resolve_plain_scalar

YAML_ALPHABET = st.sampled_from(list("ab:-[]{}&*!|>'\"#%@`,?\n\t 0123456789.~\ufeff\x85\u2028é"))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_gives_values_or_problems(text):
    document, problems = parse_text(text, "x.yaml")
    assert document is not None or problems
    for problem in problems:
        assert problem.line >= 1 and problem.col >= 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=YAML_ALPHABET, max_size=80))
def test_yaml_shaped_text_gives_values_or_problems(text):
    document, problems = parse_text(text, "x.yaml")
    assert document is not None or problems
    if document is not None:
        assert isinstance(document.data, dict)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_values_or_problems(raw):
    text, problems = decode(raw, "x.yaml")
    if text is not None:
        parse_text(text, "x.yaml")
    else:
        assert problems


@given(
    st.from_regex(r"\A(no|yes|on|off|y|n|NO|Yes|[0-9]{1,2}:[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2})\Z")
)
def test_yaml_11_booleans_times_and_dates_stay_text(text):
    assert resolve_plain_scalar(text) == text


def test_yaml_12_reads_only_its_own_spellings_as_other_types():
    assert resolve_plain_scalar("0755") == 755  # decimal in YAML 1.2, not octal
    assert resolve_plain_scalar("0o17") == 15
    assert resolve_plain_scalar("true") is True
    assert resolve_plain_scalar("~") is None


@given(st.dates())
def test_every_real_day_parses_and_round_trips(day):
    text = day.isoformat()
    if day.year >= 1:
        parsed = parse_date(text)
        assert isinstance(parsed, PartialDate)
        assert parsed.iso() == text
        assert parsed.first_day == day == parsed.last_day


@given(st.dates(), st.dates())
def test_a_range_is_accepted_exactly_when_end_is_not_before_start(a, b):
    start, end = PartialDate(a.year, a.month, a.day), PartialDate(b.year, b.month, b.day)
    assert ends_before_it_starts(start, end) == (b < a)
    assert format_range(start, end)


def test_a_month_contains_its_days():
    assert not ends_before_it_starts(PartialDate(2024, 3, 12), PartialDate(2024, 3))
    assert ends_before_it_starts(PartialDate(2024, 3, 12), PartialDate(2024, 2))


def test_ranges_read_as_a_reader_expects():
    assert format_range(PartialDate(2024, 3, 15), PartialDate(2024, 3, 17)) == "15–17 March 2024"
    assert format_range(PartialDate(2024, 3), None) == "March 2024"
    assert (
        format_range(PartialDate(2023, 12, 30), PartialDate(2024, 1, 2))
        == "30 December 2023 – 2 January 2024"
    )
