"""derived match columns on contact: interest bits, mutual, first connection

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 15:26:05.136891
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch: SQLite adds these columns in place, whereas a batch would
# copy the contact table and drop the old one, and with foreign keys on that drop deletes
# every contact's e-mails, accounts, topics and sources (ON DELETE CASCADE).


def upgrade() -> None:
    op.add_column(
        "contact",
        sa.Column("interest_bits", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "contact", sa.Column("mutual", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("contact", sa.Column("first_connected", sa.Date(), nullable=True))
    op.drop_index("ix_contact_owner_lat_lon", table_name="contact")
    op.create_index(
        "ix_contact_owner_lat_match",
        "contact",
        [
            "owner_id",
            "lat",
            "lon",
            "stage",
            "last_met",
            "mutual",
            "first_connected",
            "interest_bits",
            "interests_at",
            "updated_at",
            "id",
        ],
        unique=False,
    )
    # The new columns are derived with the interests (``refresh_interests``): every existing
    # contact counts as stale until they are, so nothing relies on the defaults above.
    op.execute(sa.text("UPDATE contact SET interests_at = NULL"))


def downgrade() -> None:
    op.drop_index("ix_contact_owner_lat_match", table_name="contact")
    op.create_index("ix_contact_owner_lat_lon", "contact", ["owner_id", "lat", "lon"], unique=False)
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), again without copying the table
    op.drop_column("contact", "first_connected")
    op.drop_column("contact", "mutual")
    op.drop_column("contact", "interest_bits")
