"""Write a synthetic, valid content folder of N events for the benchmarks.

The same seed always gives byte-identical files, so every tool in the benchmark reads
the same site and figures from two runs can be compared. The content is shaped like the
real thing: a place hierarchy with aliases, actors that belong to other actors, claims
that reuse figure names (so the side-by-side tables occur), typed links to earlier
events and dates of every precision the format allows.

Usage: python bench/generate.py --events 1000 --seed 1 --out bench/.work/content-1000-1
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

COUNTRIES = 8
REGIONS_PER_COUNTRY = 4
PLACES = 200
ACTORS = 300
TAGS = 50
FIRST_YEAR = 2019
YEARS = 7

SYLLABLES = [
    "ka",
    "ro",
    "vi",
    "len",
    "mar",
    "to",
    "sha",
    "bel",
    "gor",
    "dni",
    "pro",
    "kur",
    "ryaz",
    "ni",
    "zh",
    "ov",
    "sk",
    "an",
    "ta",
    "mi",
    "lo",
    "ve",
    "ku",
    "sta",
    "re",
    "po",
    "da",
    "cha",
    "lu",
    "yar",
    "ze",
]
WORDS = [
    "the",
    "report",
    "said",
    "forces",
    "village",
    "border",
    "attack",
    "drone",
    "strike",
    "officials",
    "residents",
    "shelling",
    "damage",
    "homes",
    "regional",
    "governor",
    "according",
    "statement",
    "morning",
    "evening",
    "local",
    "authorities",
    "confirmed",
    "injured",
    "civilians",
    "killed",
    "infrastructure",
    "power",
    "station",
    "bridge",
    "road",
    "convoy",
    "units",
    "crossed",
    "area",
    "district",
    "reported",
    "several",
    "witnesses",
    "video",
    "footage",
    "verified",
    "independently",
    "ministry",
    "defence",
    "claimed",
    "destroyed",
    "positions",
    "artillery",
    "fire",
    "continued",
    "overnight",
    "hours",
    "after",
    "before",
    "during",
    "near",
    "outskirts",
    "town",
    "centre",
    "school",
    "hospital",
    "market",
    "were",
    "was",
    "had",
    "been",
    "not",
    "could",
    "be",
    "and",
    "of",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "for",
    "a",
    "an",
    "to",
    "that",
    "which",
    "later",
    "also",
]
ACTOR_KINDS = ("armed-group", "military", "government", "person", "organisation", "media")
FIGURES = ("killed", "injured", "displaced", "detained")
STATUSES = ("unverified", "disputed", "confirmed", "refuted")
RELATION_KINDS = ("related", "part-of", "follows", "response-to", "context")
ZONES = ("Europe/Kyiv", "Europe/Moscow", "UTC", "Europe/Berlin")
PUBLISHERS = ("Example News", "Daily Observer", "Wire Agency", "Border Monitor", "Field Notes")


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    kind: str
    within: str | None
    lat: float
    lon: float
    aliases: tuple[str, ...]


def quoted(text: str) -> str:
    """JSON strings are valid YAML scalars, so quoting this way never changes a value's type."""
    return json.dumps(text, ensure_ascii=False)


def name_for(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def slug(text: str) -> str:
    return "-".join(text.lower().split())


def make_places(rng: random.Random) -> list[Place]:
    """Countries, then regions within them, then towns within regions: a three-level tree."""
    places: list[Place] = []
    kinds: list[tuple[str, str | None]] = [("country", None)] * COUNTRIES
    regions = COUNTRIES * REGIONS_PER_COUNTRY
    kinds += [("region", f"p{n % COUNTRIES:03d}") for n in range(regions)]
    kinds += [("town", f"p{COUNTRIES + n % regions:03d}") for n in range(PLACES - len(kinds))]
    for n, (kind, within) in enumerate(kinds):
        name = name_for(rng, 3)
        aliases = (name_for(rng, 3),) if rng.random() < 0.3 else ()
        lat, lon = round(rng.uniform(44.0, 56.0), 4), round(rng.uniform(22.0, 45.0), 4)
        places.append(Place(f"p{n:03d}", name, kind, within, lat, lon, aliases))
    return places


def place_yaml(place: Place, ids: dict[str, str]) -> str:
    lines = [f"name: {quoted(place.name)}", f"kind: {place.kind}"]
    if place.within is not None:
        lines.append(f"within: {ids[place.within]}")
    lines.append(f"coordinates: [{place.lat}, {place.lon}]")
    if place.aliases:
        lines.append("aliases:")
        lines += [f"  - {quoted(alias)}" for alias in place.aliases]
    lines.append(f"description: {quoted(f'A {place.kind} used by the benchmark.')}")
    return "\n".join(lines) + "\n"


def actor_yaml(rng: random.Random, n: int, ids: list[str]) -> str:
    lines = [f"name: {quoted(ids[n].replace('-', ' ').title())}"]
    lines.append(f"kind: {rng.choice(ACTOR_KINDS)}")
    if rng.random() < 0.2:
        lines.append(f"aliases: [{quoted(name_for(rng, 4))}]")
    if n > 10 and rng.random() < 0.3:
        lines.append(f"part_of: {ids[rng.randrange(0, n)]}")
    lines.append(f"description: {quoted('An actor used by the benchmark.')}")
    return "\n".join(lines) + "\n"


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, event_id: str) -> str:
    """About 240 words: three paragraphs, a list, emphasis and a link."""
    paragraphs = []
    for _ in range(3):
        words = [sentence(rng, rng.randint(10, 16)) for _ in range(5)]
        words[1] = words[1][:-1] + f" *{rng.choice(WORDS)}* {rng.choice(WORDS)}."
        paragraphs.append(" ".join(words))
    link = f"[the {rng.choice(WORDS)} report](https://example.org/context/{event_id})"
    paragraphs[2] += f" See **{link}** for context."
    items = "\n".join(f"- {sentence(rng, rng.randint(4, 8))}" for _ in range(3))
    return "\n\n".join([paragraphs[0], paragraphs[1], items, paragraphs[2]])


def event_date(rng: random.Random, n: int, total: int) -> tuple[str, list[str]]:
    """Events spread evenly over the years in order, so ids sort like dates."""
    day = int(n * YEARS * 365 / max(total, 1))
    year, day_of_year = FIRST_YEAR + day // 365, day % 365
    month, mday = 1 + day_of_year // 31 % 12, 1 + day_of_year % 28
    roll = rng.random()
    if roll < 0.03:
        return f"{year}", [f"date: '{year}'"]
    if roll < 0.10:
        return f"{year}-{month:02d}", [f"date: {year}-{month:02d}"]
    text = f"{year}-{month:02d}-{mday:02d}"
    lines = [f"date: {text}"]
    if roll < 0.20:
        lines.append(f"end: {year}-{month:02d}-{min(mday + rng.randint(1, 3), 28):02d}")
    elif roll < 0.35:
        lines.append(f"time: '{rng.randrange(24):02d}:{rng.randrange(60):02d}'")
        lines.append(f"timezone: {rng.choice(ZONES)}")
    return text, lines


def sources_yaml(rng: random.Random, event_id: str, published: str) -> tuple[list[str], list[str]]:
    urls = [f"https://example.org/{event_id}/report-{k}" for k in range(rng.randint(1, 3))]
    lines = ["sources:"]
    for url in urls:
        lines.append(f"  - url: {url}")
        lines.append(f"    title: {quoted(sentence(rng, 6)[:-1])}")
        lines.append(f"    publisher: {quoted(rng.choice(PUBLISHERS))}")
        lines.append(f"    published: {published}")
        lines.append(f"    archived: https://web.archive.org/web/2024/{url}")
    return urls, lines


def claims_yaml(rng: random.Random, actors: list[str], urls: list[str], day: str) -> list[str]:
    count = rng.choice((0, 0, 1, 1, 2, 3))
    if not count:
        return []
    lines = ["claims:"]
    figure_names = rng.sample(FIGURES, 2)
    for k in range(count):
        lines.append(f"  - id: claim-{k + 1}")
        lines.append(f"    by: {rng.choice(actors)}")
        lines.append(f"    text: {quoted(sentence(rng, 9))}")
        lines.append(f"    status: {rng.choice(STATUSES)}")
        lines.append(f"    date: {day}")
        lines.append("    figures:")
        for name in figure_names[: rng.randint(1, 2)]:
            low = rng.randrange(0, 60)
            value = f"[{low}, {low + rng.randrange(1, 9)}]" if rng.random() < 0.2 else f"{low}"
            lines.append(f"      {name}: {value}")
        lines.append(f"    source: {rng.choice(urls)}")
    return lines


def related_yaml(rng: random.Random, n: int, event_ids: list[str]) -> list[str]:
    if n == 0 or rng.random() < 0.5:
        return []
    targets = sorted({rng.randrange(max(0, n - 200), n) for _ in range(rng.randint(1, 3))})
    lines = ["related:"]
    for target in targets:
        lines.append(f"  - event: {event_ids[target]}")
        lines.append(f"    kind: {rng.choice(RELATION_KINDS)}")
        if rng.random() < 0.3:
            lines.append(f"    note: {quoted(sentence(rng, 7))}")
    return lines


@dataclass(frozen=True, slots=True)
class World:
    place_ids: list[str]
    actor_ids: list[str]
    tags: list[str]
    event_ids: list[str]


def id_list(key: str, ids: list[str]) -> list[str]:
    return [f"{key}: [{', '.join(ids)}]"] if ids else []


def event_yaml(rng: random.Random, n: int, total: int, world: World) -> str:
    event_id = world.event_ids[n]
    day, date_lines = event_date(rng, n, total)
    published = day if len(day) == 10 else f"{day[:4]}-12-31"
    title = sentence(rng, rng.randint(5, 9))[:-1]
    lines = [f"title: {quoted(title)}", *date_lines]
    lines.append(f"summary: {quoted(sentence(rng, 14) + ' ' + sentence(rng, 10))}")
    lines.append("body: |")
    lines += [f"  {line}" if line else "" for line in body(rng, event_id).split("\n")]
    lines += id_list("places", sorted(rng.sample(world.place_ids, rng.randint(1, 2))))
    actors = sorted(rng.sample(world.actor_ids, rng.randint(1, 3)))
    lines += id_list("actors", actors)
    lines += id_list("tags", sorted(rng.sample(world.tags, rng.randint(1, 3))))
    urls, source_lines = sources_yaml(rng, event_id, published)
    lines += claims_yaml(rng, actors, urls, published)
    lines += source_lines
    lines += related_yaml(rng, n, world.event_ids)
    return "\n".join(lines) + "\n"


SITE_YAML = """\
title: Benchmark timeline
description: Synthetic events for the benchmarks.
base_url: https://bench.example.org/
language: en
timezone: UTC
per_page: 50
"""


def make_world(rng: random.Random, events: int) -> tuple[World, list[Place]]:
    places = make_places(rng)
    place_ids = {p.id: f"{slug(p.name).lower()}-{p.id[1:]}" for p in places}
    actor_ids = [f"{name_for(rng, 2).lower()}-{n:03d}" for n in range(ACTORS)]
    tags = [f"{rng.choice(WORDS)}-{n:02d}" for n in range(TAGS)]
    event_ids = [f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{n:06d}" for n in range(events)]
    world = World([place_ids[p.id] for p in places], actor_ids, tags, event_ids)
    return world, places


def generate(events: int, seed: int) -> dict[str, str]:
    """Every file of the content folder, as relative path -> text."""
    rng = random.Random(seed)
    world, places = make_world(rng, events)
    files = {"site.yaml": SITE_YAML}
    ids = dict(zip([p.id for p in places], world.place_ids, strict=True))
    for place in places:
        files[f"places/{ids[place.id]}.yaml"] = place_yaml(place, ids)
    for n, actor_id in enumerate(world.actor_ids):
        files[f"actors/{actor_id}.yaml"] = actor_yaml(rng, n, world.actor_ids)
    for n, event_id in enumerate(world.event_ids):
        year = FIRST_YEAR + int(n * YEARS / max(events, 1))
        files[f"events/{year}/{event_id}.yaml"] = event_yaml(rng, n, events, world)
    return files


def write_tree(files: dict[str, str], out: Path) -> None:
    """Replaces `out` entirely, so a smaller site never keeps a bigger one's leftovers."""
    if out.exists():
        shutil.rmtree(out)
    for relative, text in sorted(files.items()):
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_tree(generate(args.events, args.seed), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
