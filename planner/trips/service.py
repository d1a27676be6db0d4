"""Trips, their legs, the meetings proposed on them, and the decisions on suggestions
(accept, dismiss, not now). Whom to suggest is ``planner.trips.suggest``."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from planner.db import table_of
from planner.geo import Place
from planner.meetings.service import MeetingInput, create_meeting
from planner.models import (
    Contact,
    Decision,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    SuggestionDecision,
    Trip,
    TripLeg,
    User,
)
from planner.models.types import utcnow
from planner.places.service import city_of
from planner.trips.interests import CONTACT
from planner.trips.place_time import to_utc, zone_of
from planner.trips.travel_calendar import without_facility

DECISION = table_of(SuggestionDecision)
ATTENDEE = table_of(MeetingAttendee)

DEFAULT_RADIUS_KM = 30.0
MAX_LEGS = 20


class TripError(ValueError):
    """A trip or leg the user asked for cannot be: the message says why (translated)."""


@dataclass(frozen=True)
class LegInput:
    """A leg as the user gives it: the place and wall-clock times at that place."""

    place_text: str
    place: Place
    arrives: datetime  # naive: local time at the place
    departs: datetime
    radius_km: float = DEFAULT_RADIUS_KM


def leg_place(text: str) -> Place | None:
    """The city a leg's text names; a station or airport names its city ("Zürich HB",
    "München Hbf", "Flughafen Wien")."""
    return city_of(text) or city_of(without_facility(text))


def _leg_values(owner: User, data: LegInput, gettext: Any) -> dict[str, Any]:
    place = data.place
    if place.lat is None or place.lon is None or not place.city:
        raise TripError(gettext("'%(text)s' is not a city we know.", text=data.place_text))
    zone = zone_of(place)
    arrives, departs = to_utc(data.arrives, zone), to_utc(data.departs, zone)
    if departs <= arrives:
        raise TripError(gettext("The departure must be after the arrival."))
    if not 1 <= data.radius_km <= 500:
        raise TripError(gettext("The radius must be between 1 and 500 km."))
    return {
        "owner_id": owner.id,
        "place_text": data.place_text.strip()[:300],
        "city": place.city,
        "region": place.region,
        "country": place.country,
        "lat": place.lat,
        "lon": place.lon,
        "timezone": zone.key,
        "arrives_at": arrives,
        "departs_at": departs,
        "radius_km": float(data.radius_km),
    }


def _check_overlap(trip: Trip, values: dict[str, Any], gettext: Any, skip: Any = None) -> None:
    for other in trip.legs:
        if other.id == skip:
            continue
        if values["arrives_at"] < other.departs_at and other.arrives_at < values["departs_at"]:
            raise TripError(
                gettext(
                    "This leg overlaps the leg in %(city)s: a trip is in one place at a time.",
                    city=other.city or other.place_text,
                )
            )


def default_title(legs: Sequence[LegInput]) -> str:
    cities = list(dict.fromkeys(leg.place.city or leg.place_text for leg in legs))
    return " – ".join(cities)[:200]


def create_trip(
    session: Session, *, owner: User, title: str | None, legs: Sequence[LegInput], gettext: Any
) -> Trip:
    """A trip with its first legs; caller commits."""
    if not legs:
        raise TripError(gettext("A trip needs at least one leg."))
    trip = Trip(owner_id=owner.id, title=(title or "").strip()[:200] or default_title(legs))
    session.add(trip)
    for data in legs:
        add_leg(session, trip=trip, owner=owner, data=data, gettext=gettext)
    session.flush()
    return trip


def add_leg(session: Session, *, trip: Trip, owner: User, data: LegInput, gettext: Any) -> TripLeg:
    if len(trip.legs) >= MAX_LEGS:
        raise TripError(gettext("A trip has at most %(n)s legs.", n=MAX_LEGS))
    values = _leg_values(owner, data, gettext)
    _check_overlap(trip, values, gettext)
    leg = TripLeg(trip_id=trip.id, **values)
    trip.legs.append(leg)
    trip.legs.sort(key=lambda leg: leg.arrives_at)
    trip.updated_at = utcnow()
    session.flush()
    return leg


def update_leg(
    session: Session, *, trip: Trip, leg: TripLeg, owner: User, data: LegInput, gettext: Any
) -> TripLeg:
    values = _leg_values(owner, data, gettext)
    _check_overlap(trip, values, gettext, skip=leg.id)
    for name, value in values.items():
        setattr(leg, name, value)
    trip.legs.sort(key=lambda leg: leg.arrives_at)
    trip.updated_at = utcnow()
    session.flush()
    return leg


def delete_leg(session: Session, *, trip: Trip, leg: TripLeg) -> None:
    trip.legs.remove(leg)
    session.delete(leg)
    trip.updated_at = utcnow()
    session.flush()


def delete_trip(session: Session, *, trip: Trip) -> None:
    session.delete(trip)
    session.flush()


def list_trips(session: Session, *, owner: User) -> list[Trip]:
    """The user's trips, the next or current one first, past ones last."""
    trips = list(
        session.scalars(
            select(Trip).where(col(Trip.owner_id) == owner.id).options(selectinload(Trip.legs))  # type: ignore[arg-type]
        )
    )
    now = utcnow()

    def order(trip: Trip) -> tuple[int, datetime]:
        if not trip.legs:
            return (1, trip.created_at)
        end = max(leg.departs_at for leg in trip.legs)
        start = min(leg.arrives_at for leg in trip.legs)
        return (0, start) if end >= now else (2, datetime.max.replace(tzinfo=UTC) - (now - end))

    return sorted(trips, key=order)


def meetings_on_legs(
    session: Session, *, owner: User, legs: Sequence[TripLeg]
) -> dict[uuid.UUID, list[tuple[Meeting, list[tuple[uuid.UUID, str]]]]]:
    if not legs:
        return {}
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(
                col(Meeting.owner_id) == owner.id,
                col(Meeting.trip_leg_id).in_([leg.id for leg in legs]),
                col(Meeting.status) != MeetingStatus.CANCELLED.value,
            )
            .order_by(col(Meeting.created_at))
        )
    )
    if not meetings:
        return {}
    names: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    query = (
        select(ATTENDEE.c.meeting_id, CONTACT.c.id, CONTACT.c.display_name)
        .join(CONTACT, CONTACT.c.id == ATTENDEE.c.contact_id)
        .where(ATTENDEE.c.meeting_id.in_([m.id for m in meetings]))
        .order_by(CONTACT.c.sort_key)
    )
    for meeting_id, contact_id, name in session.execute(query):
        names[meeting_id].append((contact_id, name))
    result: dict[uuid.UUID, list[tuple[Meeting, list[tuple[uuid.UUID, str]]]]] = defaultdict(list)
    for meeting in meetings:
        if meeting.trip_leg_id is not None:
            result[meeting.trip_leg_id].append((meeting, names[meeting.id]))
    return result


def home_place(owner: User) -> tuple[float, float, str] | None:
    if owner.home_lat is None or owner.home_lon is None:
        return None
    return owner.home_lat, owner.home_lon, owner.home_city or ""


# --- decisions ----------------------------------------------------------------------------


def decide(
    session: Session, *, owner: User, contact: Contact, trip: Trip | None, decision: Decision
) -> None:
    """Remember "dismissed" (everywhere) or "not now" (this trip)."""
    trip_id = None if decision is Decision.DISMISSED else (trip.id if trip else None)
    if decision is Decision.LATER and trip_id is None:
        raise ValueError("'not now' belongs to a trip")
    same = and_(
        DECISION.c.owner_id == owner.id,
        DECISION.c.contact_id == contact.id,
        DECISION.c.trip_id.is_(None) if trip_id is None else DECISION.c.trip_id == trip_id,
    )
    session.execute(DECISION.delete().where(same))
    session.add(
        SuggestionDecision(
            owner_id=owner.id, contact_id=contact.id, trip_id=trip_id, decision=decision.value
        )
    )
    session.flush()


def undo_decision(session: Session, *, owner: User, contact: Contact, trip: Trip | None) -> None:
    """Suggest the contact again (a dismissal, or "not now" on ``trip``)."""
    where = DECISION.c.trip_id.is_(None) if trip is None else DECISION.c.trip_id == trip.id
    session.execute(
        DECISION.delete().where(
            DECISION.c.owner_id == owner.id, DECISION.c.contact_id == contact.id, where
        )
    )
    session.flush()


def dismissed_contacts(session: Session, *, owner: User) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the contacts dismissed everywhere, by name."""
    return _decided(session, owner, None, Decision.DISMISSED)


def hidden_on_trip(session: Session, *, owner: User, trip: Trip) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the contacts put aside with "not now" on this trip, by name."""
    return _decided(session, owner, trip.id, Decision.LATER)


def _decided(
    session: Session, owner: User, trip_id: uuid.UUID | None, decision: Decision
) -> list[tuple[uuid.UUID, str]]:
    on_trip = DECISION.c.trip_id.is_(None) if trip_id is None else DECISION.c.trip_id == trip_id
    query = (
        select(CONTACT.c.id, CONTACT.c.display_name)
        .join(DECISION, DECISION.c.contact_id == CONTACT.c.id)
        .where(DECISION.c.owner_id == owner.id, on_trip, DECISION.c.decision == decision.value)
        .order_by(CONTACT.c.sort_key)
    )
    return [(cid, name) for cid, name in session.execute(query)]


def accept(session: Session, *, owner: User, contact: Contact, leg: TripLeg | None) -> Meeting:
    """Turn a suggestion into a proposed coffee meeting on the leg (time and venue come on
    the meeting's page); a contact known only online is now "contacted"."""
    return create_meeting(session, owner=owner, contacts=[contact], leg=leg, data=MeetingInput())


def withdraw(session: Session, *, meeting: Meeting) -> None:
    """Take back a proposed meeting (it was never sent to anyone): it is deleted."""
    if meeting.status != MeetingStatus.PROPOSED.value or meeting.sent_sequence is not None:
        raise TripError("only a proposed meeting nobody was invited to can be withdrawn")
    session.delete(meeting)
    session.flush()
