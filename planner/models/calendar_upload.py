"""An uploaded calendar file waiting for the worker to read its busy times."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, LargeBinary, Uuid
from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, owner_fk, utcnow


class CalendarUpload(SQLModel, table=True):
    """The bytes of an uploaded .ics until the worker has read them (then deleted: only
    busy times are kept). A table of its own, so listing calendars never loads files."""

    __tablename__ = "calendar_upload"

    source_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("calendar_source.id", ondelete="CASCADE"), primary_key=True
        )
    )
    owner_id: uuid.UUID = owner_fk(index=True)
    data: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
