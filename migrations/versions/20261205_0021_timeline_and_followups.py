"""timeline, notes, follow-ups and keep in touch (issue 22)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import planner.models.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("followup_days", sa.Integer(), nullable=False, server_default="7")
    )
    # the e-mail digest of due follow-ups: off/daily/weekly, and the day it last went out
    op.add_column(
        "users",
        sa.Column(
            "digest",
            sqlmodel.sql.sqltypes.AutoString(length=10),
            nullable=False,
            server_default="off",
        ),
    )
    op.add_column("users", sa.Column("digest_sent_on", sa.Date(), nullable=True))
    # the start page's "recently added": the newest few by index, not a sort of all contacts
    op.create_index(
        "ix_contact_owner_created", "contact", ["owner_id", "created_at"], unique=False
    )
    op.create_table(
        "timeline_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_timeline_entry_contact_id"), "timeline_entry", ["contact_id"], unique=False
    )
    op.create_index(
        "ix_timeline_entry_contact_at",
        "timeline_entry",
        ["owner_id", "contact_id", "at"],
        unique=False,
    )
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("gathering_id", sa.Uuid(), nullable=True),
        sa.Column("about", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("done_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_follow_up_contact_id"), "follow_up", ["contact_id"], unique=False)
    op.create_index(op.f("ix_follow_up_meeting_id"), "follow_up", ["meeting_id"], unique=False)
    op.create_index(
        "ix_follow_up_owner_status_due", "follow_up", ["owner_id", "status", "due"], unique=False
    )
    # the start page's version stamps: the newest follow-up made, the last done or dismissed
    op.create_index(
        "ix_follow_up_owner_created", "follow_up", ["owner_id", "created_at"], unique=False
    )
    op.create_index("ix_follow_up_owner_done", "follow_up", ["owner_id", "done_at"], unique=False)
    # the calendar feed's ETag: how many follow-ups and the newest change
    op.create_index(
        "ix_follow_up_owner_updated", "follow_up", ["owner_id", "updated_at"], unique=False
    )
    op.create_table(
        "keep_in_touch",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_id"),
    )
    op.create_index(op.f("ix_keep_in_touch_owner_id"), "keep_in_touch", ["owner_id"], unique=False)


    # travel calendars by address and the trips they propose (issue 20)
    op.create_table(
        "travel_feed",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("last_modified", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("fetched_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("error_text", sa.JSON(), nullable=True),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_travel_feed_owner_id"), "travel_feed", ["owner_id"], unique=False)
    op.create_table(
        "trip_proposal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("feed_id", sa.Uuid(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("legs", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("trip_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["travel_feed.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["trip_id"], ["trip.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed_id", "key", name="uq_trip_proposal_feed_key"),
    )
    op.create_index(op.f("ix_trip_proposal_feed_id"), "trip_proposal", ["feed_id"], unique=False)
    op.create_index(
        op.f("ix_trip_proposal_owner_id"), "trip_proposal", ["owner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_trip_proposal_owner_id"), table_name="trip_proposal")
    op.drop_index(op.f("ix_trip_proposal_feed_id"), table_name="trip_proposal")
    op.drop_table("trip_proposal")
    op.drop_index(op.f("ix_travel_feed_owner_id"), table_name="travel_feed")
    op.drop_table("travel_feed")
    op.drop_index(op.f("ix_keep_in_touch_owner_id"), table_name="keep_in_touch")
    op.drop_table("keep_in_touch")
    op.drop_index("ix_follow_up_owner_updated", table_name="follow_up")
    op.drop_index("ix_follow_up_owner_done", table_name="follow_up")
    op.drop_index("ix_follow_up_owner_created", table_name="follow_up")
    op.drop_index("ix_follow_up_owner_status_due", table_name="follow_up")
    op.drop_index(op.f("ix_follow_up_meeting_id"), table_name="follow_up")
    op.drop_index(op.f("ix_follow_up_contact_id"), table_name="follow_up")
    op.drop_table("follow_up")
    op.drop_index("ix_timeline_entry_contact_at", table_name="timeline_entry")
    op.drop_index(op.f("ix_timeline_entry_contact_id"), table_name="timeline_entry")
    op.drop_table("timeline_entry")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("digest_sent_on")
        batch_op.drop_column("digest")
        batch_op.drop_column("followup_days")
    op.drop_index("ix_contact_owner_created", table_name="contact")
