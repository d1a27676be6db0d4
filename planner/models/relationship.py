"""A relationship over time (issue 22): what happened (timeline entries the user or an event
wrote), what to do next (follow-ups) and how often to get in touch (keep in touch).

Decisions:

* The timeline is read, not copied: connections, imports, meetings and get-togethers are
  read from their own tables when a timeline is shown (``planner.relationships.timeline``).
  Only what has no table of its own is stored here: stage changes (with who made them),
  notes the user adds, follow-ups done, a "last met" typed by hand.
* A follow-up's due day is a calendar day in the user's home zone, not an instant: "a week
  after the coffee" stays the same day across a clock change.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Text, Uuid
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, contact_fk, owner_fk, utcnow


class EntryKind(StrEnum):
    STAGE = "stage"  # data: {"from": stage, "to": stage, "by": "hand" | "meeting" | "gathering"}
    NOTE = "note"  # text: what the user wrote
    FOLLOWUP = "followup"  # text: the note written when it was done; data: {"kind", "about"}
    LAST_MET = "last_met"  # "last met" typed by hand; data: {"day": "YYYY-MM-DD"}


class TimelineEntry(SQLModel, table=True):
    __tablename__ = "timeline_entry"
    __table_args__ = (Index("ix_timeline_entry_contact_at", "owner_id", "contact_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    contact_id: uuid.UUID = contact_fk()
    at: datetime = Field(sa_type=UTCDateTime)  # when it happened (a note: the day it is about)
    kind: str = Field(max_length=20)  # EntryKind
    text: str | None = Field(default=None, sa_type=Text)
    data: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FollowUpKind(StrEnum):
    AFTER_MEETING = "after_meeting"
    AFTER_GATHERING = "after_gathering"
    KEEP_IN_TOUCH = "keep_in_touch"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DISMISSED = "dismissed"


class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"
    # The list of what is due: open ones of an owner, soonest first, from the index.
    # The newest made and the last done or dismissed: the start page's version stamps.
    __table_args__ = (
        Index("ix_follow_up_owner_status_due", "owner_id", "status", "due"),
        Index("ix_follow_up_owner_created", "owner_id", "created_at"),
        Index("ix_follow_up_owner_done", "owner_id", "done_at"),
        Index("ix_follow_up_owner_updated", "owner_id", "updated_at"),  # the feed's ETag
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    contact_id: uuid.UUID = contact_fk()
    kind: str = Field(max_length=20)  # FollowUpKind
    due: date
    first_due: date  # as first set; ``due`` moves when snoozed
    meeting_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            Uuid, ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    # A get-together the follow-up is about (no foreign key: it may be gone, the follow-up
    # keeps its ``about`` text).
    gathering_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    # What it is about, fixed when it was made ("Coffee: Anna Berg"), as the meeting may go.
    about: str = Field(default="", max_length=300)
    status: str = Field(default=FollowUpStatus.OPEN.value, max_length=20)
    note: str | None = Field(default=None, sa_type=Text)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # any change


class KeepInTouch(SQLModel, table=True):
    """Get in touch with this contact every ``every_weeks`` weeks."""

    __tablename__ = "keep_in_touch"

    contact_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    )
    owner_id: uuid.UUID = owner_fk(index=True)
    every_weeks: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
