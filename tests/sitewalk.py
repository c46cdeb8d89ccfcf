"""Walk a built site's HTML and report every internal link or `#anchor` that leads nowhere.

A link is internal when it has no scheme and no host; it is resolved against the page's
own out_path, the way a browser resolves it when the site is opened from disk or from
any sub-path. Links name `index.html` explicitly, so a link to a folder is broken.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src"}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and values.get(attribute) is not None:
            self.links.append(str(values[attribute]))


def parse_page(html: str) -> tuple[set[str], list[str]]:
    """The ids a page defines and the link targets it uses, in document order."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.ids, parser.links


def is_internal(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def resolve(out_path: str, url: str) -> tuple[str, str]:
    """The out_path a relative link from `out_path` points at, and its fragment."""
    parts = urlsplit(url)
    if not parts.path:
        return out_path, unquote(parts.fragment)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(out_path), unquote(parts.path)))
    return target, unquote(parts.fragment)


def broken_links(root: Path) -> Iterator[str]:
    """`page: link (reason)` for each internal link in the site at `root` that fails."""
    pages = {
        path.relative_to(root).as_posix(): parse_page(path.read_text(encoding="utf-8"))
        for path in sorted(root.rglob("*.html"))
    }
    for out_path, (_, links) in pages.items():
        for url in links:
            if not is_internal(url):
                continue
            target, fragment = resolve(out_path, url)
            if target.startswith("../") or not (root / target).is_file():
                yield f"{out_path}: {url} (no file {target})"
            elif fragment and target in pages and fragment not in pages[target][0]:
                yield f"{out_path}: {url} (no id '{fragment}' in {target})"
