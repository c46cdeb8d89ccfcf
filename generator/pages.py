"""The plan of every HTML page of the site, and `render_pages` that renders the plan.

`plan_pages` decides which pages exist and what each one receives; it reads the index
and nothing else, and returns the pages sorted by output path, so the same content
always gives the same bytes. Rendering a planned page is only filling its template.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import hubs, render, richtext, search, urls, views
from generator.index import SiteIndex
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


def _event_pages(index: SiteIndex) -> list[PlannedPage]:
    return [
        PlannedPage(
            urls.event(event.id),
            "event.html",
            "timeline",
            event.title,
            event.summary,
            views.event_page(index, event, richtext.json_for_script(event_json_ld(index, event))),
        )
        for event in index.events
    ]


def _hub_pages(index: SiteIndex) -> list[PlannedPage]:
    pages = []
    for actor in index.actors.values():
        out_path = urls.actor(actor.id)
        pages.append(
            PlannedPage(
                out_path,
                "actor.html",
                "actors",
                actor.name,
                f"Events involving {actor.name} and the claims they made.",
                hubs.actor_page(index, actor.id),
                urls.feed(out_path),
            )
        )
    for place in index.places.values():
        out_path = urls.place(place.id)
        pages.append(
            PlannedPage(
                out_path,
                "place.html",
                "places",
                place.name,
                f"Events in {place.name} and the places within it.",
                hubs.place_page(index, place.id),
                urls.feed(out_path),
            )
        )
    for tag in index.events_by_tag:
        out_path = urls.tag(tag)
        pages.append(
            PlannedPage(
                out_path,
                "tag.html",
                "tags",
                f"Tag: {tag}",
                f"Events tagged {tag}.",
                hubs.tag_page(index, tag),
                urls.feed(out_path),
            )
        )
    return pages


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


def plan_pages(index: SiteIndex) -> list[PlannedPage]:
    pages = [
        *_timeline_pages(index),
        *_event_pages(index),
        *_hub_pages(index),
        *_index_pages(index),
    ]
    return sorted(pages, key=lambda page: page.out_path)


def render_pages(index: SiteIndex) -> dict[str, bytes]:
    """Every HTML page and static asset: out_path -> bytes, sorted, deterministic."""
    files = {
        page.out_path: render.render_page(
            page.template, frame=frame_for(index, page), page=page.view
        )
        for page in plan_pages(index)
    }
    files.update(render.static_files())
    return dict(sorted(files.items()))
