"""Event feeds (barcamps, conferences, meetups) and their occurrences: issue 20."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Text, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, owner_fk, utcnow


class EventFeedKind(StrEnum):
    URL = "url"  # an address, read again by the periodic task
    UPLOAD = "upload"  # an .ics file uploaded once


class EventFeedStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker (a new address, or "read again")
    READING = "reading"
    DONE = "done"
    ERROR = "error"  # ``error_text`` says why; the occurrences read before stay


class EventFeed(SQLModel, table=True):
    """A feed of events the user follows: a subscribed address or an uploaded file."""

    __tablename__ = "event_feed"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk(index=True)
    kind: str = Field(max_length=10)  # EventFeedKind
    url: str | None = Field(default=None, sa_type=Text)  # webcal:// stored as https://
    title: str = Field(default="", max_length=200)  # the user's, else X-WR-CALNAME
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last attempt
    refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last good copy
    status: str = Field(default=EventFeedStatus.QUEUED.value, max_length=10)
    # The last refresh's problem as kept (planner.i18n.to_stored): shown in the reader's
    # language; None when the last refresh worked.
    error_text: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Per-event problems of the last good copy (stored messages), at most MAX_PROBLEMS.
    problems: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    event_count: int = 0  # occurrences stored, cancelled ones not counted
    cancelled_count: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EventOccurrence(SQLModel, table=True):
    """One occurrence of an event of a feed (repetitions expanded), as of the feed's last
    good copy; a refresh replaces all of a feed's rows. ``id`` is derived from (feed, UID,
    RECURRENCE-ID), so it stays the same across refreshes (links, decisions)."""

    __tablename__ = "event_occurrence"
    __table_args__ = (
        Index("ix_event_occurrence_owner_start", "owner_id", "starts_at"),
        Index("ix_event_occurrence_owner_lat", "owner_id", "lat", "lon"),
    )

    id: uuid.UUID = Field(primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    feed_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("event_feed.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    uid: str = Field(max_length=300)
    recurrence_id: str = Field(default="", max_length=40)  # "" when the event does not repeat
    summary: str = Field(max_length=300)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    all_day: bool = False
    start_day: date | None = None  # all-day only
    end_day: date | None = None  # all-day only, exclusive
    timezone: str = Field(max_length=64)  # IANA zone the times are shown in
    status: str = Field(default="CONFIRMED", max_length=12)  # CONFIRMED, TENTATIVE, CANCELLED
    busy: bool = True  # False for TRANSP:TRANSPARENT
    location: str = Field(default="", max_length=500)
    city: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=2)
    lat: float | None = None
    lon: float | None = None
    online: bool = False
    url: str | None = Field(default=None, sa_type=Text)
    categories: Any = Field(default=None, sa_column=Column(JSON, nullable=True))  # [str]
    description: str = Field(default="", sa_type=Text)
    organizer: Any = Field(default=None, sa_column=Column(JSON, nullable=True))  # {name, email}
    attendees: Any = Field(default=None, sa_column=Column(JSON, nullable=True))  # [{name, email}]


class EventDecision(SQLModel, table=True):
    """What the user said about a proposed event: "going" to one occurrence (it joins the
    private calendar feed), or "not_interested" in the event (``recurrence_id`` empty: no
    occurrence of it is proposed again). Kept by UID, not by occurrence row: a refresh
    replaces a feed's rows, and one event may come in two feeds (planner.events.going)."""

    __tablename__ = "event_decision"
    __table_args__ = (
        UniqueConstraint("owner_id", "uid", "recurrence_id", name="uq_event_decision"),
        # count and newest change from the index alone: part of the trip page's cache key
        Index("ix_event_decision_owner_updated", "owner_id", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    uid: str = Field(max_length=300)
    recurrence_id: str = Field(default="", max_length=40)
    decision: str = Field(max_length=20)  # going | not_interested
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
