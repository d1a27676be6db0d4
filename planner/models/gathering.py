"""Regional get-togethers: the poll, its options, invitees and answers: issue 21.

An invitee answers through a personal link without an account: the link's token is random
(``secrets.token_urlsafe(32)``, 256 bits) and only its SHA-256 is stored, as for the
private feed, so a copy of the database cannot answer for anyone.
"""

import secrets
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Text, UniqueConstraint, Uuid, false
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, contact_fk, owner_fk, utcnow


def new_gathering_uid() -> str:
    """The iCalendar UID of a get-together: stable for its whole life, unguessable."""
    return f"{secrets.token_hex(16)}@treffpunkt"


class GatheringStatus(StrEnum):
    POLLING = "polling"  # dates are being asked
    FIXED = "fixed"  # date (and venue) chosen: the final invite can go out
    CANCELLED = "cancelled"


class AnswerValue(StrEnum):
    YES = "yes"
    MAYBE = "maybe"  # "if need be"
    NO = "no"


def _gathering_fk() -> uuid.UUID:
    return Field(
        sa_column=Column(
            Uuid, ForeignKey("gathering.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


class Gathering(SQLModel, table=True):
    """A date poll for people of one region, then the evening itself."""

    __tablename__ = "gathering"
    __table_args__ = (Index("ix_gathering_owner_status", "owner_id", "status", "updated_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    title: str = Field(max_length=200)
    city: str = Field(max_length=200)  # the region's centre, as the gazetteer names it
    country: str | None = Field(default=None, max_length=2)
    lat: float
    lon: float
    radius_km: float = 30.0
    topics: Any = Field(default=None, sa_column=Column(JSON, nullable=True))  # list of names
    timezone: str = Field(max_length=64)  # IANA zone of the place: options are shown in it
    minutes: int = 120
    deadline: date | None = None  # answers are taken until the end of that day (place's zone)
    message: str | None = Field(default=None, sa_type=Text)
    venue: str | None = Field(default=None, max_length=300)
    venue_lat: float | None = None
    venue_lon: float | None = None
    status: str = Field(default=GatheringStatus.POLLING.value, max_length=20)
    # The option fixed; no foreign key: the option rows point at the gathering already.
    chosen_option_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    uid: str = Field(default_factory=new_gathering_uid, max_length=100, unique=True)
    sequence: int = 0  # iCalendar SEQUENCE: raised on every change invitees must see
    show_answers: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The get-together this one follows in a series ("next get-together").
    previous_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            Uuid, ForeignKey("gathering.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GatheringOption(SQLModel, table=True):
    """One date and time asked about."""

    __tablename__ = "gathering_option"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    gathering_id: uuid.UUID = _gathering_fk()
    owner_id: uuid.UUID = owner_fk()
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)


class GatheringInvitee(SQLModel, table=True):
    """One person invited, with the hash of their personal link and what they said."""

    __tablename__ = "gathering_invitee"
    __table_args__ = (UniqueConstraint("gathering_id", "contact_id", name="uq_gathering_invitee"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    gathering_id: uuid.UUID = _gathering_fk()
    owner_id: uuid.UUID = owner_fk()
    contact_id: uuid.UUID = contact_fk()
    token_hash: str = Field(max_length=64, unique=True)  # SHA-256 hex of the link's token
    revoked: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    language: str = Field(default="en", max_length=10)  # of the invitation and answer page
    informal: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    reasons: Any = Field(default=None, sa_column=Column(JSON, nullable=True))  # why invited
    name: str | None = Field(default=None, max_length=100)  # as the invitee signed
    comment: str | None = Field(default=None, sa_type=Text)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # After the evening: True came, False could not come (remembered for the next one).
    attended: bool | None = None
    # Marked on the next get-together of a series: could not come last time.
    missed_last: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    mailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GatheringAnswer(SQLModel, table=True):
    """An invitee's yes / if need be / no to one option."""

    __tablename__ = "gathering_answer"
    __table_args__ = (UniqueConstraint("invitee_id", "option_id", name="uq_gathering_answer"),)

    id: int | None = Field(default=None, primary_key=True)
    invitee_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("gathering_invitee.id", ondelete="CASCADE"), nullable=False
        )
    )
    option_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("gathering_option.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    owner_id: uuid.UUID = owner_fk()
    value: str = Field(max_length=5)  # AnswerValue
