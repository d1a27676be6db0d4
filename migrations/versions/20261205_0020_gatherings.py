"""regional get-togethers: polls, invitees, answers (issue 21)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import planner.models.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gathering",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("radius_km", sa.Float(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("venue", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("venue_lat", sa.Float(), nullable=True),
        sa.Column("venue_lon", sa.Float(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("chosen_option_id", sa.Uuid(), nullable=True),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("show_answers", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("previous_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["previous_id"], ["gathering.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("gathering", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gathering_owner_status", ["owner_id", "status", "updated_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gathering_previous_id"), ["previous_id"], unique=False)

    op.create_table(
        "gathering_invitee",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("gathering_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("revoked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("informal", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("missed_last", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("mailed_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["gathering_id"], ["gathering.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("gathering_id", "contact_id", name="uq_gathering_invitee"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("gathering_invitee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gathering_invitee_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gathering_invitee_gathering_id"), ["gathering_id"], unique=False
        )

    op.create_table(
        "gathering_option",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("gathering_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["gathering_id"], ["gathering.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gathering_option", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gathering_option_gathering_id"), ["gathering_id"], unique=False
        )

    op.create_table(
        "gathering_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Uuid(), nullable=False),
        sa.Column("option_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.ForeignKeyConstraint(["invitee_id"], ["gathering_invitee.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["option_id"], ["gathering_option.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invitee_id", "option_id", name="uq_gathering_answer"),
    )
    with op.batch_alter_table("gathering_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gathering_answer_option_id"), ["option_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("gathering_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gathering_answer_option_id"))

    op.drop_table("gathering_answer")
    with op.batch_alter_table("gathering_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gathering_option_gathering_id"))

    op.drop_table("gathering_option")
    with op.batch_alter_table("gathering_invitee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gathering_invitee_gathering_id"))
        batch_op.drop_index(batch_op.f("ix_gathering_invitee_contact_id"))

    op.drop_table("gathering_invitee")
    with op.batch_alter_table("gathering", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gathering_previous_id"))
        batch_op.drop_index("ix_gathering_owner_status")

    op.drop_table("gathering")
