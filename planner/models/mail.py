"""Mail sent through the server: who proved their address, and what went out (for the limit)."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, owner_fk, utcnow


class EmailVerification(SQLModel, table=True):
    """A link e-mailed to an account's address; following it proves the user reads mail
    there. Keyed to the address: after a change of address the old proof counts no more."""

    __tablename__ = "email_verification"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: uuid.UUID = owner_fk(index=True)
    address: str = Field(max_length=254)  # lower-cased, as users.email
    token_hash: str = Field(max_length=64, unique=True)  # SHA-256 of the link's token
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MailKind(StrEnum):
    INVITE = "invite"
    VERIFICATION = "verification"
    DIGEST = "digest"  # the user's own follow-up digest (planner.relationships.digest)


class MailSend(SQLModel, table=True):
    """One message sent through the server for a user: the daily limits count these."""

    __tablename__ = "mail_send"
    __table_args__ = (Index("ix_mail_send_owner_sent", "owner_id", "sent_at"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    kind: str = Field(max_length=20)  # MailKind
    recipients: int
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
