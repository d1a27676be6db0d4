"""Event feeds (.ics bytes from barcamp, meetup and conference calendars) -> occurrences.

Pure: bytes, a time window and a gazetteer in, ``ParsedFeed`` out; no Flask app, no
database (messages are lazy translations, shown in whatever language reads them).

Decisions, with what real feeds hold:

* Folding: RFC 5545 folds at 75 *octets*, and careless writers split a multi-byte UTF-8
  character across the fold. The bytes are unfolded (CRLF or LF followed by one space or tab)
  before they are decoded, so such a character survives instead of becoming U+FFFD or
  sending the whole file to the Windows-1252 fallback. UTF-16 files (with a BOM) are decoded
  first and unfolded by icalendar.
* Repetitions (RRULE, several RRULEs, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded by
  ``recurring_ical_events``. An override is an occurrence in its own right (its own time,
  place and status); an override with ``STATUS:CANCELLED`` is kept and marked cancelled.
* Cancelled events (``STATUS:CANCELLED``, or every event of a ``METHOD:CANCEL`` file) are
  kept, marked, so the user sees that the conference is off; they are never proposed.
* Times: TZID and UTC values are exact. ``X-WR-TIMEZONE`` (Google's export property) is
  honoured through ``recurring_ical_events``: floating and UTC times are shown in that zone.
  Windows zone names and zones defined by the file's VTIMEZONE are resolved by icalendar; a
  few common names that are not in the tz database ("Mitteleuropäische Zeit", "MEZ") are
  mapped (``_ZONE_ALIASES``); any other unknown TZID is read as wall time in the event's zone
  (below), and a problem says so. Floating times are wall time in the event's zone.
* The zone an occurrence is shown in: its TZID's (an IANA zone), else ``X-WR-TIMEZONE``,
  else the zone of the city it takes place in, else ``default_zone`` (the user's).
* All-day events (DATE values) run from DTSTART to DTEND exclusive; without DTEND or
  DURATION they last one day. Their instants (for queries) are midnights in the event's zone.
  A date-time event without DTEND lasts its DURATION, or is a point in time.
* Place: ``GEO`` (``lat;lon``) gives the coordinates; the city comes from the LOCATION text
  when it names one near the GEO point (the gazetteer's free-text parser: "Venue, Street 14,
  20539 Hamburg" finds Hamburg), else the nearest city to the point. Without GEO the LOCATION
  text alone places the event at its city's coordinates. A GEO outside -90..90 / -180..180 is
  ignored with a problem.
* Online: an event without a place is online when its LOCATION is a web address or a word
  such as "Online", "Zoom" or "Webinar", or when it has no LOCATION but a URL or a
  conference link. An event with a place is not online (hybrid events are on the map).
* Text kept for matching: SUMMARY, DESCRIPTION, CATEGORIES (several properties, commas),
  ORGANIZER and ATTENDEE (the CN and the mailto address), LOCATION as written, URL (only
  http and https addresses; anything else could be a ``javascript:`` link on a page).

Problems are per event, never fatal: an event whose DTSTART, DTEND, DURATION, RRULE, RDATE,
EXDATE or RECURRENCE-ID cannot be read, or whose RRULE can never occur, is left out and
named. ``EventFeedError`` (a ``ValueError``) is raised only for the file as a whole: empty,
binary, not iCalendar, larger than ``max_bytes``, or more work than the limits allow.

Limits (the same as for the user's own calendars, see ``planner.calendar.busy``): the work
of each event's rules is estimated before anything is expanded. An event whose rule walks
more than ``MAX_STEPS`` periods is left out with a problem; more than ``MAX_OCCURRENCES``
occurrences in the window for the whole file refuses the file.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from icalendar import Calendar, Component
from icalendar.parser import unescape_backslash
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from planner.calendar.busy import MAX_OCCURRENCES, MAX_STEPS, decode_calendar
from planner.calendar.busy import _rule_cost as rule_cost  # the estimate busy times use
from planner.calendar.busy import _rule_problem as rule_problem
from planner.geo.distance import haversine_km
from planner.geo.gazetteer import Gazetteer, Place
from planner.geo.parse import parse_location
from planner.i18n import lazy_number

log = logging.getLogger(__name__)
UNTITLED = "(untitled event)"  # the marker; messages show it translated
MAX_DESCRIPTION = 20_000  # characters kept of a DESCRIPTION (speaker lists fit easily)
MAX_PEOPLE = 500  # ATTENDEEs kept per event
# A LOCATION's city and the GEO point this far apart: the text names another place (a
# company's seat), and the point is trusted.
GEO_CITY_KM = 40.0

_TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
# Floating values are compared with the window as if they were UTC: expand one day wider.
_MARGIN = timedelta(days=1)
_FOLD = re.compile(rb"\r?\n[ \t]")
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_ONLINE_WORDS = frozenset(
    {
        "online",
        "virtual",
        "virtuell",
        "webinar",
        "zoom",
        "teams",
        "jitsi",
        "bigbluebutton",
        "webex",
        "livestream",
        "stream",
        "remote",
        "digital",
        "internet",
    }
)
# Names calendar programs write that are not in the tz database.
_ZONE_ALIASES = {
    "mitteleuropäische zeit": "Europe/Berlin",
    "mitteleuropäische sommerzeit": "Europe/Berlin",
    "mez": "Europe/Berlin",
    "mesz": "Europe/Berlin",
    "central european time": "Europe/Berlin",
    "central european summer time": "Europe/Berlin",
    "westeuropäische zeit": "Europe/Lisbon",
    "osteuropäische zeit": "Europe/Helsinki",
    "british summer time": "Europe/London",
    "greenwich mean time": "Europe/London",
    "eastern time": "America/New_York",
    "central time": "America/Chicago",
    "mountain time": "America/Denver",
    "pacific time": "America/Los_Angeles",
}
_UNUSED_LINE = re.compile(
    r"^(?:DTSTAMP|CREATED|LAST-MODIFIED|X-ALT-DESC|ATTACH)[;:][^\n]*\n", re.MULTILINE | re.I
)
_LONG_DESCRIPTION = re.compile(
    r'^(DESCRIPTION)((?:;(?:[^:"\r\n]|"[^"\r\n]*")*)?):([^\r\n]{200,})', re.MULTILINE | re.I
)
# "20539 Hamburg", "D-80331 München", "1010 Wien, Österreich": the city after a postal code
_POSTAL_CITY = re.compile(r"\b(?:[A-Z]{1,2}-)?\d{4,5}\s+([^\d,;()]+?)\s*(?:[,;(]|$)")
_MARK = "\ue000"  # a private-use character around the number of a value set aside
# Properties read as one value: a second one is ignored.
_SINGLE_VALUED = (
    "UID",
    "SUMMARY",
    "LOCATION",
    "GEO",
    "URL",
    "STATUS",
    "TRANSP",
    "DESCRIPTION",
    "ORGANIZER",
)
_TZID_PARAM = re.compile(r';TZID=("?)([^";:]+)\1(?=[;:])', re.IGNORECASE)


class EventFeedError(ValueError):
    """The feed as a whole cannot be read; the message (a lazy translation) says why."""


@dataclass(frozen=True)
class Person:
    """An ORGANIZER or ATTENDEE: the CN and the address (without ``mailto:``), either may be
    empty."""

    name: str
    email: str


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event (a repetition expanded, an override applied)."""

    uid: str
    # The original start of this repetition (RECURRENCE-ID) as ISO 8601 (a date for all-day
    # series); "" for an event that does not repeat. (uid, recurrence_id) is unique.
    recurrence_id: str
    summary: str
    starts_at: datetime  # aware UTC; all-day: midnight of the first day in ``timezone``
    ends_at: datetime  # aware UTC, >= starts_at; all-day: midnight after the last day
    all_day: bool
    start_day: date | None  # all-day only: the first day
    end_day: date | None  # all-day only: the day after the last (exclusive, as RFC 5545)
    timezone: str  # IANA zone the times are shown in (see the module docstring)
    status: str  # "CONFIRMED", "TENTATIVE" or "CANCELLED" (as iCalendar writes them)
    busy: bool  # False for TRANSP:TRANSPARENT
    location: str  # LOCATION as written ("" when none)
    city: str | None
    country: str | None  # ISO code
    lat: float | None
    lon: float | None
    online: bool
    url: str | None  # http(s) only
    categories: tuple[str, ...]
    description: str
    organizer: Person | None
    attendees: tuple[Person, ...]

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"

    @property
    def start(self) -> date | datetime:
        """As shown: the first day (all-day) or the start in ``timezone``."""
        if self.all_day and self.start_day is not None:
            return self.start_day
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @property
    def end(self) -> date | datetime:
        """As shown: the day after the last (all-day) or the end in ``timezone``."""
        if self.all_day and self.end_day is not None:
            return self.end_day
        return self.ends_at.astimezone(ZoneInfo(self.timezone))


@dataclass(frozen=True)
class Problem:
    """Something about one event (or the file) the user should know; ``message`` is a lazy
    translation naming the event."""

    message: LazyString | str
    uid: str = ""
    summary: str = ""

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class ParsedFeed:
    name: str  # X-WR-CALNAME ("" when none)
    occurrences: list[Occurrence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    vevents: int = 0  # VEVENT components read (overrides included)

    @property
    def cancelled(self) -> int:
        return sum(1 for item in self.occurrences if item.cancelled)

    @property
    def events(self) -> int:
        """Occurrences that are not cancelled."""
        return len(self.occurrences) - self.cancelled


def parse_feed(
    data: bytes,
    *,
    start: datetime,
    end: datetime,
    default_zone: str = "UTC",
    gazetteer: Gazetteer | None = None,
    max_bytes: int | None = None,
) -> ParsedFeed:
    """The occurrences of the feed in ``data`` that overlap [start, end) (aware), sorted by
    start; ``gazetteer`` places them (None: only GEO coordinates, no city)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("end must be after start")
    fallback = _zone(default_zone)
    if fallback is None:
        raise ValueError(f"unknown time zone: {default_zone!r}")
    if max_bytes is not None and len(data) > max_bytes:
        raise EventFeedError(
            _(
                "the calendar is larger than %(size)s MB",
                size=lazy_number(round(max_bytes / 1024 / 1024, 1)),
            )
        )
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    calendars, long_texts = _parse(_decode(data))
    feed = ParsedFeed(name=_calendar_name(calendars))
    reader = _Reader(feed, gazetteer, fallback, long_texts)
    for calendar in calendars:
        reader.read(calendar, start, end)
    feed.occurrences.sort(key=lambda item: (item.starts_at, item.ends_at, item.uid))
    return feed


# --- bytes to components -------------------------------------------------------------------


def unfold(data: bytes) -> bytes:
    """RFC 5545 unfolding on bytes, before decoding (a fold may split a UTF-8 character)."""
    return _FOLD.sub(b"", data)


def _decode(data: bytes) -> str:
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = unfold(data)  # before decoding: a fold may split a UTF-8 character
    return decode_calendar(data, EventFeedError)


def _parse(text: str) -> tuple[list[Calendar], list[str]]:
    """The file's calendars, and the long DESCRIPTION values taken out of them (see
    ``_set_aside``)."""
    upper = text.upper()
    if "BEGIN:VCALENDAR" not in upper:
        raise EventFeedError(_("not an iCalendar file (no BEGIN:VCALENDAR)"))
    text, long_texts = _set_aside(_map_zone_names(text))
    try:
        # bytes, not str: icalendar reads a one-line str as a file path
        components = Calendar.from_ical(text.encode("utf-8"), multiple=True)
    except ValueError as error:
        first_line = str(error).splitlines()[0]
        raise EventFeedError(_("not an iCalendar file (%(reason)s)", reason=first_line)) from error
    except Exception as error:  # icalendar trips over some malformed parameters itself
        log.info("calendar not parsed", exc_info=True)
        raise EventFeedError(
            _("not an iCalendar file (%(reason)s)", reason=type(error).__name__)
        ) from error
    calendars = [component for component in components if component.name == "VCALENDAR"]
    if not calendars:
        if "END:VCALENDAR" not in upper:
            raise EventFeedError(_("the calendar is cut off (no END:VCALENDAR)"))
        raise EventFeedError(_("the calendar is incomplete (a BEGIN: without its END:)"))
    return calendars, long_texts


def _set_aside(text: str) -> tuple[str, list[str]]:
    """The text with what icalendar need not read: lines nothing here uses (DTSTAMP, CREATED,
    LAST-MODIFIED, HTML descriptions, attachments) dropped, and each long DESCRIPTION value
    replaced by a marker, its raw value kept in the list. icalendar splits every content line
    character by character in Python: a feed of 5 MB of descriptions took seconds for that
    alone (bench/events.py)."""
    text = _UNUSED_LINE.sub("", text)
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(3))
        return f"{match.group(1)}{match.group(2)}:{_MARK}{len(kept) - 1}{_MARK}"

    return _LONG_DESCRIPTION.sub(keep, text), kept


def _map_zone_names(text: str) -> str:
    """TZIDs from ``_ZONE_ALIASES`` that the file does not define itself, as IANA names."""
    defined = {
        line.split(":", 1)[1].strip().lower()
        for line in text.splitlines()
        if line[:5].upper() == "TZID:"
    }

    def replace(match: re.Match[str]) -> str:
        name = match.group(2).strip().lower()
        mapped = _ZONE_ALIASES.get(name)
        if mapped is None or name in defined:
            return match.group(0)
        return f";TZID={mapped}"

    return _TZID_PARAM.sub(replace, text)


def _calendar_name(calendars: list[Calendar]) -> str:
    for calendar in calendars:
        name = " ".join(str(calendar.get("X-WR-CALNAME", "")).split())
        if name:
            return name[:200]
    return ""


def _zone(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name`` (or a Windows name for it); None when unknown."""
    try:
        return ZoneInfo(WINDOWS_TO_OLSON.get(name, name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


# --- events to occurrences ----------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    city: str | None
    country: str | None
    lat: float | None
    lon: float | None
    timezone: str | None
    online: bool


class _Reader:
    """Reads the events of the calendars into ``feed``, caching places by their text."""

    def __init__(
        self,
        feed: ParsedFeed,
        gazetteer: Gazetteer | None,
        fallback: ZoneInfo,
        long_texts: list[str],
    ):
        self.feed = feed
        self.long_texts = long_texts
        self.gazetteer = gazetteer
        self.fallback = fallback
        self._places: dict[tuple[str, float | None, float | None], Place | None] = {}
        self._said: set[tuple[str, str]] = set()  # (uid, message) already reported

    def problem(self, event: Component, message: LazyString) -> None:
        uid = _uid(event)
        key = (uid, str(message))
        if key not in self._said:
            self._said.add(key)
            self.feed.problems.append(Problem(message, uid, _summary(event)))

    def read(self, calendar: Calendar, start: datetime, end: datetime) -> None:
        calendar_zone = _standard_x_wr_timezone(calendar)
        cancel_all = str(calendar.get("METHOD", "")).strip().upper() == "CANCEL"
        events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
        self.feed.vevents += len(events)
        total = 0
        kept: list[Component] = []
        for event in events:
            try:
                reason = (
                    self._unreadable(event)
                    or self._single_values(event)
                    or self._too_costly(event, start, end)
                )
            except Exception as error:  # anything icalendar let through that is not a value
                log.info("event left out", exc_info=True)
                reason = _(
                    "%(event)s cannot be read (%(error)s); the event is left out",
                    event=_named(event),
                    error=type(error).__name__,
                )
            if reason is not None:
                self.problem(event, reason)
                continue
            kept.append(event)
            self._note_unknown_zones(event, calendar_zone)
            total += self._window_cost(event, start - _MARGIN, end + _MARGIN)
        if total > MAX_OCCURRENCES:
            raise EventFeedError(
                _(
                    "too many events: up to %(count)s between %(start)s and %(end)s "
                    "(the limit is %(limit)s)",
                    count=lazy_number(total),
                    start=f"{start:%Y-%m-%d}",
                    end=f"{end:%Y-%m-%d}",
                    limit=lazy_number(MAX_OCCURRENCES),
                )
            )
        recurring = {_uid(e) for e in kept if e.get("RRULE") or e.get("RDATE")}
        recurring |= {_uid(e) for e in kept if e.get("RECURRENCE-ID") is not None}
        # Events that do not repeat are read here; only the series go through
        # recurring_ical_events, whose copying of every component cost seconds on big feeds.
        series = recurring | {_uid(e) for e in kept if e.get("EXDATE") is not None}
        found = [(e, *_single_times(e)) for e in kept if _uid(e) not in series]
        if series:
            taken = {id(e) for e in kept if _uid(e) in series}
            calendar.subcomponents = [
                c for c in calendar.subcomponents if c.name != "VEVENT" or id(c) in taken
            ]
            for component in self._expand(calendar, start - _MARGIN, end + _MARGIN):
                found.append((component, _value(component, "DTSTART"), _value(component, "DTEND")))
        for component, first, last in found:
            try:
                occurrence = self._occurrence(
                    component, first, last, calendar_zone, cancel_all, _uid(component) in recurring
                )
            except Exception as error:  # one odd occurrence never costs the whole feed
                log.info("occurrence left out", exc_info=True)
                self.problem(
                    component,
                    _(
                        "%(event)s cannot be read (%(error)s); the event is left out",
                        event=_named(component),
                        error=type(error).__name__,
                    ),
                )
                continue
            if occurrence.starts_at < end and (
                occurrence.ends_at > start
                or (occurrence.ends_at == occurrence.starts_at and occurrence.starts_at >= start)
            ):
                self.feed.occurrences.append(occurrence)

    # -- checks before expansion --

    def _single_values(self, event: Component) -> LazyString | None:
        """A time given twice leaves the event out (which one is meant?); any other property
        given twice keeps its first value. Times must be dates or date-times, a DURATION a
        duration."""
        for name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"):
            if isinstance(event.get(name), list):
                return _(
                    "%(event)s: %(property)s is given more than once; the event is left out",
                    event=_named(event),
                    property=name,
                )
        for name in _SINGLE_VALUED:
            value = event.get(name)
            if isinstance(value, list):
                event[name] = value[0]
        for name, kind in (
            ("DTSTART", date),
            ("DTEND", date),
            ("RECURRENCE-ID", date),
            ("DURATION", timedelta),
        ):
            value = getattr(event.get(name), "dt", None) if name in event else None
            if name in event and not isinstance(value, kind):
                return _(
                    "%(event)s: unreadable %(property)s (%(reason)s); the event is left out",
                    event=_named(event),
                    property=name,
                    reason=type(value).__name__,
                )
        return None

    def _unreadable(self, event: Component) -> LazyString | None:
        where = _named(event)
        for name, message in event.errors:
            if name in _TIME_PROPERTIES:
                return _(
                    "%(event)s: unreadable %(property)s (%(reason)s); the event is left out",
                    event=where,
                    property=name,
                    reason=message,
                )
        if event.get("DTSTART") is None:
            return _("%(event)s: no DTSTART; the event is left out", event=where)
        for rule in _list(event.get("RRULE")):
            problem = rule_problem(rule)
            if problem is not None:
                return _(
                    "%(event)s: RRULE %(rule)s %(problem)s; the event is left out",
                    event=where,
                    rule=rule.to_ical().decode(),
                    problem=problem,
                )
        return None

    def _too_costly(self, event: Component, start: datetime, end: datetime) -> LazyString | None:
        first = _instant(_value(event, "DTSTART"), UTC)
        for rule in _list(event.get("RRULE")):
            _window, steps = rule_cost(rule, first, start - _MARGIN, end + _MARGIN)
            if steps > MAX_STEPS:
                return _(
                    "%(event)s repeats too often since %(date)s (%(rule)s); the event is left out",
                    event=_named(event),
                    date=f"{first:%Y-%m-%d}",
                    rule=rule.to_ical().decode(),
                )
        return None

    def _window_cost(self, event: Component, start: datetime, end: datetime) -> int:
        first = _instant(_value(event, "DTSTART"), UTC)
        count = 1 + sum(len(rdate.dts) for rdate in _list(event.get("RDATE")))
        for rule in _list(event.get("RRULE")):
            count += rule_cost(rule, first, start, end)[0]
        return count

    def _note_unknown_zones(self, event: Component, calendar_zone: ZoneInfo | None) -> None:
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            prop = event.get(name)
            tzid = prop.params.get("TZID") if prop is not None else None
            value = getattr(prop, "dt", None)
            if tzid and isinstance(value, datetime) and value.tzinfo is None:
                zone = calendar_zone or self._place_zone(event) or self.fallback
                self.problem(
                    event,
                    _(
                        '%(event)s: time zone "%(tzid)s" is not known; its times are read '
                        "as %(zone)s",
                        event=_named(event),
                        tzid=str(tzid),
                        zone=zone.key,
                    ),
                )
                return

    # -- one occurrence --

    def _occurrence(
        self,
        component: Component,
        first: Any,
        last: Any,
        calendar_zone: ZoneInfo | None,
        cancel_all: bool,
        recurring: bool,
    ) -> Occurrence:
        where = self._where(component)
        own = _own_zone(first)
        zone = own or calendar_zone or _zone(where.timezone or "") or self.fallback
        all_day = not isinstance(first, datetime)
        first_day: date | None = None
        last_day: date | None = None
        if all_day:
            first_day, last_day = _day(first), _day(last)
            if last_day <= first_day:
                last_day = first_day + timedelta(days=1)
            starts_at, ends_at = _instant(first_day, zone), _instant(last_day, zone)
        else:
            starts_at, ends_at = _instant(first, zone), _instant(last, zone)
            if ends_at < starts_at:
                starts_at, ends_at = ends_at, starts_at
        status = str(component.get("STATUS", "")).strip().upper() or "CONFIRMED"
        if cancel_all:
            status = "CANCELLED"
        if status not in ("CONFIRMED", "TENTATIVE", "CANCELLED"):
            status = "CONFIRMED"
        transparent = str(component.get("TRANSP", "")).strip().upper() == "TRANSPARENT"
        recurrence = component.get("RECURRENCE-ID")
        recurrence_id = _iso(recurrence.dt) if recurring and recurrence is not None else ""
        organizer = component.get("ORGANIZER")
        return Occurrence(
            uid=_uid(component),
            recurrence_id=recurrence_id,
            summary=_summary(component),
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            start_day=first_day,
            end_day=last_day,
            timezone=zone.key,
            status=status,
            busy=not transparent,
            location=_text(component.get("LOCATION"))[:500],
            city=where.city,
            country=where.country,
            lat=where.lat,
            lon=where.lon,
            online=where.online,
            url=_web_address(component),
            categories=_categories(component),
            description=self._description(component),
            organizer=_person(organizer) if organizer is not None else None,
            attendees=tuple(_person(a) for a in _list(component.get("ATTENDEE"))[:MAX_PEOPLE]),
        )

    def _expand(self, calendar: Calendar, start: datetime, end: datetime) -> list[Component]:
        try:
            return list(recurring_ical_events.of(calendar).between(start, end))
        except Exception as error:  # InvalidCalendar, dateutil's errors, and what else breaks
            log.info("calendar not expanded", exc_info=True)
            raise EventFeedError(
                _("the calendar cannot be expanded: %(reason)s", reason=str(error))
            ) from error

    def _description(self, component: Component) -> str:
        text = str(component.get("DESCRIPTION", ""))
        if text.startswith(_MARK) and text.endswith(_MARK) and text[1:-1].isdigit():
            text = unescape_backslash(self.long_texts[int(text[1:-1])])  # as icalendar does
        return text.strip()[:MAX_DESCRIPTION]

    def _place_zone(self, event: Component) -> ZoneInfo | None:
        return _zone(self._where(event).timezone or "")

    def _where(self, component: Component) -> _Where:
        location = _text(component.get("LOCATION"))
        lat, lon = self._geo(component)
        place = self._place(location, lat, lon)
        if lat is not None and lon is not None:
            if place is not None and place.lat is not None and place.lon is not None:
                if haversine_km(lat, lon, place.lat, place.lon) > GEO_CITY_KM:
                    place = self._nearest(lat, lon)
            else:
                place = self._nearest(lat, lon)
            return _Where(
                place.city if place else None,
                place.country if place else None,
                lat,
                lon,
                place.timezone if place else None,
                False,
            )
        if place is not None and place.city is not None and place.lat is not None:
            return _Where(place.city, place.country, place.lat, place.lon, place.timezone, False)
        if location:
            online = _URL.match(location) is not None or _online_word(location)
            if not online and self.gazetteer is not None:
                self.problem(
                    component,
                    _(
                        '%(event)s: the place "%(location)s" was not found on the map',
                        event=_named(component),
                        location=location[:100],
                    ),
                )
        else:
            online = bool(_web_address(component) or _conference(component))
        country = place.country if place is not None else None
        return _Where(None, country, None, None, None, online)

    def _geo(self, component: Component) -> tuple[float | None, float | None]:
        geo = component.get("GEO")
        if geo is None:
            return None, None
        try:
            lat, lon = float(geo.latitude), float(geo.longitude)
        except (AttributeError, TypeError, ValueError):
            return None, None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.problem(
                component,
                _(
                    "%(event)s: GEO %(lat)s;%(lon)s is not a place on Earth; it is ignored",
                    event=_named(component),
                    lat=lat,
                    lon=lon,
                ),
            )
            return None, None
        return round(lat, 6), round(lon, 6)

    def _place(self, location: str, lat: float | None, lon: float | None) -> Place | None:
        """The city a LOCATION names: the one after its postal code ("…, 20539 Hamburg"),
        else whatever the free-text parser finds, else its last word ("Rathaus Wien")."""
        if self.gazetteer is None or not location or _URL.match(location):
            return None
        postal = _POSTAL_CITY.search(location)
        words = location.replace(",", " ").split()
        tries = [postal.group(1)] if postal else []
        tries += [location, words[-1]] if len(words) > 1 else [location]
        for text in tries:
            place = self._lookup(text)
            if place is not None and place.city is not None:
                return place
        place = self._lookup(location)
        return place if place is not None and place.country else None

    def _lookup(self, text: str) -> Place | None:
        key = (text, None, None)
        if key not in self._places:
            assert self.gazetteer is not None
            self._places[key] = parse_location(text, self.gazetteer)
        return self._places[key]

    def _nearest(self, lat: float, lon: float) -> Place | None:
        if self.gazetteer is None:
            return None
        key = ("", lat, lon)
        if key not in self._places:
            self._places[key] = self.gazetteer.nearest(lat, lon)
        return self._places[key]


def _standard_x_wr_timezone(calendar: Calendar) -> ZoneInfo | None:
    """Make X-WR-TIMEZONE an IANA name recurring_ical_events can use (or drop it); the zone."""
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return None
    zone = _zone(str(name).strip())
    if zone is None:
        del calendar["X-WR-TIMEZONE"]
        return None
    calendar["X-WR-TIMEZONE"] = zone.key
    return zone


def _own_zone(value: date) -> ZoneInfo | None:
    """The IANA zone of a date-time's TZID (None for UTC, floating and custom zones)."""
    zone = value.tzinfo if isinstance(value, datetime) else None
    if isinstance(zone, ZoneInfo) and zone.key not in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return zone
    return None


def _single_times(event: Component) -> tuple[Any, Any]:
    """DTSTART and the end of an event that does not repeat: DTEND, else DTSTART plus
    DURATION, else one day (a date) or no time (a date-time), as recurring_ical_events."""
    first = _value(event, "DTSTART")
    if event.get("DTEND") is not None:
        return first, _value(event, "DTEND")
    duration = event.get("DURATION")
    if duration is not None and isinstance(duration.dt, timedelta):
        return first, first + duration.dt
    return first, first if isinstance(first, datetime) else first + timedelta(days=1)


def _value(component: Component, name: str) -> Any:
    """The date or date-time of a property already checked to be readable."""
    prop: Any = component[name]
    return prop.dt


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _instant(value: date, zone: tzinfo) -> datetime:
    """A date (midnight) or date-time as UTC; floating values are wall time in ``zone``."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _iso(value: date) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str:
    if isinstance(value, list):  # given twice: the first
        value = value[0] if value else None
    return " ".join(str(value).split()) if value is not None else ""


def _summary(component: Component) -> str:
    return _text(component.get("SUMMARY"))[:300] or UNTITLED


def _uid(component: Component) -> str:
    uid = _text(component.get("UID"))
    if uid:
        return uid[:300]
    # no UID (it is required, but hand-made feeds forget it): stable for the same event
    start = component.get("DTSTART")
    seed = f"{_summary(component)}|{start.to_ical().decode() if hasattr(start, 'to_ical') else ''}"
    return f"{hashlib.sha256(seed.encode()).hexdigest()[:24]}@no-uid"


def _named(component: Component) -> str | LazyString:
    summary = _summary(component)
    shown: str | LazyString = _("(untitled event)") if summary == UNTITLED else summary
    return _('event "%(summary)s"', summary=shown)


def _categories(component: Component) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for prop in _list(component.get("CATEGORIES")):
        for item in getattr(prop, "cats", []):
            text = _text(item)
            if text and text.casefold() not in found:
                found[text.casefold()] = text[:100]
    return tuple(found.values())


def _person(address: Any) -> Person:
    name = _text(address.params.get("CN", "")).strip('"')
    value = str(address).strip()
    email = value[7:] if value.lower().startswith("mailto:") else ""
    return Person(name[:200], email.strip()[:320])


def _web_address(component: Component) -> str | None:
    for candidate in (_text(component.get("URL")), _text(component.get("LOCATION"))):
        if re.match(r"^https?://\S+$", candidate, re.IGNORECASE):
            return candidate[:2000]
    return None


def _conference(component: Component) -> bool:
    names = ("CONFERENCE", "X-GOOGLE-CONFERENCE", "X-MICROSOFT-ONLINEMEETINGCONFLINK")
    return any(component.get(name) is not None for name in names)


def _online_word(location: str) -> bool:
    words = re.findall(r"\w+", location.casefold())
    return bool(words) and words[0] in _ONLINE_WORDS
