"""Render the pages on every core: fork once the index is built, each process takes a share.

Forking after `load_site` means no process re-reads or re-links the content: each child
inherits the finished index and the list of page units, plans and renders every n-th
unit, writes the files into the staging folder itself (linking unchanged ones) and sends
back only the small manifest of what it wrote. The parent takes a share too, so a
2-core machine runs one child. Small sites skip the fork: it would cost more than it
saves.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from generator import pages
from generator.incremental import Manifest, Writer
from generator.index import SiteIndex
from generator.pipeline import process_count

MIN_UNITS_TO_FORK = 400

Job = tuple[SiteIndex, Sequence[pages.Unit], Writer]
_inherited: list[Job] = []
"""The job a forked child was born with; set only in children, by `_adopt`."""


OnUnits = Callable[[int, int], None]
"""Told (units done, all units) as the parent's share advances, to show progress."""


def render_share(job: Job, share: int, shares: int, on_units: OnUnits | None = None) -> Manifest:
    index, units, writer = job
    step = max(1, len(units) // 200)
    for done, unit in enumerate(units[share::shares], start=1):
        for page in unit.plan():
            writer.put(page.out_path, pages.render_planned(index, page))
        if on_units is not None and done % step == 0:
            on_units(min(done * shares, len(units)), len(units))
    return writer.written


def _adopt(job: Job) -> None:
    _inherited.append(job)


def _child_share(share: int, shares: int) -> Manifest:
    return render_share(_inherited[0], share, shares)


def render_pages(
    index: SiteIndex,
    units: Sequence[pages.Unit],
    writer: Writer,
    alongside: Callable[[], None] | None = None,
    on_units: OnUnits | None = None,
) -> None:
    """The pages of `units` into `writer`; `alongside` (the exports) runs in the parent meanwhile."""
    shares = process_count(len(units), MIN_UNITS_TO_FORK)
    if shares == 1:
        render_share((index, units, writer), 0, 1, on_units)
        if alongside is not None:
            alongside()
        return
    context = multiprocessing.get_context("fork")
    job: Job = (index, units, writer)
    with ProcessPoolExecutor(
        shares - 1, mp_context=context, initializer=_adopt, initargs=(job,)
    ) as pool:
        futures = [pool.submit(_child_share, share, shares) for share in range(1, shares)]
        if alongside is not None:
            alongside()
        render_share(job, 0, shares, on_units)
        for future in futures:
            writer.written.update(future.result())
