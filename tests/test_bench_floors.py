"""The benchmark's floors time the work they name, all of it, and fail when they cannot."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import floors
from tests.browser import REPO_ROOT

FLOORS = REPO_ROOT / "bench" / "floors.py"
CONTENT = REPO_ROOT / "content"
INCURSION_PAGE = "events/kursk-belgorod-cross-border-incursion/index.html"


def worker(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(FLOORS), *map(str, argv)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )


def items_done(stdout: str) -> int:
    """The items both halves say they did (`floors.in_two_halves`)."""
    return sum(int(line.split()[1]) for line in stdout.splitlines() if line.startswith("done "))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_changed_pages_are_the_html_files_whose_bytes_differ(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    for site in (before, after):
        write(site / "same.html", "<p>same</p>")
        write(site / "events" / "a" / "index.html", f"<p>{site.name}</p>")
        write(site / "events.json", f'["{site.name}"]')  # an export, not a page
    write(after / "new" / "index.html", "<p>new</p>")
    write(before / "gone" / "index.html", "<p>gone</p>")
    assert floors.changed_pages(before, after) == [
        "events/a/index.html",
        "gone/index.html",
        "new/index.html",
    ]


@pytest.mark.parametrize("broken_at", [0, 1], ids=["parent's half", "child's half"])
def test_the_yaml_floor_fails_on_a_file_it_cannot_parse_in_either_half(
    tmp_path: Path, broken_at: int
) -> None:
    """Each half of the files goes to one process; a file left unparsed in either would
    make the floor lower than the work it names."""
    names = ["a.yaml", "b.yaml"]
    write(tmp_path / names[broken_at], "title: [unclosed\n")
    write(tmp_path / names[1 - broken_at], "title: fine\n")
    assert worker("yaml", tmp_path).returncode != 0
    write(tmp_path / names[broken_at], "title: mended\n")
    done = worker("yaml", tmp_path)
    assert done.returncode == 0
    assert items_done(done.stdout) == 2


def test_the_markdown_floor_converts_every_body_of_real_content(tmp_path: Path) -> None:
    bodies = floors.event_bodies(CONTENT)
    assert len(bodies) > 1 and all(isinstance(body, str) for body in bodies)
    write(tmp_path / "bodies.json", json.dumps(bodies))
    done = worker("markdown", tmp_path / "bodies.json")
    assert done.returncode == 0, done.stderr
    assert items_done(done.stdout) == len(bodies)


def test_the_render_floor_renders_each_named_page_and_prints_its_time(tmp_path: Path) -> None:
    write(tmp_path / "changed.json", json.dumps(["index.html", INCURSION_PAGE]))
    done = worker("render-changed", CONTENT, tmp_path / "changed.json")
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.split()[-1]) > 0


def test_the_render_floor_refuses_a_name_that_is_no_page(tmp_path: Path) -> None:
    write(tmp_path / "changed.json", json.dumps(["index.html", "no/such/page.html"]))
    done = worker("render-changed", CONTENT, tmp_path / "changed.json")
    assert done.returncode != 0
    assert "rendered 1 of the 2 changed pages" in done.stderr


@pytest.mark.parametrize("mode", ["start", "find-edit"])
def test_starting_stats_every_file_it_is_given(tmp_path: Path, mode: str) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    assert worker(mode, tmp_path / "content").returncode == 0
    assert worker(mode, tmp_path / "no-such-folder").returncode == 0  # nothing to stat
    (tmp_path / "content" / "dangling.yaml").symlink_to(tmp_path / "gone")
    assert worker(mode, tmp_path / "content").returncode != 0  # each file is stat'ed
