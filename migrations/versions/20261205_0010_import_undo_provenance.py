"""import undo provenance: undo that keeps later work (ImportChange after/contributed)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch (see 0009). Both columns stay NULL on the rows of earlier
# imports: their undo keeps the old behaviour, but never deletes a contact something holds.


def upgrade() -> None:
    op.add_column("import_change", sa.Column("after", sa.JSON(), nullable=True))
    op.add_column("import_change", sa.Column("contributed", sa.JSON(), nullable=True))
    op.create_index("ix_import_change_contact_id", "import_change", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_import_change_contact_id", table_name="import_change")
    op.drop_column("import_change", "contributed")
    op.drop_column("import_change", "after")
