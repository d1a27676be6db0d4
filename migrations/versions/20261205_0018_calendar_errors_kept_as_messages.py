"""calendar errors kept as messages: shown in the reader's language, not the refresh's

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("calendar_source", sa.Column("error_text", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calendar_source") as batch_op:
        batch_op.drop_column("error_text")
