"""An import: the uploaded files, what it did to which contact, and how to undo it."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, LargeBinary, Uuid
from sqlmodel import Field, Relationship, SQLModel

from planner.models.types import UTCDateTime, owner_fk, utcnow


class ImportStatus(StrEnum):
    PARSING = "parsing"  # files stored, the preview being computed in the background
    PREVIEW = "preview"  # files stored and parsed, nothing written to the contacts
    RUNNING = "running"  # confirmed, being written (a background task for large files)
    DONE = "done"
    FAILED = "failed"  # the write failed and was rolled back: contacts as before
    UNDONE = "undone"
    EXPIRED = "expired"  # never confirmed: its files were deleted after a day


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"
    # The hourly expiry looks for unconfirmed batches by status and age.
    __table_args__ = (Index("ix_import_batch_status_created", "status", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk(index=True)
    status: str = Field(default=ImportStatus.PREVIEW.value, max_length=20)
    format: str | None = Field(default=None, max_length=40)  # the user's override, if any
    # Per-file results as in the CLI contract: {"files": [...]}; set when parsed / written.
    summary: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    error: str | None = Field(default=None, max_length=2000)
    # For CSV files with unknown headers: file name -> {header: field}, chosen in the preview.
    column_mapping: dict[str, dict[str, str]] | None = Field(default=None, sa_type=JSON)
    # What the files would do, computed once when they are uploaded (or columns assigned):
    # {"files": [FileOutcome as dict], "importable": n}. Page views read it, never parse.
    preview: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    progress: int = 0
    total: int = 0
    # The write's lease: a confirmed batch is "running" since ``claimed_at``; the writer
    # renews it outside its transaction (planner.tasks heartbeat); ``attempt`` counts the
    # claims, so a resumed write and a late first one cannot both write.
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempt: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    files: list["ImportFile"] = Relationship(
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "order_by": "ImportFile.id",
        }
    )


class ImportFile(SQLModel, table=True):
    """An uploaded file, kept only until its import is written (then ``data`` is cleared)."""

    __tablename__ = "import_file"

    id: int | None = Field(default=None, primary_key=True)
    import_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("import_batch.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(max_length=300)
    size: int = 0
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class ImportChange(SQLModel, table=True):
    """What an import did to one contact: created it, or merged into it (with the state
    before, so undo can restore it). ``after`` and ``contributed`` (both ContactInput JSON,
    NULL on imports written before they existed) let undo take back only what this import
    brought and nothing changed since (``planner.imports.undo``)."""

    __tablename__ = "import_change"

    id: int | None = Field(default=None, primary_key=True)
    import_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("import_batch.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # Indexed: undo reads what other imports did to the same contacts.
    contact_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, index=True))
    action: str = Field(max_length=10)  # "created" | "merged"
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # The contact right after this import wrote it.
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # What this import's own records said about the contact, merged (NULL when created:
    # then it is ``after``).
    contributed: dict[str, Any] | None = Field(default=None, sa_type=JSON)
