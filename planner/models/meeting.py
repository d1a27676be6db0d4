"""Meetings (a coffee with one or more contacts) and the user's own calendars (busy times)."""

import secrets
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Text, UniqueConstraint, Uuid
from sqlmodel import Field, Relationship, SQLModel

from planner.models.types import UTCDateTime, contact_fk, owner_fk, utcnow


def new_meeting_uid() -> str:
    """The iCalendar UID of a meeting: stable for its whole life, unguessable."""
    return f"{secrets.token_hex(16)}@treffpunkt"


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DONE = "done"
    CANCELLED = "cancelled"


class Meeting(SQLModel, table=True):
    """A coffee with one or more contacts. Accepting a trip suggestion proposes one on that
    leg; a time and a venue make it something to invite to."""

    __tablename__ = "meeting"
    # (owner, status, updated_at): the calendar feed's version is read from the index alone
    __table_args__ = (Index("ix_meeting_owner_status", "owner_id", "status", "updated_at"),)

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
    title: str | None = Field(default=None, max_length=200)  # None: "Coffee with …"
    notes: str | None = Field(default=None, sa_type=Text)
    venue: str | None = Field(default=None, max_length=300)
    venue_lat: float | None = None
    venue_lon: float | None = None
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    timezone: str | None = Field(default=None, max_length=64)  # IANA zone of the meeting place
    # The SEQUENCE last sent by e-mail or downloaded as an invite: a higher `sequence` means
    # the invitees have not seen the latest time or place yet.
    sent_sequence: int | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
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
    owner_id: uuid.UUID = owner_fk(index=True)  # counted by the feed's version
    contact_id: uuid.UUID = contact_fk()
    # iCalendar PARTSTAT as the user last heard it: NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE
    partstat: str = Field(
        default="NEEDS-ACTION", max_length=20, sa_column_kwargs={"server_default": "NEEDS-ACTION"}
    )
    # The contact's relationship stage before this meeting moved it to "meeting proposed":
    # what cancelling (or taking them off the meeting) gives back. None: invited before it was
    # kept, or not moved.
    stage_before: str | None = Field(default=None, max_length=20)


class CalendarKind(StrEnum):
    UPLOAD = "upload"  # an .ics file the user uploaded once
    URL = "url"  # a private ics address, fetched again in the background


class CalendarStatus(StrEnum):
    """Where a calendar's reading is: uploads and "read again" are read by the worker."""

    QUEUED = "queued"  # waiting for the worker
    READING = "reading"
    DONE = "done"
    ERROR = "error"  # ``error`` says why; the busy times read before stay


class CalendarSource(SQLModel, table=True):
    """One of the user's own calendars, read for busy times only (its events stay private
    and are never shown to anyone else or exported)."""

    __tablename__ = "calendar_source"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk(index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=10)  # CalendarKind
    url: str | None = Field(default=None, sa_type=Text)  # a secret: shown masked
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, sa_type=Text)  # the last refresh's problem
    # The same problem as kept (planner.i18n.to_stored), shown in the reader's language
    error_text: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(  # CalendarStatus
        default=CalendarStatus.DONE.value,
        max_length=10,
        sa_column_kwargs={"server_default": CalendarStatus.DONE.value},
    )
    busy_count: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BusyTime(SQLModel, table=True):
    """A busy interval read from one of the user's calendars (replaced on every refresh).
    Only the times: no title or anything else of the event is kept."""

    __tablename__ = "busy_time"
    __table_args__ = (Index("ix_busy_time_owner_start", "owner_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    source_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid,
            ForeignKey("calendar_source.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    all_day: bool = False
