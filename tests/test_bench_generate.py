"""The benchmark's content generator writes valid, reproducible sites."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.browser import REPO_ROOT
from tests.contentkit import files_of

GENERATE = REPO_ROOT / "bench" / "generate.py"


def generate(out: Path, events: int = 200, seed: int = 7) -> None:
    subprocess.run(
        [
            sys.executable,
            str(GENERATE),
            "--events",
            str(events),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],
        check=True,
    )


def test_a_generated_site_of_200_events_passes_check(tmp_path: Path) -> None:
    generate(tmp_path / "content")
    result = subprocess.run(
        [sys.executable, "build.py", "check", "--content", str(tmp_path / "content")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr


def test_a_generated_site_has_the_requested_number_of_events(tmp_path: Path) -> None:
    generate(tmp_path / "content")
    assert len(list((tmp_path / "content" / "events").rglob("*.yaml"))) == 200


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "first")
    generate(tmp_path / "second")
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")


def test_another_seed_gives_other_content(tmp_path: Path) -> None:
    generate(tmp_path / "first", seed=1)
    generate(tmp_path / "second", seed=2)
    assert files_of(tmp_path / "first") != files_of(tmp_path / "second")
