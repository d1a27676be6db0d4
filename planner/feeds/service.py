"""Calendar feeds, in and out.

Out: a private, subscribable iCalendar feed of the user's confirmed meetings (and the
events they said they are going to, and open follow-ups on their due day) at a secret
address, naming the invitees without their e-mail addresses. Only a SHA-256 of the token
is stored: the address is shown once when it is made; losing it means making a new one
(which also revokes the old). A cheap version
query gives the ETag, so a calendar app polling an unchanged feed costs one indexed query.

In: the user's own calendars (an uploaded .ics or a private ics address), read for busy
times only (no titles: only the times are stored). Each refresh replaces the source's busy
rows in one transaction; a failing refresh keeps the previous busy times and records the
problem.

Decisions: reading a calendar is slow (an upload with many repetitions took 11 s to
expand; a fetch may take up to its 20 s time-out), so the web request only queues it: an
upload's bytes wait in ``calendar_upload`` and "read again" marks the calendar queued; the
Huey worker reads it (``read_upload``, ``refresh_source``) and the page shows the status
(``CalendarStatus``). The worker parses and fetches before it writes, so the write lock is
held only for replacing the busy rows.
"""

import hashlib
import secrets
import uuid
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from planner.cache import BoundedCache
from planner.calendar.busy import CalendarReadError, busy_times
from planner.calendar.fetch import FetchError, fetch_calendar, normalise_calendar_url
from planner.calendar.ics import feed_ics
from planner.events.going import feed_entries, feed_stamp
from planner.i18n import to_stored
from planner.meetings.invites import build_invite, organiser
from planner.meetings.service import attendees_by_meeting, default_timezone
from planner.models import (
    BusyTime,
    CalendarKind,
    CalendarSource,
    CalendarStatus,
    CalendarUpload,
    Contact,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    User,
)
from planner.models.types import utcnow

FEED_STATUSES = (MeetingStatus.CONFIRMED.value, MeetingStatus.DONE.value)
MAX_SOURCES = 10
# Busy times are kept from a week ago to three years ahead (trips are planned months ahead;
# a daily series without end is ~1,100 rows per calendar).
BUSY_AHEAD = timedelta(days=3 * 366)
BUSY_BEHIND = timedelta(days=7)


class CalendarError(ValueError):
    """A calendar the user gave cannot be used: the message says why (translated; a lazy
    translation when it quotes a ``CalendarReadError`` or ``FetchError``)."""


# --- the private feed ---------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(session: Session, *, owner: User) -> str:
    """Make (or replace) the feed address; returns the token, which is not stored."""
    token = secrets.token_urlsafe(32)
    owner.feed_token_hash = token_hash(token)
    owner.feed_token_created_at = utcnow()
    session.add(owner)
    session.flush()
    return token


def revoke_feed_token(session: Session, *, owner: User) -> None:
    owner.feed_token_hash = None
    owner.feed_token_created_at = None
    session.add(owner)
    session.flush()


def owner_of_token(session: Session, token: str) -> User | None:
    if not 20 <= len(token) <= 100:
        return None
    return session.scalars(
        select(User).where(col(User.feed_token_hash) == token_hash(token))
    ).first()


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime


def feed_version(session: Session, *, owner: User) -> FeedVersion:
    """What the feed's content depends on, read from indexes alone: its meetings (count and
    newest change: every change of a meeting, its people or their answers touches it), the
    newest change of any contact (a renamed invitee), how many invitations the user has
    (a deleted contact leaves its meetings), the user's name, language and reminder."""
    in_feed = and_(col(Meeting.owner_id) == owner.id, col(Meeting.status).in_(FEED_STATUSES))
    count, newest, contact_newest, invitations = session.execute(
        select(
            select(func.count()).select_from(Meeting).where(in_feed).scalar_subquery(),
            select(func.max(col(Meeting.updated_at))).where(in_feed).scalar_subquery(),
            select(func.max(col(Contact.updated_at)))
            .where(col(Contact.owner_id) == owner.id)
            .scalar_subquery(),
            select(func.count())
            .select_from(MeetingAttendee)
            .where(col(MeetingAttendee.owner_id) == owner.id)
            .scalar_subquery(),
        )
    ).one()
    going, decided, refreshed = feed_stamp(session, owner=owner)  # events the user goes to
    stamps = [_aware(t) for t in (newest, contact_newest, decided, refreshed) if t is not None]
    last = max([*stamps, owner.feed_token_created_at or owner.created_at])
    key = "|".join(
        str(part)
        for part in (
            count,
            invitations,
            going,
            decided,
            refreshed,
            newest,
            contact_newest,
            owner.display_name,
            owner.email,
            owner.meeting_alarm_minutes,
            owner.locale,
            owner.home_city,  # an empty feed carries the home zone
        )
    )
    from planner.gatherings.invites import feed_stamp as gatherings_stamp

    fixed, fixed_newest = gatherings_stamp(session, owner=owner)  # fixed get-togethers
    if fixed_newest is not None:
        last = max(last, _aware(fixed_newest))
    key = f"{key}|{fixed}|{fixed_newest}"
    from planner.relationships.feed import feed_stamp as followups_stamp

    followups, followups_newest = followups_stamp(session, owner=owner)  # open ones, by day
    if followups_newest is not None:
        last = max(last, _aware(followups_newest))
    key = f"{key}|{followups}|{followups_newest}"
    return FeedVersion(etag=hashlib.sha256(key.encode()).hexdigest()[:32], last_modified=last)


def _aware(moment: datetime | str) -> datetime:
    """Aggregates bypass the column type: SQLite answers naive UTC (or text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_FEEDS: BoundedCache[tuple[uuid.UUID, str], bytes] = BoundedCache(64)


def feed_bytes(session: Session, *, owner: User, version: FeedVersion) -> bytes:
    """The serialised feed (from this worker's cache when the version is unchanged)."""
    key = (owner.id, version.etag)
    cached = _FEEDS.get(key)
    if cached is not None:
        return cached
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(col(Meeting.owner_id) == owner.id, col(Meeting.status).in_(FEED_STATUSES))
            .where(col(Meeting.starts_at).is_not(None))
            .order_by(col(Meeting.starts_at))
            .options(selectinload(Meeting.attendees))  # type: ignore[arg-type]
        )
    )
    people = attendees_by_meeting(session, owner=owner, meeting_ids=[m.id for m in meetings])
    # No invitee addresses: the feed is read by whoever hosts the subscribed calendar, and
    # feed_ics names the people in the description (it writes no ATTENDEE either way).
    invites = [
        build_invite(
            session,
            owner=owner,
            meeting=m,
            contacts=people[m.id],
            emails={},
            answers={a.contact_id: a.partstat for a in m.attendees},
        )
        for m in meetings
    ]
    invites.extend(feed_entries(session, owner=owner, organizer=organiser(owner)))
    from planner.gatherings.invites import feed_entries as gatherings_entries

    invites.extend(gatherings_entries(session, owner=owner))
    from planner.relationships.feed import feed_entries as followup_entries

    data = feed_ics(
        invites,
        name=_("Treffpunkt meetings"),
        dtstamp=version.last_modified,
        timezone=default_timezone(owner, None),
        days=followup_entries(session, owner=owner, organizer=organiser(owner)),
    )
    _FEEDS.put(key, data)
    return data


# --- the user's own calendars (busy times) ------------------------------------------------


def list_sources(session: Session, *, owner: User) -> list[CalendarSource]:
    return list(
        session.scalars(
            select(CalendarSource)
            .where(col(CalendarSource.owner_id) == owner.id)
            .order_by(col(CalendarSource.created_at))
        )
    )


def _room_for_one_more(session: Session, owner: User) -> None:
    count = session.execute(
        select(func.count(col(CalendarSource.id))).where(col(CalendarSource.owner_id) == owner.id)
    ).scalar_one()
    if (count or 0) >= MAX_SOURCES:
        raise CalendarError(_("You can add at most %(n)s calendars.", n=MAX_SOURCES))


def _window(now: datetime) -> tuple[datetime, datetime]:
    return now - BUSY_BEHIND, now + BUSY_AHEAD


def _store_busy(
    session: Session, *, owner: User, source: CalendarSource, data: bytes, now: datetime
) -> int:
    """Replace the source's busy times with those read from ``data`` (all or nothing)."""
    start, end = _window(now)
    home = default_timezone(owner, None)
    try:
        found = busy_times(data, start=start, end=end, home_zone=home)
    except CalendarReadError as error:
        # lazy: the message (and the problem in it) speaks the language of whoever reads it
        raise CalendarError(
            lazy_gettext(
                "%(name)s: %(problem)s", name=source.name or lazy_gettext("Calendar"), problem=error
            )
        ) from None
    session.execute(delete(BusyTime).where(col(BusyTime.source_id) == source.id))
    if found:
        session.execute(
            insert(BusyTime),
            [
                {
                    "owner_id": owner.id,
                    "source_id": source.id,
                    "starts_at": b.starts_at,
                    "ends_at": b.ends_at,
                    "all_day": b.all_day,
                }
                for b in found
            ],
        )
    source.busy_count = len(found)
    source.fetched_at = now
    source.error = source.error_text = None
    source.status = CalendarStatus.DONE
    session.add(source)
    session.flush()
    return len(found)


def add_upload(
    session: Session, *, owner: User, name: str, data: bytes, now: datetime | None = None
) -> CalendarSource:
    """An uploaded .ics becomes a calendar whose busy times count from now on."""
    _room_for_one_more(session, owner)
    source = CalendarSource(
        owner_id=owner.id, name=(name.strip() or "calendar.ics")[:200], kind=CalendarKind.UPLOAD
    )
    session.add(source)
    session.flush()
    _store_busy(session, owner=owner, source=source, data=data, now=now or utcnow())
    return source


def queue_upload(session: Session, *, owner: User, name: str, data: bytes) -> CalendarSource:
    """An uploaded .ics becomes a calendar the worker reads (``read_upload``); its bytes
    wait in ``calendar_upload`` until then."""
    _room_for_one_more(session, owner)
    source = CalendarSource(
        owner_id=owner.id,
        name=(name.strip() or "calendar.ics")[:200],
        kind=CalendarKind.UPLOAD,
        status=CalendarStatus.QUEUED,
    )
    session.add(source)
    session.flush()
    session.add(CalendarUpload(source_id=source.id, owner_id=owner.id, data=data))
    session.flush()
    return source


def start_reading(session: Session, *, source: CalendarSource) -> None:
    """The worker has taken the calendar (committed before the slow part, for the page)."""
    source.status = CalendarStatus.READING
    session.add(source)
    session.flush()


def queue_refresh(session: Session, *, source: CalendarSource) -> None:
    """The user asked to read the address again: the worker fetches it (``refresh_source``)."""
    source.status = CalendarStatus.QUEUED
    session.add(source)
    session.flush()


def read_upload(session: Session, *, source: CalendarSource, now: datetime | None = None) -> int:
    """Read a queued upload's busy times; the problem is recorded on the source, not
    raised. The file is deleted either way (only busy times are kept)."""
    owner = session.get(User, source.owner_id)
    upload = session.get(CalendarUpload, source.id)
    if owner is None or upload is None:  # read already (a task delivered twice)
        return source.busy_count
    data = upload.data
    session.delete(upload)
    now = now or utcnow()
    try:
        return _store_busy(session, owner=owner, source=source, data=data, now=now)
    except CalendarError as error:
        _record_problem(session, owner=owner, source=source, error=error, now=now)
        return source.busy_count


def _record_problem(
    session: Session, *, owner: User, source: CalendarSource, error: Exception, now: datetime
) -> None:
    with _language_of(owner):  # a background task has no request: the owner's language
        source.error = str(error)[:1000]
    source.error_text = to_stored(error)  # and shown again in whoever reads it's language
    source.status = CalendarStatus.ERROR
    source.fetched_at = now
    session.add(source)
    session.flush()


def add_url(session: Session, *, owner: User, name: str, url: str) -> CalendarSource:
    """A private ics address; it is fetched by ``refresh_source`` (in the background)."""
    _room_for_one_more(session, owner)
    try:
        clean = normalise_calendar_url(url)
    except FetchError as error:
        raise CalendarError(*error.args) from None  # the lazy message, still untranslated
    source = CalendarSource(
        owner_id=owner.id,
        name=name.strip()[:200],  # none given: the page says "Calendar" in its language
        kind=CalendarKind.URL,
        url=clean,
        status=CalendarStatus.QUEUED,  # the caller queues the first reading
    )
    session.add(source)
    session.flush()
    return source


def refresh_source(session: Session, *, source: CalendarSource, now: datetime | None = None) -> int:
    """Fetch a calendar address again (conditional GET); the problem is recorded on the
    source, not raised, so a background refresh never loses the previous busy times."""
    if source.kind != CalendarKind.URL or not source.url:
        return source.busy_count
    owner = session.get(User, source.owner_id)
    if owner is None:
        return 0
    now = now or utcnow()
    config = current_app.config
    try:
        fetched = fetch_calendar(
            source.url,
            etag=source.etag,
            last_modified=source.last_modified,
            max_bytes=int(config["CALENDAR_MAX_BYTES"]),
            allow_private=bool(config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"]),
            user_agent=config["GEOCODER_USER_AGENT"],
        )
        if fetched.data is None:  # not modified
            source.fetched_at = now
            source.error = source.error_text = None
            source.status = CalendarStatus.DONE
            session.add(source)
            session.flush()
            return source.busy_count
        count = _store_busy(session, owner=owner, source=source, data=fetched.data, now=now)
    except (FetchError, CalendarError) as error:
        _record_problem(session, owner=owner, source=source, error=error, now=now)
        return source.busy_count
    source.etag, source.last_modified = fetched.etag, fetched.last_modified
    session.add(source)
    session.flush()
    return count


def _language_of(owner: User) -> AbstractContextManager[None]:
    """Translate in the owner's chosen language; without one, in the request's (the browser's)
    or, in a background task, the default."""
    if owner.locale in current_app.config["LANGUAGES"]:
        return force_locale(owner.locale)
    return nullcontext()


def due_sources(session: Session, *, now: datetime, every: timedelta) -> list[uuid.UUID]:
    """Calendar addresses not fetched within ``every``."""
    query = select(col(CalendarSource.id)).where(
        col(CalendarSource.kind) == CalendarKind.URL.value,
        (col(CalendarSource.fetched_at).is_(None)) | (col(CalendarSource.fetched_at) < now - every),
    )
    return list(session.scalars(query))


def delete_source(session: Session, *, source: CalendarSource) -> None:
    session.execute(delete(BusyTime).where(col(BusyTime.source_id) == source.id))
    session.delete(source)
    session.flush()


def masked(url: str | None) -> str:
    """A secret address as shown on the page: scheme and host only."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…"
