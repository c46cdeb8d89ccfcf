"""How partial dates order: by first day, and on the same first day the coarser first."""

from __future__ import annotations

import datetime as dt

from generator.dates import PartialDate


def test_dates_order_by_their_first_day():
    dates = [PartialDate(2024, 3, 12), PartialDate(2023), PartialDate(2024, 2)]
    assert sorted(dates, key=PartialDate.sort_key) == [
        PartialDate(2023),
        PartialDate(2024, 2),
        PartialDate(2024, 3, 12),
    ]


def test_on_the_same_first_day_a_year_comes_before_its_month_and_the_month_before_the_day():
    dates = [PartialDate(2024, 1, 1), PartialDate(2024, 1), PartialDate(2024)]
    assert sorted(dates, key=PartialDate.sort_key) == [
        PartialDate(2024),
        PartialDate(2024, 1),
        PartialDate(2024, 1, 1),
    ]


def test_the_sort_key_is_the_first_day_and_the_precision_rank():
    assert PartialDate(2024, 3).sort_key() == (dt.date(2024, 3, 1), 1)
    assert PartialDate(2024).sort_key() == (dt.date(2024, 1, 1), 0)
    assert PartialDate(2024, 3, 12).sort_key() == (dt.date(2024, 3, 12), 2)
