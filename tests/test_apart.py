"""A large build with search loads and renders in a child process, so that the memory
it took is freed before the search indexers run; the site it makes is the same."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from generator import build, indexer, pipeline, publish
from generator.apart import run_apart
from generator.cli import main
from generator.errors import BuildError, UsageError
from generator.problems import Problem
from tests.test_incremental import (
    build as build_cli,
)
from tests.test_incremental import (
    events,
    indexed_text,
    inodes,
    make_content,
    tree,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def test_work_run_apart_gives_its_value_from_another_process():
    assert run_apart(os.getpid) != os.getpid()
    assert run_apart(lambda: {"pages": [1, 2, 3]}) == {"pages": [1, 2, 3]}


@pytest.mark.parametrize("error", [BuildError("disk full"), UsageError("bad --base-url")])
def test_an_expected_error_in_the_child_is_raised_here_as_itself(error):
    def fails() -> None:
        raise error

    with pytest.raises(type(error), match=str(error)):
        run_apart(fails)


def test_a_crash_in_the_child_is_a_build_error_with_the_traceback_shown(capfd):
    def crashes() -> None:
        raise ZeroDivisionError("a bug")

    with pytest.raises(BuildError, match="worker process failed"):
        run_apart(crashes)
    assert "ZeroDivisionError: a bug" in capfd.readouterr().err


@pytest.fixture
def apart(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every build with search is done apart; returns the file each load writes its pid to."""
    monkeypatch.setattr(build, "SEPARATE_FROM_FILES", 0)
    loads = tmp_path / "loads.txt"
    real = pipeline.load_site

    def noted(*args: object, **kwargs: object) -> tuple[object, list[Problem]]:
        with loads.open("a") as note:
            note.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_site", noted)
    return loads


def test_a_large_build_with_search_loads_in_a_child_and_makes_the_same_site(
    apart, tmp_path, monkeypatch
):
    content = make_content(tmp_path / "content", events=12)
    build_cli(content, tmp_path / "apart", "--no-cache")
    assert [int(pid) for pid in apart.read_text().split()] != [os.getpid()]
    monkeypatch.setattr(build, "SEPARATE_FROM_FILES", 10**9)
    build_cli(content, tmp_path / "together", "--no-cache")
    assert apart.read_text().split()[-1] == str(os.getpid())
    assert tree(tmp_path / "apart") == tree(tmp_path / "together")
    assert indexed_text(tmp_path / "apart") == indexed_text(tmp_path / "together")


def test_a_rebuild_apart_updates_in_place_and_then_has_nothing_to_do(apart, tmp_path):
    content = make_content(tmp_path / "content", events=12)
    out = tmp_path / "site"
    build_cli(content, out)
    path = events(content)[4]
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    time.sleep(1.1)  # an edit in the second before a build is not trusted by its mtime
    build_cli(content, out)
    build_cli(content, tmp_path / "cold", "--no-cache")
    assert tree(out) == tree(tmp_path / "cold")
    assert indexed_text(out) == indexed_text(tmp_path / "cold")
    loads, before = len(apart.read_text().split()), inodes(out)
    build_cli(content, out)
    assert len(apart.read_text().split()) == loads, "the no-change build loaded nothing"
    assert inodes(out) == before


def test_content_errors_found_apart_are_reported_located_and_nothing_is_published(
    apart, tmp_path, capsys
):
    content = make_content(tmp_path / "content", events=6)
    path = events(content)[2]
    path.write_text(path.read_text().replace("date: ", "date: 2024-02-30\nwas: ", 1))
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 1
    printed = capsys.readouterr().err
    assert f"{path}:2:7: error: date '2024-02-30' is not a real day" in printed
    assert f"{path}:3:1: error: unknown key 'was'" in printed
    assert apart.read_text().split() != [str(os.getpid())], "the load ran apart"
    assert not out.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(publish.STAGING_PREFIX)] == []


def test_bundles_indexed_together_stay_within_the_page_budget(monkeypatch, tmp_path):
    running: list[int] = []
    most = together = 0
    lock = threading.Lock()
    ran: list[str] = []

    def fake_indexer(site_dir: Path, event_ids: tuple[str, ...], output: Path, work: Path) -> None:
        nonlocal most, together
        pages = len(event_ids)
        with lock:
            running.append(pages)
            most = max(most, sum(running))
            together = max(together, len(running))
            ran.append(output.name)
        time.sleep(0.05)
        with lock:
            running.remove(pages)

    sizes = {"2019": 6, "2020": 6, "2021": 2, "2022": 2, "2023": 9}
    shards = {year: tuple(f"e-{year}-{n}" for n in range(count)) for year, count in sizes.items()}
    monkeypatch.setattr(indexer, "_index_pages", fake_indexer)
    monkeypatch.setattr(indexer, "PAGES_INDEXED_AT_ONCE", 8)
    indexer.index_shards(tmp_path / "site", shards, tmp_path / "out", tmp_path / "work")
    assert sorted(ran) == sorted(sizes), "every bundle is indexed once"
    assert most == 9, "a bundle over the budget runs alone; no two others exceed it"
    assert together == 2, "bundles that fit the budget together are indexed together"
