"""label images kept with deliveries (issue 10)

A delivery recorded from a photo or a scan keeps its label image: a resized JPEG in its own table (one per
delivery), so the deliveries table and its queries stay as lean as before. `created_at` is indexed for the
retention purge.

Revision ID: 0004_delivery_images
Revises: 0003_lean_contact_idx
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_delivery_images"
down_revision: str | None = "0003_lean_contact_idx"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_row_id", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["delivery_row_id"], ["deliveries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("delivery_row_id"),
    )
    op.create_index("ix_delivery_images_created_at", "delivery_images", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_delivery_images_created_at", table_name="delivery_images")
    op.drop_table("delivery_images")
