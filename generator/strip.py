"""The timeline strip: events per month as an inline SVG bar chart, drawn at build time.

Each bar links to its month archive, so the strip is navigation as well as a picture.
A chart is useless to a screen reader or a text browser, so it comes with a title, a
text description and the same counts as a table of links inside a <details> element.
Months without events between the first and the last are drawn as gaps, not skipped:
a quiet month is information too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from generator.dates import MONTH_NAMES
from generator.model import Event

BAR_AREA = 80
"""Height in SVG units of the tallest bar."""
TOP = 16
"""Room above the tallest bar for its count."""
LABEL_ROW = 15
GOAL_WIDTH = 720
MIN_SLOT = 4.0
MAX_SLOT = 40.0
LABELLED_SLOT = 20.0
"""Bars at least this wide show their count above and their month below."""
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)
MIN_LABEL_GAP = 36.0
"""SVG units needed between two year labels so they do not overlap."""

MonthCount = tuple[int, int, int, str]
"""(year, month, number of events, href of the month archive)."""


@dataclass(frozen=True, slots=True)
class Bar:
    year: int
    month: int
    count: int
    href: str | None

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def spoken(self) -> str:
        noun = "event" if self.count == 1 else "events"
        return f"{self.label}: {self.count} {noun}"


def month_number(year: int, month: int) -> int:
    return year * 12 + month - 1


def fill_gaps(counts: Sequence[MonthCount]) -> list[Bar]:
    """Every month from the first to the last, in order; empty months have no link."""
    given = {(y, m): (n, href) for y, m, n, href in counts if n > 0}
    if not given:
        return []
    first = month_number(*min(given))
    last = month_number(*max(given))
    bars = []
    for number in range(first, last + 1):
        year, month = divmod(number, 12)
        count, href = given.get((year, month + 1), (0, None))
        bars.append(Bar(year, month + 1, count, href))
    return bars


def count_months(events: Iterable[Event], href: Callable[[int, int], str]) -> list[MonthCount]:
    """Events per (year, month) of their start date; year-only dates have no month to count."""
    counter = Counter(
        (event.date.year, event.date.month) for event in events if event.date.month is not None
    )
    return [(year, month, n, href(year, month)) for (year, month), n in sorted(counter.items())]


def _slot(months: int) -> float:
    return max(MIN_SLOT, min(MAX_SLOT, GOAL_WIDTH / months))


def _bar_svg(bar: Bar, x: float, slot: float, tallest: int) -> str:
    if bar.count == 0 or bar.href is None:
        return ""
    height = max(2.0, bar.count / tallest * BAR_AREA)
    top = TOP + BAR_AREA - height
    gap = min(4.0, slot / 4)
    spoken = escape(bar.spoken)
    count = (
        f'<text x="{x + slot / 2:.1f}" y="{top - 3:.1f}" text-anchor="middle" font-size="11" '
        f'fill="currentColor">{bar.count}</text>'
        if slot >= LABELLED_SLOT
        else ""
    )
    return (
        f'<a href="{escape(bar.href)}" aria-label="{spoken}">'
        f"<title>{spoken}</title>"
        f'<rect x="{x:.1f}" y="0" width="{slot:.1f}" height="{TOP + BAR_AREA}" '
        f'fill="currentColor" fill-opacity="0"/>'
        f'<rect class="strip-bar" x="{x + gap / 2:.1f}" y="{top:.1f}" '
        f'width="{slot - gap:.1f}" height="{height:.1f}" fill="currentColor"/>{count}</a>'
    )


def _month_labels(bars: Sequence[Bar], slot: float) -> str:
    if slot < LABELLED_SLOT:
        return ""
    y = TOP + BAR_AREA + LABEL_ROW - 3
    return "".join(
        f'<text x="{(n + 0.5) * slot:.1f}" y="{y}" text-anchor="middle" font-size="11" '
        f'fill="currentColor">{MONTH_ABBREVIATIONS[bar.month - 1]}</text>'
        for n, bar in enumerate(bars)
    )


def _year_labels(bars: Sequence[Bar], slot: float) -> str:
    rows = 2 if slot >= LABELLED_SLOT else 1
    y = TOP + BAR_AREA + rows * LABEL_ROW - 3
    labels = []
    last_x = -MIN_LABEL_GAP
    for n, bar in enumerate(bars):
        x = n * slot
        if (bar.month == 1 or n == 0) and x - last_x >= MIN_LABEL_GAP:
            labels.append(
                f'<text x="{x:.1f}" y="{y}" font-size="12" fill="currentColor">{bar.year}</text>'
            )
            last_x = x
    return "".join(labels)


def describe(bars: Sequence[Bar]) -> str:
    total = sum(bar.count for bar in bars)
    busiest = max(bars, key=lambda bar: (bar.count, -month_number(bar.year, bar.month)))
    noun = "event" if total == 1 else "events"
    return (
        f"{total} {noun} from {bars[0].label} to {bars[-1].label}, one bar per month; "
        f"the busiest month is {busiest.spoken}."
    )


def _table(bars: Sequence[Bar], title: str) -> str:
    rows = "".join(
        f'<tr><th scope="row"><a href="{escape(bar.href)}">{escape(bar.label)}</a></th>'
        f"<td>{bar.count}</td></tr>"
        for bar in bars
        if bar.href is not None and bar.count > 0
    )
    return (
        '<details class="strip-table"><summary>Events per month as a table</summary>'
        f"<table><caption>{escape(title)}</caption>"
        '<thead><tr><th scope="col">Month</th><th scope="col">Events</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
    )


def render_strip(counts: Sequence[MonthCount], title: str, id_prefix: str = "strip") -> Markup:
    """The strip and its table, or nothing when there are no dated events."""
    bars = fill_gaps(counts)
    if not bars:
        return Markup("")
    slot = _slot(len(bars))
    width = round(slot * len(bars), 1)
    height = TOP + BAR_AREA + (2 if slot >= LABELLED_SLOT else 1) * LABEL_ROW
    tallest = max(bar.count for bar in bars)
    body = "".join(_bar_svg(bar, n * slot, slot, tallest) for n, bar in enumerate(bars))
    return Markup(
        '<figure class="strip">'
        f'<svg class="strip-chart" role="group" viewBox="0 0 {width} {height}" '
        'preserveAspectRatio="xMinYMax meet" '
        f'width="{width}" height="{height}" '
        f'aria-labelledby="{id_prefix}-title" aria-describedby="{id_prefix}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(describe(bars))}</desc>'
        f'<line x1="0" y1="{TOP + BAR_AREA + 0.5}" x2="{width}" y2="{TOP + BAR_AREA + 0.5}" '
        'stroke="currentColor" stroke-opacity="0.5"/>'
        f"{body}{_month_labels(bars, slot)}{_year_labels(bars, slot)}</svg>"
        f"{_table(bars, title)}</figure>"
    )
