"""The store side of the outbox sender (app.sync.outbox): the queue in strict id order, claiming an entry, and
recording each outcome together with its effect on the local rows, in one transaction each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.engine import Connection

from app.store.audit import utcnow
from app.store.directory import attach_contact_server_id, write_sync_state
from app.store.queries import OUTBOX_STATE, OUTCOME_UNKNOWN
from app.store.tables import (
    LocalState,
    OutboxKind,
    OutboxState,
    contacts_table,
    contracts_table,
    deliveries_table,
    delivery_life_table,
    outbox_table,
    sync_state_table,
)

SENDABLE = (OutboxState.PENDING, OutboxState.SENDING)
_DELIVERY_KINDS = (
    OutboxKind.CREATE_DELIVERY,
    OutboxKind.COLLECT_DELIVERIES,
    OutboxKind.VOID_DELIVERY,
    OutboxKind.DELIVERY_OUTCOME,
)


@dataclass(frozen=True)
class QueuedEntry:
    id: int
    kind: str
    state: str
    system_id: str
    attempts: int
    payload: dict[str, Any]
    contact_row_id: int | None
    delivery_row_id: int | None
    next_attempt_at: datetime | None


def _queued_entry(r: Row[Any]) -> QueuedEntry:
    return QueuedEntry(
        r.id,
        r.kind,
        r.state,
        r.system_id,
        r.attempts,
        json.loads(r.payload or "{}"),
        r.contact_row_id,
        r.delivery_row_id,
        r.next_attempt_at,
    )


def entry_by_id(conn: Connection, entry_id: int) -> QueuedEntry | None:
    r = conn.execute(select(outbox_table).where(outbox_table.c.id == entry_id)).first()
    return None if r is None else _queued_entry(r)


def queue(conn: Connection) -> list[QueuedEntry]:
    """Entries that may be sent (pending, or sending when a previous process died mid-send), in id order."""
    o = outbox_table.c
    rows = conn.execute(select(outbox_table).where(o.state.in_(SENDABLE)).order_by(o.id))
    return [_queued_entry(r) for r in rows]


def claim(conn: Connection, entry_id: int) -> bool:
    """pending/sending -> sending with one more attempt. Committed before the request leaves."""
    o = outbox_table.c
    done = conn.execute(
        update(outbox_table)
        .where(o.id == entry_id, o.state.in_(SENDABLE))
        .values(state=OutboxState.SENDING, attempts=o.attempts + 1, updated_at=utcnow())
    )
    return bool(done.rowcount)


def mark_sent(
    conn: Connection, entry: QueuedEntry, server_id: int | None = None, delivery_ids: list[int] | None = None
) -> None:
    o = outbox_table.c
    conn.execute(
        update(outbox_table)
        .where(o.id == entry.id)
        .values(state=OutboxState.SENT, last_error="", field_errors="{}", next_attempt_at=None, updated_at=utcnow())
    )
    if entry.kind == OutboxKind.CREATE_CONTACT and entry.contact_row_id is not None and server_id is not None:
        attach_contact_server_id(conn, entry.contact_row_id, server_id)
    elif entry.kind == OutboxKind.CREATE_DELIVERY and entry.delivery_row_id is not None:
        if server_id is not None:
            conn.execute(
                update(deliveries_table)
                .where(deliveries_table.c.id == entry.delivery_row_id)
                .values(nexudus_id=server_id)
            )
        _mark_deliveries_synced(conn, [entry.delivery_row_id], entry.id)
    elif entry.kind in (OutboxKind.VOID_DELIVERY, OutboxKind.DELIVERY_OUTCOME) and entry.delivery_row_id is not None:
        _mark_deliveries_synced(conn, [entry.delivery_row_id], entry.id)
    elif entry.kind == OutboxKind.COLLECT_DELIVERIES and delivery_ids:
        _mark_deliveries_synced(conn, delivery_ids, entry.id)


def _mark_deliveries_synced(conn: Connection, delivery_ids: list[int], sent_entry_id: int) -> None:
    """Deliveries the server now knows all about: those with no other entry still waiting (a hand-over recorded
    while the delivery itself was queued stays "waiting to send" until the hand-over is sent too)."""
    o = outbox_table.c
    waiting: set[int] = set()
    for kind, row_id, payload in conn.execute(
        select(o.kind, o.delivery_row_id, o.payload).where(
            o.state.in_(OutboxState.OPEN), o.id != sent_entry_id, o.kind.in_(_DELIVERY_KINDS)
        )
    ):
        if row_id is not None:
            waiting.add(row_id)
        if kind == OutboxKind.COLLECT_DELIVERIES:
            waiting.update(int(i) for i in json.loads(payload or "{}").get("delivery_row_ids", ()))
    done = [i for i in delivery_ids if i not in waiting]
    if done:
        conn.execute(
            update(deliveries_table).where(deliveries_table.c.id.in_(done)).values(local_state=LocalState.SYNCED)
        )


def mark_failed(conn: Connection, entry: QueuedEntry, message: str, field_errors: dict[str, list[str]]) -> None:
    """The server refused the entry (400): kept for staff to fix and resubmit, never retried unchanged."""
    o = outbox_table.c
    payload = {k: v for k, v in _payload(conn, entry.id).items() if k != OUTCOME_UNKNOWN}  # refused: not there
    conn.execute(
        update(outbox_table)
        .where(o.id == entry.id)
        .values(
            state=OutboxState.FAILED,
            last_error=message,
            field_errors=json.dumps(field_errors),
            next_attempt_at=None,
            updated_at=utcnow(),
            payload=json.dumps(payload),
        )
    )
    if entry.kind == OutboxKind.CREATE_CONTACT and entry.contact_row_id is not None:
        conn.execute(
            update(contacts_table)
            .where(contacts_table.c.id == entry.contact_row_id)
            .values(local_state=LocalState.FAILED)
        )
    elif entry.delivery_row_id is not None:
        conn.execute(
            update(deliveries_table)
            .where(deliveries_table.c.id == entry.delivery_row_id)
            .values(local_state=LocalState.FAILED)
        )


def mark_retry(
    conn: Connection, entry_id: int, message: str, next_attempt_at: datetime | None, *, outcome_unknown: bool = False
) -> None:
    """Not sent yet (network, throttling, server trouble, or an outcome still to be confirmed): stays first in line.
    `outcome_unknown`: the request may have been applied; the entry keeps saying so (OUTCOME_UNKNOWN in its payload)
    until a refusal or a look-up settles it, so it cannot be discarded as "never sent"."""
    o = outbox_table.c
    values: dict[str, Any] = {
        "state": OutboxState.PENDING,
        "last_error": message,
        "next_attempt_at": next_attempt_at,
        "updated_at": utcnow(),
    }
    if outcome_unknown:
        values["payload"] = json.dumps({**_payload(conn, entry_id), OUTCOME_UNKNOWN: True})
    conn.execute(update(outbox_table).where(o.id == entry_id).values(**values))


def _payload(conn: Connection, entry_id: int) -> dict[str, Any]:
    raw = conn.execute(select(outbox_table.c.payload).where(outbox_table.c.id == entry_id)).scalar()
    value = json.loads(raw or "{}")
    return value if isinstance(value, dict) else {}


def pause(conn: Connection, entry_id: int | None, message: str) -> None:
    """Credentials stopped working: nothing is sent until a call succeeds again (persisted)."""
    o = outbox_table.c
    if entry_id is not None:
        conn.execute(
            update(outbox_table)
            .where(o.id == entry_id)
            .values(state=OutboxState.PAUSED, last_error=message, updated_at=utcnow())
        )
    write_sync_state(conn, OUTBOX_STATE, last_status="paused", last_message=message, last_run_at=utcnow())


def resume(conn: Connection) -> None:
    o = outbox_table.c
    conn.execute(update(outbox_table).where(o.state == OutboxState.PAUSED).values(state=OutboxState.PENDING))
    write_sync_state(conn, OUTBOX_STATE, last_status="ok", last_message="", last_run_at=utcnow())


def is_paused(conn: Connection) -> bool:
    s = sync_state_table.c
    return conn.execute(select(s.last_status).where(s.resource == OUTBOX_STATE)).scalar() == "paused"


def create_entry_state(
    conn: Connection, *, contact_row_id: int | None = None, delivery_row_id: int | None = None
) -> str | None:
    """State of the create entry behind a local contact or delivery (None when it came from the server)."""
    o = outbox_table.c
    if contact_row_id is not None:
        where = (o.contact_row_id == contact_row_id) & (o.kind == OutboxKind.CREATE_CONTACT)
    else:
        where = (o.delivery_row_id == delivery_row_id) & (o.kind == OutboxKind.CREATE_DELIVERY)
    state = conn.execute(select(o.state).where(where).order_by(o.id.desc()).limit(1)).scalar()
    return str(state) if state is not None else None


def contact_for_send(conn: Connection, row_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(contacts_table).where(contacts_table.c.id == row_id)).first()
    return dict(row._mapping) if row is not None else None


def delivery_for_send(conn: Connection, row_id: int) -> dict[str, Any] | None:
    """The delivery row plus what the body needs from its contact and contract."""
    d = deliveries_table.c
    c = contacts_table.c
    k = contracts_table.c
    life = delivery_life_table.c
    q = (
        select(
            deliveries_table,
            c.nexudus_id.label("contact_nexudus_id"),
            k.coworker_id.label("holder_coworker_id"),
            k.handling_mail,
            k.handling_parcels,
            k.handling_checks,
            k.handling_publicity,
            life.requires_signature,
        )
        .select_from(
            deliveries_table.outerjoin(contacts_table, c.id == d.contact_row_id)
            .outerjoin(contracts_table, k.id == d.contract_id)
            .outerjoin(delivery_life_table, life.delivery_row_id == d.id)
        )
        .where(d.id == row_id)
    )
    row = conn.execute(q).first()
    return dict(row._mapping) if row is not None else None


def deliveries_for_collect(conn: Connection, row_ids: list[int]) -> list[dict[str, Any]]:
    d = deliveries_table.c
    return [dict(r._mapping) for r in conn.execute(select(d.id, d.nexudus_id, d.voided_at).where(d.id.in_(row_ids)))]
