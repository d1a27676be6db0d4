"""sign-in throttle and server-side sessions: user_session (signing out ends a session on the
server), sign_in_attempt (counts shared by every worker, kept over restarts),
pending_registration (accounts created only from the e-mailed link); users.session_key goes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import planner.models.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_attempt_key_at", "sign_in_attempt", ["key", "at"])
    op.create_index("ix_sign_in_attempt_at", "sign_in_attempt", ["at"])
    op.create_table(
        "pending_registration",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("created_at", planner.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pending_registration_email", "pending_registration", ["email"])
    # Sessions live in user_session now; every browser signs in once more after the upgrade.
    # A plain DROP COLUMN (SQLite >= 3.35): a batch copy of users would cascade (see 0009).
    op.drop_column("users", "session_key")


def downgrade() -> None:
    # Every old cookie is refused after a downgrade (empty key): everyone signs in again.
    op.add_column(
        "users",
        sa.Column(
            "session_key",
            sqlmodel.sql.sqltypes.AutoString(length=64),
            nullable=False,
            server_default="",
        ),
    )
    op.drop_index("ix_pending_registration_email", table_name="pending_registration")
    op.drop_table("pending_registration")
    op.drop_index("ix_sign_in_attempt_at", table_name="sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_key_at", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")
    op.drop_index("ix_user_session_user_id", table_name="user_session")
    op.drop_table("user_session")
