"""Take the screenshots in `docs/screenshots/` from a fresh build of `content/`.

Run `python -m tests.screenshots` (Debian's Chromium must be installed). It builds the
real content into a temporary folder, serves it under a sub-path as GitHub Pages would,
and writes full-page PNGs at phone (390 px) and desktop (1280 px) widths, light and dark,
plus a print preview PDF of an event page.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generator import cli
from tests.browser import REPO_ROOT, chromium, serve_directory

OUT_DIR = REPO_ROOT / "docs" / "screenshots"
EVENT = "events/kursk-belgorod-cross-border-incursion/index.html"
PAGES = {
    "index": "index.html",
    "event": EVENT,
    "place": "places/russia/index.html",
}
WIDTHS = {"phone": 390, "desktop": 1280}
SHOTS = (("light", "phone"), ("light", "desktop"), ("dark", "phone"))
"""Dark mode at phone width only: it proves the colours without doubling the repository."""


def take_screenshots(site: Path, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with serve_directory(site, "/project/") as base, chromium() as browser:
        for scheme, width_name in SHOTS:
            viewport = {"width": WIDTHS[width_name], "height": 900}
            context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
            page = context.new_page()
            for name, out_path in PAGES.items():
                page.goto(base + out_path)
                suffix = "" if scheme == "light" else "-dark"
                target = out_dir / f"{name}-{width_name}{suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            context.close()
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + EVENT)
        page.emulate_media(media="print")
        target = out_dir / "event-print.pdf"
        page.pdf(path=str(target), format="A4", print_background=False)
        written.append(target)
        context.close()
    return written


def main() -> int:
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        content = REPO_ROOT / "content"
        if cli.main(["build", "--content", str(content), "--out", str(site), "--no-cache"]) != 0:
            return 1
        for path in take_screenshots(site, OUT_DIR):
            print(path.relative_to(REPO_ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
