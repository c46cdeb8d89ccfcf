"""Partial dates as editors write them: a year, a month or a day, possibly approximate.

Events are often known only to the month ("March 2024"); exporting such an event as the
1st of the month would invent precision. A `PartialDate` keeps what was written and
answers the questions the site needs: its first and last day, its sort order, and how
to show it to a reader.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass

from generator.frozen import pickled_as_constructor

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Precision(enum.Enum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@pickled_as_constructor
@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A year, a year-month or a full day. Orders by first day, then by coarser first."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        """As written: `2024`, `2024-03` or `2024-03-12` (ISO 8601 reduced precision)."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def sort_key(self) -> tuple[dt.date, int]:
        """(first day, 0 for a year, 1 for a month, 2 for a day). Written out rather than
        through `precision` and a table: sorting and `newest_day` call it ~64,000 times in
        a 10,000-event rebuild, and an enum's hash is a Python call."""
        rank = 2 if self.day is not None else 1 if self.month is not None else 0
        return dt.date(self.year, self.month or 1, self.day or 1), rank

    def __str__(self) -> str:
        return self.iso()


@functools.lru_cache(maxsize=16384)
def parse_date(text: str) -> PartialDate | str:
    """A `PartialDate`, or the reason the text is not a real calendar date.

    Cached (both answers are immutable): a timeline repeats the same days many times."""
    match = _DATE.match(text)
    if match is None:
        return f"'{text}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if year < 1:
        return f"'{text}' is not a real year"
    if month is not None and not 1 <= month <= 12:
        return f"'{text}' has no month {month:02d}"
    if day is not None and month is not None:
        days_in_month = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days_in_month:
            return f"'{text}' is not a real day: {MONTH_NAMES[month - 1]} {year} has {days_in_month} days"
    return PartialDate(year, month, day)


def is_valid_time(text: str) -> bool:
    return _TIME.match(text) is not None


def ends_before_it_starts(start: PartialDate, end: PartialDate) -> bool:
    """True when no reading of the two dates lets `end` fall on or after `start`."""
    return end.last_day < start.first_day


def format_date(value: PartialDate) -> str:
    """`12 March 2024`, `March 2024` or `2024`."""
    if value.month is None:
        return str(value.year)
    month = MONTH_NAMES[value.month - 1]
    if value.day is None:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


def format_range(start: PartialDate, end: PartialDate | None) -> str:
    """A date or a range written as a reader expects: `15–17 March 2024`."""
    if end is None or end == start:
        return format_date(start)
    same_day_precision = start.precision is Precision.DAY and end.precision is Precision.DAY
    if same_day_precision and start.year == end.year and start.month == end.month:
        return f"{start.day}–{format_date(end)}"
    if same_day_precision and start.year == end.year:
        assert start.month is not None
        return f"{start.day} {MONTH_NAMES[start.month - 1]} – {format_date(end)}"
    return f"{format_date(start)} – {format_date(end)}"
