"""The local database: SQLModel tables, engine (SQLite default, PostgreSQL), Alembic migrations, and the
desk's reads and writes. Only this package builds SQL.

    engine = open_database(url)
    with session_scope(engine) as session:
        row = record_delivery(session, draft, actor="jo")
"""

from app.store.engine import DatabaseError, DatabaseMissing, open_database, open_existing_database, session_scope
from app.store.errors import InvalidOperation, RecordNotFound, StoreError
from app.store.queries import (
    contact_row,
    contract_detail,
    list_aliases,
    list_businesses,
    list_countries,
    list_deliveries,
    list_outbox,
    match_directory_fingerprint,
    match_directory_rows,
    outbox_entry,
    scanned_today,
    search_contracts,
    search_coworkers,
    status_summary,
)
from app.store.records import (
    AliasInfo,
    BusinessInfo,
    ContactDraft,
    ContactRow,
    ContractDetail,
    ContractSummary,
    CountryInfo,
    CoworkerInfo,
    DeliveryDraft,
    DeliveryRow,
    OutboxRow,
    StatusSummary,
    contact_public_id,
)
from app.store.tables import LocalState, OutboxKind, OutboxState
from app.store.writes import (
    collect_deliveries,
    discard_outbox_entry,
    learn_alias,
    record_delivery,
    register_contact,
    resubmit_contact,
    retry_outbox_entry,
    void_delivery,
)

__all__ = [
    "AliasInfo",
    "BusinessInfo",
    "ContactDraft",
    "ContactRow",
    "ContractDetail",
    "ContractSummary",
    "CountryInfo",
    "CoworkerInfo",
    "DatabaseError",
    "DatabaseMissing",
    "DeliveryDraft",
    "DeliveryRow",
    "InvalidOperation",
    "LocalState",
    "OutboxKind",
    "OutboxRow",
    "OutboxState",
    "RecordNotFound",
    "StatusSummary",
    "StoreError",
    "collect_deliveries",
    "contact_public_id",
    "contact_row",
    "contract_detail",
    "discard_outbox_entry",
    "learn_alias",
    "list_aliases",
    "list_businesses",
    "list_countries",
    "list_deliveries",
    "list_outbox",
    "match_directory_fingerprint",
    "match_directory_rows",
    "open_database",
    "open_existing_database",
    "outbox_entry",
    "record_delivery",
    "register_contact",
    "resubmit_contact",
    "retry_outbox_entry",
    "scanned_today",
    "search_contracts",
    "search_coworkers",
    "session_scope",
    "status_summary",
    "void_delivery",
]
