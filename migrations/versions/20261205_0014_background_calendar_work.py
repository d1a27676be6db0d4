"""background calendar work: a reading status per calendar, uploads waiting for the worker,
busy times without event titles

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import planner.models.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "calendar_source",
        sa.Column(
            "status",
            sqlmodel.sql.sqltypes.AutoString(length=10),
            server_default="done",
            nullable=False,
        ),
    )
    op.create_table(
        "calendar_upload",
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["calendar_source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_id"),
    )
    op.create_index(
        op.f("ix_calendar_upload_owner_id"), "calendar_upload", ["owner_id"], unique=False
    )
    # only times are kept (README): the event titles stored until now go
    op.drop_column("busy_time", "summary")


def downgrade() -> None:
    op.add_column(
        "busy_time",
        sa.Column(
            "summary",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            server_default="",
            nullable=False,
        ),
    )
    op.drop_index(op.f("ix_calendar_upload_owner_id"), table_name="calendar_upload")
    op.drop_table("calendar_upload")
    op.drop_column("calendar_source", "status")
