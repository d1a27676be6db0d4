"""stage before a meeting: cancelling gives invitees back the stage they had

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "meeting_attendee", sa.Column("stage_before", sa.String(length=20), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("meeting_attendee") as batch_op:
        batch_op.drop_column("stage_before")
