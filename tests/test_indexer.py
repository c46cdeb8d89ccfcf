"""A search bundle holds exactly its shard's event pages, however Pagefind is given them.

Pagefind runs for real here, over small folders of event pages: a bundle is read back
from its fragments (each names the page it was made from).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from generator import indexer
from generator.errors import BuildError

PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{id}</title></head>'
    "<body><main data-pagefind-body><h1>{id}</h1><p>Shelling near {id}.</p></main></body></html>"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Event pages of two years, and a hub page that is in no bundle."""
    folder = tmp_path / "site"
    for event_id in ("a-2019", "b-2019", "c-2020"):
        (folder / "events" / event_id).mkdir(parents=True)
        (folder / "events" / event_id / "index.html").write_text(PAGE.format(id=event_id))
    (folder / "tags" / "x").mkdir(parents=True)
    (folder / "tags" / "x" / "index.html").write_text(PAGE.format(id="tag-x"))
    return folder


def indexed(bundle: Path) -> dict[str, str]:
    """Page URL -> the text the bundle holds for it."""
    fragments = [gzip.decompress(f.read_bytes()) for f in (bundle / "fragment").iterdir()]
    found = [json.loads(re.sub(rb"^pagefind_dcd", b"", f)) for f in fragments]
    return {fragment["url"]: fragment["content"] for fragment in found}


def index_2019(site: Path, tmp_path: Path) -> dict[str, str]:
    work = tmp_path / "work"
    work.mkdir()
    indexer.index_shards(site, {"2019": ("a-2019", "b-2019")}, tmp_path / "out", work)
    return indexed(tmp_path / "out" / "2019")


EXPECTED = {
    "/events/a-2019/index.html": "a-2019. Shelling near a-2019.",
    "/events/b-2019/index.html": "b-2019. Shelling near b-2019.",
}


def test_a_bundle_holds_its_shard_s_pages_picked_by_a_glob_without_links(site, tmp_path):
    assert index_2019(site, tmp_path) == EXPECTED
    assert list((tmp_path / "work").iterdir()) == [], "no page was linked"


def test_a_shard_too_long_for_a_glob_is_indexed_from_links_to_the_same_text(
    site, tmp_path, monkeypatch
):
    monkeypatch.setattr(indexer, "GLOB_MAX_CHARS", 10)
    assert index_2019(site, tmp_path) == EXPECTED
    assert (tmp_path / "work" / "2019" / "events" / "a-2019" / "index.html").is_file()


def test_a_glob_the_indexer_refuses_falls_back_to_links(site, tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "_pages_glob", lambda event_ids: "events/{a-2019")
    assert index_2019(site, tmp_path) == EXPECTED
    assert (tmp_path / "work" / "2019" / "events" / "a-2019" / "index.html").is_file()


def test_a_glob_longer_than_the_system_takes_as_an_argument_falls_back_to_links(
    site, tmp_path, monkeypatch
):
    """Linux refuses a single argument over 128 KiB before the indexer starts."""
    filler = ",".join(f"x{n:07d}" for n in range(20_000))  # 180,000 characters
    glob = f"events/{{a-2019,b-2019,{filler}}}/index.html"
    monkeypatch.setattr(indexer, "_pages_glob", lambda event_ids: glob)
    assert index_2019(site, tmp_path) == EXPECTED
    assert (tmp_path / "work" / "2019" / "events" / "a-2019" / "index.html").is_file()


def test_any_other_indexer_failure_is_reported_at_once_without_links(site, tmp_path, monkeypatch):
    """Trying again from links would fail again, after as long again."""
    runs = tmp_path / "runs"
    failing = tmp_path / "pagefind"
    failing.write_text(f'#!/bin/sh\necho run >> "{runs}"\necho "Error: No space left"\nexit 1\n')
    failing.chmod(0o755)
    monkeypatch.setattr(indexer, "_executable", lambda: failing)
    with pytest.raises(BuildError, match=r"search indexer failed .*No space left"):
        index_2019(site, tmp_path)
    assert runs.read_text() == "run\n"
    assert list((tmp_path / "work").iterdir()) == []


@pytest.mark.parametrize("event_id", ["a*b", "a,b", "a}b", "a[b]", "A-b", "a/b", "a\\b", ""])
def test_an_id_that_is_not_a_plain_slug_is_never_put_in_a_glob(event_id):
    assert indexer._pages_glob(["fine-id", event_id]) is None


def test_the_glob_names_each_event_page_by_its_site_path():
    assert indexer._pages_glob(["a-1", "b-2"]) == "events/{a-1,b-2}/index.html"
