"""`events.ics`: the timeline as an iCalendar file (RFC 5545) for calendar apps.

Events with a day but no time are all-day; a range ends on the exclusive day after its
last day, as RFC 5545 requires for `VALUE=DATE`. Events known only to the month or year
span the whole month or year, with DESCRIPTION saying so, since a calendar has no way to
show "some time in March". A timed event is converted to UTC (`Z`), which every client
reads correctly without a VTIMEZONE block. UID and DTSTAMP come from the data (the
event id and its newest date), so the same content gives the same file.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from generator.dates import Precision, format_range
from generator.exports.facts import event_url, host, locate, newest_day
from generator.exports.joined import Joined, join
from generator.index import SiteIndex
from generator.model import Event

LINE_OCTETS = 75


def escape_text(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces without cutting a UTF-8 character."""
    octets = len(line.encode("utf-8"))
    if octets <= LINE_OCTETS:
        return line
    if octets == len(line):  # ASCII: one octet per character, so slices will do
        rest = range(LINE_OCTETS, len(line), LINE_OCTETS - 1)
        pieces = [line[:LINE_OCTETS], *(line[n : n + LINE_OCTETS - 1] for n in rest)]
        return "\r\n ".join(pieces)
    pieces = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _day(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def is_timed(event: Event) -> bool:
    return event.time is not None and event.date.day is not None and not event.is_multi_day


def _when(index: SiteIndex, event: Event) -> list[str]:
    if is_timed(event):
        assert event.time is not None
        zone = ZoneInfo(event.timezone or index.site.timezone)
        start = dt.datetime.combine(event.date.first_day, dt.time.fromisoformat(event.time), zone)
        return [f"DTSTART:{_utc(start)}"]
    last = (event.end or event.date).last_day
    return [
        f"DTSTART;VALUE=DATE:{_day(event.date.first_day)}",
        f"DTEND;VALUE=DATE:{_day(last + dt.timedelta(days=1))}",
    ]


def _description(index: SiteIndex, event: Event) -> str:
    lines = [event.summary]
    coarse = [d for d in (event.date, event.end) if d is not None and d.precision != Precision.DAY]
    if coarse or event.circa:
        known = "approximately " if event.circa else ""
        year_only = any(d.precision is Precision.YEAR for d in coarse)
        known_part = "year" if year_only else "month"
        detail = f"only the {known_part} is known" if coarse else "the date is approximate"
        lines.append(f"Date: {known}{format_range(event.date, event.end)} ({detail}).")
    if event.time is not None and not is_timed(event):
        zone = event.timezone or index.site.timezone
        lines.append(f"Starts at {event.time} ({zone}).")
    for claim in event.claims:
        name = index.actors[claim.by].name
        lines.append(f"{name} claims: {claim.text} [{claim.status.value}]")
    lines.append(event_url(index, event.id))
    return "\n".join(lines)


def vevent(index: SiteIndex, event: Event) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.id}@{host(index)}",
        f"DTSTAMP:{_day(newest_day([event]))}T000000Z",
        *_when(index, event),
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(_description(index, event))}",
        f"URL;VALUE=URI:{event_url(index, event.id)}",
    ]
    if event.places:
        names = ", ".join(index.places[p].name for p in event.places)
        lines.append(f"LOCATION:{escape_text(names)}")
    if (located := locate(index, event)) is not None:
        lines.append(f"GEO:{located.latitude!r};{located.longitude!r}")
    if event.tags:
        lines.append("CATEGORIES:" + ",".join(escape_text(tag) for tag in event.tags))
    lines.append("END:VEVENT")
    return lines


def _lines(lines: list[str]) -> bytes:
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _calendar_head(index: SiteIndex) -> bytes:
    return _lines(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:-//{host(index)}//Conflict event timeline//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape_text(index.site.title)}",
            f"X-WR-CALDESC:{escape_text(index.site.description)}",
        ]
    )


EVENTS_ICS = Joined(
    "events.ics",
    head=_calendar_head,
    fragment=lambda index, event: _lines(vevent(index, event)),
    separator=b"",
    tail=lambda index: _lines(["END:VCALENDAR"]),
)


def events_ics(index: SiteIndex) -> bytes:
    return join(index, EVENTS_ICS)
