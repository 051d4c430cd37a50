"""leaner contact indexes for the directory pull

Every synced contact row was written into two indexes that no query needs at that size: `local_state` (nothing
filters contacts by it) and `system_id` (only pending contacts, which have no Nexudus Id yet, are ever looked up
by their SystemId marker). The first is dropped; the second becomes a partial index over rows without a Nexudus
Id, so it holds a handful of rows instead of every contact. Writing a page of contacts gets cheaper on both engines.

Revision ID: 0003_lean_contact_idx
Revises: 0002_backoff_gone
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_lean_contact_idx"
down_revision: str | None = "0002_backoff_gone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = sa.text("nexudus_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_local_state")
        batch_op.drop_index("ix_contacts_system_id")
    op.create_index(
        "ix_contacts_pending_system_id",
        "contacts",
        ["system_id"],
        unique=False,
        sqlite_where=_PENDING,
        postgresql_where=_PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_pending_system_id", table_name="contacts")
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.create_index("ix_contacts_system_id", ["system_id"], unique=False)
        batch_op.create_index("ix_contacts_local_state", ["local_state"], unique=False)
