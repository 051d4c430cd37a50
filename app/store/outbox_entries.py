"""Adding to the outbox, shared by the desk's writes (app.store.writes) and an item's life (app.store.item_life):
the SystemId marker of a record we create, a new outbox entry in the caller's transaction, and who a delivery is
for as the outbox lists it. Below both modules, so neither needs the other for these."""

from __future__ import annotations

import json
import uuid

from sqlmodel import Session

from app.store.audit import utcnow
from app.store.records import DeliveryRow
from app.store.tables import OutboxEntry, OutboxState


def new_marker() -> str:
    """The SystemId marker put on records we create, to find them again after an unknown outcome."""
    return f"pigeonhole:{uuid.uuid4()}"


def enqueue(
    session: Session,
    kind: str,
    actor: str,
    *,
    system_id: str,
    contact_row_id: int | None = None,
    delivery_row_id: int | None = None,
    **payload: object,
) -> OutboxEntry:
    """A pending outbox entry, flushed (its id is set) in the caller's transaction."""
    now = utcnow()
    entry = OutboxEntry(
        kind=kind,
        payload=json.dumps(payload, default=str),
        system_id=system_id,
        state=OutboxState.PENDING,
        contact_row_id=contact_row_id,
        delivery_row_id=delivery_row_id,
        created_at=now,
        updated_at=now,
        created_by=actor,
    )
    session.add(entry)
    session.flush()
    return entry


def addressee(row: DeliveryRow) -> str:
    """Who a delivery is for, as the outbox lists it: "Wayne Morris (Lumen Vertex Energy Limited)"."""
    if row.recipient_name and row.company_name and row.recipient_name != row.company_name:
        return f"{row.recipient_name} ({row.company_name})"
    return row.recipient_name or row.company_name or "someone not in the directory"
