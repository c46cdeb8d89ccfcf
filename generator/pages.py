"""The plan of every HTML page of the site, and `render_pages` that renders the plan.

`plan_pages` decides which pages exist and what each one receives; it reads the index
and nothing else, and returns the pages sorted by output path, so the same content
always gives the same bytes. Rendering a planned page is only filling its template.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator import hubs, pagekeys, render, richtext, search, urls, views
from generator.index import SiteIndex
from generator.model import Event
from generator.structured import event_json_ld

STYLESHEET = "style.css"

NAV = (
    ("timeline", "Timeline", urls.home()),
    ("actors", "Actors", urls.actors_index()),
    ("places", "Places", urls.places_index()),
    ("tags", "Tags", urls.tags_index()),
    ("sources", "Sources", urls.sources_index()),
)

DATA_LINKS = (
    ("Atom feed", urls.feed()),
    ("JSON", "events.json"),
    ("CSV", "events.csv"),
    ("Calendar (iCalendar)", "events.ics"),
    ("GeoJSON", "events.geojson"),
    ("TimelineJS", "timelinejs.json"),
)


@dataclass(frozen=True, slots=True)
class NavItem:
    url: str
    text: str
    current: bool


@dataclass(frozen=True, slots=True)
class Frame:
    """What every page shares: head, masthead, navigation and footer."""

    lang: str
    site_title: str
    title: str
    description: str
    canonical: str
    stylesheet: str
    icon: str
    filter_script: str
    search: str
    home: str
    nav: tuple[NavItem, ...]
    data_links: tuple[views.Link, ...]
    feed: views.Link | None


@dataclass(frozen=True, slots=True)
class PlannedPage:
    out_path: str
    template: str
    section: str
    title: str
    description: str
    view: object
    feed: str | None = None


def frame_for(index: SiteIndex, page: PlannedPage) -> Frame:
    site = index.site
    linker = views.Linker(index, page.out_path)
    title = site.title if page.title == site.title else f"{page.title} – {site.title}"
    return Frame(
        lang=site.language,
        site_title=site.title,
        title=title,
        description=page.description,
        canonical=urls.absolute(site.base_url, page.out_path),
        stylesheet=linker.to(urls.static(STYLESHEET)),
        icon=linker.to(urls.static("icon.svg")),
        filter_script=linker.to(urls.static("filter.js")),
        search=linker.to(urls.search()),
        home=linker.to(urls.home()),
        nav=tuple(NavItem(linker.to(path), text, key == page.section) for key, text, path in NAV),
        data_links=tuple(views.Link(linker.to(path), text) for text, path in DATA_LINKS),
        feed=views.Link(linker.to(page.feed), f"{page.title} (Atom)") if page.feed else None,
    )


def _event_page(index: SiteIndex, event: Event) -> PlannedPage:
    return PlannedPage(
        urls.event(event.id),
        "event.html",
        "timeline",
        event.title,
        event.summary,
        views.event_page(index, event, richtext.json_for_script(event_json_ld(index, event))),
    )


def _actor_page(index: SiteIndex, actor_id: str) -> PlannedPage:
    actor = index.actors[actor_id]
    out_path = urls.actor(actor.id)
    return PlannedPage(
        out_path,
        "actor.html",
        "actors",
        actor.name,
        f"Events involving {actor.name} and the claims they made.",
        hubs.actor_page(index, actor.id),
        urls.feed(out_path),
    )


def _place_page(index: SiteIndex, place_id: str) -> PlannedPage:
    place = index.places[place_id]
    out_path = urls.place(place.id)
    return PlannedPage(
        out_path,
        "place.html",
        "places",
        place.name,
        f"Events in {place.name} and the places within it.",
        hubs.place_page(index, place.id),
        urls.feed(out_path),
    )


def _tag_page(index: SiteIndex, tag: str) -> PlannedPage:
    out_path = urls.tag(tag)
    return PlannedPage(
        out_path,
        "tag.html",
        "tags",
        f"Tag: {tag}",
        f"Events tagged {tag}.",
        hubs.tag_page(index, tag),
        urls.feed(out_path),
    )


@dataclass(frozen=True, slots=True)
class Unit:
    """Some pages, planned only when `plan` is called; units are independent of each other.

    `name` names the unit the same way in every build, `out_paths` are the pages it
    makes (known without planning them) and `key(prints)` is the page key of
    `pagekeys`: an incremental build reuses the published pages of a unit whose key
    did not change, and plans and renders only the others.
    """

    name: str
    out_paths: tuple[str, ...]
    plan: Callable[[], list[PlannedPage]]
    key: Callable[[pagekeys.Fingerprints], pagekeys.Key]


def _timeline_units(index: SiteIndex) -> list[Unit]:
    site = index.site
    shared = hubs.timeline_shared(index)
    shared_key = pagekeys.timeline_shared(shared)
    total = len(index.events)

    def home(number: int, chunk: tuple[Event, ...]) -> list[PlannedPage]:
        view = hubs.home_page(index, number, chunk, shared)
        return [
            PlannedPage(
                urls.home(number),
                "timeline.html",
                "timeline",
                view.heading,
                site.description,
                view,
                urls.feed(),
            )
        ]

    def archive(entry: hubs.Archive) -> list[PlannedPage]:
        view = hubs.archive_page(index, entry, shared.calendar)
        return [
            PlannedPage(entry.out_path, "timeline.html", "timeline", view.heading, view.intro, view)
        ]

    units = [
        Unit(
            f"home:{number}",
            (urls.home(number),),
            functools.partial(home, number, chunk),
            functools.partial(_home_key, shared_key, number, chunk, total),
        )
        for number, chunk in enumerate(hubs.timeline_chunks(index), start=1)
    ]
    units += [
        Unit(
            f"archive:{entry.out_path}",
            (entry.out_path,),
            functools.partial(archive, entry),
            functools.partial(_archive_key, shared_key, entry),
        )
        for entry in hubs.archives(index)
    ]
    return units


def _home_key(
    shared: pagekeys.Key,
    number: int,
    chunk: tuple[Event, ...],
    total: int,
    prints: pagekeys.Fingerprints,
) -> pagekeys.Key:
    return pagekeys.home_page(prints, shared, number, chunk, total)


def _archive_key(
    shared: pagekeys.Key, entry: hubs.Archive, prints: pagekeys.Fingerprints
) -> pagekeys.Key:
    return pagekeys.archive_page(prints, shared, entry)


def _index_units(index: SiteIndex) -> list[Unit]:
    def one(
        name: str,
        out_path: str,
        plan: Callable[[], PlannedPage],
        key: Callable[[pagekeys.Fingerprints], pagekeys.Key],
    ) -> Unit:
        return Unit(name, (out_path,), lambda: [plan()], key)

    def listing(
        out_path: str, section: str, view_of: Callable[[SiteIndex], hubs.ListPage]
    ) -> PlannedPage:
        view = view_of(index)
        return PlannedPage(out_path, "list.html", section, view.heading, view.intro, view)

    listings = (
        ("actors", urls.actors_index(), hubs.actors_index, pagekeys.actors_index),
        ("places", urls.places_index(), hubs.places_index, pagekeys.places_index),
        ("tags", urls.tags_index(), hubs.tags_index, pagekeys.tags_index),
    )

    chunks = hubs.sources_chunks(index)

    def sources(number: int, chunk: tuple[hubs.CitedSource, ...]) -> PlannedPage:
        view = hubs.sources_page(index, number, chunk, len(chunks))
        return PlannedPage(
            urls.sources_index(number),
            "sources.html",
            "sources",
            view.heading,
            "Every source the timeline cites, with the events that cite it.",
            view,
        )

    def search_page() -> PlannedPage:
        view = search.search_page(search.shard_names(index))
        return PlannedPage(urls.search(), "search.html", "search", view.heading, view.intro, view)

    return [
        *(
            one(
                f"index:{section}",
                out_path,
                functools.partial(listing, out_path, section, view_of),
                functools.partial(key, index),
            )
            for section, out_path, view_of, key in listings
        ),
        one(
            "index:search",
            urls.search(),
            search_page,
            functools.partial(pagekeys.search_page, index),
        ),
        *(
            one(
                f"index:sources:{number}",
                urls.sources_index(number),
                functools.partial(sources, number, chunk),
                functools.partial(
                    pagekeys.sources_page, index, number=number, chunk=chunk, pages=len(chunks)
                ),
            )
            for number, chunk in enumerate(chunks, start=1)
        ),
    ]


def _single(
    name: str,
    out_path: str,
    plan: Callable[[SiteIndex, Any], PlannedPage],
    key: Callable[[SiteIndex, pagekeys.Fingerprints, Any], pagekeys.Key],
    index: SiteIndex,
    subject: Any,
) -> Unit:
    return Unit(
        f"{name}:{out_path}",
        (out_path,),
        lambda: [plan(index, subject)],
        lambda prints: key(index, prints, subject),
    )


def page_units(index: SiteIndex) -> list[Unit]:
    """Every page of the site as units of work, in a fixed order (cheap: nothing planned yet)."""
    units = _timeline_units(index) + _index_units(index)
    units += [
        _single("event", urls.event(e.id), _event_page, pagekeys.event_page, index, e)
        for e in index.events
    ]
    units += [
        _single("actor", urls.actor(a), _actor_page, pagekeys.actor_page, index, a)
        for a in index.actors
    ]
    units += [
        _single("place", urls.place(p), _place_page, pagekeys.place_page, index, p)
        for p in index.places
    ]
    units += [
        _single("tag", urls.tag(t), _tag_page, pagekeys.tag_page, index, t)
        for t in index.events_by_tag
    ]
    return units


def plan_pages(index: SiteIndex) -> list[PlannedPage]:
    pages = [page for unit in page_units(index) for page in unit.plan()]
    return sorted(pages, key=lambda page: page.out_path)


def render_planned(index: SiteIndex, page: PlannedPage) -> bytes:
    return render.render_page(page.template, frame=frame_for(index, page), page=page.view)


def render_pages(index: SiteIndex) -> dict[str, bytes]:
    """Every HTML page and static asset: out_path -> bytes, sorted, deterministic."""
    files = {page.out_path: render_planned(index, page) for page in plan_pages(index)}
    files.update(render.static_files())
    return dict(sorted(files.items()))
