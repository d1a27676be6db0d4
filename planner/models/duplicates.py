"""Possible duplicates: weak evidence (similar names, same organisation or city) only ever
suggests a merge; the user accepts or dismisses, and an accepted merge can be reverted."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, owner_fk, utcnow


class SuggestionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # merged; ``before`` keeps both contacts for reverting
    DISMISSED = "dismissed"  # remembered: the pair is not suggested again
    REVERTED = "reverted"


class MergeSuggestion(SQLModel, table=True):
    __tablename__ = "merge_suggestion"
    __table_args__ = (
        UniqueConstraint("owner_id", "contact_a", "contact_b", name="uq_merge_suggestion_pair"),
        Index("ix_merge_suggestion_owner_status", "owner_id", "status"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    # The pair in a fixed order (a < b) so each pair exists once; no foreign keys: a merged
    # or deleted contact leaves the suggestion as history.
    contact_a: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    contact_b: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    score: float = 0.0
    # [{"code": "same_name", "values": [...]}, ...]: put into words when shown (both languages)
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default=SuggestionStatus.OPEN.value, max_length=20)
    # When accepted: both contacts as they were, for revert.
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
