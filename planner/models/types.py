"""Column types and foreign keys shared by the models."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite forgets the zone; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        result: datetime = value.astimezone(UTC)
        return result


def utcnow() -> datetime:
    return datetime.now(UTC)


def owner_fk(*, index: bool = False) -> uuid.UUID:
    """The owning user: every row of a user's data goes with the account."""
    return Field(
        sa_column=Column(
            Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=index
        )
    )


def contact_fk() -> uuid.UUID:
    """The contact a detail row belongs to (deleted with it)."""
    return Field(
        sa_column=Column(
            Uuid, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
