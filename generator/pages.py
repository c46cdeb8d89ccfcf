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

from generator import hubs, render, richtext, search, urls, views
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


def _timeline_pages(index: SiteIndex) -> list[PlannedPage]:
    site = index.site
    pages = [
        PlannedPage(
            out_path, "timeline.html", "timeline", view.heading, site.description, view, urls.feed()
        )
        for out_path, view in hubs.home_pages(index)
    ]
    pages += [
        PlannedPage(out_path, "timeline.html", "timeline", view.heading, view.intro, view)
        for out_path, view in hubs.archive_pages(index)
    ]
    return pages


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


def _index_pages(index: SiteIndex) -> list[PlannedPage]:
    lists = (
        (urls.actors_index(), "actors", hubs.actors_index(index)),
        (urls.places_index(), "places", hubs.places_index(index)),
        (urls.tags_index(), "tags", hubs.tags_index(index)),
    )
    pages = [
        PlannedPage(out_path, "list.html", section, view.heading, view.intro, view)
        for out_path, section, view in lists
    ]
    pages.append(
        PlannedPage(
            urls.sources_index(),
            "sources.html",
            "sources",
            "Sources",
            "Every source the timeline cites, with the events that cite it.",
            hubs.sources_page(index),
        )
    )
    view = search.search_page()
    pages.append(
        PlannedPage(urls.search(), "search.html", "search", view.heading, view.intro, view)
    )
    return pages


Unit = Callable[[], list[PlannedPage]]
"""Plans some pages when called; units are independent, so processes can share them out."""


def page_units(index: SiteIndex) -> list[Unit]:
    """Every page of the site as units of work, in a fixed order (cheap: nothing planned yet)."""
    units: list[Unit] = [
        functools.partial(_timeline_pages, index),
        functools.partial(_index_pages, index),
    ]
    units += [_single(_event_page, index, event) for event in index.events]
    units += [_single(_actor_page, index, actor_id) for actor_id in index.actors]
    units += [_single(_place_page, index, place_id) for place_id in index.places]
    units += [_single(_tag_page, index, tag) for tag in index.events_by_tag]
    return units


def _single(plan: Callable[[SiteIndex, Any], PlannedPage], index: SiteIndex, key: Any) -> Unit:
    return lambda: [plan(index, key)]


def plan_pages(index: SiteIndex) -> list[PlannedPage]:
    pages = [page for unit in page_units(index) for page in unit()]
    return sorted(pages, key=lambda page: page.out_path)


def render_planned(index: SiteIndex, page: PlannedPage) -> bytes:
    return render.render_page(page.template, frame=frame_for(index, page), page=page.view)


def render_pages(index: SiteIndex) -> dict[str, bytes]:
    """Every HTML page and static asset: out_path -> bytes, sorted, deterministic."""
    files = {page.out_path: render_planned(index, page) for page in plan_pages(index)}
    files.update(render.static_files())
    return dict(sorted(files.items()))
