"""outbox back-off time, contracts kept as gone, indexes for the desk's lists

Revision ID: 0002_backoff_gone
Revises: 0001_first
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_backoff_gone"
down_revision: str | None = "0001_first"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.add_column(sa.Column("gone", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.create_index("ix_contacts_local_state", ["local_state"], unique=False)
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.create_index("ix_deliveries_collected_at", ["collected_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_index("ix_deliveries_collected_at")
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_local_state")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("next_attempt_at")
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.drop_column("gone")
