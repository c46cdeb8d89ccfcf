"""The shipped content cites only verified sources, and its claims hang together.

These tests read the real files under content/ with yaml.safe_load; they need nothing from the
generator. The list of verified URLs lives outside the repository, in ../shared/sources.md,
so the test that needs it is skipped where that file is absent (a fresh clone, CI).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTENT = REPO_ROOT / "content"
SOURCES_MD = REPO_ROOT.parent / "shared" / "sources.md"

# A URL in sources.md runs until whitespace, a table bar, a backtick or a closing bracket.
_URL_IN_TEXT = re.compile(r"https?://[^\s|`<>()\[\]]+")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _content_files() -> list[Path]:
    return sorted(CONTENT.rglob("*.yaml"))


def _event_files() -> list[Path]:
    return sorted((CONTENT / "events").rglob("*.yaml"))


def _name(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def _source_addresses(data: Any) -> Iterator[str]:
    """Every `url` and `archived` of every source, wherever a `sources` list appears."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "sources" and isinstance(value, list):
                for source in value:
                    if isinstance(source, dict):
                        for field in ("url", "archived"):
                            if field in source:
                                yield str(source[field])
            else:
                yield from _source_addresses(value)
    elif isinstance(data, list):
        for item in data:
            yield from _source_addresses(item)


def _claims(data: Any) -> list[dict[str, Any]]:
    claims = data.get("claims") if isinstance(data, dict) else None
    return [c for c in claims or [] if isinstance(c, dict)]


def _verified_urls() -> set[str]:
    if not SOURCES_MD.is_file():
        pytest.skip(f"{SOURCES_MD} is not available here")
    text = SOURCES_MD.read_text(encoding="utf-8")
    return {url.rstrip(".,;:") for url in _URL_IN_TEXT.findall(text)}


def test_every_source_url_appears_verbatim_in_shared_sources_md() -> None:
    verified = _verified_urls()
    cited = [(_name(p), url) for p in _content_files() for url in _source_addresses(_load(p))]
    assert cited, "no source URLs found under content/"
    unverified = [f"{name}: {url}" for name, url in cited if url not in verified]
    assert not unverified, "URLs not in sources.md:\n" + "\n".join(unverified)


def test_every_actor_link_appears_verbatim_in_shared_sources_md() -> None:
    verified = _verified_urls()
    unverified = [
        f"{_name(path)}: {link}"
        for path in sorted((CONTENT / "actors").glob("*.yaml"))
        for link in (_load(path) or {}).get("links") or []
        if link not in verified
    ]
    assert not unverified, "links not in sources.md:\n" + "\n".join(unverified)


def test_every_claim_with_figures_cites_one_of_its_own_events_sources() -> None:
    events = _event_files()
    assert events, "no event files found under content/events/"
    problems = []
    for path in events:
        data = _load(path)
        own_urls = {s.get("url") for s in data.get("sources") or [] if isinstance(s, dict)}
        for index, claim in enumerate(_claims(data)):
            if not claim.get("figures"):
                continue
            label = f"{_name(path)}: claims[{index}] ({claim.get('id', 'no id')})"
            if not claim.get("source"):
                problems.append(f"{label} gives figures but names no source")
            elif claim["source"] not in own_urls:
                problems.append(f"{label} cites {claim['source']}, not one of the event's sources")
    assert not problems, "\n".join(problems)


def test_every_claim_is_made_by_an_existing_actor() -> None:
    actors = {path.stem for path in (CONTENT / "actors").glob("*.yaml")}
    claims = [(path, claim) for path in _event_files() for claim in _claims(_load(path))]
    assert claims, "no claims found under content/events/"
    unknown = [
        f"{_name(path)}: claim {claim.get('id', '(no id)')} is by {claim.get('by')!r}"
        for path, claim in claims
        if claim.get("by") not in actors
    ]
    assert not unknown, "claims by actors with no file in content/actors/:\n" + "\n".join(unknown)
