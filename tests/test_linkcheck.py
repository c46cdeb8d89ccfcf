"""`python build.py links`: every source and archive URL fetched, dead ones and redirects located.

A local server on 127.0.0.1 plays every kind of answer; nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from generator.cli import main
from tests.contentkit import write_site

HANG_SECONDS = 4.0


class Answers(BaseHTTPRequestHandler):
    """/ok 200, /moved 301 to /ok, /gone 404, /broken 500, /hang never in time, /no-head 405 on HEAD."""

    hits: ClassVar[Counter[str]] = Counter()

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def do_GET(self) -> None:
        self.answer(head=False)

    def answer(self, *, head: bool) -> None:
        path = urlsplit(self.path).path
        type(self).hits[f"{self.command} {path}"] += 1
        if path == "/hang":
            time.sleep(HANG_SECONDS)
        status = {"/ok": 200, "/moved": 301, "/gone": 404, "/broken": 500, "/hang": 200}.get(
            path, 404
        )
        if path == "/no-head":
            status = 405 if head else 200
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test asserts on what the checker prints, not on the server's log."""


@pytest.fixture
def server() -> Iterator[str]:
    Answers.hits = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def event_citing(*sources: tuple[str, str | None]) -> str:
    lines = [
        "title: Linked event",
        "date: 2024-03-12",
        "summary: For the link checker.",
        "sources:",
    ]
    for url, archived in sources:
        lines += [f"  - url: {url}", "    publisher: Example"]
        if archived is not None:
            lines.append(f"    archived: {archived}")
    return "\n".join(lines) + "\n"


def run_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *sources: tuple[str, str | None]
) -> tuple[int, list[dict[str, object]]]:
    """Only our event, so no request leaves for the fixture site's example.org addresses."""
    content = write_site(
        tmp_path / "content",
        {
            "site.yaml": "title: T\ndescription: D\nbase_url: https://example.org/\n",
            "events/linked.yaml": event_citing(*sources),
        },
        base=False,
    )
    code = main(
        ["links", "--content", str(content), "--timeout", "1", "--retries", "1", "--format", "json"]
    )
    return code, json.loads(capsys.readouterr().out)


def test_a_link_that_answers_200_is_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    code, problems = run_links(tmp_path, capsys, (f"{server}/ok", f"{server}/ok?archived"))
    assert (code, problems) == (0, [])


def test_a_404_is_a_dead_link_warning_at_the_url_with_an_archive_search(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    code, problems = run_links(tmp_path, capsys, (f"{server}/gone", None))
    assert code == 1
    assert problems == [
        {
            "file": (tmp_path / "content/events/linked.yaml").as_posix(),
            "line": 5,
            "col": 10,
            "severity": "warning",
            "message": f"dead link: sources[1].url {server}/gone (HTTP 404 Not Found); no archived "
            f"copy: look for one at https://web.archive.org/web/*/{server}/gone and add it as 'archived'",
        }
    ]


def test_a_dead_source_with_an_archived_copy_says_readers_still_have_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    _, problems = run_links(tmp_path, capsys, (f"{server}/gone", f"{server}/ok"))
    assert [p["message"] for p in problems] == [
        f"dead link: sources[1].url {server}/gone (HTTP 404 Not Found); readers still have the archived copy"
    ]


def test_a_dead_archived_copy_is_reported_at_the_archived_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    _, problems = run_links(tmp_path, capsys, (f"{server}/ok", f"{server}/gone"))
    assert [(p["line"], p["message"]) for p in problems] == [
        (
            7,
            f"dead link: sources[1].archived {server}/gone (HTTP 404 Not Found); replace the archived copy",
        )
    ]


def test_a_redirect_is_a_warning_naming_the_final_address_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    code, problems = run_links(tmp_path, capsys, (f"{server}/moved", f"{server}/ok"))
    assert code == 0
    assert [(p["severity"], p["message"]) for p in problems] == [
        (
            "warning",
            f"sources[1].url {server}/moved redirects to {server}/ok: cite the final address",
        )
    ]


def test_a_server_error_is_retried_then_reported_dead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    code, problems = run_links(tmp_path, capsys, (f"{server}/broken", f"{server}/ok"))
    assert code == 1
    assert "(HTTP 500 Internal Server Error)" in str(problems[0]["message"])
    assert Answers.hits["HEAD /broken"] == 2


def test_a_server_refusing_head_is_asked_again_with_get(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    code, problems = run_links(tmp_path, capsys, (f"{server}/no-head", f"{server}/ok"))
    assert (code, problems) == (0, [])
    assert Answers.hits["GET /no-head"] == 1


def test_a_hanging_server_is_a_timeout_and_the_run_stays_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    started = time.monotonic()
    code, problems = run_links(
        tmp_path,
        capsys,
        (f"{server}/hang", None),
        (f"{server}/ok", None),
        (f"{server}/moved", None),
        (f"{server}/gone", None),
        (f"{server}/broken", None),
    )
    assert time.monotonic() - started < 10
    assert code == 1
    messages = [str(p["message"]) for p in problems]
    assert len(messages) == 4
    assert messages[0].startswith(f"dead link: sources[1].url {server}/hang (no answer within 1 s)")
    assert "redirects to" in messages[1] and "404" in messages[2] and "500" in messages[3]


def test_an_unreachable_host_is_a_dead_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    closed = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    port = closed.server_address[1]
    closed.server_close()
    _, problems = run_links(tmp_path, capsys, (f"http://127.0.0.1:{port}/", f"{server}/ok"))
    assert "(connection refused)" in str(problems[0]["message"])


def test_the_placeholder_from_new_is_an_error_and_never_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, problems = run_links(tmp_path, capsys, ("https://example.org/replace-me", None))
    assert code == 1
    assert [(p["severity"], p["message"]) for p in problems] == [
        (
            "error",
            "sources[1].url is still the placeholder written by `new`: replace it with the report's address",
        )
    ]


def test_links_prints_nothing_but_problems_when_not_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    content = write_site(
        tmp_path / "c",
        {"events/2024/incursion.yaml": event_citing((f"{server}/ok", f"{server}/ok?a"))},
    )
    assert main(["links", "--content", str(content), "--format", "text"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "0 dead link(s), 0 other warning(s)\n"
