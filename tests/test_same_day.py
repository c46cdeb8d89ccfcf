"""A busy day lists a few same-day events and links to the whole day in its archive."""

from __future__ import annotations

from generator.cli import main
from generator.views import SAME_DAY_SHOWN
from tests.contentkit import EVENT_INCURSION, write_site


def test_a_busy_day_shows_some_same_day_events_and_links_to_all_of_them(tmp_path):
    others = SAME_DAY_SHOWN + 2
    files = {
        f"events/2024/other-{n:02d}.yaml": EVENT_INCURSION.replace(
            "Armed groups cross", f"Event {n:02d} -"
        )
        for n in range(others)
    }
    root = write_site(tmp_path / "content", files)
    assert (
        main(["build", "--content", str(root), "--out", str(tmp_path / "site"), "--no-search"]) == 0
    )
    page = (tmp_path / "site/events/incursion/index.html").read_text(encoding="utf-8")
    same_day = page.split('id="same-day-heading"', 1)[1].split("</section>", 1)[0]
    assert same_day.count('href="../other-') == SAME_DAY_SHOWN
    assert f"All {others + 1} events of this day" in same_day
    assert 'href="../../2024/03/index.html#d-2024-03-12"' in same_day
