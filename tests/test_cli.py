"""Usage errors exit 2 with a one-line reason, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "args",
    [
        ["bogus"],
        ["check", "--format", "xml"],
        ["serve", "--port", "99999"],
        ["serve", "--port", "http"],
        ["build", "--out", "/"],
        ["build", "--out", "."],
        ["build", "--out", "content"],
        ["build", "--base-url", "ftp://example.org/"],
        ["check", "--content", "no-such-folder"],
        ["new", "--title", ""],
        ["links", "--connections", "0"],
        ["build", "--cache-dir", "content/events"],
        ["build", "--out", "site", "--cache-dir", "site/cache"],
    ],
)
def test_usage_errors_exit_two_without_a_traceback(args, tmp_path):
    if "--base-url" in args:
        args = [*args, "--out", str(tmp_path / "site")]
    result = subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "error" in result.stderr


def test_version_is_printed():
    result = subprocess.run(
        [sys.executable, "build.py", "--version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("build.py ")


def test_what_a_command_prints_reaches_a_pipe(tmp_path):
    """The command leaves without tearing the interpreter down (`build.leave`); a short
    report, still in the stream's buffer when the command returns, arrives whole."""
    events = tmp_path / "content" / "events"
    events.mkdir(parents=True)
    (events / "no-date.yaml").write_text("title: No date\n", encoding="utf-8")
    content = str(tmp_path / "content")
    result = subprocess.run(
        [
            sys.executable,
            "build.py",
            "check",
            "--no-cache",
            "--format",
            "json",
            "--content",
            content,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "PYTHONUNBUFFERED": ""},
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert f"{content}/events/no-date.yaml" in {problem["file"] for problem in report}


def test_a_profiled_command_still_writes_its_profile(tmp_path):
    """Profilers write their results as the interpreter exits, so the command does not
    skip that when one is attached."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "site.yaml").write_text("title: T\n", encoding="utf-8")
    profile = tmp_path / "check.prof"
    command = ["build.py", "check", "--no-cache", "--content", str(content)]
    result = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), *command],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "Traceback" not in result.stderr
    assert profile.stat().st_size > 0
