"""Search bundles: a year whole while it is small, split by quarter or month when not.

An edit re-indexes its event's whole bundle (Pagefind has no incremental mode), so a
busy year is split; a small site keeps one bundle per year, as readers' browsers merge
every bundle on the first search.
"""

from __future__ import annotations

import dataclasses

from generator import search
from generator.dates import PartialDate
from generator.index import build_index
from generator.model import Event, Site

SITE = Site("Timeline", "Events.", "https://example.org/", "en", "UTC", 50)


def event(ident: str, year: int, month: int | None = None, day: int | None = None) -> Event:
    return Event(
        id=ident,
        source_path=f"events/{ident}.yaml",
        title=ident,
        date=PartialDate(year, month, day),
        end=None,
        time=None,
        timezone=None,
        circa=False,
        summary="",
        body="",
        places=(),
        actors=(),
        tags=(),
        claims=(),
        sources=(),
        related=(),
        corrections=(),
    )


def shards_of(events: list[Event]) -> dict[str, tuple[str, ...]]:
    return search.shards(build_index(SITE, events, (), ()))


def events_by_month(year: int, per_month: int, months: range = range(1, 13)) -> list[Event]:
    return [
        event(f"e{year}-{month:02d}-{n:03d}", year, month, 1 + n % 28)
        for month in months
        for n in range(per_month)
    ]


def test_a_year_within_the_limit_is_one_bundle(monkeypatch):
    monkeypatch.setattr(search, "SHARD_EVENTS", 24)
    assert list(shards_of(events_by_month(2024, 2))) == ["2024"]


def test_a_busier_year_is_split_by_quarter(monkeypatch):
    monkeypatch.setattr(search, "SHARD_EVENTS", 24)
    found = shards_of(events_by_month(2024, 3) + events_by_month(2023, 1))
    assert list(found) == ["2023", "2024-q1", "2024-q2", "2024-q3", "2024-q4"]
    assert found["2024-q2"] == tuple(sorted(e.id for e in events_by_month(2024, 3, range(4, 7))))


def test_a_year_with_a_quarter_over_the_limit_is_split_by_month(monkeypatch):
    monkeypatch.setattr(search, "SHARD_EVENTS", 24)
    found = shards_of(events_by_month(2024, 1) + events_by_month(2024, 30, range(5, 6)))
    assert list(found) == [f"2024-{month:02d}" for month in range(1, 13)]
    assert len(found["2024-05"]) == 31


def test_events_dated_to_the_year_alone_keep_the_years_name(monkeypatch):
    monkeypatch.setattr(search, "SHARD_EVENTS", 24)
    found = shards_of([*events_by_month(2024, 3), event("undated", 2024)])
    assert found["2024"] == ("undated",)
    assert "2024-q1" in found


def test_every_event_is_in_exactly_one_bundle(monkeypatch):
    monkeypatch.setattr(search, "SHARD_EVENTS", 24)
    events = [
        *events_by_month(2022, 1),
        *events_by_month(2023, 3),
        *events_by_month(2024, 30, range(2, 3)),
        event("year-only", 2023),
        event("month-only", 2024, 7),
    ]
    given = [ident for ids in shards_of(events).values() for ident in ids]
    assert sorted(given) == sorted(e.id for e in events)


def test_a_date_edit_moves_the_event_to_its_new_quarters_bundle(monkeypatch):
    monkeypatch.setattr(search, "SHARD_EVENTS", 24)
    events = events_by_month(2024, 3)
    moved = dataclasses.replace(events[0], date=PartialDate(2024, 11, 2))
    found = shards_of([moved, *events[1:]])
    assert moved.id in found["2024-q4"] and moved.id not in found["2024-q1"]


def test_shard_names_are_the_bundles_in_order(monkeypatch):
    monkeypatch.setattr(search, "SHARD_EVENTS", 24)
    index = build_index(SITE, events_by_month(2024, 3) + events_by_month(2021, 1), (), ())
    assert search.shard_names(index) == tuple(search.shards(index))
    assert search.shard_names(index)[0] == "2021"
