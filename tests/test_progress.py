"""Long commands show progress to a person at a terminal and stay quiet in logs and CI."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.contentkit import write_site

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_on_a_terminal(args: list[str], entry: list[str] | None = None) -> str:
    """Run the real CLI with a pseudo-terminal as stderr; return what it drew there."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, *(entry or ["build.py"]), *args],
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


APART = [
    "-c",
    "import sys; from generator import build, cli; build.SEPARATE_FROM_FILES = 0; "
    "sys.exit(cli.main(sys.argv[1:]))",
]
"""The command line with every build with search loaded and rendered in a child process."""


def test_a_build_rendered_apart_ends_its_progress_line_before_it_reports(tmp_path):
    root = write_site(tmp_path / "content", {})
    build = ["build", "--content", str(root), "--out", str(tmp_path / "site")]
    run_on_a_terminal(build, entry=APART)
    touched = next((root / "events").rglob("*.yaml"))
    os.utime(touched, ns=(10**18, 10**18))  # read again, same bytes: no bundle to index
    drawn = run_on_a_terminal(build, entry=APART).replace("\r\n", "\n")
    assert "reading content..." in drawn, "the child draws the progress of its steps"
    assert "indexing for search" not in drawn
    assert "\nbuilt " in drawn, "the last progress line is ended before the report"


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
