"""Render the pages on every core: fork once the index is built, each process takes a share.

Forking after `load_site` means no process re-reads or re-links the content: each child
inherits the finished index and the list of page units, plans and renders the units it
claims, writes the files into the staging folder itself (linking unchanged ones) and
sends back only the small manifest of what it wrote, with the list-item parts it made
when the build keeps them (`SiteIndex.listed`, for the build cache). The parent
takes part too, so a 2-core machine runs one child. Units are claimed a few at a time
from a shared counter rather than dealt out in fixed shares: the parent writes the
exports first (~3 s on a 10,000-event site), and with fixed halves the child sat idle
for that long at the end. Small sites skip the fork: it would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import ForkContext
from typing import Any

from generator import pages
from generator.incremental import Manifest, Writer
from generator.index import SiteIndex
from generator.pipeline import process_count

MIN_UNITS_TO_FORK = 400
UNITS_PER_CLAIM = 8
"""Units a process takes at a time: an event page is ~2 ms, so the processes end within
a few tens of milliseconds of each other, at ~1,400 claims for 11,000 units."""

OnUnits = Callable[[int, int], None]
"""Told (units done, all units) as the parent's share advances, to show progress."""


class Claims:
    """The next unclaimed units, shared by forked processes (inherited, never pickled)."""

    def __init__(self, context: ForkContext, total: int) -> None:
        self.total = total
        self._next = context.RawValue("q", 0)
        self._lock = context.Lock()

    def claimed(self) -> Iterator[range]:
        """Ranges of units for this process, until none are left."""
        while True:
            with self._lock:
                start = self._next.value
                self._next.value = start + UNITS_PER_CLAIM
            if start >= self.total:
                return
            yield range(start, min(start + UNITS_PER_CLAIM, self.total))


Job = tuple[SiteIndex, Sequence[pages.Unit], Writer, Claims | None]
_inherited: list[Job] = []
"""The job a forked child was born with; set only in children, by `_adopt`."""


def render_share(job: Job, on_units: OnUnits | None = None) -> Manifest:
    """Render the units this process claims (all of them when there are no claims)."""
    index, units, writer, claims = job
    spans = claims.claimed() if claims is not None else iter([range(len(units))])
    step = max(1, len(units) // 200)
    for span in spans:
        for number in span:
            for page in units[number].plan():
                writer.put(page.out_path, pages.render_planned(index, page))
            if on_units is not None and number % step == 0:
                on_units(number + 1, len(units))
    return writer.written


def _adopt(job: Job) -> None:
    _inherited.append(job)


def _child_share(send_listed: bool) -> tuple[Manifest, dict[str, Any]]:
    """The child's manifest, and when asked the list-item parts it made (not those it
    was born with): pickling thousands of them is work a build without a cache need not
    do."""
    job = _inherited[0]
    if not send_listed:
        return render_share(job), {}
    listed = job[0].listed
    born_with = set(listed)
    written = render_share(job)
    return written, {
        event_id: parts for event_id, parts in listed.items() if event_id not in born_with
    }


def render_pages(
    index: SiteIndex,
    units: Sequence[pages.Unit],
    writer: Writer,
    alongside: Callable[[], None] | None = None,
    on_units: OnUnits | None = None,
    send_listed: bool = False,
) -> None:
    """The pages of `units` into `writer`; `alongside` (the exports) runs in the parent
    meanwhile. `send_listed`: a forked renderer's list-item parts are wanted in
    `index.listed` afterwards (for the build cache)."""
    processes = process_count(len(units), MIN_UNITS_TO_FORK)
    if processes == 1:
        render_share((index, units, writer, None), on_units)
        if alongside is not None:
            alongside()
        return
    context = multiprocessing.get_context("fork")
    job: Job = (index, units, writer, Claims(context, len(units)))
    with ProcessPoolExecutor(
        processes - 1, mp_context=context, initializer=_adopt, initargs=(job,)
    ) as pool:
        futures = [pool.submit(_child_share, send_listed) for _ in range(1, processes)]
        if alongside is not None:
            alongside()
        render_share(job, on_units)
        for future in futures:
            written, listed = future.result()
            writer.written.update(written)
            index.listed.update(listed)
