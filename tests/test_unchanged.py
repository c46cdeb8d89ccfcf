"""A no-change build returns at once only when nothing changed, whether it verifies the
output in one process or on two (a forked child taking the folders and half the files).

Each test builds a small generated site from content files that look old (an mtime
from the second before a build cannot vouch for a file), changes one thing or nothing,
and builds again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import generate
from generator import cache, incremental, outpath, pipeline, unchanged
from generator.cli import main

OLD_NS = 10**18


def build(content: Path, out: Path) -> None:
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0


def age(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, ns=(OLD_NS, OLD_NS), follow_symlinks=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(params=["one process", "two processes"])
def processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Force the output to be verified in this process alone, or with a forked helper."""
    forked = request.param == "two processes"
    monkeypatch.setattr(unchanged, "FORK_FROM_FILES", 0 if forked else 10**9)
    return str(request.param)


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    content = tmp_path / "content"
    generate.write_tree(generate.generate(12, 5), content)
    age(content)
    out = tmp_path / "site"
    build(content, out)
    return content, out


def cold(content: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold"
    assert (
        main(["build", "--content", str(content), "--out", str(out), "--no-search", "--no-cache"])
        == 0
    )
    return tree(out)


def published_order(tmp_path: Path) -> list[str]:
    """The published pages and exports in the order the halves are split by (the marker
    file, which a build refuses to go without, left out)."""
    last = cache.Store(tmp_path / ".cache" / "site").load("state")
    return [path for path, _ in last.published.rows() if path != outpath.MARKER]


def loads_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a no-change build loaded the content")

    monkeypatch.setattr(pipeline, "load_site", refuse)


def test_a_build_with_nothing_changed_loads_nothing_and_writes_nothing(
    site, processes, monkeypatch
):
    content, out = site
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")}
    loads_nothing(monkeypatch)
    build(content, out)
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")} == before


@pytest.mark.parametrize("which", [0, -1], ids=["first-half", "second-half"])
def test_a_published_file_edited_by_hand_is_put_back(site, tmp_path, processes, which):
    content, out = site
    expected = tree(out)
    edited = out / published_order(tmp_path)[which]
    edited.write_bytes(b"edited by hand")
    build(content, out)
    assert tree(out) == expected


def test_a_published_file_deleted_by_hand_is_put_back(site, tmp_path, processes):
    content, out = site
    expected = tree(out)
    (out / published_order(tmp_path)[-1]).unlink()
    build(content, out)
    assert tree(out) == expected


@pytest.fixture(params=["fresh folders", "old folders"])
def folders(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How the snapshot vouches for the published folders' entries: by listing them (a
    folder changed in the second before the snapshot, as every folder of a small site is)
    or by their mtime alone (a snapshot taken as if long after the folders were made)."""
    if request.param == "old folders":
        later = time.time_ns() + 60 * 10**9
        monkeypatch.setattr(incremental, "now_ns", lambda: later)
    return str(request.param)


def test_a_stray_file_in_a_published_folder_is_removed(tmp_path, processes, folders):
    content = tmp_path / "content"
    generate.write_tree(generate.generate(12, 5), content)
    age(content)
    out = tmp_path / "site"
    build(content, out)
    last = cache.Store(tmp_path / ".cache" / "site").load("state")
    assert last.folders is not None
    assert bool(last.listings) == (folders == "fresh folders")
    expected = tree(out)
    time.sleep(0.05)  # past the file system's timestamp granularity
    (next((out / "events").iterdir()) / "stray.html").write_text("not from the build")
    build(content, out)
    assert tree(out) == expected


def test_an_edited_content_file_is_noticed(site, tmp_path, processes):
    content, out = site
    event = sorted((content / "events").rglob("*.yaml"))[-1]
    event.write_text(event.read_text().replace("title: ", "title: Edited ", 1))
    build(content, out)
    assert tree(out) == cold(content, tmp_path)


def test_a_same_size_edit_in_the_second_a_build_began_is_noticed_by_the_next(
    site, tmp_path, processes
):
    content, out = site
    event = sorted((content / "events").rglob("*.yaml"))[0]
    racy = time.time_ns()
    os.utime(event, ns=(racy, racy))
    build(content, out)  # began within a second of the file's mtime: cannot vouch for it
    text = event.read_text()
    at = text.index('title: "') + len('title: "')
    swapped = "Q" if text[at] != "Q" else "Z"
    event.write_text(text[:at] + swapped + text[at + 1 :])
    os.utime(event, ns=(racy, racy))  # same size, same mtime: only the bytes differ
    build(content, out)
    assert tree(out) == cold(content, tmp_path)


def test_a_helper_that_fails_reads_as_changed_and_the_build_still_succeeds(
    site, tmp_path, monkeypatch
):
    content, out = site
    expected = tree(out)
    last = cache.Store(tmp_path / ".cache" / "site").load("state")
    monkeypatch.setattr(unchanged, "FORK_FROM_FILES", 0)

    def broken(*args: object) -> bool:
        raise RuntimeError("the helper fell over")

    monkeypatch.setattr(unchanged, "_folders_as_left", broken)
    _, as_left = unchanged.inputs_and_output_unchanged(content, out, last)
    assert as_left is False
    build(content, out)
    assert tree(out) == expected


def test_input_stats_lists_every_content_file_by_relative_path(tmp_path):
    (tmp_path / "events" / "2024").mkdir(parents=True)
    (tmp_path / "events" / "2024" / "a.yaml").write_text("id: a\n")
    (tmp_path / "site.yaml").write_text("title: T\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "site.yaml")
    found = unchanged.input_stats(tmp_path)
    assert set(found) == {"events/2024/a.yaml", "site.yaml", "link.yaml"}
    stat = (tmp_path / "events" / "2024" / "a.yaml").stat()
    assert found["events/2024/a.yaml"] == (stat.st_size, stat.st_mtime_ns)


def test_a_no_change_build_imports_no_dataclasses_hashlib_or_templates(site):
    """What a no-change build imports is most of its time: it must stay light."""
    content, out = site
    probe = (
        "import sys\n"
        "from generator.cli import main\n"
        f"assert main(['build', '--content', {str(content)!r}, '--out', {str(out)!r},"
        " '--no-search']) == 0\n"
        "heavy = {'dataclasses', 'tempfile', 'hashlib', 'jinja2', 'yaml', 'generator.incremental'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "[]"


def test_packed_stats_give_back_the_table_they_were_packed_from():
    table = {"": (1, 2**64 - 1), "events/a": (-(2**63), 7), "b": (0, 0)}
    packed = unchanged.PackedStats.pack(table, "qQ")
    assert packed.as_dict() == table
    assert list(packed.rows(1)) == list(table.items())[1:]
    assert list(packed.rows(0, 1)) == [("", (1, 2**64 - 1))]


def test_an_empty_table_packs_to_no_rows_and_a_root_alone_to_one():
    assert unchanged.PackedStats.pack({}, "Qq").as_dict() == {}
    assert unchanged.PackedStats.pack({"": (3, 4)}, "Qq").as_dict() == {"": (3, 4)}


def test_the_quick_state_gives_back_the_state_it_was_taken_from(site, tmp_path):
    last = cache.Store(tmp_path / ".cache" / "site").load("state")
    again = unchanged.LastBuild.of(last.as_state())
    assert again == last
    assert again.as_state()["inputs"] == unchanged.input_stats(site[0])
