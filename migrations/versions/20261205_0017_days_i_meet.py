"""days i meet: the weekdays a user meets on, for free times

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Monday to Friday for everyone until they choose (ISO weekday numbers)
    op.add_column(
        "users",
        sa.Column(
            "meeting_weekdays",
            sqlmodel.sql.sqltypes.AutoString(length=7),
            nullable=False,
            server_default="12345",
        ),
    )


def downgrade() -> None:
    op.drop_column("users", "meeting_weekdays")
