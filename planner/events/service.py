"""Event feeds the user follows: subscribe, upload, refresh, remove; and their occurrences read
back for the events pages and the CLI.

Decisions:

* A subscribed address is fetched by the worker (``refresh_feed``, queued on subscribe, on
  "read again" and every ``CALENDAR_REFRESH_MINUTES`` by the periodic task), because a fetch
  may take up to its 20 s time-out. The fetch and the parse come before any write, so the
  write lock is held only while a feed's occurrences are replaced: one DELETE and one bulk
  INSERT in the caller's transaction.
* An uploaded file is read in the request: it is at most ``CALENDAR_MAX_BYTES`` (5 MB), and
  the bench (bench/events.py) reads 5,000 events of that size for a year in well under its
  5 s target; the user sees the result (or why the file cannot be read) at once, and nothing
  is kept of a file that cannot be read.
* A refresh that fails (network, server, a file that is no calendar) records its error as a
  stored message (shown in the reader's language) and keeps the occurrences read before.
* Occurrences are kept from ``KEEP_BEHIND`` before to ``KEEP_AHEAD`` after the refresh, so
  that ``planner events list`` answers for last year's range as well as for next year's.
* Every query is scoped to its owner; rows are addressed with ``get_owned``.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _
from sqlalchemy import delete, func, insert, or_, select
from sqlmodel import Session, col

from planner.calendar.fetch import FetchError, fetch_calendar, normalise_calendar_url
from planner.db import table_of
from planner.events.parse import EventFeedError, Occurrence, ParsedFeed, parse_feed
from planner.geo.distance import bounding_box, longitude_ranges, within_radius
from planner.i18n import to_stored
from planner.meetings.service import default_timezone
from planner.models import User
from planner.models.event import (
    EventFeed,
    EventFeedKind,
    EventFeedStatus,
    EventOccurrence,
)
from planner.models.types import utcnow

MAX_FEEDS = 20
MAX_PROBLEMS = 50  # per-event problems kept of a feed's last good copy
KEEP_BEHIND = timedelta(days=2 * 366)
KEEP_AHEAD = timedelta(days=3 * 366)
OCCURRENCE = table_of(EventOccurrence)


class EventFeedProblem(ValueError):
    """A feed the user gave cannot be used: the message (a lazy translation) says why."""


@dataclass(frozen=True)
class ImportSummary:
    feed: EventFeed
    events: int
    cancelled: int
    problems: list[Any]  # lazy messages


# --- reading a feed ------------------------------------------------------------------------


def _places() -> Any:
    """The gazetteer when it is built (places come with it), else None: never build it in a
    request (it takes seconds); ``planner places build`` or the first import builds it."""
    from planner.places.service import gazetteer, gazetteer_ready

    return gazetteer() if gazetteer_ready() else None


def read_feed(data: bytes, *, owner: User, now: datetime) -> ParsedFeed:
    """Parse ``data`` for the kept window, in the owner's zone; ``EventFeedError`` as is."""
    return parse_feed(
        data,
        start=now - KEEP_BEHIND,
        end=now + KEEP_AHEAD,
        default_zone=default_timezone(owner, None),
        gazetteer=_places(),
        max_bytes=int(current_app.config["CALENDAR_MAX_BYTES"]),
    )


def occurrence_id(feed_id: uuid.UUID, uid: str, recurrence_id: str) -> uuid.UUID:
    """Stable across refreshes: links and decisions keep pointing at the same occurrence."""
    return uuid.uuid5(feed_id, f"{uid}|{recurrence_id}")


def _row(feed: EventFeed, item: Occurrence) -> dict[str, Any]:
    return {
        "id": occurrence_id(feed.id, item.uid, item.recurrence_id),
        "owner_id": feed.owner_id,
        "feed_id": feed.id,
        "uid": item.uid,
        "recurrence_id": item.recurrence_id,
        "summary": item.summary,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "all_day": item.all_day,
        "start_day": item.start_day,
        "end_day": item.end_day,
        "timezone": item.timezone,
        "status": item.status,
        "busy": item.busy,
        "location": item.location,
        "city": item.city,
        "country": item.country,
        "lat": item.lat,
        "lon": item.lon,
        "online": item.online,
        "url": item.url,
        "categories": list(item.categories),
        "description": item.description,
        "organizer": (
            {"name": item.organizer.name, "email": item.organizer.email} if item.organizer else None
        ),
        "attendees": [{"name": p.name, "email": p.email} for p in item.attendees],
    }


def store(session: Session, *, feed: EventFeed, parsed: ParsedFeed, now: datetime) -> int:
    """Replace the feed's occurrences with ``parsed`` (all or nothing); the number of
    occurrences that are not cancelled."""
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    for item in parsed.occurrences:
        row = _row(feed, item)
        rows.setdefault(row["id"], row)  # the same UID twice (two masters): the first counts
    session.execute(delete(OCCURRENCE).where(OCCURRENCE.c.feed_id == feed.id))
    if rows:
        session.execute(insert(OCCURRENCE), list(rows.values()))
    cancelled = sum(1 for row in rows.values() if row["status"] == "CANCELLED")
    feed.event_count = len(rows) - cancelled
    feed.cancelled_count = cancelled
    feed.problems = [to_stored(p.message) for p in parsed.problems[:MAX_PROBLEMS]]
    if not feed.title and parsed.name:
        feed.title = parsed.name
    feed.refreshed_at = feed.fetched_at = now
    feed.error_text = None
    feed.status = EventFeedStatus.DONE.value
    session.add(feed)
    session.flush()
    return feed.event_count


def _record_error(session: Session, *, feed: EventFeed, error: Exception, now: datetime) -> None:
    feed.error_text = to_stored(error)  # shown again in whoever reads it's language
    feed.status = EventFeedStatus.ERROR.value
    feed.fetched_at = now
    session.add(feed)
    session.flush()


# --- feeds -------------------------------------------------------------------------------


def list_feeds(session: Session, *, owner: User) -> list[EventFeed]:
    return list(
        session.scalars(
            select(EventFeed)
            .where(col(EventFeed.owner_id) == owner.id)
            .order_by(col(EventFeed.created_at))
        )
    )


def _room_for_one_more(session: Session, owner: User) -> None:
    count = session.execute(
        select(func.count(col(EventFeed.id))).where(col(EventFeed.owner_id) == owner.id)
    ).scalar_one()
    if (count or 0) >= MAX_FEEDS:
        raise EventFeedProblem(_("You can follow at most %(n)s event feeds.", n=MAX_FEEDS))


def subscribe(session: Session, *, owner: User, url: str, title: str = "") -> EventFeed:
    """A feed address (http, https, webcal); the caller queues its first reading."""
    try:
        clean = normalise_calendar_url(url)
    except FetchError as error:
        raise EventFeedProblem(*error.args) from None
    known = session.scalars(
        select(EventFeed).where(col(EventFeed.owner_id) == owner.id, col(EventFeed.url) == clean)
    ).first()
    if known is not None:
        raise EventFeedProblem(_("You follow this address already."))
    _room_for_one_more(session, owner)
    feed = EventFeed(
        owner_id=owner.id,
        kind=EventFeedKind.URL.value,
        url=clean,
        title=title.strip()[:200],
        status=EventFeedStatus.QUEUED.value,
    )
    session.add(feed)
    session.flush()
    return feed


def add_upload(
    session: Session,
    *,
    owner: User,
    filename: str,
    data: bytes,
    title: str = "",
    now: datetime | None = None,
) -> ImportSummary:
    """An uploaded .ics, read at once (see the module docstring); nothing is kept of a
    file that cannot be read (``EventFeedProblem`` says why)."""
    _room_for_one_more(session, owner)
    now = now or utcnow()
    try:
        parsed = read_feed(data, owner=owner, now=now)
    except EventFeedError as error:
        raise EventFeedProblem(
            _("%(name)s: %(problem)s", name=filename or "calendar.ics", problem=error)
        ) from None
    feed = EventFeed(
        owner_id=owner.id,
        kind=EventFeedKind.UPLOAD.value,
        title=(title.strip() or parsed.name or filename.strip() or "calendar.ics")[:200],
    )
    session.add(feed)
    session.flush()
    store(session, feed=feed, parsed=parsed, now=now)
    return ImportSummary(feed, feed.event_count, feed.cancelled_count, _problems(parsed))


def _problems(parsed: ParsedFeed) -> list[Any]:
    return [p.message for p in parsed.problems]


def start_reading(session: Session, *, feed: EventFeed) -> None:
    """The worker has taken the feed (committed before the slow part, for its page)."""
    feed.status = EventFeedStatus.READING.value
    session.add(feed)
    session.flush()


def queue_refresh(session: Session, *, feed: EventFeed) -> None:
    feed.status = EventFeedStatus.QUEUED.value
    session.add(feed)
    session.flush()


def refresh_feed(
    session: Session, *, feed: EventFeed, now: datetime | None = None
) -> ParsedFeed | None:
    """Fetch a feed address again (conditional GET) and replace its occurrences. A problem
    is recorded on the feed, not raised, and the occurrences read before stay. The parse,
    or None when nothing changed (304) or the refresh failed."""
    if feed.kind != EventFeedKind.URL.value or not feed.url:
        return None
    owner = session.get(User, feed.owner_id)
    if owner is None:
        return None
    now = now or utcnow()
    config = current_app.config
    try:
        fetched = fetch_calendar(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            max_bytes=int(config["CALENDAR_MAX_BYTES"]),
            allow_private=bool(config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"]),
            user_agent=config["GEOCODER_USER_AGENT"],
        )
        if fetched.data is None:  # not modified
            feed.fetched_at = now
            feed.error_text = None
            feed.status = EventFeedStatus.DONE.value
            session.add(feed)
            session.flush()
            return None
        parsed = read_feed(fetched.data, owner=owner, now=now)
    except (FetchError, EventFeedError) as error:
        _record_error(session, feed=feed, error=error, now=now)
        return None
    store(session, feed=feed, parsed=parsed, now=now)
    feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
    session.add(feed)
    session.flush()
    return parsed


def due_feeds(session: Session, *, now: datetime, every: timedelta) -> list[uuid.UUID]:
    """Feed addresses not fetched within ``every``."""
    query = select(col(EventFeed.id)).where(
        col(EventFeed.kind) == EventFeedKind.URL.value,
        col(EventFeed.fetched_at).is_(None) | (col(EventFeed.fetched_at) < now - every),
    )
    return list(session.scalars(query))


def remove_feed(session: Session, *, feed: EventFeed) -> None:
    session.execute(delete(OCCURRENCE).where(OCCURRENCE.c.feed_id == feed.id))
    session.delete(feed)
    session.flush()


# --- occurrences -------------------------------------------------------------------------


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    radius_km: float


def occurrences(
    session: Session,
    *,
    owner: User,
    start: datetime,
    end: datetime,
    near: Near | None = None,
    topic: str = "",
    cancelled: bool = True,
    limit: int | None = None,
) -> list[EventOccurrence]:
    """The owner's occurrences overlapping [start, end), by start; ``near`` keeps those
    within the radius (online ones never are), ``topic`` those whose categories, title or
    description mention it."""
    query = (
        select(EventOccurrence)
        .where(col(EventOccurrence.owner_id) == owner.id)
        .where(col(EventOccurrence.starts_at) < end)
        .where(
            (col(EventOccurrence.ends_at) > start)
            | (
                (col(EventOccurrence.ends_at) == col(EventOccurrence.starts_at))
                & (col(EventOccurrence.starts_at) >= start)
            )
        )
        .order_by(col(EventOccurrence.starts_at), col(EventOccurrence.summary))
    )
    if not cancelled:
        query = query.where(col(EventOccurrence.status) != "CANCELLED")
    if near is not None:
        box = bounding_box(near.lat, near.lon, near.radius_km)
        query = query.where(col(EventOccurrence.lat).between(box[0], box[1]))
        ranges = longitude_ranges(box)
        lon = col(EventOccurrence.lon)
        query = query.where(or_(*(lon.between(west, east) for west, east in ranges)))
    rows: Sequence[EventOccurrence] = list(session.scalars(query))
    if near is not None:
        inside = {
            row.id
            for row, _km in within_radius(
                ((r, r.lat, r.lon) for r in rows), near.lat, near.lon, near.radius_km
            )
        }
        rows = [row for row in rows if row.id in inside]
    if topic.strip():
        needle = topic.strip().casefold()
        rows = [row for row in rows if needle in _topic_text(row)]
    return list(rows[:limit] if limit is not None else rows)


def _topic_text(row: EventOccurrence) -> str:
    return " ".join([*(row.categories or []), row.summary, row.description]).casefold()


def shown_start(row: EventOccurrence) -> date | datetime:
    """As the event's calendar shows it: the first day, or the start in its zone."""
    if row.all_day and row.start_day is not None:
        return row.start_day
    return row.starts_at.astimezone(_zone_of(row))


def shown_end(row: EventOccurrence) -> date | datetime:
    """The day after the last (all-day, exclusive), or the end in the event's zone."""
    if row.all_day and row.end_day is not None:
        return row.end_day
    return row.ends_at.astimezone(_zone_of(row))


def _zone_of(row: EventOccurrence) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(row.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def occurrence_json(row: EventOccurrence) -> dict[str, Any]:
    """One occurrence as ``planner events list --json`` gives it (CLI.md), plus a few keys."""
    return {
        "uid": row.uid,
        "summary": row.summary,
        "start": shown_start(row).isoformat(),
        "end": shown_end(row).isoformat(),
        "all_day": row.all_day,
        "status": row.status,
        "city": row.city,
        "lat": row.lat,
        "lon": row.lon,
        "url": row.url,
        "online": row.online,
        "categories": list(row.categories or []),
        "id": str(row.id),
        "recurrence_id": row.recurrence_id,
        "timezone": row.timezone,
        "location": row.location,
        "country": row.country,
        "busy": row.busy,
    }
