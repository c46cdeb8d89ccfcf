"""`links`: fetch every source and archive address and report the dead and the moved.

A dead source is still a source (the claim was published; the archive may hold it), so
dead links are warnings located at the url in the editor's file, and the command line
exits 1 when any link is dead so a scheduled job notices. A redirect is a warning naming
the final address. Each distinct URL is fetched once, HEAD first (GET when a server
refuses HEAD), retried with backoff on timeouts and server errors, with at most
`per_host` requests at once to any one host.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from generator.load import Document
from generator.pipeline import read_tree
from generator.problems import Problem, error, sort_problems, warning
from generator.scaffold import PLACEHOLDER_URL

DEAD = "dead link"
USER_AGENT = "Mozilla/5.0 (compatible; conflict-timeline-links/0.1)"
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
HEAD_REFUSED = frozenset({405, 501})

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class LinkUse:
    """One place an editor wrote a URL; `archived` is the source's archive copy, if any."""

    url: str
    file: str
    line: int
    col: int
    field: str
    archived: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What fetching one URL gave: a status (None when no answer came) and where it ended."""

    url: str
    status: int | None
    final_url: str
    reason: str

    @property
    def is_dead(self) -> bool:
        return self.status is None or self.status >= 400


def is_dead(problem: Problem) -> bool:
    """Whether a problem from `check_links` reports a link readers cannot follow."""
    return problem.message.startswith(DEAD) or problem.severity == "error"


# ---------------------------------------------------------------- what to fetch


def _uses_in(document: Document) -> Iterator[LinkUse]:
    sources = document.data.get("sources")
    if not isinstance(sources, list):
        return
    for n, source in enumerate(sources):
        if not isinstance(source, dict):
            continue
        archived = source.get("archived")
        archived = archived if isinstance(archived, str) else None
        for key in ("url", "archived"):
            url = source.get(key)
            if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
                line, col = document.locate(("sources", n, key))
                field = f"sources[{n + 1}].{key}"
                yield LinkUse(url, document.source_path, line, col, field, archived)


def collect_links(content_dir: Path) -> tuple[list[LinkUse], list[Problem]]:
    """Every source url and archive url with its position; plus files that could not be read."""
    loaded, problems = read_tree(content_dir)
    uses: list[LinkUse] = []
    for item in loaded.files:
        document = loaded.documents.get(item.source_path)
        if item.kind == "event" and document is not None:
            uses.extend(_uses_in(document))
    return uses, [p for p in problems if p.severity == "error"]


# ---------------------------------------------------------------- fetching


class _KeepMethodRedirects(urllib.request.HTTPRedirectHandler):
    """urllib turns a redirected HEAD into a GET; a link check wants HEAD all the way."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


_OPENER = urllib.request.build_opener(_KeepMethodRedirects)


def _request_once(url: str, method: str, timeout: float) -> Outcome:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Outcome(url, int(response.status), response.geturl(), "")
    except urllib.error.HTTPError as failure:
        with failure:
            return Outcome(url, failure.code, failure.geturl() or url, _http_reason(failure))
    except (urllib.error.URLError, OSError, ValueError) as failure:
        return Outcome(url, None, url, _network_reason(failure, timeout))


def _http_reason(failure: urllib.error.HTTPError) -> str:
    if 300 <= failure.code < 400:
        return f"redirect loop (HTTP {failure.code})"
    return f"HTTP {failure.code} {failure.reason}".rstrip()


def _network_reason(failure: BaseException, timeout: float) -> str:
    reason: Any = failure.reason if isinstance(failure, urllib.error.URLError) else failure
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return "host not found (DNS)"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionError):
        return "connection failed"
    return f"request failed: {reason}"


def _is_worth_retrying(outcome: Outcome) -> bool:
    return outcome.status is None or outcome.status in RETRIED_STATUSES


def fetch(url: str, *, timeout: float, retries: int, backoff: float) -> Outcome:
    """HEAD, then GET if HEAD is refused; timeouts and 5xx retried with doubling pauses."""
    outcome = Outcome(url, None, url, "not fetched")
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        outcome = _request_once(url, "HEAD", timeout)
        if outcome.status in HEAD_REFUSED:
            outcome = _request_once(url, "GET", timeout)
        if not _is_worth_retrying(outcome):
            break
    return outcome


# ---------------------------------------------------------------- reporting


def _archive_search(url: str) -> str:
    return f"https://web.archive.org/web/*/{url}"


def problems_for(use: LinkUse, outcome: Outcome) -> list[Problem]:
    """How one fetched URL reads at one place an editor wrote it."""
    at = (use.file, use.line, use.col)
    if outcome.is_dead:
        message = f"{DEAD}: {use.field} {use.url} ({outcome.reason})"
        if use.field.endswith(".archived"):
            message += "; replace the archived copy"
        elif use.archived is None:
            message += f"; no archived copy: look for one at {_archive_search(use.url)} and add it as 'archived'"
        else:
            message += "; readers still have the archived copy"
        return [warning(*at, message)]
    if outcome.final_url != use.url:
        return [
            warning(
                *at,
                f"{use.field} {use.url} redirects to {outcome.final_url}: cite the final address",
            )
        ]
    return []


def _placeholder(use: LinkUse) -> Problem:
    return error(
        use.file,
        use.line,
        use.col,
        f"{use.field} is still the placeholder written by `new`: replace it with the report's address",
    )


def _host_limits(urls: list[str], per_host: int) -> dict[str, threading.Semaphore]:
    hosts = {urlsplit(url).netloc.lower() for url in urls}
    return {host: threading.Semaphore(per_host) for host in sorted(hosts)}


def fetch_all(
    urls: list[str],
    *,
    timeout: float,
    connections: int,
    retries: int,
    per_host: int,
    backoff: float,
    on_progress: ProgressCallback | None,
) -> dict[str, Outcome]:
    """Every URL fetched once, `connections` at a time, never more than `per_host` per host."""
    limits = _host_limits(urls, per_host)

    def polite_fetch(url: str) -> Outcome:
        with limits[urlsplit(url).netloc.lower()]:
            return fetch(url, timeout=timeout, retries=retries, backoff=backoff)

    outcomes: dict[str, Outcome] = {}
    with ThreadPoolExecutor(max_workers=max(1, connections)) as pool:
        futures: dict[Future[Outcome], str] = {pool.submit(polite_fetch, url): url for url in urls}
        for done, future in enumerate(as_completed(futures), start=1):
            outcomes[futures[future]] = future.result()
            if on_progress is not None:
                on_progress(done, len(urls))
    return outcomes


def check_links(
    content_dir: Path,
    *,
    timeout: float = 10.0,
    connections: int = 8,
    retries: int = 2,
    per_host: int = 2,
    backoff: float = 0.5,
    on_progress: ProgressCallback | None = None,
) -> list[Problem]:
    """Dead links and redirects at the file, line and column of each url, sorted."""
    uses, problems = collect_links(content_dir)
    checked = [use for use in uses if use.url != PLACEHOLDER_URL]
    problems.extend(_placeholder(use) for use in uses if use.url == PLACEHOLDER_URL)
    urls = sorted({use.url for use in checked})
    outcomes = fetch_all(
        urls,
        timeout=timeout,
        connections=connections,
        retries=retries,
        per_host=per_host,
        backoff=backoff,
        on_progress=on_progress,
    )
    for use in checked:
        problems.extend(problems_for(use, outcomes[use.url]))
    return sort_problems(problems)
