"""Pages rendered on several processes, each claiming units as it becomes free, make
exactly the site that one process makes."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import time

import pytest

from generator import assemble, parallel
from generator.pipeline import process_count
from tests.test_incremental import build, events, items_laid_out, make_content, tree

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _claim_all(claims: parallel.Claims) -> list[int]:
    return [number for span in claims.claimed() for number in span]


def _claim_in_child(claims: parallel.Claims, sink: multiprocessing.queues.Queue[list[int]]) -> None:
    sink.put(_claim_all(claims))


def test_claims_hand_out_every_unit_exactly_once_across_processes():
    context = multiprocessing.get_context("fork")
    claims = parallel.Claims(context, 1003)
    sink: multiprocessing.queues.Queue[list[int]] = context.Queue()
    child = context.Process(target=_claim_in_child, args=(claims, sink))
    child.start()
    here = _claim_all(claims)
    there = sink.get(timeout=60)
    child.join(timeout=60)
    assert sorted(here + there) == list(range(1003))


@pytest.mark.skipif(process_count(10**6, 1) < 2, reason="one usable core: nothing is forked")
def test_a_site_rendered_on_two_processes_equals_one_rendered_in_one(tmp_path, monkeypatch):
    content = make_content(tmp_path / "content", events=420, seed=5)
    build(content, tmp_path / "forked", "--no-cache", "--no-search")
    monkeypatch.setattr(parallel, "MIN_UNITS_TO_FORK", 10**9)
    build(content, tmp_path / "alone", "--no-cache", "--no-search")
    assert tree(tmp_path / "forked") == tree(tmp_path / "alone")


@pytest.mark.skipif(process_count(10**6, 1) < 2, reason="one usable core: nothing is forked")
def test_the_list_item_parts_a_forked_renderer_made_reach_the_cache(tmp_path, monkeypatch):
    """The parent writes the exports first; slowed down, it leaves the child every page,
    so every list item is laid out in the child. The rebuild after a title edit must
    still lay out only the edited event's item."""
    content = make_content(tmp_path / "content", events=40, seed=3)
    out = tmp_path / "site"
    write_exports = assemble._write_each

    def slowly(*args, **kwargs):
        time.sleep(3)
        return write_exports(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(parallel, "MIN_UNITS_TO_FORK", 1)
        patched.setattr(assemble, "_write_each", slowly)
        build(content, out, "--no-search")
    edited = events(content)[7]
    edited.write_text(edited.read_text().replace("title: ", "title: Edited ", 1))
    laid_out = items_laid_out(content, out, monkeypatch)
    assert len(laid_out) == 1
    assert laid_out[0] in edited.read_text()
