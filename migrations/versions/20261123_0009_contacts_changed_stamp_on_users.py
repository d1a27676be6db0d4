"""contacts changed stamp on users: deletions and other changes no updated_at shows

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 16:54:47.078631
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import planner.models.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch (see 0008): a batch copy of ``users`` would drop the old table,
# and with foreign keys on that cascades into everything the users own.


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column(
            "contacts_changed_at", planner.models.types.UTCDateTime(timezone=True), nullable=True
        ),
    )


def downgrade() -> None:
    op.drop_column("users", "contacts_changed_at")
