"""Travel calendars by address (TripIt, an airline's or a booking site's feed): read again
in the background; each new booking becomes a proposed trip the user confirms (issue 20)."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Text, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, owner_fk, utcnow


class TravelFeedStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker
    DONE = "done"
    ERROR = "error"  # ``error_text`` says why; proposals made before stay


class TravelFeed(SQLModel, table=True):
    __tablename__ = "travel_feed"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk(index=True)
    name: str = Field(default="", max_length=200)
    url: str = Field(sa_type=Text)  # a secret: shown masked
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last attempt
    status: str = Field(default=TravelFeedStatus.QUEUED.value, max_length=10)
    error_text: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"  # a trip was made of it
    DISMISSED = "dismissed"


class TripProposal(SQLModel, table=True):
    """Legs a travel feed brought that make one journey, waiting for the user's yes.
    ``key`` names the journey by its places and days, so reading the feed again never
    proposes what the user accepted or dismissed."""

    __tablename__ = "trip_proposal"
    __table_args__ = (UniqueConstraint("feed_id", "key", name="uq_trip_proposal_feed_key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk(index=True)
    feed_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("travel_feed.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    key: str = Field(max_length=64)
    # [{"place_text", "city", "country", "lat", "lon", "timezone", "arrives_at",
    #   "departs_at", "summaries"}], times ISO 8601 UTC
    legs: Any = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default=ProposalStatus.PROPOSED.value, max_length=10)
    trip_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(Uuid, ForeignKey("trip.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
