"""Seeded random runs of edits rebuild, after every step, to the bytes of a cold build.

`test_incremental.py` makes each kind of edit alone, on a fresh site. Editors make them
together and in a row: a renamed event whose page was just re-keyed by a date edit, a
deleted event that three others linked to, a place moved under another region in the
same save as a title edit. Each step here makes two to four random edits (an event's
title, date, links, actors, places, tags, claims or figures; a deleted, added or renamed
event; a renamed actor or place; an actor moved under another; a town moved to another
region; a new page size; a file touched but unchanged), sometimes waits out the
one-second mtime guard so that unchanged files are vouched for by their stats alone,
rebuilds with the cache and compares the whole output with a cold build. The runs are
seeded, so a failure is repeatable by its seed and step.
"""

from __future__ import annotations

import datetime
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.test_incremental import build, cold, events, make_content, tree

Edit = Callable[[Path, random.Random], None]
RELATION_KINDS = ("related", "part-of", "follows", "response-to", "context")


def read(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def files(content: Path, folder: str) -> list[Path]:
    return sorted((content / folder).glob("*.yaml"))


def of_kind(content: Path, kind: str) -> list[Path]:
    return [p for p in files(content, "places") if read(p).get("kind") == kind]


def edit_event(change: Callable[[dict[str, Any], Path, random.Random], None]) -> Edit:
    def edit(content: Path, rng: random.Random) -> None:
        path = rng.choice(events(content))
        data = read(path)
        change(data, content, rng)
        write(path, data)

    return edit


def _random_date(rng: random.Random) -> object:
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    precision = rng.random()
    if precision < 0.7:
        return datetime.date(year, month, day)
    return f"{year}-{month:02d}" if precision < 0.85 else str(year)


def _new_date(data: dict[str, Any], _content: Path, rng: random.Random) -> None:
    """Dates that must not precede the event's (its end, a claim's, a source's) go."""
    data["date"] = _random_date(rng)
    for field in ("end", "time", "timezone"):
        data.pop(field, None)
    for claim in data.get("claims") or ():
        claim.pop("date", None)
    for source in data.get("sources") or ():
        source.pop("published", None)


def link_another(content: Path, rng: random.Random) -> None:
    """A link to an event not linked yet (never to itself)."""
    path, target = rng.sample(events(content), 2)
    data = read(path)
    related = data.get("related") or []
    if target.stem not in {r["event"] for r in related}:
        data["related"] = [*related, {"event": target.stem, "kind": rng.choice(RELATION_KINDS)}]
        write(path, data)


def _unlink_last(data: dict[str, Any], _content: Path, _rng: random.Random) -> None:
    if data.get("related"):
        data["related"] = data["related"][:-1] or None
    if data.get("related") is None:
        data.pop("related", None)


def _new_actors(data: dict[str, Any], content: Path, rng: random.Random) -> None:
    data["actors"] = sorted({p.stem for p in rng.sample(files(content, "actors"), 3)})
    for claim in data.get("claims") or ():
        claim["by"] = data["actors"][0]


def _new_claim(data: dict[str, Any], _content: Path, rng: random.Random) -> None:
    if data.get("actors") and data.get("sources"):
        claims = data.get("claims") or []
        claims.append(
            {
                "id": f"claim-{len(claims) + 9}",
                "by": data["actors"][0],
                "text": "A new claim.",
                "status": rng.choice(["unverified", "confirmed", "disputed", "refuted"]),
                "figures": {rng.choice(["killed", "injured", "detained"]): rng.randint(1, 500)},
                "source": data["sources"][0]["url"],
            }
        )
        data["claims"] = claims


def _new_figures(data: dict[str, Any], _content: Path, rng: random.Random) -> None:
    for claim in data.get("claims") or ():
        for name in claim.get("figures") or {}:
            claim["figures"][name] = rng.randint(1, 999)


def delete_event(content: Path, rng: random.Random) -> None:
    """Deleted with the links to it, as an editor must for `check` to pass."""
    path = rng.choice(events(content))
    path.unlink()
    for other in events(content):
        data = read(other)
        kept = [r for r in data.get("related") or () if r["event"] != path.stem]
        if kept != (data.get("related") or []):
            data["related"] = kept or None
            if not kept:
                data.pop("related")
            write(other, data)


def rename_event(content: Path, rng: random.Random) -> None:
    """A new file name is a new id: every link to the old one follows."""
    path = rng.choice(events(content))
    new_id = f"{path.stem}-moved"
    path.rename(path.with_name(f"{new_id}.yaml"))
    for other in events(content):
        text = other.read_text(encoding="utf-8")
        if f"event: {path.stem}\n" in text:
            other.write_text(text.replace(f"event: {path.stem}\n", f"event: {new_id}\n"))


def add_event(content: Path, rng: random.Random) -> None:
    path = rng.choice(events(content))
    data = read(path)
    data["title"] = f"Also: {data['title']}"
    data.pop("related", None)
    write(path.with_name(f"zz-added-{rng.randrange(10**6):06d}.yaml"), data)


def rename_one_of(folder: str, suffix: str) -> Edit:
    """An actor or place given a longer name, its id (the file name) kept."""

    def edit(content: Path, rng: random.Random) -> None:
        path = rng.choice(files(content, folder))
        data = read(path)
        data["name"] = f"{data['name']}{suffix}"
        write(path, data)

    return edit


def move_actor(content: Path, rng: random.Random) -> None:
    """Under an actor that is part of none, so no cycle is made; or out from under one."""
    path, parent = rng.sample(files(content, "actors"), 2)
    data = read(path)
    if "part_of" in data:
        data.pop("part_of")
    elif "part_of" not in read(parent):
        data["part_of"] = parent.stem
    write(path, data)


def move_town(content: Path, rng: random.Random) -> None:
    path = rng.choice(of_kind(content, "town"))
    data = read(path)
    data["within"] = rng.choice(of_kind(content, "region")).stem
    write(path, data)


def new_page_size(content: Path, rng: random.Random) -> None:
    path = content / "site.yaml"
    data = read(path)
    data["per_page"] = rng.choice([5, 7, 10, 50])
    write(path, data)


def touch(content: Path, rng: random.Random) -> None:
    os.utime(rng.choice(events(content)))


def same_size_title(content: Path, rng: random.Random) -> None:
    """One letter of a title replaced: same size, new bytes, maybe the same mtime tick."""
    path = rng.choice(events(content))
    text = path.read_text(encoding="utf-8")
    at = text.index("title: ") + 8
    path.write_text(text[:at] + rng.choice("ABCDEFGH") + text[at + 1 :], encoding="utf-8")


EDITS: dict[str, Edit] = {
    "title": edit_event(lambda d, _c, r: d.update(title=f"{d['title']} {r.randint(0, 9)}")),
    "summary": edit_event(lambda d, _c, r: d.update(summary=f"Revised {r.random()}.")),
    "body": edit_event(lambda d, _c, _r: d.update(body=f"{d.get('body', '')}\n\nMore *text*.")),
    "date": edit_event(_new_date),
    "link added": link_another,
    "link removed": edit_event(_unlink_last),
    "actors": edit_event(_new_actors),
    "places": edit_event(
        lambda d, c, r: d.update(places=sorted({p.stem for p in r.sample(files(c, "places"), 2)}))
    ),
    "tags": edit_event(
        lambda d, _c, r: d.update(tags=sorted({f"tag-{r.randint(0, 9)}" for _ in range(3)}))
    ),
    "claim added": edit_event(_new_claim),
    "figures": edit_event(_new_figures),
    "event deleted": delete_event,
    "event renamed": rename_event,
    "event added": add_event,
    "actor renamed": rename_one_of("actors", " Renamed"),
    "actor moved": move_actor,
    "place renamed": rename_one_of("places", "ovo"),
    "town moved": move_town,
    "page size": new_page_size,
    "touched": touch,
    "same-size title": same_size_title,
}


def rebuild_after_random_edits(folder: Path, seed: int, steps: int) -> None:
    rng = random.Random(seed)
    content = make_content(folder / "content", events=30, seed=seed)
    out = folder / "site"
    build(content, out, "--no-search")
    for step in range(steps):
        made = [rng.choice(sorted(EDITS)) for _ in range(rng.randint(2, 4))]
        for name in made:
            EDITS[name](content, rng)
        if rng.random() < 0.3:
            time.sleep(1.05)
        build(content, out, "--no-search")
        assert tree(out) == cold(content, folder), f"seed {seed}, step {step}: {made}"


def test_random_runs_of_edits_rebuild_to_the_bytes_of_a_cold_build(tmp_path: Path):
    """One seed and a few steps keep the suite quick: each step is a build and a cold
    build. Longer runs: `rebuild_after_random_edits(folder, seed, steps)`."""
    rebuild_after_random_edits(tmp_path, seed=1, steps=5)
