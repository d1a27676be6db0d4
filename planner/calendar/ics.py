"""RFC 5545 iCalendar files for coffee meetings: invitation, cancellation, feed.

Pure: plain dataclasses in, bytes out; no Flask, no database. ``icalendar`` makes every
value and parameter (TEXT escaping of ``,`` ``;`` ``\\`` and newlines, parameter quoting
with RFC 6868, date-time and duration formats), folds lines at 75 octets and generates
the VTIMEZONEs; this module joins them into ``NAME;PARAMS:VALUE`` lines ending in CRLF.

Three messages, one VEVENT per meeting:

- ``invite_ics``: ``METHOD:REQUEST`` (RFC 5546) with one ATTENDEE per invitee asking for
  an answer (``RSVP=TRUE``) and the optional VALARM.
- ``cancel_ics``: ``METHOD:CANCEL``, same UID, ``STATUS:CANCELLED`` whatever
  ``meeting.status`` says, every attendee listed (a CANCEL goes to all of them), no RSVP
  and no VALARM.
- ``feed_ics``: ``METHOD:PUBLISH`` for a subscribed calendar, without any ATTENDEE: the
  feed is read by whoever hosts the subscribing calendar (Google, Apple, Microsoft ...), and
  the invitees' e-mail addresses are not the user's to hand them; the people are named in
  the DESCRIPTION instead (see People). ``NAME``/``X-WR-CALNAME``, ``REFRESH-INTERVAL`` and
  ``X-PUBLISHED-TTL`` tell clients what to call it and how often to poll. A feed may also
  carry ``DayEntry`` reminders: all-day VEVENTs (``VALUE=DATE``, ``DTEND`` the next day),
  not VTODOs, which Google, Apple and Outlook calendars do not show from a subscription.

UID and SEQUENCE, for callers: the UID is created once per meeting and never changes;
every message about the meeting (invitation, update, cancellation, feed entry) carries
it, so clients update the event they already have instead of adding a second one.
SEQUENCE starts at 0 and the caller raises it by one, and stores it, whenever the
meeting changes in a way attendees must see (time, place, status, invitees) before
sending the new REQUEST; a cancellation needs a SEQUENCE above the last one sent, or
clients ignore it as stale. This module writes the SEQUENCE it is given and never
guesses. DTSTAMP is when the message is generated (pass "now"); LAST-MODIFIED is when
the meeting last changed.

Time zones: ``starts_at``/``ends_at`` must be aware (any zone; stored as UTC) and are
written as wall time in the meeting's IANA zone with ``TZID`` (never floating), so the
event stays at 10:00 in Berlin even if the reader's zone rules differ from ours. Each
TZID used gets one VTIMEZONE (``icalendar.Timezone.from_tzid``), whose transitions cover
1 January of the earliest year to 1 January after the latest year any meeting in that
zone touches; one per zone in a feed, not one per event, and memoised per (zone, years)
because generating it costs milliseconds. Two cases are written in UTC (``...Z``)
instead: zones icalendar treats as UTC (``UTC``, ``Etc/UTC``, ``Africa/Abidjan`` ...),
which need no VTIMEZONE; and the second occurrence of a wall time repeated when clocks
go back (02:30 on 25 October 2026 in Berlin happens twice; RFC 5545 reads a repeated
local time as the first occurrence, so writing it with TZID would move the meeting by an
hour).

People: ORGANIZER and ATTENDEE are ``mailto:`` addresses with CN; attendees also carry
``CUTYPE=INDIVIDUAL``, ``ROLE=REQ-PARTICIPANT``, PARTSTAT and LANGUAGE when known. An
organizer without e-mail address is an ``IcsError``: RFC 5546 requires ORGANIZER in
REQUEST, CANCEL and PUBLISH, and replies go to it. An attendee without e-mail address is
not written as ATTENDEE: the value must be a URI, a made-up one (``urn:uuid:``) means
nothing to mail clients, which expect ``mailto:`` to send replies and updates to. So that
nobody goes missing, the DESCRIPTION of such a meeting (and of every feed entry) ends with
the list of all participants, organizer first, one ``• name`` line each; the module adds
no words of its own because it does not translate (all text comes from the caller).

Text hygiene: control characters other than tab and newline are removed from TEXT
values (they are forbidden by RFC 5545 and make strict parsers reject the whole file),
CR/CRLF become LF; names used as CN are collapsed to one line. Invalid input that cannot
be repaired without guessing (naive datetimes, unknown zones, an end not after the
start, unknown STATUS/PARTSTAT values, malformed addresses) raises ``IcsError`` with a
message naming the field.

Speed: a feed of 1,000 meetings with 5 attendees each takes about 0.45-0.5 s on a slow
2-core machine (``bench/ics_build.py``). Going through icalendar's component API
(``Event.add`` and ``Calendar.to_ical``) took 1.2-1.5 s for the same feed: ``add``
looks up and converts the type of every property, and ``to_ical`` builds a
``Parameters`` object for every property (with parameters or not), re-encodes each line
and folds it character by character. Hence the lines are assembled here from
icalendar's value types, lines under 75 octets skip the folding, ORGANIZER/ATTENDEE lines
are memoised per ``Person`` (frozen, so hashable) and VTIMEZONEs per (zone, years). The
memos hold bytes only, so nothing shared can be changed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import (
    Parameters,
    Timezone,
    vCalAddress,
    vDDDTypes,
    vDuration,
    vGeo,
    vInt,
    vText,
    vUri,
)
from icalendar.parser import Contentline

PRODID = "-//Treffpunkt//Treffpunkt 0.1//EN"

STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})
PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})

# C0 and C1 controls except TAB (\x09) and LF (\x0a); CR is turned into LF first.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile("\r\n?")
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")  # RFC 5646 shape
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+")
_FOLD_LIMIT = 75  # icalendar folds a line once it would reach 75 octets


class IcsError(ValueError):
    """The meeting cannot be written as iCalendar; the message says which field and why."""


@dataclass(frozen=True)
class Person:
    """An organizer or attendee. Without ``email`` an attendee is named in DESCRIPTION only."""

    name: str
    email: str | None
    language: str | None = None  # "de", "en": LANGUAGE parameter of the ATTENDEE
    partstat: str = "NEEDS-ACTION"


@dataclass(frozen=True)
class MeetingInvite:
    """One meeting as the calendar file describes it; datetimes are aware."""

    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    timezone: str  # IANA zone of the meeting place, e.g. "Europe/Berlin"
    organizer: Person
    attendees: tuple[Person, ...]
    location: str | None = None
    geo: tuple[float, float] | None = None  # (latitude, longitude)
    description: str | None = None
    url: str | None = None
    status: str = "CONFIRMED"  # CONFIRMED | TENTATIVE | CANCELLED
    alarm_minutes: int | None = None  # VALARM DISPLAY this many minutes before the start
    created: datetime | None = None
    last_modified: datetime | None = None


@dataclass(frozen=True)
class DayEntry:
    """A whole-day entry in a feed (a reminder due that day): an all-day VEVENT with DATE
    values, ``DTEND`` the day after (exclusive), free time (``TRANSP:TRANSPARENT``) so it
    never blocks a free/busy search, and no alarm."""

    uid: str
    summary: str
    day: date
    organizer: Person
    description: str | None = None
    url: str | None = None
    last_modified: datetime | None = None


@dataclass(frozen=True)
class _Method:
    name: str
    rsvp: bool
    alarm: bool
    status: str | None  # overrides meeting.status
    attendees: bool = True  # False: no ATTENDEE lines, everyone named in the DESCRIPTION


_REQUEST = _Method("REQUEST", rsvp=True, alarm=True, status=None)
_CANCEL = _Method("CANCEL", rsvp=False, alarm=False, status="CANCELLED")
_PUBLISH = _Method("PUBLISH", rsvp=False, alarm=True, status=None, attendees=False)


def invite_ics(meeting: MeetingInvite, *, dtstamp: datetime, prodid: str = PRODID) -> bytes:
    """An invitation or update (``METHOD:REQUEST``) for one meeting."""
    return _ics(_REQUEST, [meeting], dtstamp=dtstamp, prodid=prodid)


def cancel_ics(meeting: MeetingInvite, *, dtstamp: datetime, prodid: str = PRODID) -> bytes:
    """A cancellation (``METHOD:CANCEL``, ``STATUS:CANCELLED``) to all attendees.

    ``meeting.sequence`` must already be raised above the last invitation's.
    """
    return _ics(_CANCEL, [meeting], dtstamp=dtstamp, prodid=prodid)


def feed_ics(
    meetings: Iterable[MeetingInvite],
    *,
    name: str,
    dtstamp: datetime,
    prodid: str = PRODID,
    refresh_minutes: int = 60,
    timezone: str = "UTC",
    days: Iterable[DayEntry] = (),
) -> bytes:
    """A subscribable calendar (``METHOD:PUBLISH``) of many meetings, polled every so often,
    and whole-day entries (``days``, after the meetings). Without any entry it carries the
    VTIMEZONE of ``timezone`` (the owner's), as RFC 5545 wants at least one component in a
    calendar."""
    if refresh_minutes < 1:
        raise IcsError(f"refresh_minutes must be at least 1, not {refresh_minutes}")
    calendar_name = _text(name)
    refresh = vDuration(timedelta(minutes=refresh_minutes)).to_ical()
    header = [
        _line("NAME", calendar_name),  # RFC 7986
        _line("X-WR-CALNAME", calendar_name),  # what most clients read
        _line("REFRESH-INTERVAL", refresh, Parameters({"VALUE": "DURATION"})),  # RFC 7986
        _line("X-PUBLISHED-TTL", refresh),  # Outlook, older Apple Calendar
    ]
    return _ics(
        _PUBLISH,
        meetings,
        dtstamp=dtstamp,
        prodid=prodid,
        header=header,
        empty_zone=timezone,
        days=days,
    )


def _ics(
    method: _Method,
    meetings: Iterable[MeetingInvite],
    *,
    dtstamp: datetime,
    prodid: str,
    header: Iterable[bytes] = (),
    empty_zone: str | None = None,
    days: Iterable[DayEntry] = (),
) -> bytes:
    """The VCALENDAR: header, one VTIMEZONE per TZID used, one VEVENT per meeting and one
    per whole-day entry."""
    stamp = _line("DTSTAMP", vDDDTypes(_utc(dtstamp, "dtstamp")).to_ical())
    events: list[bytes] = []
    years: dict[str, tuple[int, int]] = {}  # TZID -> first and last year it is used in
    uids: set[str] = set()
    for meeting in meetings:
        if meeting.uid in uids:
            raise IcsError(f"uid {meeting.uid!r} appears twice")
        uids.add(meeting.uid)
        starts_at, ends_at = _times(meeting)
        start, end = vDDDTypes(starts_at), vDDDTypes(ends_at)
        for value, prop in ((starts_at, start), (ends_at, end)):
            tzid = prop.params.get("TZID")  # as icalendar writes it; none for UTC
            if tzid is not None:
                first, last = years.get(tzid, (value.year, value.year))
                years[tzid] = (min(first, value.year), max(last, value.year))
        events.extend(_event(meeting, method, stamp, start, end))
    for entry in days:
        if entry.uid in uids:
            raise IcsError(f"uid {entry.uid!r} appears twice")
        uids.add(entry.uid)
        events.extend(_day_event(entry, stamp))
    if not events and empty_zone is not None:
        year = _utc(dtstamp, "dtstamp").year
        years[empty_zone] = (year, year)
    return b"".join(
        [
            b"BEGIN:VCALENDAR\r\n",
            b"VERSION:2.0\r\n",
            _line("PRODID", _text(prodid)),
            b"CALSCALE:GREGORIAN\r\n",
            _line("METHOD", method.name.encode()),
            *header,
            *(_vtimezone(tzid, first, last) for tzid, (first, last) in sorted(years.items())),
            *events,
            b"END:VCALENDAR\r\n",
        ]
    )


@lru_cache(maxsize=128)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE component, serialised, for 1 January first_year to 1 January after last."""
    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    ).to_ical()


def _times(meeting: MeetingInvite) -> tuple[datetime, datetime]:
    """Start and end as written: wall time in the meeting's zone (or UTC, see _local)."""
    zone = _zone(meeting.timezone)
    starts_at = _utc(meeting.starts_at, "starts_at")  # compared as instants, not wall times
    ends_at = _utc(meeting.ends_at, "ends_at")
    if ends_at <= starts_at:
        raise IcsError(
            f"ends_at ({meeting.ends_at.isoformat()}) must be after "
            f"starts_at ({meeting.starts_at.isoformat()})"
        )
    # Room for the zone offset and the VTIMEZONE's end on 1 January of the following year.
    if not (date.min.year < starts_at.year and ends_at.year < date.max.year - 1):
        raise IcsError(
            f"the meeting must lie within the years {date.min.year + 1} to "
            f"{date.max.year - 2}, not {meeting.starts_at.isoformat()}"
        )
    return _local(starts_at, zone), _local(ends_at, zone)


def _event(
    meeting: MeetingInvite, method: _Method, stamp: bytes, start: vDDDTypes, end: vDDDTypes
) -> list[bytes]:
    """The VEVENT's content lines, VALARM included."""
    if not meeting.uid.strip() or _CONTROL.search(meeting.uid) or "\n" in meeting.uid:
        raise IcsError(f"uid must be non-blank text on one line, not {meeting.uid!r}")
    if meeting.sequence < 0:
        raise IcsError(f"sequence must not be negative, not {meeting.sequence}")
    status = method.status or meeting.status
    if status not in STATUSES:
        raise IcsError(f"status must be one of {sorted(STATUSES)}, not {status!r}")

    lines = [
        b"BEGIN:VEVENT\r\n",
        _line("UID", _text(meeting.uid)),
        _line("SEQUENCE", vInt(meeting.sequence).to_ical()),
        stamp,
        _line("DTSTART", start.to_ical(), start.params),
        _line("DTEND", end.to_ical(), end.params),
        _line("SUMMARY", _text(meeting.summary)),
    ]
    if meeting.location is not None:
        lines.append(_line("LOCATION", _text(meeting.location)))
    if meeting.geo is not None:
        lines.append(_line("GEO", _geo(meeting.geo)))
    description = _description(meeting, method)
    if description is not None:
        lines.append(_line("DESCRIPTION", _text(description)))
    if meeting.url is not None:
        if not _URI.fullmatch(meeting.url):
            raise IcsError(f"url must be an absolute URI without spaces, not {meeting.url!r}")
        lines.append(_line("URL", vUri(meeting.url).to_ical()))
    lines.append(_line("STATUS", status.encode()))
    lines.append(_organizer(meeting.organizer))
    if method.attendees:
        lines.extend(
            _attendee(attendee, rsvp=method.rsvp)
            for attendee in meeting.attendees
            if attendee.email is not None
        )
    if meeting.created is not None:
        lines.append(_line("CREATED", vDDDTypes(_utc(meeting.created, "created")).to_ical()))
    if meeting.last_modified is not None:
        modified = _utc(meeting.last_modified, "last_modified")
        lines.append(_line("LAST-MODIFIED", vDDDTypes(modified).to_ical()))
    if method.alarm and meeting.alarm_minutes is not None:
        lines.extend(_alarm(meeting.alarm_minutes, meeting.summary))
    lines.append(b"END:VEVENT\r\n")
    return lines


def _day_event(entry: DayEntry, stamp: bytes) -> list[bytes]:
    """An all-day VEVENT: DATE values, the end exclusive (RFC 5545 3.6.1)."""
    if not entry.uid.strip() or _CONTROL.search(entry.uid) or "\n" in entry.uid:
        raise IcsError(f"uid must be non-blank text on one line, not {entry.uid!r}")
    if not date.min < entry.day < date.max:
        raise IcsError(f"day must lie within the years 1 to 9999, not {entry.day!r}")
    date_value = Parameters({"VALUE": "DATE"})
    lines = [
        b"BEGIN:VEVENT\r\n",
        _line("UID", _text(entry.uid)),
        stamp,
        _line("DTSTART", vDDDTypes(entry.day).to_ical(), date_value),
        _line("DTEND", vDDDTypes(entry.day + timedelta(days=1)).to_ical(), date_value),
        _line("SUMMARY", _text(entry.summary)),
    ]
    if entry.description is not None:
        lines.append(_line("DESCRIPTION", _text(entry.description)))
    if entry.url is not None:
        if not _URI.fullmatch(entry.url):
            raise IcsError(f"url must be an absolute URI without spaces, not {entry.url!r}")
        lines.append(_line("URL", vUri(entry.url).to_ical()))
    lines.append(b"TRANSP:TRANSPARENT\r\n")
    lines.append(_organizer(entry.organizer))
    if entry.last_modified is not None:
        modified = _utc(entry.last_modified, "last_modified")
        lines.append(_line("LAST-MODIFIED", vDDDTypes(modified).to_ical()))
    lines.append(b"END:VEVENT\r\n")
    return lines


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:  # ValueError: "../x", ""
        raise IcsError(f"unknown time zone {name!r}") from error


def _utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise IcsError(f"{field} must be an aware datetime, not naive {value.isoformat()}")
    return value.astimezone(UTC)


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    """Wall time in ``zone``; UTC for the second pass through a repeated hour."""
    local = value.astimezone(zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return local.astimezone(UTC)
    return local


def _clean(value: str) -> str:
    """Text without control characters (tab and newline stay), newlines as LF."""
    return _CONTROL.sub("", _NEWLINES.sub("\n", value))


def _text(value: str) -> bytes:
    """A TEXT value, escaped by icalendar."""
    return vText(_clean(value)).to_ical()


def _name(value: str) -> str:
    return " ".join(_clean(value).split())


@lru_cache(maxsize=1024)  # a feed names the same people again and again
def _organizer(person: Person) -> bytes:
    if person.email is None:
        raise IcsError(f"organizer {person.name!r} has no e-mail address; ORGANIZER needs one")
    return _address("ORGANIZER", person, {})


@lru_cache(maxsize=1024)
def _attendee(person: Person, *, rsvp: bool) -> bytes:
    if person.partstat not in PARTSTATS:
        raise IcsError(
            f"attendee {person.name!r}: partstat must be one of {sorted(PARTSTATS)}, "
            f"not {person.partstat!r}"
        )
    params = {"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": person.partstat}
    if rsvp:
        params["RSVP"] = "TRUE"
    if person.language is not None:
        if not LANGUAGE_TAG.fullmatch(person.language):
            raise IcsError(
                f"attendee {person.name!r}: language must be a tag like 'de' or 'en-GB', "
                f"not {person.language!r}"
            )
        params["LANGUAGE"] = person.language
    return _address("ATTENDEE", person, params)


def _address(name: str, person: Person, params: dict[str, str]) -> bytes:
    """ORGANIZER or ATTENDEE: ``mailto:`` with CN and the given parameters."""
    email = person.email or ""
    if not _EMAIL.fullmatch(email):
        raise IcsError(f"{name.lower()} {person.name!r}: not an e-mail address: {email!r}")
    common_name = _name(person.name)
    if common_name:
        params["CN"] = common_name
    return _line(name, vCalAddress(f"mailto:{email}").to_ical(), Parameters(params))


def _geo(geo: tuple[float, float]) -> bytes:
    latitude, longitude = geo
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise IcsError(f"geo latitude must be within -90..90, not {latitude}")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise IcsError(f"geo longitude must be within -180..180, not {longitude}")
    return vGeo((latitude, longitude)).to_ical().encode()  # the one to_ical giving str


def _description(meeting: MeetingInvite, method: _Method) -> str | None:
    """The caller's description, plus everyone's names if an attendee is not written as
    ATTENDEE (no address, or a method that leaves attendees out)."""
    if not meeting.attendees or (
        method.attendees and all(attendee.email is not None for attendee in meeting.attendees)
    ):
        return meeting.description
    people = (meeting.organizer, *meeting.attendees)
    listing = "\n".join(f"• {name}" for name in map(_name, (p.name for p in people)) if name)
    return f"{meeting.description}\n\n{listing}" if meeting.description else listing


def _alarm(minutes: int, summary: str) -> list[bytes]:
    if minutes < 0:
        raise IcsError(f"alarm_minutes must not be negative, not {minutes}")
    return [
        b"BEGIN:VALARM\r\n",
        b"ACTION:DISPLAY\r\n",
        _line("TRIGGER", vDuration(timedelta(minutes=-minutes)).to_ical()),
        _line("DESCRIPTION", _text(summary)),  # required for DISPLAY alarms
        b"END:VALARM\r\n",
    ]


def _line(name: str, value: bytes, params: Parameters | None = None) -> bytes:
    """One content line with CRLF, folded by icalendar if it reaches 75 octets.

    Most lines are shorter; icalendar's folding walks every character in Python, so
    short lines skip it (the result is the same).
    """
    parameters = params.to_ical() if params else b""
    line = name.encode() + (b";" + parameters if parameters else b"") + b":" + value
    if len(line) >= _FOLD_LIMIT:
        line = Contentline(line.decode()).to_ical()
    return line + b"\r\n"
