"""The events pages' reading: the user's upcoming occurrences as a filtered list or a month.

Pure reading (no writes); the views pass the form's values and render what comes back.
"""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from sqlmodel import Session

from planner.db import get_owned
from planner.events.service import Near, occurrences, shown_end, shown_start
from planner.models import User
from planner.models.event import EventFeed, EventOccurrence

MAX_LISTED = 200  # rows on the list page; narrower filters show the rest
DEFAULT_DAYS = 366  # the list's default reach from today
DEFAULT_RADIUS_KM = 50


@dataclass(frozen=True)
class Filters:
    place: str = ""
    radius_km: int = DEFAULT_RADIUS_KM
    topic: str = ""
    start: date | None = None
    end: date | None = None  # included


@dataclass
class Listing:
    rows: list[EventOccurrence]
    start: date
    end: date  # included
    place_found: str | None = None  # the city the place text named
    problem: LazyString | None = None  # the place text named no city
    more: bool = False  # more than MAX_LISTED matched


@dataclass
class Day:
    day: date
    in_month: bool
    rows: list[EventOccurrence] = field(default_factory=list)


def _near(place: str, radius_km: int) -> tuple[Near | None, str | None, LazyString | None]:
    if not place.strip():
        return None, None, None
    from planner.places.service import city_of, gazetteer_ready

    found = city_of(place) if gazetteer_ready() else None
    if found is None or found.lat is None or found.lon is None:
        return None, None, _('"%(place)s" is not a city we know.', place=place.strip()[:100])
    return Near(found.lat, found.lon, radius_km), found.city, None


def _window(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


def upcoming(session: Session, *, owner: User, filters: Filters, today: date, zone: str) -> Listing:
    """The occurrences from ``filters.start`` (default today) to ``filters.end`` (default a
    year on), near the place and about the topic when given; cancelled ones included."""
    first = filters.start or today
    last = filters.end or first + timedelta(days=DEFAULT_DAYS)
    if last < first:
        first, last = last, first
    near, city, problem = _near(filters.place, filters.radius_km)
    listing = Listing([], first, last, city, problem)
    if problem is not None:
        return listing
    start, end = _window(first, last, ZoneInfo(zone))
    rows = occurrences(
        session,
        owner=owner,
        start=start,
        end=end,
        near=near,
        topic=filters.topic,
        limit=MAX_LISTED + 1,
    )
    listing.rows, listing.more = rows[:MAX_LISTED], len(rows) > MAX_LISTED
    return listing


def month(
    session: Session, *, owner: User, filters: Filters, year: int, month: int, zone: str
) -> tuple[list[list[Day]], LazyString | None]:
    """The weeks (Monday first) of the month, each day with the occurrences on it (an
    event over several days is on each of them); the place problem, if any."""
    weeks_of_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    near, _city, problem = _near(filters.place, filters.radius_km)
    days = {d: Day(d, d.month == month) for week in weeks_of_dates for d in week}
    if problem is None:
        start, end = _window(first, last, ZoneInfo(zone))
        rows = occurrences(
            session, owner=owner, start=start, end=end, near=near, topic=filters.topic
        )
        for row in rows:
            for day in _days_of(row):
                if day in days:
                    days[day].rows.append(row)
    return [[days[d] for d in week] for week in weeks_of_dates], problem


def _days_of(row: EventOccurrence) -> list[date]:
    """The calendar days an occurrence is on, at its place (all-day: end exclusive)."""
    begin, finish = shown_start(row), shown_end(row)
    if isinstance(begin, datetime) and isinstance(finish, datetime):
        first, last = begin.date(), finish.date()
        if finish > begin and finish.time() == time():
            last -= timedelta(days=1)  # ends at midnight: not on the next day
    else:
        first = begin if not isinstance(begin, datetime) else begin.date()
        end = finish if not isinstance(finish, datetime) else finish.date()
        last = end - timedelta(days=1)
    last = max(first, min(last, first + timedelta(days=62)))  # a months-long event: bounded
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class KnownPerson:
    contact_id: str
    display_name: str
    role: str  # organizer | attendee | programme


@dataclass(frozen=True)
class EventPage:
    event: EventOccurrence
    feed: EventFeed
    people: list[KnownPerson]  # the user's contacts the event names


def event_page(session: Session, *, owner: User, occurrence_id: str) -> EventPage:
    """One occurrence (404 unless the owner's), its feed, and the contacts it names (as
    organiser, taking part, or in its title or programme: planner.events.matching)."""
    from planner.events.suggest import as_occurrence, named_contacts

    row = get_owned(session, EventOccurrence, occurrence_id, owner=owner)
    feed = get_owned(session, EventFeed, row.feed_id, owner=owner)
    occurrence = as_occurrence(row)
    index = named_contacts(session, owner=owner, occurrences=[occurrence])
    people = [
        KnownPerson(str(named.contact_id), named.display_name, named.role)
        for named in index.named_in(occurrence)
    ]
    return EventPage(row, feed, people)
