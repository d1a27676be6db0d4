"""Travel calendars (.ics) -> proposed trip legs: events away from home become legs.

Input is one calendar file: a booking confirmation (Deutsche Bahn, Lufthansa, Booking.com,
Airbnb) or a TripIt feed export. The rules:

* Every VEVENT is placed by calling ``place_of`` on candidate texts. A *transport* (flight,
  train, bus: "Flight LH 2034 HAM → MUC", "Zug nach Köln", "ICE 597 Hamburg Hbf - München
  Hbf") is placed at its destination only; its LOCATION is where it departs, so it is never
  tried. Any other event tries LOCATION, then a place named after "in"/"nach"/"to" in SUMMARY.
* Times: TZID and UTC values are exact; floating values and all-day dates are read in the
  place's time zone (UTC when the place has none). A transport's floating times are read in
  its destination's zone. DTEND of a date is exclusive; a date without DTEND or DURATION
  lasts one day, a date-time without them is a point in time.
* Events within ``min_distance_km`` of home are dropped quietly (no notice: a return flight
  or an appointment at home is expected in a travel calendar, not a problem). They still end
  the leg before them.
* Legs are built in one sweep over the events in time order (an all-day booking counts from
  the end of its first day, so that a train arriving on the check-in day comes first):
  - a transport into city B ends the current leg at the transport's departure and opens a
    leg in B at its arrival; a transport home opens none;
  - an event in the leg's city (same GeoNames id, or within 30 km) joins the leg when it
    starts at most a day after the leg's end known so far; a leg opened by a transport, as
    long as no booking gave it an end, takes every event of its city;
  - a booking over a night (all-day, or past midnight) sets the leg's end; a shorter
    appointment does not, so a meeting does not end a visit that the flight home ends later;
  - a leg opened by a transport keeps that arrival: bookings in the city (a hotel from its
    check-in date) only widen its end, since the traveller is not there before arriving;
  - any other event ends the current leg and, away from home, starts a new one.
* A leg ends at the transport leaving it, else at its latest booking or appointment. A leg
  opened by a transport alone lasts until the next transport leaves (whenever that is), else
  to the end of the arrival's day in the leg's zone; one that a transport leaves within three
  hours is a change of planes or trains and is dropped with a notice.
* A leg's summaries are its events' and the leaving transport's, in time order.
* Legs never overlap: an earlier leg is cut at the next one's arrival (dropped, with a
  notice, when nothing is left).

Notices, ``TravelCalendarError`` messages and the SUMMARY of an untitled event are lazy
translations (``flask_babel.lazy_gettext``): ``str()`` speaks the language of the request,
English outside one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from icalendar import Calendar, Component
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from planner.geo.distance import haversine_km
from planner.geo.gazetteer import Place
from planner.i18n import lazy_number
from planner.importers.decode import BinaryData, decode_bytes

# Two places this close are one city for merging (suburb hotel, airport outside town).
SAME_CITY_KM = 30.0
# A known stay and a later event in its city this far apart are still one visit.
SAME_VISIT_GAP = timedelta(days=1)
# A transport-only stop left again this quickly is a connection, not a visit.
CONNECTION_MAX = timedelta(hours=3)
UNTITLED = _("(untitled event)")

_ARROW = re.compile(r"\s*(?:→|⟶|➔|➝|⇒|->|=>)\s*")
_TO_WORD = re.compile(r"\s+(?:to|nach)\s+", re.IGNORECASE)
_DASH = re.compile(r"\s+[-–—]\s+")
_TRANSPORT_WORD = re.compile(
    r"\b(?:flight|flug|flieger|train|zug|bahn|railjet|nightjet|eurostar|thalys|amtrak|"
    r"ice|ic|ec|ece|rjx?|tgv|nj|flx|flixtrain|flixbus|fernbus|bus|ferry|fähre)\b",
    re.IGNORECASE,
)
# An airline designator plus flight number ("LH 2034", "DL738", "U2 5171"); case matters.
_FLIGHT_NUMBER = re.compile(r"\b(?:[A-Z]{2}|[A-Z]\d|\d[A-Z])\s?\d{1,4}\b")
# "Hotel in Wien", "Trip to Munich in October": the place runs to the next keyword or mark.
_PLACE_WORD = re.compile(r"\b(?:in|nach|to)\s+", re.IGNORECASE)
_PHRASE_END = re.compile(r"\s+(?:in|nach|to|at|im|am|für|for|from|von|ab)\s+|[,;:(|]", re.I)
# Station and airport words that a city-level geocoder does not know ("München Hbf").
_FACILITY = re.compile(
    r"\([^)]*\)?|\b(?:hbf|hb|hauptbahnhof|bahnhof|bf|flughafen|airport|international|intl|"
    r"station|central|centraal|terminal(?:\s*\d+)?|gare|aéroport|aeroporto|aeropuerto)\b\.?",
    re.IGNORECASE,
)


def without_facility(text: str) -> str:
    """The text without station and airport words: "Zürich HB" -> "Zürich"."""
    return " ".join(_FACILITY.sub(" ", text).split()).strip(" -–/")


@dataclass(frozen=True)
class ProposedLeg:
    place_text: str  # what was geocoded, e.g. "München" or a hotel's full address
    place: Place
    arrives_at: datetime  # aware, UTC
    departs_at: datetime  # aware, UTC, > arrives_at
    timezone: str  # IANA, from place.timezone, else the event's own TZID, else "UTC"
    summaries: tuple[str, ...]  # SUMMARY of the events that formed the leg (or UNTITLED)


class TravelCalendarError(ValueError):
    """The file as a whole cannot be used: not iCalendar, no events, too large."""


@dataclass(frozen=True)
class _Item:
    """One placed event, times in UTC; for a transport start is departure, end arrival."""

    summary: str
    place_text: str
    place: Place
    start: datetime
    end: datetime
    all_day: bool
    transport: bool
    at_home: bool
    timezone: str
    overnight: bool  # all-day or over midnight: a booking whose end is when the traveller leaves

    def sort_key(self) -> tuple[datetime, datetime]:
        # An all-day booking sorts after its first day, so that day's train arrives first.
        return (self.start + timedelta(days=1) if self.all_day else self.start, self.start)


@dataclass
class _Draft:
    """A leg being built by the sweep."""

    place_text: str
    place: Place
    timezone: str
    arrival: datetime
    pinned: bool  # opened by a transport: its arrival time is kept
    latest: datetime  # latest end of any event in the leg
    departure: datetime | None = None  # set by a booking over a night or a leaving transport
    summaries: list[str] = field(default_factory=list)
    has_stay: bool = False
    left_by: str | None = None  # SUMMARY of the transport that ended the leg

    @classmethod
    def open(cls, item: _Item) -> _Draft:
        arrival = item.end if item.transport else item.start
        draft = cls(item.place_text, item.place, item.timezone, arrival, item.transport, arrival)
        draft.add(item)
        return draft

    def reach(self) -> datetime | None:
        """Latest start of an event that still joins this visit; None: no limit yet."""
        if self.pinned and self.departure is None:
            return None
        return (self.departure or self.latest) + SAME_VISIT_GAP

    def takes(self, item: _Item) -> bool:
        if not _same_city(self.place, item.place):
            return False
        reach = self.reach()
        return reach is None or (item.end if item.transport else item.start) <= reach

    def add(self, item: _Item) -> None:
        self.summaries.append(item.summary)
        self.latest = max(self.latest, item.end)
        if item.transport:
            return  # a transport within the city (an airport shuttle) only widens ``latest``
        self.has_stay = True
        if not self.pinned:
            self.arrival = min(self.arrival, item.start)
        if item.overnight:
            self.departure = item.end if self.departure is None else max(self.departure, item.end)

    def leave(self, transport: _Item) -> None:
        """End the leg at ``transport``'s departure when it plausibly leaves from here."""
        reach = self.reach()
        if reach is None or transport.start <= reach:
            self.departure = transport.start
            self.left_by = transport.summary
            self.summaries.append(transport.summary)


class _Skip(Exception):
    """One event cannot be used; becomes a notice. ``day`` is DTSTART's date, when known."""

    def __init__(self, summary: str, day: date | None, reason: LazyString) -> None:
        super().__init__(reason)
        self.summary, self.day, self.reason = summary, day, reason

    def notice(self) -> LazyString:
        if self.day is None:
            return _('Skipped "%(summary)s": %(reason)s.', summary=self.summary, reason=self.reason)
        return _(
            'Skipped "%(summary)s" (%(date)s): %(reason)s.',
            summary=self.summary,
            date=self.day.isoformat(),
            reason=self.reason,
        )


def legs_from_calendar(
    data: bytes,
    *,
    place_of: Callable[[str], Place | None],
    home: tuple[float, float] | None,
    min_distance_km: float = 50.0,
    max_bytes: int = 5 * 1024 * 1024,  # the app passes CALENDAR_MAX_BYTES
) -> tuple[list[ProposedLeg], list[LazyString]]:
    """Legs sorted by arrival, plus per-event notices (lazy translations naming the event
    SUMMARY and why it was skipped)."""
    events = _events(data, max_bytes)
    notices: list[LazyString] = []
    items: list[_Item] = []
    for event in events:
        try:
            items.append(_item(event, place_of, home, min_distance_km))
        except _Skip as skip:
            notices.append(skip.notice())
    items.sort(key=_Item.sort_key)
    return _finish(_sweep(items), notices)


def _events(data: bytes, max_bytes: int) -> list[Component]:
    if len(data) > max_bytes:
        raise TravelCalendarError(
            _(
                "The calendar file is %(size)s bytes; the limit is %(limit)s bytes.",
                size=lazy_number(len(data)),
                limit=lazy_number(max_bytes),
            )
        )
    text = _decode(data)
    if not text.strip():
        raise TravelCalendarError(_("The calendar file is empty."))
    try:
        # bytes, not str: icalendar reads a one-line str as a file path
        components = Calendar.from_ical(text.encode("utf-8"), multiple=True)
    except ValueError as error:
        raise TravelCalendarError(
            _(
                "This is not an iCalendar (.ics) file: %(reason)s",
                reason=str(error).splitlines()[0],
            )
        ) from error
    calendars = [component for component in components if component.name == "VCALENDAR"]
    if not calendars:
        found = ", ".join(sorted({str(component.name) for component in components}))
        raise TravelCalendarError(
            _(
                "This is not an iCalendar (.ics) file: it holds no VCALENDAR (found %(found)s).",
                found=found,
            )
        )
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    if not events:
        raise TravelCalendarError(_("The calendar holds no events (VEVENT)."))
    return events


def _decode(data: bytes) -> str:
    try:
        return decode_bytes(data).text  # UTF-8 (BOM or not), UTF-16, else cp1252
    except BinaryData as error:
        if error.kind:
            raise TravelCalendarError(
                _("This is not an iCalendar (.ics) file: it is %(kind)s.", kind=error.kind)
            ) from None
        raise TravelCalendarError(
            _("This is not an iCalendar (.ics) file: it is binary data.")
        ) from None


def _quoted(texts: list[str]) -> str:
    """``"Atlantis", "Avalon"``, with the reader's quotation marks."""
    return ", ".join(gettext('"%(text)s"', text=text) for text in texts)


def _prop(event: Component, name: str) -> Any:
    prop = event.get(name)
    if isinstance(prop, list):  # a property given twice: the first one counts
        return prop[0] if prop else None
    return prop


def _text(event: Component, name: str) -> str:
    value = _prop(event, name)
    return " ".join(str(value).split()) if value is not None else ""


def _value(event: Component, name: str, summary: str, day: date | None = None) -> object:
    prop = _prop(event, name)
    if prop is None:
        return None
    try:
        return prop.dt
    except ValueError as error:  # icalendar's BrokenCalendarProperty
        raise _Skip(summary, day, _("its %(property)s is unreadable", property=name)) from error


def _item(
    event: Component,
    place_of: Callable[[str], Place | None],
    home: tuple[float, float] | None,
    min_distance_km: float,
) -> _Item:
    title = _text(event, "SUMMARY")  # what is parsed; ``summary`` is what is shown
    summary = title or UNTITLED
    start_value = _value(event, "DTSTART", summary)
    if not isinstance(start_value, date):
        raise _Skip(summary, None, _("it has no start time"))
    day = start_value.date() if isinstance(start_value, datetime) else start_value
    if _text(event, "STATUS").upper() == "CANCELLED":
        raise _Skip(summary, day, _("it is cancelled"))
    if any(event.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
        raise _Skip(summary, day, _("it repeats, and a repeating event is not a journey"))
    location = _text(event, "LOCATION")
    destinations = _destinations(title, location)
    transport = bool(destinations) and _looks_like_transport(title, location)
    texts = destinations if transport else [location, *_place_phrases(title)]
    texts = [text for text in texts if text]
    if not texts:
        raise _Skip(summary, day, _("it has no location"))
    found = _place(texts, place_of)
    if found is None:
        tried = LazyString(_quoted, texts)
        raise _Skip(summary, day, _("could not place %(places)s", places=tried))
    place_text, place = found
    end_value = _value(event, "DTEND", summary, day)
    duration = _value(event, "DURATION", summary, day)
    zone_name = place.timezone or _zone_name(start_value, event) or "UTC"
    start, end = _interval(start_value, end_value, duration, ZoneInfo(zone_name))
    if end < start:
        raise _Skip(summary, day, _("it ends before it starts"))
    assert place.lat is not None and place.lon is not None  # _place only returns such places
    at_home = home is not None and haversine_km(*home, place.lat, place.lon) <= min_distance_km
    return _Item(
        summary=summary,
        place_text=place_text,
        place=place,
        start=start,
        end=end,
        all_day=not isinstance(start_value, datetime),
        transport=transport,
        at_home=at_home,
        timezone=zone_name,
        overnight=_over_midnight(start, end, zone_name),
    )


def _looks_like_transport(summary: str, location: str) -> bool:
    return bool(
        _TRANSPORT_WORD.search(summary)
        or _FLIGHT_NUMBER.search(summary)
        or _ARROW.search(summary)
        or _ARROW.search(location)
    )


def _destinations(summary: str, location: str) -> list[str]:
    """Texts naming where a journey goes: after the last arrow, "to"/"nach", or " - "."""
    found: list[str] = []
    for text, separators in ((summary, (_ARROW, _TO_WORD, _DASH)), (location, (_ARROW,))):
        for separator in separators:
            parts = separator.split(text)
            if len(parts) > 1 and parts[-1].strip():
                found.append(parts[-1].strip())
                break
    return found


def _place_phrases(summary: str) -> list[str]:
    """Texts after "in"/"nach"/"to" in a SUMMARY, each up to the next such word or mark."""
    phrases = []
    for match in _PLACE_WORD.finditer(summary):
        rest = summary[match.end() :]
        end = _PHRASE_END.search(rest)
        phrases.append((rest[: end.start()] if end else rest).strip())
    return phrases


def _variants(text: str) -> Iterator[str]:
    """The text, its first comma part, and both without station or airport words."""
    first = text.split(",")[0].strip()
    for candidate in (text, first):
        yield candidate
        yield without_facility(candidate)


def _place(texts: list[str], place_of: Callable[[str], Place | None]) -> tuple[str, Place] | None:
    tried: set[str] = set()
    for text in texts:
        for candidate in _variants(text):
            if not candidate or candidate in tried:
                continue
            tried.add(candidate)
            place = place_of(candidate)
            # a country-only answer has no coordinates: too vague for a leg
            if place is not None and place.lat is not None and place.lon is not None:
                return candidate, place
    return None


def _zone_name(value: date, event: Component) -> str | None:
    """The event's own IANA zone: from the parsed value, else its TZID (Windows names too)."""
    if isinstance(value, datetime) and isinstance(value.tzinfo, ZoneInfo):
        return value.tzinfo.key
    tzid = _prop(event, "DTSTART").params.get("TZID")
    if not tzid:
        return None
    name = WINDOWS_TO_OLSON.get(str(tzid), str(tzid))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _interval(
    start_value: date, end_value: object, duration: object, zone: tzinfo
) -> tuple[datetime, datetime]:
    """DTSTART/DTEND/DURATION as UTC instants; dates and floating times read in ``zone``."""
    start = _instant(start_value, zone)
    if isinstance(end_value, date):
        return start, _instant(end_value, zone)
    if isinstance(duration, timedelta):
        # wall-clock arithmetic, so "P1D" across a DST change is still one calendar day
        return start, (_local(start_value, zone) + duration).astimezone(UTC)
    if isinstance(start_value, datetime):
        return start, start
    return start, _instant(start_value + timedelta(days=1), zone)


def _local(value: date, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=zone)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _instant(value: date, zone: tzinfo) -> datetime:
    return _local(value, zone).astimezone(UTC)


def _over_midnight(start: datetime, end: datetime, zone_name: str) -> bool:
    zone = ZoneInfo(zone_name)
    return end.astimezone(zone).date() > start.astimezone(zone).date()


def _same_city(a: Place, b: Place) -> bool:
    if a.geoname_id is not None and a.geoname_id == b.geoname_id:
        return True
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= SAME_CITY_KM


def _sweep(items: list[_Item]) -> list[_Draft]:
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for item in items:
        if current is not None and current.takes(item):
            current.add(item)
            continue
        if current is not None:
            if item.transport:
                current.leave(item)
            drafts.append(current)
            current = None
        if not item.at_home:
            current = _Draft.open(item)
    if current is not None:
        drafts.append(current)
    return drafts


def _finish(
    drafts: list[_Draft], notices: list[LazyString]
) -> tuple[list[ProposedLeg], list[LazyString]]:
    legs: list[ProposedLeg] = []
    for draft in drafts:
        end_of_day = _end_of_day(draft.arrival, draft.timezone)
        # unknown end: a transport arrival lasts the day, appointments as long as they last
        departure = draft.departure or (
            max(draft.latest, end_of_day) if draft.pinned else draft.latest
        )
        if (
            draft.left_by is not None
            and draft.pinned
            and not draft.has_stay
            and departure - draft.arrival <= CONNECTION_MAX
        ):
            notices.append(
                _(
                    'Skipped the stop in %(city)s between "%(arrival)s" and "%(departure)s": '
                    "it is a change of planes or trains, not a stay.",
                    city=_city(draft.place, draft.place_text),
                    arrival=draft.summaries[0],
                    departure=draft.left_by,
                )
            )
            continue
        if departure <= draft.arrival:  # a point in time, or a booking ending before arrival
            departure = end_of_day
        legs.append(
            ProposedLeg(
                place_text=draft.place_text,
                place=draft.place,
                arrives_at=draft.arrival,
                departs_at=departure,
                timezone=draft.timezone,
                summaries=tuple(draft.summaries),
            )
        )
    legs.sort(key=lambda leg: leg.arrives_at)
    kept: list[ProposedLeg] = []
    for index, leg in enumerate(legs):
        following = legs[index + 1] if index + 1 < len(legs) else None
        if following is not None and leg.departs_at > following.arrives_at:
            if following.arrives_at <= leg.arrives_at:
                notices.append(
                    _(
                        'Skipped the stay in %(city)s from "%(summary)s": it overlaps '
                        '"%(other)s" in another place.',
                        city=_city(leg.place, leg.place_text),
                        summary=leg.summaries[0],
                        other=following.summaries[0],
                    )
                )
                continue
            leg = replace(leg, departs_at=following.arrives_at)
        kept.append(leg)
    return kept, notices


def _city(place: Place, place_text: str) -> str:
    return place.city or place_text


def _end_of_day(instant: datetime, zone_name: str) -> datetime:
    zone = ZoneInfo(zone_name)
    day = instant.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
