"""`check` keeps a cache of what it learnt of each file; it must only ever make it faster."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from generator import cache
from generator.check import FILES, STATE, check_site
from generator.cli import main
from tests.contentkit import BROKEN_SITES, event, write_site

EVENT_FILE = "events/2024/incursion.yaml"


def age(folder: Path) -> None:
    """Every file looks long untouched, so its size and mtime can vouch for it."""
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, ns=(10**18, 10**18), follow_symlinks=False)


def cold(content: Path) -> list[str]:
    return [str(p) for p in check_site(content)]


def warm(content: Path, cache_dir: Path) -> list[str]:
    return [str(p) for p in check_site(content, cache_dir)]


def cache_files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


@pytest.mark.parametrize("case", sorted(BROKEN_SITES))
def test_a_warm_check_reports_exactly_what_a_cold_one_does(tmp_path, case):
    content = write_site(tmp_path / "content", BROKEN_SITES[case])
    first = warm(content, tmp_path / "cache")
    assert first == cold(content) != []
    assert warm(content, tmp_path / "cache") == first


@pytest.mark.parametrize("case", sorted(BROKEN_SITES))
def test_an_error_made_after_a_clean_check_is_reported(tmp_path, case):
    content = write_site(tmp_path / "content", {})
    assert warm(content, tmp_path / "cache") == []
    write_site(content, BROKEN_SITES[case], base=False)
    assert warm(content, tmp_path / "cache") == cold(content) != []


@pytest.mark.parametrize("case", sorted(BROKEN_SITES))
def test_an_error_mended_after_a_check_is_no_longer_reported(tmp_path, case):
    content = write_site(tmp_path / "content", BROKEN_SITES[case])
    assert warm(content, tmp_path / "cache") != []
    for relative in BROKEN_SITES[case]:
        (content / relative).unlink()
    write_site(content, {})
    assert warm(content, tmp_path / "cache") == cold(content) == []


def test_a_deleted_file_breaks_the_unchanged_files_that_name_it(tmp_path):
    content = write_site(tmp_path / "content", {})
    age(content)
    assert warm(content, tmp_path / "cache") == []
    (content / "places/kursk-oblast.yaml").unlink()
    problems = warm(content, tmp_path / "cache")
    assert problems == cold(content)
    assert any("unknown place 'kursk-oblast'" in p for p in problems)


def test_unchanged_files_are_not_parsed_again(tmp_path, parsed_files):
    content = write_site(tmp_path / "content", {})
    age(content)
    warm(content, tmp_path / "cache")
    parsed_files.clear()
    (content / EVENT_FILE).write_text(event(title="Edited"), encoding="utf-8")
    assert warm(content, tmp_path / "cache") == []
    assert parsed_files == ["incursion.yaml"]


def test_a_file_touched_but_not_changed_is_read_but_not_parsed(tmp_path, parsed_files):
    content = write_site(tmp_path / "content", {})
    age(content)
    warm(content, tmp_path / "cache")
    parsed_files.clear()
    os.utime(content / EVENT_FILE, ns=(10**18 + 10**9, 10**18 + 10**9))
    assert warm(content, tmp_path / "cache") == []
    assert parsed_files == []


def test_a_same_size_edit_in_the_second_a_check_began_is_noticed_by_the_next(tmp_path):
    content = write_site(tmp_path / "content", {})
    age(content)
    path = content / EVENT_FILE
    racy = time.time_ns()
    os.utime(path, ns=(racy, racy))
    assert warm(content, tmp_path / "cache") == []  # within a second: cannot vouch for it
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kursk-oblast]", "kursk-oblasx]"), encoding="utf-8")
    os.utime(path, ns=(racy, racy))  # same size, same mtime: only the bytes differ
    problems = warm(content, tmp_path / "cache")
    assert problems == cold(content)
    assert any("unknown place 'kursk-oblasx'" in p for p in problems)


def test_a_check_with_nothing_changed_writes_nothing(tmp_path):
    content = write_site(tmp_path / "content", {})
    age(content)
    warm(content, tmp_path / "cache")
    before = cache_files(tmp_path / "cache")
    assert set(before) >= {f"{FILES}.pickle", f"{STATE}.pickle"}
    warm(content, tmp_path / "cache")
    assert cache_files(tmp_path / "cache") == before


@pytest.mark.parametrize("damage", ["truncated", "garbage", "deleted"])
def test_a_damaged_cache_reads_as_empty(tmp_path, damage):
    content = write_site(tmp_path / "content", BROKEN_SITES["bad references"])
    age(content)
    expected = warm(content, tmp_path / "cache")
    for path in (tmp_path / "cache").iterdir():
        if damage == "deleted":
            path.unlink()
        else:
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"\x80junk")
    assert warm(content, tmp_path / "cache") == expected


def test_entries_of_another_generator_version_are_ignored(tmp_path):
    """A cache entry that claims a valid event has no problems is worthless under another
    code key: the file is parsed again and its error reported."""
    content = write_site(tmp_path / "content", {EVENT_FILE: event(title="")})
    age(content)
    store = cache.Store(tmp_path / "cache")
    warm(content, tmp_path / "cache")
    lying = {key: outcome._replace(problems=()) for key, outcome in store.load(FILES).items()}
    with open(tmp_path / "cache" / f"{FILES}.pickle", "wb") as stream:
        pickle.dump(((cache.FORMAT, "another version"), lying), stream)
    problems = warm(content, tmp_path / "cache")
    assert any("title must be text" in p for p in problems)


def test_the_cli_keeps_the_cache_next_to_the_content_folder(tmp_path, capsys):
    content = write_site(tmp_path / "content", {})
    before = {p: p.stat().st_mtime_ns for p in content.rglob("*")}
    assert main(["check", "--content", str(content)]) == 0
    assert (tmp_path / ".cache" / "check-content" / f"{STATE}.pickle").is_file()
    assert {p: p.stat().st_mtime_ns for p in content.rglob("*")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content"]


def test_cache_dir_moves_the_cache(tmp_path, capsys):
    content = write_site(tmp_path / "content", {})
    assert main(["check", "--content", str(content), "--cache-dir", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / f"{STATE}.pickle").is_file()
    assert not (tmp_path / ".cache").exists()


def test_no_cache_writes_nothing_at_all(tmp_path, capsys):
    content = write_site(tmp_path / "content", {})
    before = sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    assert main(["check", "--content", str(content), "--no-cache"]) == 0
    assert sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")) == before


def test_a_cache_inside_the_content_folder_is_refused(tmp_path, capsys):
    content = write_site(tmp_path / "content", {})
    assert main(["check", "--content", str(content), "--cache-dir", str(content / "c")]) == 2
    assert "inside the content folder" in capsys.readouterr().err
    assert not (content / "c").exists()
