"""Page keys: a hash of everything one page is made from, found without rendering it.

An incremental build renders a page again only when its key differs from the key the
previous build recorded for it; otherwise the published file is linked into the new
site unchanged. A key is cheap: it is made of *fingerprints*, the hash of each content
file's bytes (which the parsed-file cache computes anyway), combined along exactly the
lines the view functions in `views` and `hubs` read the index:

- an event as it appears in any list (`item`): its own file, plus the files of the
  actors and places it names, with every place's chain of places it lies within;
- an event page: its item, plus the items of every event it shows (previous and next,
  related events both ways, same-day events) and how many events share its day;
- a hub or archive page: its own file, the files of the actors or places it names, and
  the items of every event it lists, in order.

The site's own settings (`site.yaml` and `--base-url`) are in every key, and the code
that renders (templates included) is in the cache's own key, so a new generator version
starts from nothing. A dependency left out here would leave a page stale, which is why
`tests/test_incremental.py` compares incremental builds after each kind of edit with a
cold build, byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator import maps, search
from generator.hubs import Archive, CitedSource, TimelineShared
from generator.index import SiteIndex
from generator.model import Event
from generator.views import SAME_DAY_SHOWN

Key = bytes


KEY_BYTES = 16


def combine(label: str, *parts: bytes | str) -> Key:
    """One hash of labelled parts; lengths are hashed too, so no two lists collide.

    The parts are joined and hashed in one call: a rebuild computes some 150,000 keys,
    and a hasher update per part was most of their cost."""
    chunks = [label.encode()]
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        chunks += (len(data).to_bytes(4, "little"), data)
    return hashlib.blake2b(b"".join(chunks), digest_size=KEY_BYTES).digest()


def _each(label: str, keys: Iterable[Key]) -> Key:
    """A list of keys: each is KEY_BYTES long, so joined they need no lengths, and the
    label (never holding a NUL) ends at the first NUL."""
    return hashlib.blake2b(
        b"\0".join((label.encode(), b"".join(keys))), digest_size=KEY_BYTES
    ).digest()


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Per-build fingerprints: the site's settings, and every record's file and items."""

    site: Key
    actors: Mapping[str, Key]
    places: Mapping[str, Key]
    items: Mapping[str, Key]
    """Event id -> the key of the event as any list shows it."""
    links: Mapping[str, Key]
    """Event id -> the items of the events it relates to, then of those relating to it.
    The label says how many it relates to, and keys are of one length, so the two lists
    cannot run into each other. Its page and its fragment of every whole-site export
    both read them, so they are made once."""


def fingerprints(index: SiteIndex, file_digests: Mapping[str, bytes]) -> Fingerprints:
    """`file_digests`: source path -> hash of the file's bytes, for every content file."""
    site = combine("site", repr(index.site))
    actors = {
        a.id: combine("actor", a.source_path, file_digests[a.source_path])
        for a in index.actors.values()
    }
    places = {
        p.id: combine("place", p.source_path, file_digests[p.source_path])
        for p in index.places.values()
    }
    trails = {p: _each("trail", _trail(index, places, p)) for p in index.places}
    items = {
        e.id: combine(
            "item",
            e.source_path,
            file_digests[e.source_path],
            _each("actors", (actors[a] for a in search.actor_ids(e))),
            _each("places", (trails[p] for p in e.places)),
        )
        for e in index.events
    }
    links = {
        e.id: _each(
            f"links {len(e.related)}",
            [
                *(items[r.event] for r in e.related),
                *(items[b.source_event] for b in index.backlinks.get(e.id, ())),
            ],
        )
        for e in index.events
    }
    return Fingerprints(site, actors, places, items, links)


def _trail(index: SiteIndex, places: Mapping[str, Key], place_id: str) -> list[Key]:
    return [places[place_id], *(places[p.id] for p in index.place_ancestors(place_id))]


def _items(prints: Fingerprints, event_ids: Iterable[str]) -> Key:
    """`map` over the lookup, not a generator: hub pages list thousands of events."""
    return _each("items", map(prints.items.__getitem__, event_ids))


def _optional_item(prints: Fingerprints, event: Event | None) -> Key:
    return prints.items[event.id] if event is not None else b""


def event_page(index: SiteIndex, prints: Fingerprints, event: Event) -> Key:
    same_day = index.same_day.get(event.id, ())
    return combine(
        "event-page",
        prints.site,
        prints.items[event.id],
        prints.links[event.id],
        _optional_item(prints, index.previous_event(event.id)),
        _optional_item(prints, index.next_event(event.id)),
        _items(prints, same_day[:SAME_DAY_SHOWN]),
        str(len(same_day)),
    )


def actor_page(index: SiteIndex, prints: Fingerprints, actor_id: str) -> Key:
    return combine(
        "actor-page",
        prints.site,
        prints.actors[actor_id],
        _each("chain", (prints.actors[a.id] for a in index.actor_ancestors(actor_id))),
        _each("members", (prints.actors[m] for m in index.actor_members.get(actor_id, ()))),
        _items(prints, index.events_by_actor.get(actor_id, ())),
        _items(prints, (ref.event for ref in index.claims_by_actor.get(actor_id, ()))),
        repr([ref.claim.id for ref in index.claims_by_actor.get(actor_id, ())]),
    )


def place_page(index: SiteIndex, prints: Fingerprints, place_id: str) -> Key:
    return combine(
        "place-page",
        prints.site,
        _each("chain", _trail(index, prints.places, place_id)),
        _each("within", (prints.places[p.id] for p in maps.descendants(index, place_id))),
        _each("children", (prints.places[p] for p in index.place_children.get(place_id, ()))),
        _items(prints, index.events_by_place.get(place_id, ())),
    )


def tag_page(index: SiteIndex, prints: Fingerprints, tag: str) -> Key:
    return combine("tag-page", prints.site, tag, _items(prints, index.events_by_tag[tag]))


def timeline_shared(shared: TimelineShared) -> Key:
    return combine("timeline", repr(shared))


def home_page(
    prints: Fingerprints, shared: Key, number: int, chunk: tuple[Event, ...], total: int
) -> Key:
    return combine(
        "home-page",
        prints.site,
        shared,
        str(number),
        str(total),
        _items(prints, (e.id for e in chunk)),
    )


def archive_page(prints: Fingerprints, shared: Key, archive: Archive) -> Key:
    return combine(
        "archive-page",
        prints.site,
        shared,
        repr((archive.year, archive.month)),
        _items(prints, (e.id for e in archive.events)),
    )


def actors_index(index: SiteIndex, prints: Fingerprints) -> Key:
    counts = repr([len(index.events_by_actor.get(a, ())) for a in index.actors])
    return combine("actors-index", prints.site, _each("actors", prints.actors.values()), counts)


def places_index(index: SiteIndex, prints: Fingerprints) -> Key:
    counts = repr([len(index.events_by_place.get(p, ())) for p in index.places])
    return combine("places-index", prints.site, _each("places", prints.places.values()), counts)


def tags_index(index: SiteIndex, prints: Fingerprints) -> Key:
    counts = repr([(tag, len(ids)) for tag, ids in index.events_by_tag.items()])
    return combine("tags-index", prints.site, counts)


def sources_page(
    index: SiteIndex,
    prints: Fingerprints,
    *,
    number: int,
    chunk: tuple[CitedSource, ...],
    pages: int,
) -> Key:
    return combine(
        "sources-page",
        prints.site,
        f"{number}/{pages}/{len(index.citations)}",
        *(
            part
            for url, citations in chunk
            for part in (url, b"".join(prints.items[c.event] for c in citations))
        ),
    )


def search_page(index: SiteIndex, prints: Fingerprints) -> Key:
    """The page lists one search bundle per shard (year) that has events."""
    return combine("search-page", prints.site, *search.shard_names(index))


def search_shards(index: SiteIndex, prints: Fingerprints, indexer: str) -> dict[str, Key]:
    """The key of each shard's search bundle. The indexer reads an event page's article
    less the sections marked `data-pagefind-ignore` (related and same-day events), and
    that is made of the event as any list shows it (its item) and the site's settings.
    Keying on the pages' bytes instead would re-index a year whenever an edit elsewhere
    changed its pages' previous, next or related links."""
    return {
        shard: combine(
            "search-shard",
            indexer,
            prints.site,
            *(part for e in event_ids for part in (e, prints.items[e])),
        )
        for shard, event_ids in search.shards(index).items()
    }


def whole_site(index: SiteIndex, prints: Fingerprints) -> Key:
    """Every event, actor and place: for the files made from the whole site."""
    return combine(
        "whole-site",
        prints.site,
        _items(prints, (e.id for e in index.events)),
        _each("actors", prints.actors.values()),
        _each("places", prints.places.values()),
    )


def unchanging(prints: Fingerprints) -> Key:
    """A file made from the program alone (whose version is in the cache's key)."""
    return combine("unchanging")


def feed(prints: Fingerprints, hub: tuple[str, str, tuple[str, ...]]) -> Key:
    out_path, name, event_ids = hub
    return combine("feed", prints.site, out_path, name, _items(prints, event_ids))


def listed_keys(prints: Fingerprints) -> dict[str, bytes]:
    """Per event: what the parts of its list item that no page changes are made from
    (`views.ListedParts`: its date, places and summary laid out, its filter facets): its
    item and the site's settings (the time zone its time is shown in). Two keys joined,
    not hashed again: ten thousand hashes would cost more than the dictionary lookups."""
    return {event_id: prints.site + item for event_id, item in prints.items.items()}


def fragments(index: SiteIndex, prints: Fingerprints) -> dict[str, Key]:
    """Per event: what its fragment of each whole-site export is made from."""
    return {
        event.id: combine(
            "fragment",
            prints.site,
            prints.items[event.id],
            prints.links[event.id],
        )
        for event in index.events
    }
