"""Timeline navigation stays small however long the timeline grows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.navigation import PAGES_AROUND, page_window


def test_a_short_timeline_links_every_page():
    assert page_window(2, 4) == [1, 2, 3, 4]


def test_a_long_timeline_links_the_ends_and_the_pages_around_the_current_one():
    assert page_window(100, 2000) == [1, None, 98, 99, 100, 101, 102, None, 2000]


@given(st.integers(1, 5000).flatmap(lambda pages: st.tuples(st.integers(1, pages), st.just(pages))))
def test_the_window_is_bounded_and_keeps_first_last_and_neighbours(case):
    page, pages = case
    window = page_window(page, pages)
    numbers = [n for n in window if n is not None]
    assert len(window) <= 2 * PAGES_AROUND + 5
    assert numbers == sorted(set(numbers))
    assert {1, pages, page, max(1, page - 1), min(pages, page + 1)} <= set(numbers)
    assert None not in (window[0], window[-1])
