"""Long commands show progress to a person at a terminal and stay quiet in logs and CI."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.contentkit import write_site

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_on_a_terminal(args: list[str]) -> str:
    """Run the real CLI with a pseudo-terminal as stderr; return what it drew there."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "build.py", *args],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    process.wait(timeout=120)
    os.close(controller)
    return drawn.decode("utf-8", "replace")


def test_a_build_on_a_terminal_shows_its_steps_and_a_page_counter(tmp_path):
    root = write_site(tmp_path / "content", {})
    drawn = run_on_a_terminal(
        ["build", "--content", str(root), "--out", str(tmp_path / "site"), "--no-search"]
    )
    assert "reading content..." in drawn
    assert "rendering pages: " in drawn
    assert "built " in drawn


def test_a_build_in_a_log_prints_no_progress(tmp_path):
    root = write_site(tmp_path / "content", {})
    result = subprocess.run(
        [
            sys.executable,
            "build.py",
            "build",
            "--content",
            str(root),
            "--out",
            str(tmp_path / "site"),
            "--no-search",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "\r" not in result.stderr
    assert "rendering pages" not in result.stderr
