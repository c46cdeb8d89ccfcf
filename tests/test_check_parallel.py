"""`check` takes a shorter, parallel road than the build; it must report exactly the same."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.pipeline import MIN_FILES_TO_FORK, check_content, load_site
from tests.contentkit import BROKEN_SITES, write_site

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("case", sorted(BROKEN_SITES))
def test_check_reports_what_the_build_reports(tmp_path, case):
    root = write_site(tmp_path, BROKEN_SITES[case])
    assert check_content(root) == load_site(root)[1]


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    """A generated site big enough to be read and checked in several processes."""
    root = tmp_path_factory.mktemp("large") / "content"
    subprocess.run(
        [
            sys.executable,
            "bench/generate.py",
            "--events",
            str(MIN_FILES_TO_FORK),
            "--seed",
            "3",
            "--out",
            str(root),
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    return root


@pytest.fixture(scope="module")
def large_broken_site(large_site, tmp_path_factory):
    """The large site with two mistakes."""
    root = tmp_path_factory.mktemp("broken") / "content"
    shutil.copytree(large_site, root)
    first = sorted((root / "events").rglob("*.yaml"))[0]
    first.write_text(
        first.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8"
    )
    place = sorted((root / "places").glob("*.yaml"))[0]
    text = place.read_text(encoding="utf-8")
    place.write_text(
        text.replace("within:", f"within: {place.stem}\nwas_within:", 1), encoding="utf-8"
    )
    return root


def test_a_large_site_is_loaded_in_parallel_into_the_index_one_process_builds(
    large_site, monkeypatch
):
    if pipeline.process_count(MIN_FILES_TO_FORK, MIN_FILES_TO_FORK) == 1:
        pytest.skip("one usable core: the files would be read in one process both times")
    parallel, problems = load_site(large_site)
    assert parallel is not None and not problems
    monkeypatch.setattr(pipeline, "MIN_FILES_TO_FORK", 10**9)  # one process
    assert load_site(large_site) == (parallel, problems)


def test_a_file_with_a_duplicate_id_still_has_its_references_checked(tmp_path):
    root = write_site(tmp_path, BROKEN_SITES["a duplicate id with a bad reference"])
    messages = [p.message for p in check_content(root)]
    assert "unknown place 'moscow' (no file places/moscow.yaml)" in messages


def test_a_large_site_is_checked_in_parallel_with_the_same_result(large_broken_site):
    problems = check_content(large_broken_site)
    assert problems == load_site(large_broken_site)[1]
    messages = [p.message for p in problems if p.severity == "error"]
    assert any("unknown key 'titel'" in m for m in messages)
    assert any("within makes a cycle of places" in m for m in messages)
    assert any("unknown key 'was_within'" in m for m in messages)
