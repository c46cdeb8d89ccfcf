"""Write small content folders from inline text, for tests that run the real CLI, and read
back what a build wrote."""

from __future__ import annotations

import textwrap
from pathlib import Path

SITE = """\
title: Test timeline
description: Events for tests.
base_url: https://example.org/timeline/
"""

ACTOR_MOD = """\
name: Russian Ministry of Defence
kind: military
part_of: russian-government
"""

ACTOR_GOVERNMENT = """\
name: Government of Russia
kind: government
"""

PLACE_RUSSIA = """\
name: Russia
kind: country
coordinates: [55.7558, 37.6173]
"""

PLACE_KURSK = """\
name: Kursk Oblast
kind: region
within: russia
coordinates: [51.7, 36.2]
"""

INCURSION_FILE = "events/2024/incursion.yaml"
INCURSION_PAGE = "events/incursion/index.html"
INCURSION_TITLE = "Armed groups cross into Kursk and Belgorod oblasts"


EVENT_INCURSION = """\
title: Armed groups cross into Kursk and Belgorod oblasts
date: 2024-03-12
summary: Armed groups crossed from Ukraine into Russia, the groups said.
places: [kursk-oblast]
actors: [russian-mod]
tags: [incursion]
claims:
  - id: mod-234-killed
    by: russian-mod
    text: The ministry said it killed 234 fighters.
    status: unverified
    date: 2024-03-12
    figures:
      killed: 234
    source: https://example.org/news/1
sources:
  - url: https://example.org/news/1
    title: Russia claims killing 234 fighters
    publisher: The Example Times
    published: 2024-03-13
    archived: https://web.archive.org/web/2024/https://example.org/news/1
"""

VALID_SITE = {
    "site.yaml": SITE,
    "actors/russian-mod.yaml": ACTOR_MOD,
    "actors/russian-government.yaml": ACTOR_GOVERNMENT,
    "places/russia.yaml": PLACE_RUSSIA,
    "places/kursk-oblast.yaml": PLACE_KURSK,
    INCURSION_FILE: EVENT_INCURSION,
}


def write_site(root: Path, files: dict[str, str | bytes], *, base: bool = True) -> Path:
    """A content folder: the valid fixture site (unless `base=False`) overlaid with `files`."""
    merged: dict[str, str | bytes] = {**(VALID_SITE if base else {}), **files}
    for relative, text in merged.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def save_incursion(content: Path, text: str) -> None:
    """The fixture event's file saved with `text`, as an editor saves it."""
    (content / INCURSION_FILE).write_text(text, encoding="utf-8")


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path there, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def event(**changes: str) -> str:
    """The fixture event with some top-level lines replaced or added (key: raw YAML value)."""
    lines = EVENT_INCURSION.splitlines()
    for key, value in changes.items():
        replaced = [n for n, line in enumerate(lines) if line.startswith(f"{key}:")]
        if replaced:
            lines[replaced[0]] = f"{key}: {value}"
        else:
            lines.insert(1, f"{key}: {value}")
    return "\n".join(lines) + "\n"


BROKEN_SITES = {
    "a cycle": {"places/russia.yaml": "name: Russia\nkind: country\nwithin: kursk-oblast\n"},
    "bad references": {"events/2024/incursion.yaml": event(places="[moscow]", actors="[fsb]")},
    "a duplicate id": {"events/2023/incursion.yaml": EVENT_INCURSION},
    "a duplicate id with a bad reference": {"events/2023/incursion.yaml": event(places="[moscow]")},
    "a syntax error": {"events/2024/incursion.yaml": "title: [\n"},
    "schema errors": {"actors/russian-mod.yaml": "name: 5\nkind: Military\nextra: 1\n"},
    "a stray file": {"events/2024/notes.txt": "not content\n"},
}
"""Files that, laid over the valid site, break it at each stage of checking."""
