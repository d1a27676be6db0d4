"""What a user cares about, the synonym table that makes topics comparable, and each
contact's topics in that table's terms (the keys matching compares)."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Text, Uuid
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, contact_fk, owner_fk, utcnow


class UserTopic(SQLModel, table=True):
    """A topic of the user's own: shared topics make a contact worth meeting."""

    __tablename__ = "user_topic"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: uuid.UUID = owner_fk(index=True)
    name: str = Field(max_length=100)


class TopicVocabulary(SQLModel, table=True):
    """The user's edited synonym table, in the text format of ``planner.topics``; no row
    means the shipped defaults."""

    __tablename__ = "topic_vocabulary"

    owner_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    text: str = Field(sa_type=Text)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContactInterest(SQLModel, table=True):
    """A contact's topics as canonical keys: its own topics normalised, plus the topics its
    title and organisation name. Derived data, rebuilt whenever it is older than the contact
    or the vocabulary (``Contact.interests_at``)."""

    __tablename__ = "contact_interest"
    __table_args__ = (Index("ix_contact_interest_owner_key", "owner_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: uuid.UUID = contact_fk()
    owner_id: uuid.UUID = owner_fk()
    key: str = Field(max_length=100)
