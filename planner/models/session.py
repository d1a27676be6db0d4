"""Server-side sign-in state: one row per signed-in browser, counted sign-in attempts, and
registrations waiting for their e-mail link.

Only SHA-256 digests of the random tokens are stored: a copy of the database does not let
anyone sign in or finish someone's registration.
"""

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, owner_fk, utcnow


class UserSession(SQLModel, table=True):
    """A signed-in browser. The session and remember-me cookies name it; signing out deletes
    it, so a copy of those cookies is dead from then on."""

    __tablename__ = "user_session"

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the cookie's token
    user_id: uuid.UUID = owner_fk(index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_agent: str | None = Field(default=None, max_length=120)  # "Firefox on Linux"


class SignInAttempt(SQLModel, table=True):
    """One counted attempt under one throttle key (without Redis): a sliding-window log."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (Index("ix_sign_in_attempt_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)  # SHA-256 of e.g. "account+address:<e-mail>|<address>"
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class PendingRegistration(SQLModel, table=True):
    """A registration whose address has not yet been confirmed (only with SMTP configured):
    the account is created when the link in the e-mail is opened, never before, so nobody
    can claim someone else's address."""

    __tablename__ = "pending_registration"

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the e-mailed token
    email: str = Field(max_length=254, index=True)
    password_hash: str = Field(max_length=255)
    locale: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
