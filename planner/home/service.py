"""The start page: whom to see next, in one view model (issue 22).

What it shows, each bounded so the page stays fast at 100,000 contacts: follow-ups due; the
next trip with its best suggestions (from the trip's cached plan); meetings coming up;
people known online for over a year who live near the user and were never met (by the
``(owner, lat, lon, stage, …)`` index, oldest connection first); recent imports; and what
other features add (``register``: get-togethers with open answers).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from planner.cache import BoundedCache
from planner.db import table_of
from planner.geo.distance import points_within
from planner.models import Contact, Meeting, MeetingStatus, Stage, Trip, User
from planner.relationships import service as relationships

COMING_UP = 5
LONG_ONLINE = timedelta(days=365)
NEAR_KM = 30.0

CONTACT = table_of(Contact)
USERS = table_of(User)

# Contacts per stage, per worker process, by the state of all the user's contacts: a count
# over 100,000 contacts is most of the page otherwise (see bench/dashboard.py).
_COUNTS: BoundedCache[tuple[Any, ...], dict[str, int]] = BoundedCache(256)

# Features that add a block to the start page: (session, owner, now) -> items or None.
Block = Callable[[Session, User, datetime], Any]
_BLOCKS: dict[str, Block] = {}


def register(name: str, block: Block) -> None:
    _BLOCKS[name] = block


@dataclass(frozen=True)
class OnlineNear:
    contact_id: uuid.UUID
    display_name: str
    city: str | None
    since: date


@dataclass
class StartPage:
    counts: dict[str, int]
    followups: list[relationships.DueItem]
    followups_due: int
    meetings: list[Meeting]
    names: dict[uuid.UUID, list[Contact]]
    trips: list[Trip]
    next_trip: Trip | None
    next_trip_suggestions: list[Any]  # (TripLeg, Suggestion, reasons), best first
    online_near: list[OnlineNear]
    recent: list[Contact]
    imports: list[Any]
    blocks: dict[str, Any] = field(default_factory=dict)


def online_near(
    session: Session, *, owner: User, today: date, limit: int = COMING_UP
) -> list[OnlineNear]:
    """Never met, known online for over a year, living within ``NEAR_KM`` of home."""
    if owner.home_lat is None or owner.home_lon is None:
        return []
    from planner.places.service import box_conditions

    rows = session.execute(
        select(
            CONTACT.c.id,
            CONTACT.c.display_name,
            CONTACT.c.city,
            CONTACT.c.first_connected,
            CONTACT.c.lat,
            CONTACT.c.lon,
        )
        .where(
            *box_conditions(owner.id, owner.home_lat, owner.home_lon, NEAR_KM),
            CONTACT.c.stage == Stage.ONLINE.value,
            CONTACT.c.first_connected <= today - LONG_ONLINE,
        )
        .order_by(CONTACT.c.first_connected, CONTACT.c.id)
        .limit(limit * 4)  # the box's corners are farther than the radius
    ).all()
    near = points_within(
        ((row, row.lat, row.lon) for row in rows), owner.home_lat, owner.home_lon, NEAR_KM
    )
    kept = {row.id for row, _distance in near}
    return [
        OnlineNear(row.id, row.display_name, row.city, row.first_connected)
        for row in rows
        if row.id in kept
    ][:limit]


def stage_counts(session: Session, *, owner: User) -> dict[str, int]:
    """``contacts.count_contacts``, counted again only when a contact changed."""
    from planner.contacts.service import count_contacts

    version = session.execute(
        select(
            select(func.max(CONTACT.c.updated_at))
            .where(CONTACT.c.owner_id == owner.id)
            .scalar_subquery(),
            select(USERS.c.contacts_changed_at).where(USERS.c.id == owner.id).scalar_subquery(),
        )
    ).one()
    key = (owner.id, *version)
    counts = _COUNTS.get(key)
    if counts is None:
        counts = count_contacts(session, owner=owner)
        _COUNTS.put(key, counts)
    return counts


def _next_trip_suggestions(session: Session, owner: User, trip: Trip, context: Any) -> list[Any]:
    """The trip's three best people: (leg, suggestion, reasons in words)."""
    from planner.matching import explain
    from planner.trips import suggest
    from planner.trips.wording import wording

    words = wording(context.vocabulary, context.user_labels)
    return [
        (leg, suggestion, explain(suggestion, words))
        for leg, suggestion in suggest.suggest_trip(
            session, owner=owner, trip=trip, context=context, limit=3
        )
    ]


def start_page(
    session: Session,
    *,
    owner: User,
    now: datetime,
    context: Callable[[], Any] | None = None,
    lease_time: timedelta = timedelta(minutes=10),
) -> StartPage:
    """``context``: builds the trip ranking's match context (only when a trip is ahead)."""
    from planner.contacts import service as contacts
    from planner.imports.history import import_history
    from planner.meetings import service as meetings
    from planner.trips import service as trips

    planned = (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)
    upcoming = [
        m
        for m in meetings.list_meetings(session, owner=owner)
        if m.status in planned and (m.starts_at is None or m.ends_at is None or m.ends_at >= now)
    ][:COMING_UP]
    ahead = [
        t
        for t in trips.list_trips(session, owner=owner)
        # legs come by arrival and never overlap: the last one departs last
        if t.legs and t.legs[-1].departs_at >= now
    ][:COMING_UP]
    next_trip = ahead[0] if ahead else None
    best = (
        _next_trip_suggestions(session, owner, next_trip, context())
        if next_trip is not None and context is not None
        else []
    )
    today = relationships.today_of(owner, now)
    imports = [
        entry
        for entry in import_history(session, owner=owner, lease_time=lease_time, limit=3)
        if entry.batch.created_at >= now - timedelta(days=30)
    ]
    return StartPage(
        counts=stage_counts(session, owner=owner),
        followups=relationships.open_followups(
            session, owner=owner, due_by=today, limit=COMING_UP, now=now
        ),
        followups_due=relationships.count_due(session, owner=owner, now=now),
        meetings=upcoming,
        names=meetings.attendees_by_meeting(
            session, owner=owner, meeting_ids=[m.id for m in upcoming]
        ),
        trips=ahead,
        next_trip=next_trip,
        next_trip_suggestions=best,
        online_near=online_near(session, owner=owner, today=today),
        recent=list(contacts.recent_contacts(session, owner=owner)),
        imports=imports,
        blocks={name: block(session, owner, now) for name, block in _BLOCKS.items()},
    )
