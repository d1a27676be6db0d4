"""Trips and their legs, and what the user decided about a suggestion.

Times are stored as UTC instants with the IANA zone of the place beside them, so a leg in
Vienna shows Vienna's wall-clock time whatever the server's or the browser's zone.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Text, UniqueConstraint, Uuid
from sqlmodel import Field, Relationship, SQLModel

from planner.models.types import UTCDateTime, contact_fk, owner_fk, utcnow


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
