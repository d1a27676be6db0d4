"""mail verification and send log: verified sender addresses and the daily send limit

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import planner.models.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(
        op.f("ix_email_verification_owner_id"), "email_verification", ["owner_id"], unique=False
    )
    op.create_table(
        "mail_send",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_send_owner_sent", "mail_send", ["owner_id", "sent_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mail_send_owner_sent", table_name="mail_send")
    op.drop_table("mail_send")
    op.drop_index(op.f("ix_email_verification_owner_id"), table_name="email_verification")
    op.drop_table("email_verification")
