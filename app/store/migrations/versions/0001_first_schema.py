"""first schema: directory, contacts, deliveries, aliases, audit, outbox, sync state

Revision ID: 0001_first
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_first"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_at"), ["at"], unique=False)

    op.create_table(
        "businesses",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("root_location_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("updated_on", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nexudus_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("contract_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("coworker_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("contact_type", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("post_code", sa.String(), nullable=False),
        sa.Column("city_name", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("country_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("phone_number", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("coworker_full_name", sa.String(), nullable=False),
        sa.Column("aml_check_status", sa.Integer(), nullable=False),
        sa.Column("aml_check_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aml_notes", sa.String(), nullable=False),
        sa.Column("aml_cleared_by", sa.String(), nullable=False),
        sa.Column("aml_cleared_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unique_id", sa.String(), nullable=False),
        sa.Column("system_id", sa.String(), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.Column("local_state", sa.String(), nullable=False),
        sa.Column("gone", sa.Boolean(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nexudus_id"),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_coworker_id"), ["coworker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_system_id"), ["system_id"], unique=False)

    op.create_table(
        "contracts",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("coworker_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("holder_name", sa.String(), nullable=False),
        sa.Column("company_name", sa.String(), nullable=False),
        sa.Column("billing_name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("business_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("tariff_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("tariff_name", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("cancellation_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("po_box", sa.String(), nullable=False),
        sa.Column("delivery_instructions", sa.String(), nullable=False),
        sa.Column("handling_mail", sa.Integer(), nullable=False),
        sa.Column("handling_parcels", sa.Integer(), nullable=False),
        sa.Column("handling_checks", sa.Integer(), nullable=False),
        sa.Column("handling_publicity", sa.Integer(), nullable=False),
        sa.Column("updated_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contracts_coworker_id"), ["coworker_id"], unique=False)

    op.create_table(
        "countries",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("two_digits_code", sa.String(), nullable=False),
        sa.Column("culture", sa.String(), nullable=False),
        sa.Column("updated_on", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "coworkers",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("company_name", sa.String(), nullable=False),
        sa.Column("billing_name", sa.String(), nullable=False),
        sa.Column("nick_name", sa.String(), nullable=False),
        sa.Column("coworker_type", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_state",
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("last_full_sync", sa.DateTime(timezone=True), nullable=True),
        sa.Column("high_water", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(), nullable=False),
        sa.Column("last_message", sa.String(), nullable=False),
        sa.Column("runs_since_full", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("resource"),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("normalized", sa.String(), nullable=False),
        sa.Column("contract_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("contact_row_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_row_id"],
            ["contacts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aliases_contact_row_id"), ["contact_row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aliases_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aliases_normalized"), ["normalized"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nexudus_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("contract_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("contact_row_id", sa.Integer(), nullable=True),
        sa.Column("coworker_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("business_id", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("location", sa.String(), nullable=False),
        sa.Column("shelf", sa.String(), nullable=False),
        sa.Column("delivery_type", sa.Integer(), nullable=False),
        sa.Column("received_by", sa.String(), nullable=False),
        sa.Column("tracking_number", sa.String(), nullable=False),
        sa.Column("carrier", sa.String(), nullable=False),
        sa.Column("label_text", sa.String(), nullable=False),
        sa.Column("match_decision", sa.String(), nullable=False),
        sa.Column("match_confidence", sa.Float(), nullable=True),
        sa.Column("match_reasons", sa.Text(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("collected_by", sa.String(), nullable=False),
        sa.Column("collected_for", sa.String(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(), nullable=False),
        sa.Column("void_reason", sa.String(), nullable=False),
        sa.Column("system_id", sa.String(), nullable=False),
        sa.Column("local_state", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_row_id"],
            ["contacts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nexudus_id"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_contact_row_id"), ["contact_row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_tracking_number"), ["tracking_number"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("system_id", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=False),
        sa.Column("field_errors", sa.Text(), nullable=False),
        sa.Column("contact_row_id", sa.Integer(), nullable=True),
        sa.Column("delivery_row_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_row_id"],
            ["contacts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["delivery_row_id"],
            ["deliveries.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_system_id"), ["system_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_system_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_state"))

    op.drop_table("outbox")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_tracking_number"))
        batch_op.drop_index(batch_op.f("ix_deliveries_created_at"))
        batch_op.drop_index(batch_op.f("ix_deliveries_contract_id"))
        batch_op.drop_index(batch_op.f("ix_deliveries_contact_row_id"))

    op.drop_table("deliveries")
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aliases_normalized"))
        batch_op.drop_index(batch_op.f("ix_aliases_contract_id"))
        batch_op.drop_index(batch_op.f("ix_aliases_contact_row_id"))

    op.drop_table("aliases")
    op.drop_table("sync_state")
    op.drop_table("coworkers")
    op.drop_table("countries")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_coworker_id"))

    op.drop_table("contracts")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_system_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_coworker_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_contract_id"))

    op.drop_table("contacts")
    op.drop_table("businesses")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_at"))

    op.drop_table("audit")
