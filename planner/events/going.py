"""What the user decides about a proposed event: "Going" (the occurrence joins the private
calendar feed, and a coffee at the event can be proposed to the contacts it names) or "Not
interested" (no occurrence of that event is proposed again).

Decisions are kept by the event's UID (and, for "Going", the occurrence's RECURRENCE-ID),
not by the stored row: a feed's refresh replaces its rows, and the same event may come in
two feeds. The feed entry is read from the occurrence as stored now, so a moved or
cancelled event shows so in the user's calendar.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from planner.calendar.ics import MeetingInvite, Person
from planner.db import table_of
from planner.events.suggest import GOING, NOT_INTERESTED
from planner.meetings.service import MeetingInput, create_meeting
from planner.models import Contact, Meeting, TripLeg, User
from planner.models.event import EventDecision, EventFeed
from planner.models.event import EventOccurrence as OccurrenceRow
from planner.models.types import utcnow

DECISION = table_of(EventDecision)
FEED = table_of(EventFeed)
# A coffee at an event: an hour from its start (from 10:00 on an all-day event's first day).
COFFEE = timedelta(hours=1)
ALL_DAY_COFFEE = time(10, 0)


def decide(
    session: Session, *, owner: User, occurrence: OccurrenceRow, decision: str
) -> EventDecision:
    """Remember "going" (this occurrence) or "not interested" (the whole event)."""
    if decision not in (GOING, NOT_INTERESTED):
        raise ValueError(f"unknown event decision {decision!r}")
    recurrence_id = occurrence.recurrence_id if decision == GOING else ""
    undo(session, owner=owner, occurrence=occurrence)
    row = EventDecision(
        owner_id=owner.id,
        uid=occurrence.uid,
        recurrence_id=recurrence_id,
        decision=decision,
        updated_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def undo(session: Session, *, owner: User, occurrence: OccurrenceRow) -> None:
    """Forget what the user said about this occurrence and about its event as a whole."""
    session.execute(
        delete(DECISION).where(
            DECISION.c.owner_id == owner.id,
            DECISION.c.uid == occurrence.uid,
            DECISION.c.recurrence_id.in_(["", occurrence.recurrence_id]),
        )
    )
    # the version of the trip page counts decisions: a removal must change it too
    session.flush()


def going_rows(session: Session, *, owner: User) -> list[OccurrenceRow]:
    """The occurrences the user is going to, by start (one row per UID and recurrence)."""
    query = (
        select(OccurrenceRow)
        .join(
            DECISION,
            (DECISION.c.owner_id == col(OccurrenceRow.owner_id))
            & (DECISION.c.uid == col(OccurrenceRow.uid))
            & (DECISION.c.recurrence_id == col(OccurrenceRow.recurrence_id)),
        )
        .where(col(OccurrenceRow.owner_id) == owner.id, DECISION.c.decision == GOING)
        .order_by(col(OccurrenceRow.starts_at), col(OccurrenceRow.id))
    )
    seen: set[tuple[str, str]] = set()
    rows = []
    for row in session.scalars(query):
        if (row.uid, row.recurrence_id) not in seen:
            seen.add((row.uid, row.recurrence_id))
            rows.append(row)
    return rows


def feed_entry(row: OccurrenceRow, *, organizer: Person) -> MeetingInvite:
    """An occurrence the user is going to, as an entry of their private feed. Its UID is
    our own: the user may subscribe to the event's feed as well, and a calendar would merge
    two entries of one UID from two calendars into one."""
    start, end = row.starts_at, row.ends_at
    if end <= start:
        end = start + COFFEE
    return MeetingInvite(
        uid=f"event-{row.id}@treffpunkt",
        sequence=0,
        summary=row.summary,
        starts_at=start,
        ends_at=end,
        timezone=_zone(row.timezone).key,
        organizer=organizer,
        attendees=(),
        location=row.location or row.city or None,
        geo=(row.lat, row.lon) if row.lat is not None and row.lon is not None else None,
        description=(row.description or "")[:2000] or None,
        url=row.url,
        status="CANCELLED" if row.status == "CANCELLED" else "CONFIRMED",
    )


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class CoffeeTime:
    starts: datetime  # naive: wall-clock time at the venue
    ends: datetime
    timezone: str


def coffee_time(row: OccurrenceRow) -> CoffeeTime:
    """When to meet at the event: its first hour (10:00-11:00 on an all-day event's first
    day), as wall-clock times at the venue."""
    zone = _zone(row.timezone)
    if row.all_day and row.start_day is not None:
        starts = datetime.combine(row.start_day, ALL_DAY_COFFEE)
        return CoffeeTime(starts, starts + COFFEE, zone.key)
    start = row.starts_at.astimezone(zone).replace(tzinfo=None)
    end = row.ends_at.astimezone(zone).replace(tzinfo=None)
    return CoffeeTime(start, min(end, start + COFFEE) if end > start else start + COFFEE, zone.key)


def propose_coffee(
    session: Session,
    *,
    owner: User,
    occurrence: OccurrenceRow,
    contact: Contact,
    leg: TripLeg | None,
) -> Meeting:
    """A proposed coffee with ``contact`` at the event: at its venue, in its first hour,
    on the trip's leg (caller commits)."""
    when = coffee_time(occurrence)
    venue = occurrence.location or occurrence.city or occurrence.summary
    return create_meeting(
        session,
        owner=owner,
        contacts=[contact],
        leg=leg,
        data=MeetingInput(
            starts=when.starts,
            ends=when.ends,
            timezone=when.timezone,
            venue=venue,
            title=_("Coffee at %(event)s", event=occurrence.summary),
        ),
    )


def occurrence_of(session: Session, *, owner: User, occurrence_id: str) -> OccurrenceRow | None:
    """The owner's stored occurrence by id (None: not theirs, or gone with a refresh)."""
    try:
        key = uuid.UUID(occurrence_id)
    except ValueError:
        return None
    row = session.get(OccurrenceRow, key)
    return row if row is not None and row.owner_id == owner.id else None


def feed_stamp(session: Session, *, owner: User) -> tuple[int, datetime | None, datetime | None]:
    """What the going part of the private feed depends on, by indexes: how many decisions,
    the newest one, and the newest good copy of the user's event feeds (a moved event)."""
    decided = DECISION.c.owner_id == owner.id
    feeds = FEED.c.owner_id == owner.id
    count, newest, refreshed = session.execute(
        select(
            select(func.count()).select_from(DECISION).where(decided).scalar_subquery(),
            select(func.max(DECISION.c.updated_at)).where(decided).scalar_subquery(),
            select(func.max(FEED.c.refreshed_at)).where(feeds).scalar_subquery(),
        )
    ).one()
    return count, newest, refreshed


def feed_entries(session: Session, *, owner: User, organizer: Person) -> list[MeetingInvite]:
    """The private feed's entries for the events the user is going to."""
    return [feed_entry(row, organizer=organizer) for row in going_rows(session, owner=owner)]
