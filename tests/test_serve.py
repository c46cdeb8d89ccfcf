"""`python build.py serve`: a local preview that rebuilds on change and keeps the last good site.

Each test starts the real command as a subprocess on a free port of 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator import build, cache, finish, serve
from generator.problems import error
from tests.contentkit import (
    EVENT_INCURSION,
    INCURSION_FILE,
    INCURSION_PAGE,
    INCURSION_TITLE,
    event,
    files_of,
    save_incursion,
    write_site,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
RELOAD_TAG = '<script src="/__reload.js" defer></script>'
DEADLINE = 30.0
"""Generous: a shared 2-core machine running other builds can take many seconds to rebuild."""
SERVE = (sys.executable, "build.py", "serve")


@dataclass(frozen=True)
class Preview:
    process: subprocess.Popen[str]
    url: str
    content: Path
    out: Path

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            text: str = response.read().decode("utf-8")
            return text

    def state(self) -> dict[str, object]:
        state: dict[str, object] = json.loads(self.get("__reload"))
        return state


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(condition: Callable[[], bool], seconds: float = DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"condition not met within {seconds} s")


def _ctrl_c_reaches_it() -> None:
    """Run in the child before `serve` starts: SIGINT as in a terminal's foreground job.
    A shell starts background jobs with SIGINT ignored and Python keeps that, so the
    suite run in the background (`make test &`) would see `serve` ignore Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    with previewing(tmp_path, "--no-cache") as running:
        yield running


@contextlib.contextmanager
def previewing(tmp_path: Path, *options: str, program: Path = REPO_ROOT) -> Iterator[Preview]:
    """`serve` with these options on a free port, once it has built the site; run from
    `program`, a folder holding `build.py` and the generator."""
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    port = free_port()
    process = subprocess.Popen(
        [*SERVE, "--content", str(content), "--out", str(out), "--port", str(port), *options],
        cwd=program,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_reaches_it,
    )
    running = Preview(process, f"http://127.0.0.1:{port}/", content, out)
    try:
        wait_until(lambda: "build" in running.state())
        yield running
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_serve_prints_its_address_on_127_0_0_1(preview: Preview) -> None:
    preview.process.send_signal(signal.SIGINT)
    stdout, _ = preview.process.communicate(timeout=10)
    assert f"serving {preview.url} (Ctrl-C to stop)" in stdout


def test_serve_answers_with_the_built_site(preview: Preview) -> None:
    assert INCURSION_TITLE in preview.get(INCURSION_PAGE)


def test_served_html_gets_the_reload_script_but_built_files_do_not(preview: Preview) -> None:
    assert RELOAD_TAG in preview.get(INCURSION_PAGE)
    assert RELOAD_TAG in preview.get("")
    assert "__reload" not in (preview.out / INCURSION_PAGE).read_text(encoding="utf-8")
    assert "location.reload()" in preview.get("__reload.js")


def test_serve_rebuilds_after_a_content_edit_and_bumps_the_build_counter(
    preview: Preview,
) -> None:
    first = preview.state()["build"]
    save_incursion(preview.content, event(title="Fighters enter Kursk Oblast"))
    wait_until(lambda: "Fighters enter Kursk Oblast" in preview.get(INCURSION_PAGE))
    # The new site is swapped in just before the counter moves on: wait for both.
    wait_until(lambda: preview.state()["build"] != first)


def test_serve_keeps_the_last_good_site_after_a_bad_edit_and_lists_the_errors(
    preview: Preview,
) -> None:
    save_incursion(preview.content, event(date="2024-02-30"))
    wait_until(lambda: bool(preview.state()["problems"]))
    problems = preview.state()["problems"]
    assert isinstance(problems, list)
    assert "incursion.yaml:2:7: date '2024-02-30' is not a real day" in problems[0]
    assert INCURSION_TITLE in preview.get(INCURSION_PAGE)
    assert "is not a real day" in preview.get("__problems")


def test_serve_clears_the_errors_once_the_content_is_fixed(preview: Preview) -> None:
    save_incursion(preview.content, event(date="2024-02-30"))
    wait_until(lambda: bool(preview.state()["problems"]))
    save_incursion(preview.content, EVENT_INCURSION)
    wait_until(lambda: preview.state()["problems"] == [])


def test_serve_prints_build_errors_to_the_terminal(preview: Preview) -> None:
    save_incursion(preview.content, event(date="2024-02-30"))
    wait_until(lambda: bool(preview.state()["problems"]))
    preview.process.send_signal(signal.SIGINT)
    _, stderr = preview.process.communicate(timeout=10)
    assert "incursion.yaml:2:7: error: date '2024-02-30' is not a real day" in stderr
    assert "error(s); serving the last good site" in stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly_with_exit_code_0(preview: Preview, stop: signal.Signals) -> None:
    preview.process.send_signal(stop)
    assert preview.process.wait(timeout=10) == 0


def test_serve_no_search_previews_without_a_search_index(tmp_path: Path) -> None:
    with previewing(tmp_path, "--no-cache", "--no-search") as running:
        assert INCURSION_TITLE in running.get(INCURSION_PAGE)
        assert not (running.out / "pagefind").exists()


def test_serve_builds_the_search_index_by_default(preview: Preview) -> None:
    assert (preview.out / "pagefind" / "2024" / "pagefind.js").is_file()


def copy_of_the_program(folder: Path) -> Path:
    """`build.py`, the generator and its schemas, to be edited as a developer would."""
    folder.mkdir()
    shutil.copy2(REPO_ROOT / "build.py", folder / "build.py")
    for part in ("generator", "schemas"):
        shutil.copytree(
            REPO_ROOT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__")
        )
    return folder


def test_an_edited_template_shows_at_once_and_the_cache_keeps_to_the_templates(
    tmp_path: Path,
) -> None:
    program = copy_of_the_program(tmp_path / "program")
    template = program / "generator" / "templates" / "base.html"
    original = template.read_text(encoding="utf-8")
    with previewing(tmp_path, "--no-search", program=program) as running:
        template.write_text(original.replace("</body>", "<!-- edited --></body>"), "utf-8")
        wait_until(lambda: "<!-- edited -->" in running.get(INCURSION_PAGE))
        running.process.send_signal(signal.SIGINT)
        running.process.wait(timeout=DEADLINE)
    template.write_text(original, encoding="utf-8")
    build = [sys.executable, "build.py", "build", "--no-search"]
    where = ["--content", str(running.content), "--out", str(running.out)]
    subprocess.run([*build, *where], cwd=program, check=True, capture_output=True)
    assert "<!-- edited -->" not in (running.out / INCURSION_PAGE).read_text(encoding="utf-8")


def test_after_a_change_to_the_generator_s_python_serve_builds_nothing_and_says_restart(
    tmp_path: Path,
) -> None:
    program = copy_of_the_program(tmp_path / "program")
    with previewing(tmp_path, "--no-search", program=program) as running:
        with (program / "generator" / "views.py").open("a", encoding="utf-8") as code:
            code.write("# edited while serve runs\n")
        save_incursion(running.content, event(title="Fighters enter Kursk Oblast"))
        wait_until(lambda: bool(running.state()["problems"]))
        problems = running.state()["problems"]
        assert isinstance(problems, list)
        assert "views.py:1:1: the generator's code changed since serve started" in problems[0]
        assert INCURSION_TITLE in running.get(INCURSION_PAGE)


def test_an_updated_time_zone_database_counts_as_code_serve_must_be_restarted_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`zoneinfo` keeps the zones it has read: a rebuild would mix old zones, new key."""
    database = tmp_path / "zoneinfo"
    database.mkdir()
    (database / "tzdata.zi").write_text("# version 2022a\n", encoding="utf-8")
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(database),))
    loaded = serve.loaded_code_stamp()
    assert serve.code_changed_since(loaded) is None
    (database / "tzdata.zi").write_text("# version 2022b, with Europe/Kyiv\n", encoding="utf-8")
    assert serve.code_changed_since(loaded) == str(database / "tzdata.zi")


def test_serve_refuses_a_port_already_in_use(tmp_path: Path) -> None:
    content = write_site(tmp_path / "content", {})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                *SERVE,
                "--content",
                str(content),
                "--out",
                str(tmp_path / "site"),
                "--port",
                str(port),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.stderr


def test_an_edit_saved_while_the_first_build_runs_is_built_next(tmp_path: Path) -> None:
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    config = serve.BuildConfig(content, out, None, None, use_cache=False)
    before_first_build = serve.snapshot(serve.watched_folders(config))
    serve.rebuild(config)
    save_incursion(content, event(title="Saved during the first build"))
    state, stop = serve.LiveState(), threading.Event()
    watcher = threading.Thread(
        target=serve.watch, args=(config, state, lambda errors: None, stop, before_first_build)
    )
    watcher.start()
    try:
        wait_until(lambda: state.read()[0] == 1)
    finally:
        stop.set()
        watcher.join(timeout=DEADLINE)
    assert "Saved during the first build" in (out / INCURSION_PAGE).read_text(encoding="utf-8")


def test_the_watch_sees_each_kind_of_change_a_build_would(tmp_path: Path) -> None:
    """An edit that keeps the size (only the mtime moves), a new file in a new folder, a
    removed file and an edited template each change the snapshot; a missing folder is
    empty rather than an error."""
    content = write_site(tmp_path / "content", {})
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    folders = (content, templates, tmp_path / "missing")
    saved = content / INCURSION_FILE
    first = serve.snapshot(folders)
    assert first[2] == {}

    stamp = saved.stat()
    os.utime(saved, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    edited = serve.snapshot(folders)
    assert edited != first

    (content / "events" / "2025").mkdir()
    (content / "events" / "2025" / "new.yaml").write_text("title: x\n", encoding="utf-8")
    added = serve.snapshot(folders)
    assert "events/2025/new.yaml" in added[0]

    (content / "events" / "2025" / "new.yaml").unlink()
    assert serve.snapshot(folders) == (edited[0], *added[1:])

    (templates / "page.html").write_text("<p>{{ title }}!</p>", encoding="utf-8")
    assert serve.snapshot(folders)[1] != first[1]


def test_serve_keeps_the_large_cache_entries_in_memory_and_builds_as_a_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    config = serve.BuildConfig(content, out, None, None, use_cache=True, with_search=False)
    assert serve.rebuild(config) == []
    config.cache_store().warm()  # as the watch does at its first quiet poll
    unpickled: list[str] = []
    load = pickle.load

    def recorded_load(stream: Any) -> Any:
        unpickled.append(Path(getattr(stream, "name", "(in memory)")).name)
        return load(stream)

    monkeypatch.setattr(pickle, "load", recorded_load)
    save_incursion(content, event(title="Kept in memory"))
    assert serve.rebuild(config) == []
    assert unpickled, "the rest of the cache is read from its files"
    assert not set(unpickled) & config.kept.file_names
    cold = tmp_path / "cold"
    assert build.build_site(content, cold, use_cache=False, with_search=False) == []
    assert files_of(out) == files_of(cold)


def test_the_watch_reads_the_kept_entries_at_its_first_quiet_poll_after_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build run in a child process (a large site with search) read them there."""
    content = write_site(tmp_path / "content", {})
    config = serve.BuildConfig(
        content, tmp_path / "site", None, None, use_cache=True, with_search=False
    )
    warmed: list[Path | None] = []
    monkeypatch.setattr(cache.Store, "warm", lambda store: warmed.append(store.folder))
    state, stop = serve.LiveState(), threading.Event()
    quiet = serve.snapshot(serve.watched_folders(config))
    watcher = threading.Thread(
        target=serve.watch, args=(config, state, lambda errors: None, stop, quiet)
    )
    watcher.start()
    try:
        wait_until(lambda: len(warmed) == 1)
        save_incursion(content, event(title="Edited"))
        wait_until(lambda: len(warmed) == 2)
    finally:
        stop.set()
        watcher.join(timeout=DEADLINE)
    assert state.read()[0] == 1
    assert warmed == [tmp_path / ".cache" / "site"] * 2


@pytest.mark.parametrize(
    ("snapshot_seconds", "wait"), [(0.005, 0.1), (0.04, 0.36), (0.4, 3.6), (1.0, 5.0)]
)
def test_the_watch_waits_in_proportion_to_its_snapshot_within_bounds(
    snapshot_seconds: float, wait: float
) -> None:
    """Nine times the snapshot's time, so the watch takes a tenth of a core at most."""
    assert serve.poll_wait(snapshot_seconds) == pytest.approx(wait)


# ---------------------------------------------------------------- pages before the index


def test_a_build_in_place_with_search_announces_its_pages_before_it_indexes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    assert build.build_site(content, out) == []
    save_incursion(content, event(title="Shown before the index"))
    seen: list[object] = []
    reindex = finish.Finish.reindex_in_place

    def recorded_reindex(self: finish.Finish, staging: Path) -> None:
        seen.append("indexing")
        reindex(self, staging)

    def announced() -> None:
        seen.append("Shown before the index" in (out / INCURSION_PAGE).read_text(encoding="utf-8"))

    monkeypatch.setattr(finish.Finish, "reindex_in_place", recorded_reindex)
    assert build.build_site(content, out, on_pages_published=announced) == []
    assert seen == [True, "indexing"]


@pytest.mark.parametrize("options", [{"use_cache": False}, {"with_search": False}])
def test_a_build_that_publishes_its_pages_and_index_together_announces_nothing(
    tmp_path: Path, options: dict[str, bool]
) -> None:
    """Through a staging folder the pages and the index are swapped in at once; without
    search nothing is left to wait for."""
    content = write_site(tmp_path / "content", {})
    out = tmp_path / "site"
    assert build.build_site(content, out, **options) == []
    save_incursion(content, event(title="Edited"))
    seen: list[str] = []
    build.build_site(content, out, on_pages_published=lambda: seen.append("pages"), **options)
    assert seen == []
    assert "Edited" in (out / INCURSION_PAGE).read_text(encoding="utf-8")


def test_pages_shown_early_and_a_good_end_reload_only_the_search_page_after() -> None:
    state = serve.LiveState()
    state.pages_published()
    assert state.read() == (1, 0, ())
    state.record([])
    assert state.read() == (1, 1, ())


def test_a_build_that_fails_after_showing_its_pages_reloads_every_page_with_its_errors() -> None:
    state = serve.LiveState()
    failed = error("site", 1, 1, "the search indexer failed")
    state.pages_published()
    state.record([failed])
    assert state.read() == (2, 0, (failed,))


def test_a_build_that_showed_no_pages_early_reloads_every_page_as_it_ends() -> None:
    state = serve.LiveState()
    state.pages_published()
    state.record([])
    state.record([])
    assert state.read() == (2, 1, ())


@pytest.mark.browser
def test_a_new_search_number_reloads_the_search_page_and_no_other(tmp_path: Path) -> None:
    """The real handler, reload script and state, over two pages the test writes."""
    from tests.browser import chromium

    out = tmp_path / "site"
    (out / "search").mkdir(parents=True)
    (out / "index.html").write_text("<!doctype html><title>Home</title><p>home</p>")
    (out / "search" / "index.html").write_text(
        '<!doctype html><title>Search</title><div id="search" data-bundles="2024"></div>'
    )
    state = serve.LiveState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), serve.make_handler(out, state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with chromium() as browser:
            home, search = browser.new_page(), browser.new_page()
            for page, path in ((home, ""), (search, "search/")):
                page.goto(url + path)
                page.wait_for_function("() => window.fetch && document.readyState === 'complete'")
                page.wait_for_timeout(1000)  # the script has read the numbers once
                page.evaluate("() => { window.notReloaded = true; }")

            state.pages_published()  # a new build number: every page reloads
            for page in (home, search):
                page.wait_for_function("() => window.notReloaded === undefined", timeout=10_000)
                page.wait_for_timeout(1000)
                page.evaluate("() => { window.notReloaded = true; }")

            state.record([])  # then a new search number
            search.wait_for_function("() => window.notReloaded === undefined", timeout=10_000)
            home.wait_for_timeout(2000)  # three polls of the page
            assert home.evaluate("() => window.notReloaded") is True
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
