"""Shared helpers for tests that look at the built site the way a reader's browser does.

Browser tests always drive Debian's Chromium (`make system-deps` installs it): Playwright's own
browser downloads cannot reach their hosts from our machines. HTML is checked with the Nu Html
Checker (vnu.jar from the `vnu-jar` npm package, run by Debian's Java) and accessibility with
axe-core, both installed by `make node`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
# Headless as root on a machine whose only network is a few package registries: no sandbox
# (root), no GPU, and no background requests that would be refused and slow every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Files per vnu run: one JVM start per batch, and a command line far below ARG_MAX.
VNU_BATCH_SIZE = 400
VNU_TIMEOUT_SECONDS = 900


def launch_chromium(playwright: Playwright, **options: Any) -> Browser:
    """Start headless Debian Chromium; `options` go to `playwright.chromium.launch`."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: run `make system-deps` (as root)")
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options
    )


@contextlib.contextmanager
def chromium(**options: Any) -> Iterator[Browser]:
    """Playwright plus a launched Chromium, both shut down on exit (for session fixtures)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, **options)
        try:
            yield browser
        finally:
            browser.close()


def _normalise_prefix(prefix: str) -> str:
    stripped = prefix.strip("/")
    return f"/{stripped}/" if stripped else "/"


def _make_handler(root: Path, prefix: str) -> Callable[..., SimpleHTTPRequestHandler]:
    class SubPathHandler(SimpleHTTPRequestHandler):
        """Serve `root` at `prefix` like a static host: 404 outside it, no directory listings."""

        extensions_map = {  # noqa: RUF012  (class attribute of the stdlib handler)
            **SimpleHTTPRequestHandler.extensions_map,
            ".mjs": "text/javascript",
            ".webmanifest": "application/manifest+json",
            ".geojson": "application/geo+json",
            ".ics": "text/calendar",
        }

        def send_head(self) -> BytesIO | BinaryIO | None:
            url_path = unquote(urlsplit(self.path).path)
            if not (url_path + "/").startswith(prefix):
                self.send_error(404, "outside the served prefix")
                return None
            return super().send_head()

        def translate_path(self, path: str) -> str:
            parts = urlsplit(path)
            rest = parts.path[len(prefix) - 1 :] if parts.path.startswith(prefix) else "/"
            return super().translate_path(rest)

        def list_directory(self, path: str | os.PathLike[str]) -> BytesIO | None:
            self.send_error(404, "no index.html in this folder")
            return None

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return functools.partial(SubPathHandler, directory=str(root))


@contextlib.contextmanager
def serve_directory(root: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `root` over HTTP on 127.0.0.1 (a free port) under `prefix`; yield the base URL.

    A prefix such as "/project/" is how GitHub Pages publishes a project site, so pages that
    only work at "/" fail here. The base URL ends with "/".
    """
    mount = _normalise_prefix(prefix)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(root.resolve(), mount))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}{mount}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise FileNotFoundError("java is missing: run `make system-deps` (as root)")
    if not VNU_JAR.exists():
        raise FileNotFoundError(f"{VNU_JAR} is missing: run `make node`")
    return java


def run_vnu(paths: Sequence[Path], extra_args: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Check files with the Nu Html Checker; return its error messages (empty when valid).

    Each message is vnu's JSON object: `type` ("error" or "non-document-error"), `url`
    (file:...), `message`, and where known `lastLine`, `firstColumn`, `extract`.
    `extra_args` go to vnu, e.g. ["--also-check-svg"] or ["--filterpattern", "..."].
    """
    java = _java()
    messages: list[dict[str, Any]] = []
    files = [str(Path(p).resolve()) for p in paths]
    for start in range(0, len(files), VNU_BATCH_SIZE):
        batch = files[start : start + VNU_BATCH_SIZE]
        command = [
            java,
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *extra_args,
            *batch,
        ]
        completed = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=VNU_TIMEOUT_SECONDS
        )
        try:
            report = json.loads(completed.stderr)
        except json.JSONDecodeError as error:
            raise RuntimeError(
                f"vnu exited {completed.returncode} without a JSON report:\n{completed.stderr}"
            ) from error
        messages.extend(m for m in report.get("messages", []) if m.get("type") != "info")
    return messages


def format_vnu_messages(messages: Sequence[Mapping[str, Any]]) -> str:
    """One line per vnu message, `file:line:col: message`, for assertion output."""
    lines = []
    for message in messages:
        where = str(message.get("url", "?")).removeprefix("file:")
        line = message.get("lastLine", message.get("firstLine", "?"))
        column = message.get("firstColumn", "?")
        lines.append(f"{where}:{line}:{column}: {message.get('message', '')}")
    return "\n".join(lines)


@functools.cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make node`")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, options: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the page as loaded and return its violations (empty when none).

    axe is evaluated through the DevTools protocol rather than a <script> tag, so a page's own
    Content-Security-Policy cannot block it. `options` are axe.run options, e.g.
    {"runOnly": ["wcag2a", "wcag2aa"]}.
    """
    page.evaluate(_axe_source())
    run_options = {"resultTypes": ["violations"], **(options or {})}
    violations: list[dict[str, Any]] = page.evaluate(
        "async (options) => (await axe.run(document, options)).violations", run_options
    )
    return violations


def format_violations(violations: Sequence[Mapping[str, Any]]) -> str:
    """One line per offending element, `rule (impact): help -- selector`, for assertion output."""
    lines = []
    for violation in violations:
        for node in violation.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(
                f"{violation.get('id')} ({violation.get('impact')}): "
                f"{violation.get('help')} -- {target}"
            )
    return "\n".join(lines)
