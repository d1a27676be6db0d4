"""stored previews and upload lifecycle: previews parsed once, upload expiry and stuck-batch leases

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import planner.models.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("import_batch", sa.Column("preview", sa.JSON(), nullable=True))
    op.add_column(
        "import_batch",
        sa.Column("claimed_at", planner.models.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "import_batch", sa.Column("attempt", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_index(
        "ix_import_batch_status_created", "import_batch", ["status", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_import_batch_status_created", table_name="import_batch")
    op.drop_column("import_batch", "attempt")
    op.drop_column("import_batch", "claimed_at")
    op.drop_column("import_batch", "preview")
