"""an item's life after intake: work queue per delivery, append-only outcomes, forwarding log, files, conflicts

Revision ID: 0005_item_life
Revises: 0003_lean_contact_idx
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_item_life"
down_revision: str | None = "0004_delivery_images"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "delivery_life",
        sa.Column("delivery_row_id", sa.Integer(), sa.ForeignKey("deliveries.id"), primary_key=True),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("preference", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reason", sa.String(), nullable=False, server_default=""),
        sa.Column("requires_signature", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("routed_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("server_updated_on", _TS, nullable=True),
        sa.Column("server_flags", sa.Text(), nullable=False, server_default="{}"),
    )
    op.create_index("ix_delivery_life_queue", "delivery_life", ["queue"])
    op.create_table(
        "delivery_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_row_id", sa.Integer(), sa.ForeignKey("deliveries.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("done_by", sa.String(), nullable=False, server_default=""),
        sa.Column("actor", sa.String(), nullable=False, server_default=""),
        sa.Column("source", sa.String(), nullable=False, server_default="desk"),
        sa.Column("details", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("reverses_id", sa.Integer(), sa.ForeignKey("delivery_outcomes.id"), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_index("ix_delivery_outcomes_delivery_row_id", "delivery_outcomes", ["delivery_row_id"])
    op.create_table(
        "forwarding_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_row_id", sa.Integer(), sa.ForeignKey("deliveries.id"), nullable=False),
        sa.Column("outcome_id", sa.Integer(), sa.ForeignKey("delivery_outcomes.id"), nullable=False),
        sa.Column("contract_id", sa.BigInteger(), nullable=True),
        sa.Column("sent_to_name", sa.String(), nullable=False, server_default=""),
        sa.Column("address_lines", sa.String(), nullable=False, server_default=""),
        sa.Column("post_code", sa.String(), nullable=False, server_default=""),
        sa.Column("city", sa.String(), nullable=False, server_default=""),
        sa.Column("region", sa.String(), nullable=False, server_default=""),
        sa.Column("country_id", sa.BigInteger(), nullable=True),
        sa.Column("country_name", sa.String(), nullable=False, server_default=""),
        sa.Column("carrier", sa.String(), nullable=False, server_default=""),
        sa.Column("tracking_number", sa.String(), nullable=False, server_default=""),
        sa.Column("sent_at", _TS, nullable=False),
        sa.Column("sent_by", sa.String(), nullable=False, server_default=""),
    )
    op.create_index("ix_forwarding_log_delivery_row_id", "forwarding_log", ["delivery_row_id"])
    op.create_index("ix_forwarding_log_contract_id", "forwarding_log", ["contract_id"])
    op.create_table(
        "delivery_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_row_id", sa.Integer(), sa.ForeignKey("deliveries.id"), nullable=False),
        sa.Column("outcome_id", sa.Integer(), sa.ForeignKey("delivery_outcomes.id"), nullable=True),
        sa.Column("slot", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sha256", sa.String(), nullable=False, server_default=""),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(), nullable=False, server_default=""),
    )
    op.create_index("ix_delivery_files_delivery_row_id", "delivery_files", ["delivery_row_id"])
    op.create_table(
        "delivery_conflicts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_row_id", sa.Integer(), sa.ForeignKey("deliveries.id"), nullable=False),
        sa.Column("desk_outcome_id", sa.Integer(), sa.ForeignKey("delivery_outcomes.id"), nullable=True),
        sa.Column("server_flag", sa.String(), nullable=False, server_default=""),
        sa.Column("server_time", _TS, nullable=True),
        sa.Column("message", sa.String(), nullable=False, server_default=""),
        sa.Column("detected_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=False, server_default=""),
        sa.Column("resolution", sa.String(), nullable=False, server_default=""),
    )
    op.create_index("ix_delivery_conflicts_delivery_row_id", "delivery_conflicts", ["delivery_row_id"])


def downgrade() -> None:
    for table in ("delivery_conflicts", "delivery_files", "forwarding_log", "delivery_outcomes", "delivery_life"):
        op.drop_table(table)
