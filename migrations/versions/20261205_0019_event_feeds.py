"""event feeds and their occurrences (issue 20)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import planner.models.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_feed",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("last_modified", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("fetched_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refreshed_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("error_text", sa.JSON(), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("cancelled_count", sa.Integer(), nullable=False),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_event_feed_owner_id"), "event_feed", ["owner_id"], unique=False)
    op.create_table(
        "event_occurrence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("feed_id", sa.Uuid(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("recurrence_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("starts_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=True),
        sa.Column("end_day", sa.Date(), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("busy", sa.Boolean(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organizer", sa.JSON(), nullable=True),
        sa.Column("attendees", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["feed_id"], ["event_feed.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_event_occurrence_feed_id"), "event_occurrence", ["feed_id"], unique=False
    )
    op.create_index(
        "ix_event_occurrence_owner_start",
        "event_occurrence",
        ["owner_id", "starts_at"],
        unique=False,
    )
    op.create_index(
        "ix_event_occurrence_owner_lat",
        "event_occurrence",
        ["owner_id", "lat", "lon"],
        unique=False,
    )
    op.create_table(
        "event_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("recurrence_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("updated_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "uid", "recurrence_id", name="uq_event_decision"),
    )
    op.create_index(
        "ix_event_decision_owner_updated", "event_decision", ["owner_id", "updated_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_event_decision_owner_updated", table_name="event_decision")
    op.drop_table("event_decision")
    op.drop_index("ix_event_occurrence_owner_lat", table_name="event_occurrence")
    op.drop_index("ix_event_occurrence_owner_start", table_name="event_occurrence")
    op.drop_index(op.f("ix_event_occurrence_feed_id"), table_name="event_occurrence")
    op.drop_table("event_occurrence")
    op.drop_index(op.f("ix_event_feed_owner_id"), table_name="event_feed")
    op.drop_table("event_feed")
