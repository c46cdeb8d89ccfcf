"""One build of an output at a time: a second build (`make site` while `serve` rebuilds)
waits for the first, then starts from what it left, instead of updating the same
published files in place from its own older reading of the content."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from generator import build
from generator.cli import main
from tests.contentkit import INCURSION_PAGE, event, save_incursion, write_site

REPO_ROOT = Path(__file__).resolve().parent.parent
WAITED = 1.5
"""How long a blocked build is watched to be still waiting: far beyond a small build."""


@contextlib.contextmanager
def lock_held(folder: Path) -> Iterator[Callable[[], None]]:
    """The lock of `folder` held as a running build holds it, from another descriptor;
    yields a function that releases it before the block ends."""
    handle = os.open(folder / build.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX)
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            os.close(handle)
            released = True

    try:
        yield release
    finally:
        release()


def built_once(tmp_path: Path) -> tuple[Path, Path]:
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0
    return content, out


@contextlib.contextmanager
def build_started(content: Path, out: Path, *options: str) -> Iterator[subprocess.Popen[str]]:
    """The real `build` command running; reaped however the test ends."""
    command = ["build", "--content", str(content), "--out", str(out), "--no-search", *options]
    process = subprocess.Popen(
        [sys.executable, "build.py", *command],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=60)


def finished(process: subprocess.Popen[str]) -> int:
    process.wait(timeout=60)
    return process.returncode


def test_a_build_waits_while_another_build_of_its_output_runs(tmp_path: Path) -> None:
    content, out = built_once(tmp_path)
    save_incursion(content, event(title="Edited while another build ran"))
    with lock_held(tmp_path / ".cache" / "site") as release, build_started(content, out) as waiting:
        time.sleep(WAITED)
        assert waiting.poll() is None
        assert "Edited while" not in (out / INCURSION_PAGE).read_text(encoding="utf-8")
        release()
        assert finished(waiting) == 0
    assert "Edited while another build ran" in (out / INCURSION_PAGE).read_text(encoding="utf-8")


def test_a_build_without_the_cache_waits_for_a_build_with_it(tmp_path: Path) -> None:
    """Its swap of the whole folder must not land among another build's changes in place."""
    content, out = built_once(tmp_path)
    with (
        lock_held(tmp_path / ".cache" / "site") as release,
        build_started(content, out, "--no-cache") as waiting,
    ):
        time.sleep(WAITED)
        assert waiting.poll() is None
        release()
        assert finished(waiting) == 0


def test_a_build_without_the_cache_writes_no_lock_where_none_was(tmp_path: Path) -> None:
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    command = ["build", "--content", str(content), "--out", str(out), "--no-search", "--no-cache"]
    assert main(command) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_the_lock_is_free_once_a_build_has_ended(tmp_path: Path) -> None:
    built_once(tmp_path)
    handle = os.open(tmp_path / ".cache" / "site" / build.LOCK_NAME, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if still held
    finally:
        os.close(handle)


def test_a_waiting_build_says_so_then_goes_on_once_the_lock_is_free(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    told: list[str] = []
    entered = threading.Event()

    def second_build() -> None:
        with build.one_build_at_a_time(folder, create=True, report=lambda s, *_: told.append(s)):
            entered.set()

    with lock_held(folder) as release:
        waiting = threading.Thread(target=second_build)
        waiting.start()
        deadline = time.monotonic() + 10
        while not told and time.monotonic() < deadline:
            time.sleep(0.01)
        assert told == ["waiting for another build of this site to finish"]
        assert not entered.is_set()
        release()
        waiting.join(timeout=10)
    assert entered.is_set()
