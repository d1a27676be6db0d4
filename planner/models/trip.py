"""Trips and their legs, what the user decided about a suggestion, and the meetings that
accepted suggestions become.

Times are stored as UTC instants with the IANA zone of the place beside them, so a leg in
Vienna shows Vienna's wall-clock time whatever the server's or the browser's zone.
"""

import secrets
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Text, UniqueConstraint, Uuid
from sqlmodel import Field, Relationship, SQLModel

from planner.models.types import UTCDateTime, contact_fk, owner_fk, utcnow


def new_meeting_uid() -> str:
    """The iCalendar UID of a meeting: stable for its whole life, unguessable."""
    return f"{secrets.token_hex(16)}@treffpunkt"


class Trip(SQLModel, table=True):
    __tablename__ = "trip"
    __table_args__ = (Index("ix_trip_owner_created", "owner_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    title: str = Field(max_length=200)
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    legs: list["TripLeg"] = Relationship(
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "order_by": "TripLeg.arrives_at",
        }
    )


class TripLeg(SQLModel, table=True):
    """A stay in one place: arrival and departure, where, and the place's time zone."""

    __tablename__ = "trip_leg"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    trip_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("trip.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    owner_id: uuid.UUID = owner_fk()
    place_text: str = Field(max_length=300)  # as the user typed it
    city: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=2)
    lat: float
    lon: float
    timezone: str = Field(max_length=64)  # IANA, from the place
    arrives_at: datetime = Field(sa_type=UTCDateTime)
    departs_at: datetime = Field(sa_type=UTCDateTime)
    # How far the user will go for a coffee from this place.
    radius_km: float = 30.0


class Decision(StrEnum):
    DISMISSED = "dismissed"  # never suggest this contact again (until the user restores them)
    LATER = "later"  # "not now": not on this trip, but on later ones


class SuggestionDecision(SQLModel, table=True):
    """What the user said about a suggested contact. ``trip_id`` is set for "not now" (that
    trip only) and empty for a dismissal (everywhere)."""

    __tablename__ = "suggestion_decision"
    __table_args__ = (
        UniqueConstraint("owner_id", "contact_id", "trip_id", name="uq_suggestion_decision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    contact_id: uuid.UUID = contact_fk()
    trip_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(Uuid, ForeignKey("trip.id", ondelete="CASCADE"), nullable=True),
    )
    decision: str = Field(max_length=20)  # Decision
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DONE = "done"
    CANCELLED = "cancelled"


class Meeting(SQLModel, table=True):
    """A coffee with one or more contacts. Accepting a trip suggestion proposes one on that
    leg; time and venue are settled later (the meetings feature)."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_owner_status", "owner_id", "status"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    trip_leg_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            Uuid, ForeignKey("trip_leg.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    uid: str = Field(default_factory=new_meeting_uid, max_length=100, unique=True)
    sequence: int = 0  # iCalendar SEQUENCE: raised on every change of time or place
    status: str = Field(default=MeetingStatus.PROPOSED.value, max_length=20)
    venue: str | None = Field(default=None, max_length=300)
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    timezone: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    attendees: list["MeetingAttendee"] = Relationship(
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "passive_deletes": True}
    )


class MeetingAttendee(SQLModel, table=True):
    __tablename__ = "meeting_attendee"
    __table_args__ = (UniqueConstraint("meeting_id", "contact_id", name="uq_meeting_attendee"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False)
    )
    owner_id: uuid.UUID = owner_fk()
    contact_id: uuid.UUID = contact_fk()
