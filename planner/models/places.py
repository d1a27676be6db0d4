"""Answers of an online geocoder, cached so each free-text place is asked for once."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, utcnow


class GeocodeCache(SQLModel, table=True):
    """Shared by all users: it holds place names only, never who typed them."""

    __tablename__ = "geocode_cache"
    __table_args__ = (UniqueConstraint("provider", "query", name="uq_geocode_cache_query"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=40)
    query: str = Field(max_length=500)  # the folded text that was asked
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)  # None: nothing found
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
