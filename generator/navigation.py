"""Timeline navigation: the year and month links and the page links of the timeline.

Both are built per page, so both must stay small whatever the size of the timeline: the
calendar of years and months is computed once and shared, and pagination shows a window
of page numbers rather than every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator import urls
from generator.dates import MONTH_NAMES
from generator.index import SiteIndex
from generator.views import Link, Linker


@dataclass(frozen=True, slots=True)
class YearNav:
    link: Link
    current: bool
    months: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True, slots=True)
class Pagination:
    previous: str | None
    next: str | None
    pages: tuple[PageLink, ...]


Calendar = tuple[tuple[int, tuple[int, ...]], ...]
"""Each year with events, and the months of it that have dated events."""


def event_calendar(index: SiteIndex) -> Calendar:
    """Computed once per build step, not per page: the scan covers every event."""
    months_by_year: dict[int, set[int]] = {}
    for event in index.events:
        months = months_by_year.setdefault(event.date.year, set())
        if event.date.month is not None:
            months.add(event.date.month)
    return tuple((year, tuple(sorted(months))) for year, months in sorted(months_by_year.items()))


def year_navigation(
    linker: Linker, calendar: Calendar, current_year: int | None = None
) -> tuple[YearNav, ...]:
    """Every year with events, each with the months that have a month archive."""
    return tuple(
        YearNav(
            link=Link(linker.to(urls.year(year)), str(year)),
            current=year == current_year,
            months=tuple(
                Link(linker.to(urls.month(year, m)), MONTH_NAMES[m - 1][:3]) for m in months
            ),
        )
        for year, months in calendar
    )


PAGES_AROUND = 2
"""Page links shown either side of the current one; the first and last are always shown."""


def page_window(page: int, pages: int) -> list[int | None]:
    """`1 … 4 5 [6] 7 8 … 200`: page numbers, None where a run of pages is left out.

    Linking every page from every page would grow with the square of the timeline.
    """
    shown = sorted(
        {1, pages, *range(max(1, page - PAGES_AROUND), min(pages, page + PAGES_AROUND) + 1)}
    )
    window: list[int | None] = []
    previous = 0
    for number in shown:
        if previous and number - previous > 1:
            window.append(None)
        window.append(number)
        previous = number
    return window


def pagination(
    linker: Linker, page: int, pages: int, url: Callable[[int], str] = urls.home
) -> Pagination | None:
    """Links to the pages `url(1)` … `url(pages)` of a paginated list, from page `page`."""
    if pages < 2:
        return None
    return Pagination(
        previous=linker.to(url(page - 1)) if page > 1 else None,
        next=linker.to(url(page + 1)) if page < pages else None,
        pages=tuple(
            PageLink(n, linker.to(url(n)), n == page) if n is not None else PageLink(0, "", False)
            for n in page_window(page, pages)
        ),
    )
