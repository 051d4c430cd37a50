"""The local database: SQLModel tables.

Directory tables (businesses, countries, coworkers, contracts) are keyed by the Nexudus Id (64-bit): they are only
ever pulled from the server. Contacts and deliveries can be created at the desk before the server knows them, so
they have their own local integer key and a `nexudus_id` (unique where set) filled in once the server answers.

All datetimes are naive UTC. Relations between directory tables carry no foreign keys on purpose: the directory is
pulled page by page in any order, and the server may delete a contract whose contacts we still hold. Local-only
relations (a delivery or alias pointing at a contact row) do have foreign keys.

Do not change a table here without adding an Alembic revision under app/store/migrations/versions/.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, Table, Text
from sqlmodel import Field, SQLModel


def _big(*, primary_key: bool = False, nullable: bool = True, unique: bool = False, index: bool = False) -> Column[int]:
    return Column(
        BigInteger, primary_key=primary_key, nullable=nullable, unique=unique, index=index, autoincrement=False
    )


class LocalState:
    """Values of `local_state` on contacts and deliveries."""

    SYNCED = "synced"
    PENDING = "pending"
    FAILED = "failed"


class OutboxState:
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    PAUSED = "paused"
    DISCARDED = "discarded"

    OPEN = ("pending", "sending", "failed", "paused")


class OutboxKind:
    CREATE_CONTACT = "create_contact"
    CREATE_DELIVERY = "create_delivery"
    COLLECT_DELIVERIES = "collect_deliveries"
    VOID_DELIVERY = "void_delivery"
    DELIVERY_OUTCOME = "delivery_outcome"  # one DeliveryOutcome (or its reversal) as flags and times on Nexudus


class Business(SQLModel, table=True):
    __tablename__ = "businesses"
    id: int = Field(sa_column=_big(primary_key=True, nullable=False))
    name: str = ""
    root_location_id: int | None = Field(default=None, sa_column=_big())
    updated_on: datetime | None = None


class Country(SQLModel, table=True):
    __tablename__ = "countries"
    id: int = Field(sa_column=_big(primary_key=True, nullable=False))
    name: str = ""
    two_digits_code: str = ""
    culture: str = ""
    updated_on: datetime | None = None


class Coworker(SQLModel, table=True):
    __tablename__ = "coworkers"
    id: int = Field(sa_column=_big(primary_key=True, nullable=False))
    full_name: str = ""
    email: str = ""
    company_name: str = ""
    billing_name: str = ""
    nick_name: str = ""
    coworker_type: int | None = None
    active: bool = True
    updated_on: datetime | None = None
    synced_at: datetime | None = None


class Contract(SQLModel, table=True):
    __tablename__ = "contracts"
    id: int = Field(sa_column=_big(primary_key=True, nullable=False))
    coworker_id: int | None = Field(default=None, sa_column=_big(index=True))
    holder_name: str = ""  # CoworkerFullName as the contract listing echoes it
    company_name: str = ""
    billing_name: str = ""
    email: str = ""
    business_id: int | None = Field(default=None, sa_column=_big())  # IssuedById: the location
    tariff_id: int | None = Field(default=None, sa_column=_big())
    tariff_name: str = ""
    active: bool = True
    cancelled: bool = False
    cancellation_date: datetime | None = None
    start_date: datetime | None = None
    po_box: str = ""
    delivery_instructions: str = ""
    handling_mail: int = 0
    handling_parcels: int = 0
    handling_checks: int = 0
    handling_publicity: int = 0
    gone: bool = False  # deleted on the server, kept because local rows point at it
    updated_on: datetime | None = None
    synced_at: datetime | None = None


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"
    id: int | None = Field(default=None, primary_key=True)
    nexudus_id: int | None = Field(default=None, sa_column=_big(unique=True))
    contract_id: int = Field(sa_column=_big(nullable=False, index=True))
    coworker_id: int | None = Field(default=None, sa_column=_big(index=True))
    contact_type: int = 1
    full_name: str = ""
    email: str = ""
    date_of_birth: date | None = None  # never logged
    address: str = ""
    post_code: str = ""
    city_name: str = ""
    state: str = ""
    country_id: int | None = Field(default=None, sa_column=_big())
    phone_number: str = ""
    notes: str = ""
    coworker_full_name: str = ""  # server echo, used when the coworker row is missing
    aml_check_status: int = 0
    aml_check_date: datetime | None = None
    aml_notes: str = ""
    aml_cleared_by: str = ""
    aml_cleared_on: datetime | None = None
    unique_id: str = ""
    system_id: str = ""  # indexed only where nexudus_id is null (ix_contacts_pending_system_id)
    created_on: datetime | None = None
    updated_on: datetime | None = None
    updated_by: str = ""
    local_state: str = LocalState.SYNCED
    gone: bool = False
    synced_at: datetime | None = None


class Delivery(SQLModel, table=True):
    __tablename__ = "deliveries"
    id: int | None = Field(default=None, primary_key=True)
    nexudus_id: int | None = Field(default=None, sa_column=_big(unique=True))
    contract_id: int | None = Field(default=None, sa_column=_big(index=True))
    contact_row_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("contacts.id"), index=True))
    coworker_id: int | None = Field(default=None, sa_column=_big())
    business_id: int | None = Field(default=None, sa_column=_big())
    name: str = ""
    location: str = ""
    shelf: str = ""
    delivery_type: int = 1
    received_by: str = ""
    tracking_number: str = Field(default="", index=True)
    carrier: str = ""
    label_text: str = ""
    match_decision: str = ""
    match_confidence: float | None = None
    match_reasons: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    notes: str = ""
    created_at: datetime = Field(index=True)
    created_by: str = ""
    collected_at: datetime | None = None
    collected_by: str = ""
    collected_for: str = ""
    voided_at: datetime | None = None
    voided_by: str = ""
    void_reason: str = ""
    system_id: str = ""
    local_state: str = LocalState.PENDING


class DeliveryImage(SQLModel, table=True):
    """The label image kept with a delivery (issue 10): a resized JPEG, in its own table so the deliveries table
    stays lean. Deleted by the image retention setting; the delivery itself is never deleted."""

    __tablename__ = "delivery_images"
    id: int | None = Field(default=None, primary_key=True)
    delivery_row_id: int = Field(
        sa_column=Column(Integer, ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    jpeg: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    width: int = 0
    height: int = 0
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class Alias(SQLModel, table=True):
    __tablename__ = "aliases"
    id: int | None = Field(default=None, primary_key=True)
    text: str
    normalized: str = Field(index=True)
    contract_id: int = Field(sa_column=_big(nullable=False, index=True))
    contact_row_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("contacts.id"), index=True))
    created_by: str = ""
    created_at: datetime


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str
    action: str
    subject: str = ""
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class OutboxEntry(SQLModel, table=True):
    __tablename__ = "outbox"
    id: int | None = Field(default=None, primary_key=True)  # strict send order
    kind: str
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    system_id: str = Field(index=True)  # the marker UUID put in SystemId (or in Notes for commands)
    state: str = Field(default=OutboxState.PENDING, index=True)
    attempts: int = 0
    last_error: str = ""
    field_errors: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    contact_row_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("contacts.id")))
    delivery_row_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("deliveries.id")))
    next_attempt_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    created_by: str = ""


class SyncState(SQLModel, table=True):
    __tablename__ = "sync_state"
    resource: str = Field(primary_key=True)  # Resource.name, or "outbox" for the outbox pause flag
    last_full_sync: datetime | None = None
    high_water: datetime | None = None  # the largest server UpdatedOn seen in a completed pass
    last_run_at: datetime | None = None
    last_status: str = ""
    last_message: str = ""
    runs_since_full: int = 0


# ---- an item's life after intake (revision 0005_item_life) ---------------------------------------------------


class DeliveryLife(SQLModel, table=True):
    """Where a delivery is in its life: the work queue it waits in (app.store.item_life.Queue), the handling
    preference it was routed by, and what Nexudus last said about it (for conflicts)."""

    __tablename__ = "delivery_life"
    delivery_row_id: int = Field(sa_column=Column(Integer, ForeignKey("deliveries.id"), primary_key=True))
    queue: str = Field(index=True)
    preference: int = 0
    reason: str = ""  # why it is in "needs a decision" (cancelled contract, failed ID check)
    requires_signature: bool = False
    routed_at: datetime
    updated_at: datetime
    server_updated_on: datetime | None = None
    server_flags: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class DeliveryOutcome(SQLModel, table=True):
    """Append-only: what was done with an item, by whom, when. A mistaken outcome is reversed by a new row with
    kind "reverse" and `reverses_id`; nothing is updated or deleted."""

    __tablename__ = "delivery_outcomes"
    id: int | None = Field(default=None, primary_key=True)
    delivery_row_id: int = Field(sa_column=Column(Integer, ForeignKey("deliveries.id"), nullable=False, index=True))
    kind: str
    at: datetime
    done_by: str = ""  # who forwarded, shredded, handed over...
    actor: str = ""  # who recorded it at the desk ("Nexudus" for outcomes seen in a pull)
    source: str = "desk"  # desk / nexudus
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    reverses_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("delivery_outcomes.id")))
    outbox_id: int | None = None
    recorded_at: datetime


class ForwardingLogEntry(SQLModel, table=True):
    """Every item forwarded: the name and address it was sent to, carrier and tracking (London Local Authorities Act
    2007 s.75 records). Append-only."""

    __tablename__ = "forwarding_log"
    id: int | None = Field(default=None, primary_key=True)
    delivery_row_id: int = Field(sa_column=Column(Integer, ForeignKey("deliveries.id"), nullable=False, index=True))
    outcome_id: int = Field(sa_column=Column(Integer, ForeignKey("delivery_outcomes.id"), nullable=False))
    contract_id: int | None = Field(default=None, sa_column=_big(index=True))
    sent_to_name: str = ""
    address_lines: str = ""  # one line per line
    post_code: str = ""
    city: str = ""
    region: str = ""
    country_id: int | None = Field(default=None, sa_column=_big())
    country_name: str = ""
    carrier: str = ""
    tracking_number: str = ""
    sent_at: datetime
    sent_by: str = ""


class DeliveryFile(SQLModel, table=True):
    """A file kept with an item: signature, scan, forwarding receipt, label image (slot names as Nexudus's)."""

    __tablename__ = "delivery_files"
    id: int | None = Field(default=None, primary_key=True)
    delivery_row_id: int = Field(sa_column=Column(Integer, ForeignKey("deliveries.id"), nullable=False, index=True))
    outcome_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("delivery_outcomes.id")))
    slot: str
    file_name: str
    media_type: str
    size: int = 0
    sha256: str = ""
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    created_by: str = ""


class DeliveryConflict(SQLModel, table=True):
    """The desk and Nexudus disagree about an item's outcome (e.g. collected in Nexudus while the desk forwarded
    it). Shown to staff until someone resolves it; never overwritten silently."""

    __tablename__ = "delivery_conflicts"
    id: int | None = Field(default=None, primary_key=True)
    delivery_row_id: int = Field(sa_column=Column(Integer, ForeignKey("deliveries.id"), nullable=False, index=True))
    desk_outcome_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("delivery_outcomes.id")))
    server_flag: str = ""
    server_time: datetime | None = None
    message: str = ""
    detected_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution: str = ""


def _table(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


# Core handles for bulk statements and typed column access (`contracts_table.c.company_name`).
businesses_table = _table(Business)
countries_table = _table(Country)
coworkers_table = _table(Coworker)
contracts_table = _table(Contract)
contacts_table = _table(Contact)
deliveries_table = _table(Delivery)
aliases_table = _table(Alias)
audit_table = _table(AuditEntry)
outbox_table = _table(OutboxEntry)
sync_state_table = _table(SyncState)
delivery_life_table = _table(DeliveryLife)
delivery_outcomes_table = _table(DeliveryOutcome)
forwarding_log_table = _table(ForwardingLogEntry)
delivery_files_table = _table(DeliveryFile)
delivery_conflicts_table = _table(DeliveryConflict)

# Pending contacts are found by their SystemId marker; synced rows never are, so they stay out of the index.
Index(
    "ix_contacts_pending_system_id",
    contacts_table.c.system_id,
    sqlite_where=contacts_table.c.nexudus_id.is_(None),
    postgresql_where=contacts_table.c.nexudus_id.is_(None),
)
Index("ix_deliveries_collected_at", deliveries_table.c.collected_at)
