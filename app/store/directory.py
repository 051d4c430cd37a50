"""The store side of the directory pull: bulk upserts of API pages, deletion reconciliation, sync state.

app.sync.directory drives it (paging, locking, progress); every SQL statement is here. Records arrive as the raw
dicts of a list page, are validated once with the wire models of app.nexudus.schemas, and are written with one
dialect `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` per page. A row whose server `UpdatedOn` is unchanged is
not rewritten, so RETURNING yields exactly the rows that changed (or came back after being marked gone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from app.nexudus import schemas
from app.nexudus.resources import Resource
from app.store.audit import utcnow
from app.store.records import contact_public_id
from app.store.tables import (
    LocalState,
    OutboxKind,
    OutboxState,
    aliases_table,
    businesses_table,
    contacts_table,
    contracts_table,
    countries_table,
    coworkers_table,
    deliveries_table,
    outbox_table,
    sync_state_table,
)

log = logging.getLogger(__name__)

MARKER_PREFIX = "pigeonhole:"  # SystemId markers written by app.store.writes.new_marker


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def _s(value: str | None) -> str:
    return value or ""


def _i(value: int | None, default: int = 0) -> int:
    return int(value) if value is not None else default


def _business_row(r: schemas.Business) -> dict[str, Any]:
    return {"id": r.id, "name": _s(r.name), "root_location_id": r.root_location_id,
            "updated_on": _aware(r.updated_on)}


def _country_row(r: schemas.Country) -> dict[str, Any]:
    return {"id": r.id, "name": _s(r.name), "two_digits_code": _s(r.two_digits_code), "culture": _s(r.culture),
            "updated_on": _aware(r.updated_on)}


def _coworker_row(r: schemas.Coworker) -> dict[str, Any]:
    return {"id": r.id, "full_name": _s(r.full_name), "email": _s(r.email), "company_name": _s(r.company_name),
            "billing_name": _s(r.billing_name), "nick_name": _s(r.nick_name),
            "coworker_type": int(r.coworker_type) if r.coworker_type is not None else None,
            "active": r.active if r.active is not None else True, "updated_on": _aware(r.updated_on)}


def _contract_row(r: schemas.CoworkerContract) -> dict[str, Any]:
    return {
        "id": r.id, "coworker_id": r.coworker_id, "holder_name": _s(r.coworker_full_name),
        "company_name": _s(r.coworker_company_name), "billing_name": _s(r.coworker_billing_name),
        "email": _s(r.coworker_email), "business_id": r.issued_by_id, "tariff_id": r.tariff_id,
        "tariff_name": _s(r.tariff_name), "active": r.active if r.active is not None else True,
        "cancelled": bool(r.cancelled), "cancellation_date": _aware(r.cancellation_date),
        "start_date": _aware(r.start_date), "po_box": _s(r.po_box_number),
        "delivery_instructions": _s(r.delivery_instructions),
        "handling_mail": _i(r.delivery_handling_preference_mail),
        "handling_parcels": _i(r.delivery_handling_preference_parcels),
        "handling_checks": _i(r.delivery_handling_preference_checks),
        "handling_publicity": _i(r.delivery_handling_preference_publicity),
        "gone": False, "updated_on": _aware(r.updated_on),
    }


def _contact_row(r: schemas.ContractContact) -> dict[str, Any]:
    return {
        "nexudus_id": r.id, "contract_id": _i(r.coworker_contract_id), "coworker_id": r.coworker_id,
        "contact_type": _i(r.contract_contact_type, 1), "full_name": _s(r.full_name), "email": _s(r.email),
        "date_of_birth": r.date_of_birth, "address": _s(r.address), "post_code": _s(r.post_code),
        "city_name": _s(r.city_name), "state": _s(r.state), "country_id": r.country_id,
        "phone_number": _s(r.phone_number), "notes": _s(r.notes), "coworker_full_name": _s(r.coworker_full_name),
        "aml_check_status": _i(r.aml_check_status), "aml_check_date": _aware(r.aml_check_date),
        "aml_notes": _s(r.aml_notes), "aml_cleared_by": _s(r.aml_cleared_by),
        "aml_cleared_on": _aware(r.aml_cleared_on), "unique_id": _s(r.unique_id), "system_id": _s(r.system_id),
        "created_on": _aware(r.created_on), "updated_on": _aware(r.updated_on), "updated_by": _s(r.updated_by),
        "local_state": LocalState.SYNCED, "gone": False,
    }


@dataclass(frozen=True)
class _Mapping:
    table: Table
    model: type[BaseModel]
    to_row: Callable[[Any], dict[str, Any]]
    key: str  # the column holding the Nexudus Id
    synced_at: bool  # whether the table has a synced_at column
    gone: bool  # whether the table has a gone flag


MAPPINGS: dict[Resource, _Mapping] = {
    Resource.BUSINESSES: _Mapping(businesses_table, schemas.Business, _business_row, "id", False, False),
    Resource.COUNTRIES: _Mapping(countries_table, schemas.Country, _country_row, "id", False, False),
    Resource.COWORKERS: _Mapping(coworkers_table, schemas.Coworker, _coworker_row, "id", True, False),
    Resource.COWORKER_CONTRACTS: _Mapping(contracts_table, schemas.CoworkerContract, _contract_row, "id", True, True),
    Resource.CONTRACT_CONTACTS: _Mapping(contacts_table, schemas.ContractContact, _contact_row, "nexudus_id", True,
                                         True),
}


@dataclass
class PageResult:
    ids: list[int] = field(default_factory=list)  # every Nexudus Id on the page
    changed: list[int] = field(default_factory=list)  # Nexudus Ids whose row was inserted or rewritten
    adopted: dict[int, int] = field(default_factory=dict)  # local contact row id -> Nexudus Id (found by SystemId)
    max_updated_on: datetime | None = None
    skipped: int = 0  # records that could not be read at all (logged)


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert_page(conn: Connection, resource: Resource, records: Sequence[dict[str, Any]],
                synced_at: datetime) -> PageResult:
    """Write one list page (in the caller's transaction)."""
    mapping = MAPPINGS[resource]
    result = PageResult()
    rows: dict[int, dict[str, Any]] = {}
    for raw in records:
        try:
            record = schemas.parse_record(mapping.model, raw)
        except ValueError:
            log.warning("%s %r: unreadable record skipped", resource.value.entity, raw.get("Id"))
            result.skipped += 1
            continue
        row = mapping.to_row(record)
        if mapping.synced_at:
            row["synced_at"] = synced_at
        rows[row[mapping.key]] = row  # a record listed twice on a page: the last wins
        updated = row.get("updated_on")
        if updated is not None and (result.max_updated_on is None or updated > result.max_updated_on):
            result.max_updated_on = updated
    result.ids = list(rows)
    if not rows:
        return result
    if resource is Resource.CONTRACT_CONTACTS:
        result.adopted = _adopt_by_marker(conn, list(rows.values()))
    table = mapping.table
    key_col = table.c[mapping.key]
    stmt = _insert(conn, table)
    values = {c: stmt.excluded[c] for c in next(iter(rows.values())) if c != mapping.key}
    changed_where = or_(table.c.updated_on.is_distinct_from(stmt.excluded.updated_on),
                        table.c.updated_on.is_(None), *( [table.c.gone.is_(True)] if mapping.gone else []))
    stmt = stmt.on_conflict_do_update(index_elements=[key_col], set_=values, where=changed_where).returning(key_col)
    result.changed = [int(r[0]) for r in conn.execute(stmt, list(rows.values()))]
    return result


def _adopt_by_marker(conn: Connection, rows: list[dict[str, Any]]) -> dict[int, int]:
    """A contact we created whose answer was lost: the server has it with our SystemId marker, the local row has no
    Nexudus Id yet. Give the local row its Id (so the upsert updates it instead of adding a duplicate) and mark its
    create entry sent."""
    markers = {r["system_id"]: r["nexudus_id"] for r in rows if r["system_id"].startswith(MARKER_PREFIX)}
    if not markers:
        return {}
    c = contacts_table.c
    found = conn.execute(select(c.id, c.system_id).where(c.system_id.in_(list(markers)), c.nexudus_id.is_(None)))
    adopted: dict[int, int] = {}
    for local_id, marker in found:
        adopted[local_id] = markers[marker]
        attach_contact_server_id(conn, local_id, markers[marker])
    return adopted


def attach_contact_server_id(conn: Connection, local_id: int, nexudus_id: int) -> None:
    """The server knows our pending contact as `nexudus_id`: record it on the local row, once.

    If a sync already inserted the server's copy as a separate row (it raced the outbox), that copy is dropped:
    the local row (which deliveries and aliases point at) becomes the one row for that Id.
    """
    c = contacts_table.c
    twin = conn.execute(select(c.id).where(c.nexudus_id == nexudus_id, c.id != local_id)).scalar()
    if twin is not None:
        conn.execute(update(deliveries_table).where(deliveries_table.c.contact_row_id == twin)
                     .values(contact_row_id=local_id))
        conn.execute(update(aliases_table).where(aliases_table.c.contact_row_id == twin)
                     .values(contact_row_id=local_id))
        conn.execute(update(outbox_table).where(outbox_table.c.contact_row_id == twin)
                     .values(contact_row_id=local_id))
        conn.execute(delete(contacts_table).where(c.id == twin))
    conn.execute(update(contacts_table).where(c.id == local_id).values(
        nexudus_id=nexudus_id, local_state=LocalState.SYNCED, gone=False, synced_at=utcnow()))
    o = outbox_table.c
    conn.execute(update(outbox_table).where(
        o.contact_row_id == local_id, o.kind == OutboxKind.CREATE_CONTACT,
        o.state.in_((OutboxState.PENDING, OutboxState.SENDING, OutboxState.FAILED, OutboxState.PAUSED)),
    ).values(state=OutboxState.SENT, last_error="", field_errors="{}", updated_at=utcnow()))


# ---- deletion reconciliation ---------------------------------------------------------------------------------


def local_server_ids(conn: Connection, resource: Resource, *, seen_before: datetime | None = None) -> set[int]:
    """Nexudus Ids held locally for `resource` (not already gone). With `seen_before`, only rows last written by a
    sync before that time: rows the outbox attached during a pass are not deletion candidates."""
    mapping = MAPPINGS[resource]
    table = mapping.table
    key = table.c[mapping.key]
    q = select(key).where(key.is_not(None))
    if mapping.gone:
        q = q.where(table.c.gone.is_(False))
    if seen_before is not None and mapping.synced_at:
        q = q.where(or_(table.c.synced_at.is_(None), table.c.synced_at < seen_before))
    return {int(r[0]) for r in conn.execute(q)}


def count_server_rows(conn: Connection, resource: Resource) -> int:
    mapping = MAPPINGS[resource]
    key = mapping.table.c[mapping.key]
    q = select(func.count()).select_from(mapping.table).where(key.is_not(None))
    if mapping.gone:
        q = q.where(mapping.table.c.gone.is_(False))
    return int(conn.execute(q).scalar() or 0)


@dataclass
class RemovalResult:
    removed: list[int] = field(default_factory=list)  # Nexudus Ids deleted locally
    gone: list[int] = field(default_factory=list)  # Nexudus Ids kept and flagged gone
    removed_contact_ids: list[int] = field(default_factory=list)  # public ids that leave the matcher as a result


def remove_deleted(conn: Connection, resource: Resource, ids: Iterable[int]) -> RemovalResult:
    """Records deleted on the server. Contacts and contracts that local rows point at (deliveries, aliases,
    pending contacts, outbox entries) are kept and flagged `gone`; everything else is deleted."""
    wanted = sorted(set(ids))
    result = RemovalResult()
    if not wanted:
        return result
    mapping = MAPPINGS[resource]
    table = mapping.table
    key = table.c[mapping.key]
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        keep: set[int] = set()
        if resource is Resource.CONTRACT_CONTACTS:
            local = {int(r[0]): int(r[1]) for r in conn.execute(select(contacts_table.c.id, key).where(key.in_(chunk)))}
            referenced = _referenced_contact_rows(conn, list(local))
            keep = {local[row_id] for row_id in referenced}
        elif resource is Resource.COWORKER_CONTRACTS:
            keep = _referenced_contracts(conn, chunk)
            result.removed_contact_ids += _contract_contact_public_ids(conn, chunk)
        if keep:
            conn.execute(update(table).where(key.in_(sorted(keep))).values(gone=True))
        drop = [i for i in chunk if i not in keep]
        if drop:
            conn.execute(delete(table).where(key.in_(drop)))
        result.gone += sorted(keep)
        result.removed += drop
    return result


def _referenced_contact_rows(conn: Connection, row_ids: list[int]) -> set[int]:
    if not row_ids:
        return set()
    refs: set[int] = set()
    for table in (deliveries_table, aliases_table, outbox_table):
        col = table.c.contact_row_id
        refs |= {int(r[0]) for r in conn.execute(select(col).where(col.in_(row_ids)).distinct())}
    return refs


def _referenced_contracts(conn: Connection, contract_ids: list[int]) -> set[int]:
    refs: set[int] = set()
    for col in (deliveries_table.c.contract_id, aliases_table.c.contract_id):
        refs |= {int(r[0]) for r in conn.execute(select(col).where(col.in_(contract_ids)).distinct())}
    local_contacts = select(contacts_table.c.contract_id).where(
        contacts_table.c.contract_id.in_(contract_ids), contacts_table.c.nexudus_id.is_(None)).distinct()
    refs |= {int(r[0]) for r in conn.execute(local_contacts)}
    return refs


def _contract_contact_public_ids(conn: Connection, contract_ids: list[int]) -> list[int]:
    c = contacts_table.c
    return [contact_public_id(r.id, r.nexudus_id)
            for r in conn.execute(select(c.id, c.nexudus_id).where(c.contract_id.in_(contract_ids)))]


def linked_to_coworkers(conn: Connection, coworker_ids: Sequence[int]) -> tuple[list[int], list[int]]:
    """(contract ids, public contact ids) whose displayed names come from these coworkers."""
    if not coworker_ids:
        return [], []
    contracts: list[int] = []
    contacts: list[int] = []
    for start in range(0, len(coworker_ids), 500):
        chunk = list(coworker_ids[start:start + 500])
        contracts += [int(r[0]) for r in conn.execute(select(contracts_table.c.id)
                                                      .where(contracts_table.c.coworker_id.in_(chunk)))]
        c = contacts_table.c
        contacts += [contact_public_id(r.id, r.nexudus_id)
                     for r in conn.execute(select(c.id, c.nexudus_id).where(c.coworker_id.in_(chunk)))]
    return contracts, contacts


# ---- sync state ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceSyncState:
    resource: str
    last_full_sync: datetime | None
    high_water: datetime | None
    runs_since_full: int
    last_status: str


def read_sync_state(conn: Connection, name: str) -> ResourceSyncState:
    s = sync_state_table.c
    row = conn.execute(select(sync_state_table).where(s.resource == name)).first()
    if row is None:
        return ResourceSyncState(name, None, None, 0, "")
    return ResourceSyncState(name, row.last_full_sync, row.high_water, row.runs_since_full, row.last_status)


def write_sync_state(conn: Connection, name: str, **values: Any) -> None:
    """Upsert the sync_state row `name` with `values` (columns of SyncState)."""
    stmt = _insert(conn, sync_state_table).values(resource=name, **values)
    stmt = stmt.on_conflict_do_update(index_elements=[sync_state_table.c.resource], set_=values)
    conn.execute(stmt)
