"""What templates receive: small frozen records made from the index for one page.

Templates never see the index. Every link in a view is already relative to the page
that shows it (`Linker.here`), every collection is already sorted, and every piece of
uncertainty the content records (approximate dates, reduced precision, claim status,
figure ranges) is already turned into the words a reader sees. A template only lays
the records out, so what a page says is decided, and tested, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import render, richtext, search, urls
from generator.dates import PartialDate, format_date, format_range
from generator.frozen import pickled_as_constructor
from generator.index import SiteIndex
from generator.model import Claim, ClaimStatus, Event, Figure, RelationKind, Source
from generator.structured import start_date

STATUS_LABELS = {
    ClaimStatus.UNVERIFIED: "Unverified",
    ClaimStatus.DISPUTED: "Disputed",
    ClaimStatus.CONFIRMED: "Confirmed",
    ClaimStatus.REFUTED: "Refuted",
}

OUTGOING_LABELS = {
    RelationKind.RELATED: "Related",
    RelationKind.PART_OF: "Part of",
    RelationKind.FOLLOWS: "Follows",
    RelationKind.RESPONSE_TO: "In response to",
    RelationKind.CONTEXT: "Context",
}

INCOMING_LABELS = {
    RelationKind.RELATED: "Related",
    RelationKind.PART_OF: "Includes",
    RelationKind.FOLLOWS: "Followed by",
    RelationKind.RESPONSE_TO: "Responses",
    RelationKind.CONTEXT: "Provides context for",
}

NO_HEADLINE = "headline not recorded"


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class When:
    """A date as written (`c. March 2024`), with `iso` for `<time datetime>`."""

    text: str
    iso: str
    circa: bool = False
    time_text: str | None = None
    time_iso: str | None = None


@dataclass(frozen=True, slots=True)
class Status:
    slug: str
    label: str


@dataclass(frozen=True, slots=True)
class FigureText:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class ClaimView:
    anchor: str
    permalink: str
    claimant: Link
    text: str
    status: Status
    when: When | None
    figures: tuple[FigureText, ...]
    source: Link | None
    event: Link


@pickled_as_constructor
@dataclass(frozen=True, slots=True)
class ListedParts:
    """The parts of an event's list item that do not depend on the page listing it.
    Made from the event's item alone (its file, and the actors and places it names) and
    the site's settings, so the build cache keeps them by those (`pagekeys.listed_keys`)."""

    when: When
    facets_json: str
    details: str


@dataclass(frozen=True, slots=True)
class EventItem:
    """One event in a list: timeline, hub page, related events."""

    link: Link
    when: When
    details: str
    """HTML: its date, places and summary as the list shows them below the link."""
    facets_json: str
    """For `static/filter.js`: the (facet, value, label) triples of its tags, actors and
    claim statuses, as JSON safe in an attribute. Made once per event, not per page that
    lists it: `tojson` in the template cost ~8 us an item, ~100,000 items a build."""


@dataclass(frozen=True, slots=True)
class SourceView:
    publisher: str
    title: str | None
    published: When | None
    url: str | None
    display_url: str
    archived: str | None


def when(date: PartialDate, end: PartialDate | None = None, *, circa: bool = False) -> When:
    return When(text=format_range(date, end), iso=date.iso(), circa=circa)


def event_when(event: Event, site_timezone: str) -> When:
    """The event's date as written, plus its local time and zone when the editor gave one."""
    base = when(event.date, event.end, circa=event.circa)
    if event.time is None or event.date.day is None:
        return base
    zone = event.timezone or site_timezone
    return When(
        text=base.text,
        iso=base.iso,
        circa=base.circa,
        time_text=f"{event.time} ({zone})",
        time_iso=start_date(event, site_timezone),
    )


def humanise(slug: str) -> str:
    """`wounded-civilians` -> `Wounded civilians`, for figure names."""
    words = slug.replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def figure_value(figure: Figure) -> str:
    if figure.is_range:
        return f"{figure.low:,}–{figure.high:,}"
    return f"{figure.low:,}"


def status_of(claim: Claim) -> Status:
    return Status(claim.status.value, STATUS_LABELS[claim.status])


def source_view(source: Source) -> SourceView:
    return SourceView(
        publisher=source.publisher,
        title=source.title,
        published=when(source.published) if source.published else None,
        url=richtext.safe_href(source.url),
        display_url=source.url,
        archived=richtext.safe_href(source.archived) if source.archived else None,
    )


@dataclass(frozen=True, slots=True)
class Linker:
    """Links from one page (`here`) to anything in the index, relative to that page."""

    index: SiteIndex
    here: str

    def to(self, out_path: str, anchor: str | None = None) -> str:
        url = urls.relative(self.here, out_path)
        return f"{url}#{anchor}" if anchor else url

    def event(self, event_id: str) -> Link:
        return Link(self.to(urls.event(event_id)), self.index.event_by_id[event_id].title)

    def actor(self, actor_id: str) -> Link:
        return Link(self.to(urls.actor(actor_id)), self.index.actors[actor_id].name)

    def place(self, place_id: str) -> Link:
        return Link(self.to(urls.place(place_id)), self.index.places[place_id].name)

    def tag(self, tag: str) -> Link:
        return Link(self.to(urls.tag(tag)), tag)

    def day(self, date: PartialDate) -> str:
        """The date's group in its month archive (or year page when only the year is known)."""
        return self.to(urls.archive_for(date), urls.day_anchor(date))

    def place_trail(self, place_id: str) -> tuple[Link, ...]:
        """Innermost first, as an address reads: Tyotkino, Kursk Oblast, Russia."""
        chain = (*self.index.place_ancestors(place_id), self.index.places[place_id])
        return tuple(self.place(place.id) for place in reversed(chain))

    def event_item(self, event: Event) -> EventItem:
        listed: ListedParts | None = self.index.listed.get(event.id)
        if listed is None:
            event_date = event_when(event, self.index.site.timezone)
            places = tuple(self.index.places[p].name for p in event.places)
            listed = ListedParts(
                when=event_date,
                facets_json=richtext.json_for_attribute(search.event_facets(self.index, event)),
                details=render.listed_details(event_date, places, event.summary),
            )
            self.index.listed[event.id] = listed
        return EventItem(
            link=self.event(event.id),
            when=listed.when,
            details=listed.details,
            facets_json=listed.facets_json,
        )

    def event_items(self, event_ids: tuple[str, ...]) -> tuple[EventItem, ...]:
        return tuple(self.event_item(self.index.event_by_id[e]) for e in event_ids)

    def claim(self, event: Event, claim: Claim) -> ClaimView:
        cited = [s for s in event.sources if s.url == claim.source]
        source_url = richtext.safe_href(claim.source) if claim.source else None
        return ClaimView(
            anchor=claim.anchor,
            permalink=self.to(urls.event(event.id), claim.anchor),
            claimant=self.actor(claim.by),
            text=claim.text,
            status=status_of(claim),
            when=when(claim.date) if claim.date else None,
            figures=tuple(FigureText(humanise(f.name), figure_value(f)) for f in claim.figures),
            source=Link(source_url, cited[0].publisher if cited else source_url)
            if source_url
            else None,
            event=self.event(event.id),
        )


def date_heading(date: PartialDate) -> str:
    """The heading of a day group; coarser dates say what is not known."""
    if date.day is not None:
        return format_date(date)
    if date.month is not None:
        return f"{format_date(date)} (day not recorded)"
    return f"{date.year} (month not recorded)"


# ---------------------------------------------------------------- the event page


@dataclass(frozen=True, slots=True)
class FigureRow:
    claimant: Link
    value: str
    status: Status
    when: When | None
    source: Link | None
    claim_url: str


@dataclass(frozen=True, slots=True)
class FigureTable:
    """Every claim in one event that gives the same figure, side by side."""

    name: str
    label: str
    rows: tuple[FigureRow, ...]


@dataclass(frozen=True, slots=True)
class RelatedItem:
    item: EventItem
    note: str | None


@dataclass(frozen=True, slots=True)
class RelatedGroup:
    """One sentence: `In response to` followed by the events it names."""

    label: str
    items: tuple[RelatedItem, ...]


@dataclass(frozen=True, slots=True)
class CorrectionView:
    when: When
    note: str


@dataclass(frozen=True, slots=True)
class EventPage:
    title: str
    when: When
    day_url: str
    summary: str
    body_html: str
    places: tuple[tuple[Link, ...], ...]
    actors: tuple[Link, ...]
    tags: tuple[Link, ...]
    sources: tuple[SourceView, ...]
    claims: tuple[ClaimView, ...]
    figure_tables: tuple[FigureTable, ...]
    corrections: tuple[CorrectionView, ...]
    outgoing: tuple[RelatedGroup, ...]
    incoming: tuple[RelatedGroup, ...]
    related: tuple[RelatedGroup, ...]
    previous: EventItem | None
    next: EventItem | None
    same_day: tuple[EventItem, ...]
    same_day_total: int
    json_ld: str
    search: search.SearchFacets


def figure_tables(linker: Linker, event: Event) -> tuple[FigureTable, ...]:
    """A table for each figure name that at least two claims give; never one number."""
    names = sorted({f.name for claim in event.claims for f in claim.figures})
    tables = []
    for name in names:
        rows = []
        for claim in event.claims:
            for figure in claim.figures:
                if figure.name != name:
                    continue
                view = linker.claim(event, claim)
                rows.append(
                    FigureRow(
                        view.claimant,
                        figure_value(figure),
                        view.status,
                        view.when,
                        view.source,
                        f"#{claim.anchor}",
                    )
                )
        if len(rows) > 1:
            tables.append(FigureTable(name, humanise(name), tuple(rows)))
    return tuple(tables)


def _group(
    pairs: list[tuple[RelationKind, RelatedItem]], labels: dict[RelationKind, str]
) -> tuple[RelatedGroup, ...]:
    """Groups in the order of `labels`, so a page always reads the same way."""
    return tuple(
        RelatedGroup(label, tuple(item for k, item in pairs if k is kind))
        for kind, label in labels.items()
        if any(k is kind for k, _ in pairs)
    )


def related_groups(
    linker: Linker, event: Event
) -> tuple[tuple[RelatedGroup, ...], tuple[RelatedGroup, ...]]:
    """Typed links out of the event and the ones pointing back at it, as sentences."""
    events = linker.index.event_by_id
    outgoing = [
        (r.kind, RelatedItem(linker.event_item(events[r.event]), r.note)) for r in event.related
    ]
    incoming = [
        (b.relation.kind, RelatedItem(linker.event_item(events[b.source_event]), b.relation.note))
        for b in linker.index.backlinks.get(event.id, ())
    ]
    return _group(outgoing, OUTGOING_LABELS), _group(incoming, INCOMING_LABELS)


def merge_groups(groups: tuple[RelatedGroup, ...]) -> tuple[RelatedGroup, ...]:
    """One `Related` group for plain links in either direction, without repeating an event."""
    merged: dict[str, list[RelatedItem]] = {}
    for group in groups:
        items = merged.setdefault(group.label, [])
        seen = {item.item.link.url for item in items}
        items.extend(item for item in group.items if item.item.link.url not in seen)
    return tuple(RelatedGroup(label, tuple(items)) for label, items in merged.items())


SAME_DAY_SHOWN = 10
"""Same-day events listed on an event page; a busy day links to the day in its archive
instead, so each page stays small however dense the timeline gets."""


def event_page(index: SiteIndex, event: Event, json_ld: str) -> EventPage:
    linker = Linker(index, urls.event(event.id))
    previous, following = index.previous_event(event.id), index.next_event(event.id)
    outgoing, incoming = related_groups(linker, event)
    same_day = index.same_day.get(event.id, ())
    return EventPage(
        title=event.title,
        when=event_when(event, index.site.timezone),
        day_url=linker.day(event.date),
        summary=event.summary,
        body_html=richtext.render_markdown(event.body) if event.body else "",
        places=tuple(linker.place_trail(p) for p in event.places),
        actors=tuple(linker.actor(a) for a in event.actors),
        tags=tuple(linker.tag(t) for t in event.tags),
        sources=tuple(source_view(s) for s in event.sources),
        claims=tuple(linker.claim(event, c) for c in event.claims),
        figure_tables=figure_tables(linker, event),
        corrections=tuple(CorrectionView(when(c.date), c.note) for c in event.corrections),
        outgoing=outgoing,
        incoming=incoming,
        related=merge_groups((*outgoing, *incoming)),
        previous=linker.event_item(previous) if previous else None,
        next=linker.event_item(following) if following else None,
        same_day=linker.event_items(same_day[:SAME_DAY_SHOWN]),
        same_day_total=len(same_day),
        json_ld=json_ld,
        search=search.search_facets(index, event),
    )
