"""`serve`: build, preview on 127.0.0.1, rebuild when content or templates change.

Editors keep one browser tab open while they write. Each rebuild goes through the same
`build_site` as `build`, so a failed rebuild leaves the last good site in place (publish
swaps folders atomically) while its errors go to the terminal and to an overlay panel in
the page. Live reload is added only to responses, never to the built files: every HTML
response gets one `<script src="/__reload.js">`, which polls `/__reload` for the build
counter and reloads the page when it changes. Watching is polling of modification times
and sizes, which works on every file system and needs no dependency.

Each build loads the templates afresh (`render.load_templates`), so an edited template
shows at once. The rest of the generator (its Python, schemas and data, the libraries,
the time zone database) is loaded once: after a change to it `serve` builds nothing and
says to restart it, since pages made by the old code would go into the cache under the
new code's key, and later builds would trust them.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from generator import cache, unchanged
from generator.build import KEPT_ENTRIES, REPO_ROOT, build_site
from generator.errors import UsageError
from generator.outpath import check_output_location
from generator.problems import FORMATTERS, Problem, error
from generator.validate import is_http_url

HOST = "127.0.0.1"
POLL_SHARE = 0.1
"""The share of a core the watch may take while nothing changes: after each snapshot it
waits nine times as long as the snapshot took (`poll_wait`)."""
POLL_SECONDS_MIN = 0.1
POLL_SECONDS_MAX = 5.0
GENERATOR_DIR = Path(__file__).resolve().parent
WATCHED_GENERATOR_FOLDERS = (GENERATOR_DIR / "templates", GENERATOR_DIR / "static")
RELOAD_SCRIPT = (GENERATOR_DIR / "live_reload.js").read_text(encoding="utf-8")
INJECTED_TAG = b'<script src="/__reload.js" defer></script>'

Snapshot = tuple[unchanged.Inputs, ...]
"""Per watched folder: each file below it, by its path there, with its size and mtime."""


def loaded_code_stamp() -> cache.CodeStamp:
    """The part of the code key's stamp that a running process does not load again:
    everything but the templates (loaded afresh by each rebuild) and the static files
    (read by each build). The time zone database is in it: `zoneinfo` keeps the zones
    it has read, and the check the names it knows."""
    reloaded = tuple(str(folder) + os.sep for folder in WATCHED_GENERATOR_FOLDERS)
    stamp = cache.code_stamp(cache.time_zone_files())
    return tuple(entry for entry in stamp if not entry[0].startswith(reloaded))


@dataclass(frozen=True, slots=True)
class BuildConfig:
    content_dir: Path
    out_dir: Path
    base_url: str | None
    cache_dir: Path | None
    use_cache: bool
    with_search: bool = True
    loaded_code: cache.CodeStamp = field(default_factory=loaded_code_stamp)
    """What the process runs, as it was when `serve` started."""
    kept: cache.Kept = field(default_factory=lambda: cache.Kept(KEPT_ENTRIES))
    """The large cache entries, kept in memory from build to build (`cache.Kept`)."""

    def cache_store(self) -> cache.Store:
        """The build's cache, read through `kept` (a store of nothing without the cache)."""
        return cache.Store(cache.build_dir(self.out_dir, self.cache_dir, self.use_cache), self.kept)


class LiveState:
    """The build and search counters and the errors of the latest build, shared by
    watcher and server. A new build number reloads every open page; a new search number
    only the search page (`live_reload.js`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._build = 0
        self._search = 0
        self._errors: tuple[Problem, ...] = ()
        self._pages_shown = False

    def pages_published(self) -> None:
        """The running build has put its pages in place and now indexes them for search:
        pages reload now. A build that publishes found no errors, so none are shown."""
        with self._lock:
            self._build += 1
            self._errors = ()
            self._pages_shown = True

    def record(self, errors: Iterable[Problem]) -> None:
        """The build has ended. Where its pages were shown already and it ended well,
        only the search page reloads, for its new index."""
        errors = tuple(errors)
        with self._lock:
            if self._pages_shown and not errors:
                self._search += 1
            else:
                self._build += 1
                self._errors = errors
            self._pages_shown = False

    def read(self) -> tuple[int, int, tuple[Problem, ...]]:
        with self._lock:
            return self._build, self._search, self._errors


# ---------------------------------------------------------------- building and watching


def snapshot(folders: Iterable[Path]) -> Snapshot:
    """The size and mtime of every file under the folders; a missing folder is empty.
    Taken as a no-change build takes its content's stats (`unchanged.input_stats`: each
    file stat'ed by name in its opened folder, no symlink followed), so `serve` sees a
    change exactly when a build would. A poll of a 10,000-event site takes ~37 ms, a
    quarter less than `os.walk` with a stat by full path (`bench/serve_poll.py`)."""
    return tuple(unchanged.input_stats(folder) for folder in folders)


CODE_CHANGED = (
    "the generator's code changed since serve started: restart serve to build with it"
    " (nothing was built)"
)


def rebuild(
    config: BuildConfig, on_pages_published: Callable[[], None] | None = None
) -> list[Problem]:
    """The build's errors; a crash (such as a template mistake) becomes one more error."""
    try:
        changed = code_changed_since(config.loaded_code)
        if changed is not None:
            return [error(changed, 1, 1, CODE_CHANGED)]
        problems = build_site(
            config.content_dir,
            config.out_dir,
            base_url=config.base_url,
            cache_dir=config.cache_dir,
            use_cache=config.use_cache,
            with_search=config.with_search,
            on_pages_published=on_pages_published,
            kept=config.kept,
        )
    except Exception as crash:
        where = traceback.extract_tb(crash.__traceback__)[-1:] or None
        place = f" ({where[0].filename}:{where[0].lineno})" if where else ""
        return [error(str(config.out_dir), 1, 1, f"build crashed: {crash!r}{place}")]
    return [p for p in problems if p.severity == "error"]


def code_changed_since(loaded: cache.CodeStamp) -> str | None:
    """A code file this process loaded that has changed, appeared or gone since, if any."""
    now = loaded_code_stamp()
    if now == loaded:
        return None
    before = {path: (size, mtime) for path, size, mtime in loaded}
    after = {path: (size, mtime) for path, size, mtime in now}
    return min(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def poll_wait(snapshot_seconds: float) -> float:
    """How long the watch waits before its next snapshot. A fixed half second took 44 %
    of a core on a 100,000-event site, whose snapshot takes ~0.4 s, and kept a
    1,000-event site, whose snapshot takes ~5 ms, waiting ~0.25 s on average for
    nothing (`bench/serve_poll.py`). Waiting in proportion bounds the idle cost at
    `POLL_SHARE` of a core and lets a small site's edit be seen within 0.1 s."""
    wait = snapshot_seconds * (1 - POLL_SHARE) / POLL_SHARE
    return min(max(wait, POLL_SECONDS_MIN), POLL_SECONDS_MAX)


def watched_folders(config: BuildConfig) -> tuple[Path, ...]:
    return (config.content_dir, *WATCHED_GENERATOR_FOLDERS)


def watch(
    config: BuildConfig,
    state: LiveState,
    report: Callable[[list[Problem]], None],
    stop: threading.Event,
    last: Snapshot,
) -> None:
    """Poll until `stop` is set; rebuild and bump the counter after every change since
    `last`, the snapshot taken before the build being served began (an edit saved while
    that build ran is built next, not missed)."""
    folders = watched_folders(config)
    warmed = False
    wait = POLL_SECONDS_MIN
    while not stop.wait(wait):
        started = time.perf_counter()
        current = snapshot(folders)
        wait = poll_wait(time.perf_counter() - started)
        if current == last:
            if not warmed:  # the first quiet poll after a build: nobody waits for it
                config.cache_store().warm()
                warmed = True
            continue
        last = current
        errors = rebuild(config, state.pages_published)
        state.record(errors)
        report(errors)
        warmed = False


# ---------------------------------------------------------------- serving


def inject_reload(page: bytes) -> bytes:
    """The page with the reload script before `</body>` (or at the end when there is none)."""
    marker = page.lower().rfind(b"</body>")
    if marker < 0:
        return page + INJECTED_TAG
    return page[:marker] + INJECTED_TAG + page[marker:]


def problems_page(errors: tuple[Problem, ...]) -> bytes:
    items = "".join(
        f"<li><code>{html.escape(f'{p.file}:{p.line}:{p.col}')}</code> {html.escape(p.message)}</li>"
        for p in errors
    )
    body = f"<ol>{items}</ol>" if errors else "<p>The last build had no errors.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build problems</title>'
        f"</head><body><h1>Build problems</h1>{body}</body></html>"
    ).encode()


def make_handler(out_dir: Path, state: LiveState) -> type[SimpleHTTPRequestHandler]:
    class PreviewHandler(SimpleHTTPRequestHandler):
        """Files from the output folder, plus the reload endpoints; never cached."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(out_dir), **kwargs)

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the terminal is for build problems."""

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            build, search, errors = state.read()
            if path == "/__reload":
                payload = {
                    "build": build,
                    "search": search,
                    "problems": [f"{p.file}:{p.line}:{p.col}: {p.message}" for p in errors],
                }
                self.send_bytes(json.dumps(payload).encode(), "application/json")
            elif path == "/__reload.js":
                self.send_bytes(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
            elif path == "/__problems":
                self.send_bytes(problems_page(errors), "text/html; charset=utf-8")
            elif not out_dir.is_dir():
                self.send_bytes(inject_reload(problems_page(errors)), "text/html; charset=utf-8")
            else:
                page = self.html_file(path)
                if page is None:
                    super().do_GET()
                else:
                    self.send_bytes(inject_reload(page.read_bytes()), "text/html; charset=utf-8")

        def html_file(self, path: str) -> Path | None:
            """The HTML file a GET would send, when it is one; other requests go to the base class."""
            local = Path(self.translate_path(path))
            if path.endswith("/") and local.is_dir():
                local = local / "index.html"
            return local if local.suffix == ".html" and local.is_file() else None

        def send_bytes(self, data: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return PreviewHandler


def _print_errors(errors: list[Problem], fmt: str, done: str = "rebuilt") -> None:
    if errors:
        sys.stderr.write(FORMATTERS[fmt](errors))
        sys.stderr.write(f"build failed: {len(errors)} error(s); serving the last good site\n")
    else:
        sys.stderr.write(done + "\n")
    sys.stderr.flush()


def _stop_on_terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _bind(port: int, handler: type[SimpleHTTPRequestHandler]) -> ThreadingHTTPServer:
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as failure:
        raise UsageError(f"cannot listen on {HOST}:{port}: {failure.strerror}") from failure
    server.daemon_threads = True
    return server


def serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C (or SIGTERM), then exit 0."""
    config = BuildConfig(
        args.content,
        args.out,
        args.base_url,
        None if args.no_cache else args.cache_dir,
        not args.no_cache,
        not args.no_search,
    )
    check_output_location(config.out_dir, config.content_dir, REPO_ROOT)
    if config.base_url is not None and not is_http_url(config.base_url):
        raise UsageError(f"--base-url '{config.base_url}' must be an absolute http(s) URL")
    fmt = args.format or "text"
    state = LiveState()
    server = _bind(args.port, make_handler(config.out_dir, state))
    before_first_build = snapshot(watched_folders(config))
    errors = rebuild(config, state.pages_published)
    state.record(errors)
    _print_errors(errors, fmt, f"built {config.out_dir}")
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch,
        args=(config, state, lambda e: _print_errors(e, fmt), stop, before_first_build),
        daemon=True,
    )
    watcher.start()
    previous = signal.signal(signal.SIGTERM, _stop_on_terminate)
    print(f"serving http://{HOST}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop.set()
        server.server_close()
        watcher.join(timeout=5)
    print("stopped", file=sys.stderr)
    return 0
