"""An item's life after intake, in the store: its work queue, its outcomes (append-only), the forwarding log, the
files kept with it, and the conflicts with Nexudus. Rules (which queue, which flag) are in app.store.routing.

Every write here runs in the caller's session (use `session_scope`): the outcome row, its forwarding-log row and
files, the queue change, the audit entry and the outbox entry (kind `delivery_outcome`) commit together, so
nothing is half-done. Nothing is ever updated in place or deleted in `delivery_outcomes`, `forwarding_log` or
`delivery_files`: a mistaken outcome is reversed by a new outcome of kind "reverse".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from app.store.audit import add_audit, utcnow
from app.store.errors import InvalidOperation, RecordNotFound
from app.store.outbox_entries import addressee as _addressee
from app.store.outbox_entries import enqueue as _enqueue
from app.store.outbox_entries import new_marker
from app.store.queries import delivery_rows
from app.store.records import DeliveryRow
from app.store.routing import (
    FINAL,
    FLAG,
    OUTCOME_OF_FLAG,
    QUEUE_OUTCOMES,
    Outcome,
    Queue,
    preference_column,
    queue_after,
    route,
)
from app.store.tables import (
    Delivery,
    DeliveryConflict,
    DeliveryFile,
    DeliveryLife,
    DeliveryOutcome,
    ForwardingLogEntry,
    LocalState,
    OutboxEntry,
    OutboxKind,
    OutboxState,
    contacts_table,
    contracts_table,
    deliveries_table,
    delivery_conflicts_table,
    delivery_files_table,
    delivery_life_table,
    delivery_outcomes_table,
    forwarding_log_table,
    outbox_table,
)

ITEM_CODE_PREFIX = "PH"  # the shelf label's barcode: "PH" + the local delivery id, e.g. PH000123
_ITEM_CODE = re.compile(r"^\s*PH-?0*(\d{1,12})\s*$", re.IGNORECASE)
SIGNATURE_SLOT, SCAN_SLOT, RECEIPT_SLOT, LABEL_SLOT = "Signature", "ScannedFileData", "ForwardedFileData", "FileData"
FILE_SLOTS = (LABEL_SLOT, SIGNATURE_SLOT, SCAN_SLOT, RECEIPT_SLOT)
MAX_FILE_BYTES = 15_000_000
SOURCE_DESK, SOURCE_NEXUDUS = "desk", "nexudus"

_dl = deliveries_table.c
_lf = delivery_life_table.c
_oc = delivery_outcomes_table.c
_fw = forwarding_log_table.c
_fl = delivery_files_table.c
_cf = delivery_conflicts_table.c
_ob = outbox_table.c


def item_code(delivery_id: int) -> str:
    """The item's own number as printed (and barcoded) on its shelf label."""
    return f"{ITEM_CODE_PREFIX}{delivery_id:06d}"


def parse_item_code(text: str) -> int | None:
    match = _ITEM_CODE.match(text or "")
    return int(match.group(1)) if match else None


def aware(value: datetime | None) -> datetime | None:
    """Datetimes read back from SQLite are naive UTC; PostgreSQL's are aware."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def to_second(value: datetime) -> datetime:
    """Outcome times are kept to the second, as Nexudus writes them (so the desk can tell its own time back)."""
    return (aware(value) or value).astimezone(UTC).replace(microsecond=0)


# ---- plain records in and out ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardDraft:
    sent_to_name: str
    address_lines: tuple[str, ...]
    country_name: str
    post_code: str = ""
    city: str = ""
    region: str = ""
    country_id: int | None = None
    carrier: str = ""
    tracking_number: str = ""


@dataclass(frozen=True)
class FileDraft:
    slot: str
    file_name: str
    media_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class OutcomeRow:
    outcome_id: int
    delivery_id: int
    kind: Outcome
    at: datetime
    done_by: str
    actor: str
    source: str
    details: dict[str, Any]
    reverses_id: int | None
    reversed_by: int | None
    outbox_state: str | None


@dataclass(frozen=True)
class QueueItem:
    delivery: DeliveryRow
    queue: Queue
    preference: int
    reason: str
    requires_signature: bool
    aml_status: int | None
    contract_cancelled: bool
    age: timedelta
    open_conflicts: int

    @property
    def code(self) -> str:
        return item_code(self.delivery.delivery_id)


@dataclass(frozen=True)
class ForwardingRow:
    forward_id: int
    delivery_id: int
    item: str
    recipient: str
    company: str
    sent_to_name: str
    address_lines: tuple[str, ...]
    post_code: str
    city: str
    region: str
    country_name: str
    carrier: str
    tracking_number: str
    sent_at: datetime
    sent_by: str
    reversed: bool


@dataclass(frozen=True)
class ConflictRow:
    conflict_id: int
    delivery_id: int
    item: str
    recipient: str
    desk_outcome: Outcome | None
    server_flag: str
    server_time: datetime | None
    message: str
    detected_at: datetime
    resolved_at: datetime | None
    resolution: str


@dataclass(frozen=True)
class StoredFileRow:
    file_id: int
    delivery_id: int
    slot: str
    file_name: str
    media_type: str
    size: int
    data: bytes = field(repr=False)


# ---- routing ---------------------------------------------------------------------------------------------------


def _route_inputs(session: Session, delivery: Delivery) -> tuple[int, bool, int | None]:
    preference, cancelled, aml = 0, False, None
    if delivery.contract_id is not None:
        k = contracts_table.c
        row = session.execute(
            select(k.cancelled, k.handling_mail, k.handling_parcels, k.handling_checks, k.handling_publicity).where(
                k.id == delivery.contract_id
            )
        ).first()
        if row is not None:
            cancelled = bool(row.cancelled)
            preference = int(getattr(row, preference_column(delivery.delivery_type)) or 0)
    if delivery.contact_row_id is not None:
        aml = session.execute(
            select(contacts_table.c.aml_check_status).where(contacts_table.c.id == delivery.contact_row_id)
        ).scalar()
    return preference, cancelled, aml


def route_delivery(
    session: Session, delivery_id: int, *, requires_signature: bool = False, now: datetime | None = None
) -> Queue:
    """Put a new item in its first queue (intake calls this through record_delivery). Idempotent."""
    existing = session.get(DeliveryLife, delivery_id)
    if existing is not None:
        return Queue(existing.queue)
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise RecordNotFound(f"Delivery {delivery_id} does not exist.")
    preference, cancelled, aml = _route_inputs(session, delivery)
    queue, reason = route(preference, cancelled=cancelled, aml_status=aml)
    if delivery.voided_at is not None or delivery.collected_at is not None:
        queue = Queue.DONE
    stamp = now or utcnow()
    session.add(
        DeliveryLife(
            delivery_row_id=delivery_id,
            queue=queue.value,
            preference=preference,
            reason=reason,
            requires_signature=requires_signature,
            routed_at=stamp,
            updated_at=stamp,
        )
    )
    session.flush()
    return queue


def _life(session: Session, delivery_id: int) -> DeliveryLife:
    life = session.get(DeliveryLife, delivery_id, with_for_update=True)
    if life is None:
        route_delivery(session, delivery_id)
        life = session.get(DeliveryLife, delivery_id, with_for_update=True)
    assert life is not None
    return life


def active_outcomes(session: Session | Connection, delivery_id: int) -> list[tuple[int, Outcome]]:
    """(outcome id, kind) of the outcomes in force: recorded and not reversed, oldest first."""
    rows = session.execute(
        select(_oc.id, _oc.kind, _oc.reverses_id).where(_oc.delivery_row_id == delivery_id).order_by(_oc.id)
    ).all()
    reversed_ids = {r.reverses_id for r in rows if r.reverses_id is not None}
    return [(r.id, Outcome(r.kind)) for r in rows if r.kind != Outcome.REVERSE and r.id not in reversed_ids]


def requeue(session: Session, delivery_id: int) -> Queue:
    """Put an item in the queue its outcomes in force call for (after outcomes arrived from Nexudus)."""
    return _requeue(session, _life(session, delivery_id), utcnow())


def _requeue(session: Session, life: DeliveryLife, now: datetime) -> Queue:
    kinds = [kind for _, kind in active_outcomes(session, life.delivery_row_id)]
    queue = queue_after(life.preference, kinds, life.reason)
    if (
        session.execute(
            select(_cf.id).where(_cf.delivery_row_id == life.delivery_row_id, _cf.resolved_at.is_(None))
        ).first()
        is not None
    ):
        queue = Queue.DECISION  # Nexudus disagrees: a person decides
    life.queue = queue.value
    life.updated_at = now
    return queue


# ---- outcomes --------------------------------------------------------------------------------------------------


def _check_forward(draft: ForwardDraft | None) -> ForwardDraft:
    if draft is None:
        raise InvalidOperation("Give the address the item is forwarded to.")
    lines = tuple(line.strip() for line in draft.address_lines if line.strip())
    if not lines:
        raise InvalidOperation("The forwarding address has no lines: type at least the street.")
    if not draft.country_name.strip():
        raise InvalidOperation("The forwarding address has no country.")
    if not draft.sent_to_name.strip():
        raise InvalidOperation("Say whom the item is forwarded to.")
    return ForwardDraft(
        sent_to_name=draft.sent_to_name.strip(),
        address_lines=lines,
        country_name=draft.country_name.strip(),
        post_code=draft.post_code.strip(),
        city=draft.city.strip(),
        region=draft.region.strip(),
        country_id=draft.country_id,
        carrier=draft.carrier.strip(),
        tracking_number=draft.tracking_number.strip(),
    )


def _check_file(draft: FileDraft) -> None:
    if draft.slot not in FILE_SLOTS:
        raise InvalidOperation(f"Unknown file slot {draft.slot!r}.")
    if not draft.data:
        raise InvalidOperation("The file is empty." if draft.slot != SIGNATURE_SLOT else "The signature is empty.")
    if len(draft.data) > MAX_FILE_BYTES:
        raise InvalidOperation(f"The file is too large (over {MAX_FILE_BYTES // 1_000_000} MB).")


def record_outcome(
    session: Session,
    delivery_id: int,
    kind: Outcome,
    actor: str,
    *,
    done_by: str = "",
    at: datetime | None = None,
    details: dict[str, Any] | None = None,
    forward: ForwardDraft | None = None,
    files: Sequence[FileDraft] = (),
    contract_id_for_log: int | None = None,
) -> OutcomeRow:
    """Record what was done with an item and queue it for Nexudus; everything or nothing."""
    kind = Outcome(kind)
    if kind is Outcome.REVERSE:
        raise InvalidOperation("Use reverse_outcome to reverse an outcome.")
    delivery = session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None:
        raise RecordNotFound(f"Delivery {delivery_id} does not exist.")
    if delivery.voided_at is not None:
        raise InvalidOperation("That delivery was voided; nothing more can be recorded for it.")
    life = _life(session, delivery_id)
    active = active_outcomes(session, delivery_id)
    final = [k for _, k in active if k in FINAL]
    if final:
        raise InvalidOperation(f"This item is already done ({final[0].value}); reverse that first if it was a mistake.")
    if any(k is kind for _, k in active):
        raise InvalidOperation("That is already recorded for this item.")
    if not (done_by or actor).strip():
        raise InvalidOperation("Say who did it.")
    checked_forward = _check_forward(forward) if kind is Outcome.FORWARD else None
    for file in files:
        _check_file(file)
    if kind is Outcome.SCAN and not any(f.slot == SCAN_SLOT for f in files):
        raise InvalidOperation("Attach the scan (a PDF or an image).")
    if kind is Outcome.COLLECT and life.requires_signature and not any(f.slot == SIGNATURE_SLOT for f in files):
        raise InvalidOperation("This item needs a signature: ask the person collecting to sign.")
    now = utcnow()
    when = to_second(at or now)
    outcome = DeliveryOutcome(
        delivery_row_id=delivery_id,
        kind=kind.value,
        at=when,
        done_by=(done_by or actor).strip(),
        actor=actor,
        source=SOURCE_DESK,
        details=json.dumps(details or {}, default=str),
        recorded_at=now,
    )
    session.add(outcome)
    session.flush()
    assert outcome.id is not None
    for file in files:
        session.add(
            DeliveryFile(
                delivery_row_id=delivery_id,
                outcome_id=outcome.id,
                slot=file.slot,
                file_name=file.file_name,
                media_type=file.media_type,
                size=len(file.data),
                sha256=hashlib.sha256(file.data).hexdigest(),
                data=file.data,
                created_at=now,
                created_by=actor,
            )
        )
    if checked_forward is not None:
        session.add(
            ForwardingLogEntry(
                delivery_row_id=delivery_id,
                outcome_id=outcome.id,
                contract_id=contract_id_for_log if contract_id_for_log is not None else delivery.contract_id,
                sent_to_name=checked_forward.sent_to_name,
                address_lines="\n".join(checked_forward.address_lines),
                post_code=checked_forward.post_code,
                city=checked_forward.city,
                region=checked_forward.region,
                country_id=checked_forward.country_id,
                country_name=checked_forward.country_name,
                carrier=checked_forward.carrier,
                tracking_number=checked_forward.tracking_number,
                sent_at=when,
                sent_by=outcome.done_by,
            )
        )
    if kind is Outcome.COLLECT:
        delivery.collected_at = when
        delivery.collected_by = str((details or {}).get("collected_by") or outcome.done_by)
        delivery.collected_for = str((details or {}).get("for_whom") or "")
    queue, entry = _queue_outcome_for_nexudus(session, delivery, life, outcome, actor, now, _OUTCOME_SUMMARY[kind])
    add_audit(
        session,
        actor,
        f"delivery.{kind.value}",
        f"delivery:{delivery_id}",
        outcome_id=outcome.id,
        done_by=outcome.done_by,
        at=when.isoformat(),
        queue=queue.value,
        outbox_id=entry.id,
        files=[f.slot for f in files],
        **(
            {"forwarded_to": checked_forward.sent_to_name, "country": checked_forward.country_name}
            if checked_forward
            else {}
        ),
    )
    session.flush()
    return outcome_rows(session, delivery_id, outcome_id=outcome.id)[0]


def _queue_outcome_for_nexudus(
    session: Session,
    delivery: Delivery,
    life: DeliveryLife,
    outcome: DeliveryOutcome,
    actor: str,
    now: datetime,
    what: str,
) -> tuple[Queue, OutboxEntry]:
    """After an outcome (or its reversal) is added: the item waits to be sent, goes to the queue its outcomes in
    force call for, and the outcome gets its outbox entry, summarised as "{what}: {item} for {addressee}"."""
    assert delivery.id is not None and outcome.id is not None
    delivery.local_state = LocalState.PENDING
    queue = _requeue(session, life, now)
    row = delivery_rows(session, [delivery.id])[0]
    entry = _enqueue(
        session,
        OutboxKind.DELIVERY_OUTCOME,
        actor,
        system_id=new_marker(),
        delivery_row_id=delivery.id,
        outcome_id=outcome.id,
        summary=f"{what}: {row.name} for {_addressee(row)}",
    )
    outcome.outbox_id = entry.id
    return queue, entry


_OUTCOME_SUMMARY: dict[Outcome, str] = {
    Outcome.STORE: "Kept for collection",
    Outcome.FORWARD: "Forwarded",
    Outcome.SCAN: "Scanned",
    Outcome.RETURN: "Returned to sender",
    Outcome.SHRED: "Shredded",
    Outcome.RECYCLE: "Recycled",
    Outcome.DEPOSIT: "Cheque deposited",
    Outcome.COLLECT: "Handed over",
    Outcome.REVERSE: "Reversed",
}


def reverse_outcome(session: Session, outcome_id: int, actor: str, reason: str) -> OutcomeRow:
    """A mistaken outcome: a new "reverse" entry clears its flag (in Nexudus too); the item goes back to its queue."""
    if not reason.strip():
        raise InvalidOperation("Say why the outcome is reversed.")
    original = session.get(DeliveryOutcome, outcome_id, with_for_update=True)
    if original is None:
        raise RecordNotFound(f"Outcome {outcome_id} does not exist.")
    if original.kind == Outcome.REVERSE:
        raise InvalidOperation("A reversal cannot itself be reversed; record the outcome again instead.")
    already = session.execute(select(_oc.id).where(_oc.reverses_id == outcome_id)).scalar()
    if already is not None:
        raise InvalidOperation("That outcome was already reversed.")
    delivery_id = original.delivery_row_id
    delivery = session.get(Delivery, delivery_id, with_for_update=True)
    assert delivery is not None
    life = _life(session, delivery_id)
    now = utcnow()
    outcome = DeliveryOutcome(
        delivery_row_id=delivery_id,
        kind=Outcome.REVERSE.value,
        at=to_second(now),
        done_by=actor,
        actor=actor,
        source=SOURCE_DESK,
        reverses_id=outcome_id,
        details=json.dumps({"reason": reason.strip(), "reverses": original.kind}),
        recorded_at=now,
    )
    session.add(outcome)
    session.flush()
    assert outcome.id is not None
    if original.kind == Outcome.COLLECT:
        delivery.collected_at = None
        delivery.collected_by = ""
        delivery.collected_for = ""
    undo = f"Undo {_OUTCOME_SUMMARY[Outcome(original.kind)].lower()}"
    queue, entry = _queue_outcome_for_nexudus(session, delivery, life, outcome, actor, now, undo)
    add_audit(
        session,
        actor,
        "delivery.reverse",
        f"delivery:{delivery_id}",
        outcome_id=outcome.id,
        reverses=outcome_id,
        kind=original.kind,
        reason=reason.strip(),
        queue=queue.value,
        outbox_id=entry.id,
    )
    session.flush()
    return outcome_rows(session, delivery_id, outcome_id=outcome.id)[0]


def outcome_rows(session: Session, delivery_id: int, *, outcome_id: int | None = None) -> list[OutcomeRow]:
    q = (
        select(delivery_outcomes_table, _ob.state.label("outbox_state"))
        .select_from(delivery_outcomes_table.outerjoin(outbox_table, _ob.id == _oc.outbox_id))
        .where(_oc.delivery_row_id == delivery_id)
        .order_by(_oc.id)
    )
    rows = session.execute(q).all()
    reversed_by = {r.reverses_id: r.id for r in rows if r.reverses_id is not None}
    out = [
        OutcomeRow(
            outcome_id=r.id,
            delivery_id=r.delivery_row_id,
            kind=Outcome(r.kind),
            at=aware(r.at) or r.at,
            done_by=r.done_by,
            actor=r.actor,
            source=r.source,
            details=json.loads(r.details or "{}"),
            reverses_id=r.reverses_id,
            reversed_by=reversed_by.get(r.id),
            outbox_state=r.outbox_state,
        )
        for r in rows
    ]
    return [o for o in out if o.outcome_id == outcome_id] if outcome_id is not None else out


# ---- the queues ------------------------------------------------------------------------------------------------


def _queue_items(session: Session, where: Any, now: datetime, limit: int) -> list[QueueItem]:
    q = (
        select(
            _lf.delivery_row_id,
            _lf.queue,
            _lf.preference,
            _lf.reason,
            _lf.requires_signature,
            contacts_table.c.aml_check_status,
            contracts_table.c.cancelled,
        )
        .select_from(
            delivery_life_table.join(deliveries_table, _dl.id == _lf.delivery_row_id)
            .outerjoin(contacts_table, contacts_table.c.id == _dl.contact_row_id)
            .outerjoin(contracts_table, contracts_table.c.id == _dl.contract_id)
        )
        .where(where, _dl.voided_at.is_(None))
        .order_by(_dl.created_at, _dl.id)
        .limit(limit)
    )
    meta = session.execute(q).all()
    if not meta:
        return []
    ids = [r.delivery_row_id for r in meta]
    by_id = {d.delivery_id: d for d in delivery_rows(session, ids)}
    conflicts = dict(
        session.execute(
            select(_cf.delivery_row_id, func.count())
            .where(_cf.delivery_row_id.in_(ids), _cf.resolved_at.is_(None))
            .group_by(_cf.delivery_row_id)
        ).all()
    )
    items = []
    for r in meta:
        row = by_id[r.delivery_row_id]
        created = aware(row.created_at) or row.created_at
        items.append(
            QueueItem(
                delivery=row,
                queue=Queue(r.queue),
                preference=int(r.preference),
                reason=r.reason,
                requires_signature=bool(r.requires_signature),
                aml_status=r.aml_check_status,
                contract_cancelled=bool(r.cancelled),
                age=max(now - created, timedelta(0)),
                open_conflicts=int(conflicts.get(r.delivery_row_id, 0)),
            )
        )
    return items


def queue_items(
    session: Session, queue: Queue | str, *, now: datetime | None = None, limit: int = 2000
) -> list[QueueItem]:
    """Items waiting in a queue, oldest first."""
    return _queue_items(session, _lf.queue == Queue(queue).value, now or utcnow(), limit)


def queue_counts(session: Session) -> dict[Queue, int]:
    rows = session.execute(
        select(_lf.queue, func.count())
        .select_from(delivery_life_table.join(deliveries_table, _dl.id == _lf.delivery_row_id))
        .where(_dl.voided_at.is_(None))
        .group_by(_lf.queue)
    ).all()
    counts = {q: 0 for q in Queue}
    for queue, n in rows:
        counts[Queue(queue)] = int(n)
    return counts


def queue_item(session: Session, delivery_id: int, *, now: datetime | None = None) -> QueueItem:
    _life(session, delivery_id)
    items = _queue_items(session, _lf.delivery_row_id == delivery_id, now or utcnow(), 1)
    if not items:
        raise RecordNotFound("That item is not on the desk (it may have been voided).")
    return items[0]


def find_item(session: Session, code: str, *, now: datetime | None = None) -> list[QueueItem]:
    """Items still here for a scanned shelf label (PH000123) or tracking number, oldest first."""
    text = (code or "").strip()
    if not text:
        return []
    delivery_id = parse_item_code(text)
    if delivery_id is not None:
        try:
            item = queue_item(session, delivery_id, now=now)
        except RecordNotFound:
            return []
        return [item]
    ids = [
        int(i)
        for i in session.execute(
            select(_dl.id)
            .where(
                or_(_dl.tracking_number == text, func.upper(_dl.tracking_number) == text.upper().replace(" ", "")),
                _dl.voided_at.is_(None),
            )
            .order_by(_dl.id)
        ).scalars()
    ]
    for delivery_id in ids:
        _life(session, delivery_id)
    items = _queue_items(session, _lf.delivery_row_id.in_(ids), now or utcnow(), 50) if ids else []
    return [i for i in items if i.queue is not Queue.DONE] or items


def allowed_outcomes(queue: Queue) -> tuple[Outcome, ...]:
    return QUEUE_OUTCOMES[queue]


# ---- files, forwarding log, conflicts ------------------------------------------------------------------------


def delivery_files(session: Session, delivery_id: int, slot: str | None = None) -> list[StoredFileRow]:
    q = select(delivery_files_table).where(_fl.delivery_row_id == delivery_id)
    if slot is not None:
        q = q.where(_fl.slot == slot)
    return [
        StoredFileRow(
            file_id=r.id,
            delivery_id=r.delivery_row_id,
            slot=r.slot,
            file_name=r.file_name,
            media_type=r.media_type,
            size=r.size,
            data=bytes(r.data),
        )
        for r in session.execute(q.order_by(_fl.id))
    ]


def forwarding_log(
    session: Session, *, contract_id: int | None = None, since: datetime | None = None, limit: int = 100_000
) -> list[ForwardingRow]:
    q = select(forwarding_log_table).order_by(_fw.sent_at, _fw.id).limit(limit)
    if contract_id is not None:
        q = q.where(_fw.contract_id == contract_id)
    if since is not None:
        q = q.where(_fw.sent_at >= since)
    rows = session.execute(q).all()
    if not rows:
        return []
    deliveries = {d.delivery_id: d for d in delivery_rows(session, sorted({r.delivery_row_id for r in rows}))}
    reversed_ids = {
        int(i) for i in session.execute(select(_oc.reverses_id).where(_oc.reverses_id.is_not(None))).scalars()
    }
    out = []
    for r in rows:
        d = deliveries[r.delivery_row_id]
        out.append(
            ForwardingRow(
                forward_id=r.id,
                delivery_id=r.delivery_row_id,
                item=d.name,
                recipient=d.recipient_name,
                company=d.company_name,
                sent_to_name=r.sent_to_name,
                address_lines=tuple(r.address_lines.split("\n")),
                post_code=r.post_code,
                city=r.city,
                region=r.region,
                country_name=r.country_name,
                carrier=r.carrier,
                tracking_number=r.tracking_number,
                sent_at=aware(r.sent_at) or r.sent_at,
                sent_by=r.sent_by,
                reversed=r.outcome_id in reversed_ids,
            )
        )
    return out


def record_conflict(
    conn: Session | Connection,
    delivery_id: int,
    desk_outcome_id: int | None,
    server_flag: str,
    server_time: datetime | None,
    message: str,
) -> bool:
    """Note a disagreement with Nexudus (once per delivery, desk outcome and flag while it is open)."""
    exists = conn.execute(
        select(_cf.id).where(
            _cf.delivery_row_id == delivery_id,
            _cf.server_flag == server_flag,
            _cf.resolved_at.is_(None),
            _cf.desk_outcome_id.is_(None) if desk_outcome_id is None else _cf.desk_outcome_id == desk_outcome_id,
        )
    ).first()
    if exists is not None:
        return False
    conn.execute(
        delivery_conflicts_table.insert().values(
            delivery_row_id=delivery_id,
            desk_outcome_id=desk_outcome_id,
            server_flag=server_flag,
            server_time=server_time,
            message=message,
            detected_at=utcnow(),
            resolved_by="",
            resolution="",
        )
    )
    conn.execute(
        update(delivery_life_table)
        .where(_lf.delivery_row_id == delivery_id)
        .values(queue=Queue.DECISION.value, updated_at=utcnow())
    )
    return True


def conflicts(session: Session, *, open_only: bool = True) -> list[ConflictRow]:
    q = (
        select(delivery_conflicts_table, _oc.kind.label("desk_kind"))
        .select_from(delivery_conflicts_table.outerjoin(delivery_outcomes_table, _oc.id == _cf.desk_outcome_id))
        .order_by(_cf.id)
    )
    if open_only:
        q = q.where(_cf.resolved_at.is_(None))
    rows = session.execute(q).all()
    deliveries = {d.delivery_id: d for d in delivery_rows(session, sorted({r.delivery_row_id for r in rows}))}
    return [
        ConflictRow(
            conflict_id=r.id,
            delivery_id=r.delivery_row_id,
            item=deliveries[r.delivery_row_id].name,
            recipient=deliveries[r.delivery_row_id].recipient_name,
            desk_outcome=Outcome(r.desk_kind) if r.desk_kind else None,
            server_flag=r.server_flag,
            server_time=aware(r.server_time),
            message=r.message,
            detected_at=aware(r.detected_at) or r.detected_at,
            resolved_at=aware(r.resolved_at),
            resolution=r.resolution,
        )
        for r in rows
    ]


KEEP_DESK, ACCEPT_NEXUDUS = "keep desk", "accept nexudus"


def resolve_conflict(session: Session, conflict_id: int, resolution: str, actor: str) -> None:
    """Staff decided. "keep desk": the desk's outcome is sent as recorded (both flags then stand in Nexudus).
    "accept nexudus": the desk's outcome is reversed (a new entry) and what Nexudus says is recorded here."""
    conflict = session.get(DeliveryConflict, conflict_id, with_for_update=True)
    if conflict is None:
        raise RecordNotFound(f"Conflict {conflict_id} does not exist.")
    if conflict.resolved_at is not None:
        raise InvalidOperation("That conflict was already resolved.")
    if resolution not in (KEEP_DESK, ACCEPT_NEXUDUS):
        raise InvalidOperation(f"Unknown resolution {resolution!r}.")
    now = utcnow()
    desk = session.get(DeliveryOutcome, conflict.desk_outcome_id) if conflict.desk_outcome_id else None
    entry_id = desk.outbox_id if desk is not None else None
    if resolution == KEEP_DESK and entry_id is not None:
        payload = json.loads(session.execute(select(_ob.payload).where(_ob.id == entry_id)).scalar() or "{}")
        payload["force"] = True
        session.execute(
            update(outbox_table)
            .where(_ob.id == entry_id, _ob.state.in_((OutboxState.FAILED, OutboxState.PENDING, OutboxState.PAUSED)))
            .values(
                state=OutboxState.PENDING,
                payload=json.dumps(payload),
                last_error="",
                field_errors="{}",
                next_attempt_at=None,
                updated_at=now,
            )
        )
    elif resolution == ACCEPT_NEXUDUS:
        if entry_id is not None:  # never sent as it was: the reversal below tells Nexudus nothing is to be cleared
            session.execute(
                update(outbox_table)
                .where(_ob.id == entry_id, _ob.state.in_((OutboxState.FAILED, OutboxState.PENDING, OutboxState.PAUSED)))
                .values(state=OutboxState.DISCARDED, last_error="Nexudus's outcome was kept.", updated_at=now)
            )
        if (
            desk is not None
            and desk.id is not None
            and not session.execute(select(_oc.id).where(_oc.reverses_id == desk.id)).first()
        ):
            _reverse_locally(session, desk, actor, now)
        server_kind = OUTCOME_OF_FLAG.get(conflict.server_flag)
        if server_kind is not None:
            note_server_outcome(
                session, conflict.delivery_row_id, server_kind, aware(conflict.server_time) or now, actor
            )
    conflict.resolved_at = now
    conflict.resolved_by = actor
    conflict.resolution = resolution
    session.flush()
    _requeue(session, _life(session, conflict.delivery_row_id), now)
    add_audit(
        session,
        actor,
        "delivery.conflict_resolved",
        f"delivery:{conflict.delivery_row_id}",
        conflict_id=conflict_id,
        resolution=resolution,
    )
    session.flush()


def _reverse_locally(session: Session, original: DeliveryOutcome, actor: str, now: datetime) -> None:
    """A reversal that Nexudus need not hear of (the desk's outcome never reached it)."""
    assert original.id is not None
    session.add(
        DeliveryOutcome(
            delivery_row_id=original.delivery_row_id,
            kind=Outcome.REVERSE.value,
            at=to_second(now),
            done_by=actor,
            actor=actor,
            source=SOURCE_DESK,
            reverses_id=original.id,
            recorded_at=now,
            details=json.dumps({"reason": "conflict: Nexudus's outcome kept", "reverses": original.kind}),
        )
    )
    if original.kind == Outcome.COLLECT:
        delivery = session.get(Delivery, original.delivery_row_id)
        assert delivery is not None
        delivery.collected_at = None
        delivery.collected_by = delivery.collected_for = ""
    session.flush()


def note_server_outcome(session: Session, delivery_id: int, kind: Outcome, at: datetime, actor: str) -> None:
    """An outcome recorded in Nexudus (NexDelivery, the admin panel) enters the desk's trail as source "nexudus"."""
    now = utcnow()
    session.add(
        DeliveryOutcome(
            delivery_row_id=delivery_id,
            kind=kind.value,
            at=to_second(at),
            done_by="",
            actor=actor,
            source=SOURCE_NEXUDUS,
            details="{}",
            recorded_at=now,
        )
    )
    if kind is Outcome.COLLECT:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        if delivery.collected_at is None:
            delivery.collected_at = to_second(at)
            delivery.collected_by = "(in Nexudus)"
    session.flush()
    _requeue(session, _life(session, delivery_id), now)


# ---- for the outbox sender (connection-level, like app.store.outbox) -------------------------------------------


@dataclass(frozen=True)
class OutcomeToSend:
    outcome_id: int
    delivery_id: int
    nexudus_id: int | None
    kind: Outcome
    at: datetime
    reverses_kind: Outcome | None  # for a reversal: the outcome it clears
    files: tuple[StoredFileRow, ...]
    desk_flags: frozenset[str]  # flags the desk itself set on this item and has not reversed


def outcome_for_send(conn: Connection, outcome_id: int) -> OutcomeToSend | None:
    row = conn.execute(
        select(delivery_outcomes_table, _dl.nexudus_id)
        .select_from(delivery_outcomes_table.join(deliveries_table, _dl.id == _oc.delivery_row_id))
        .where(_oc.id == outcome_id)
    ).first()
    if row is None:
        return None
    reverses = None
    if row.reverses_id is not None:
        kind = conn.execute(select(_oc.kind).where(_oc.id == row.reverses_id)).scalar()
        reverses = Outcome(kind) if kind else None
    files = tuple(
        StoredFileRow(
            file_id=f.id,
            delivery_id=f.delivery_row_id,
            slot=f.slot,
            file_name=f.file_name,
            media_type=f.media_type,
            size=f.size,
            data=bytes(f.data),
        )
        for f in conn.execute(select(delivery_files_table).where(_fl.outcome_id == outcome_id).order_by(_fl.id))
    )
    desk_flags = frozenset(FLAG[k] for i, k in active_outcomes(conn, row.delivery_row_id) if k in FLAG)
    # the desk's flags also include outcomes seen in Nexudus itself (they are not a disagreement)
    return OutcomeToSend(
        outcome_id=row.id,
        delivery_id=row.delivery_row_id,
        nexudus_id=row.nexudus_id,
        kind=Outcome(row.kind),
        at=aware(row.at) or row.at,
        reverses_kind=reverses,
        files=files,
        desk_flags=desk_flags,
    )


# ---- pulled from Nexudus --------------------------------------------------------------------------------------


def life_by_delivery(session: Session, delivery_id: int) -> DeliveryLife | None:
    return session.get(DeliveryLife, delivery_id)


def remember_server_state(
    session: Session,
    delivery_id: int,
    updated_on: datetime | None,
    flags: dict[str, str | None],
    requires_signature: bool,
) -> None:
    life = _life(session, delivery_id)
    life.server_updated_on = updated_on
    life.server_flags = json.dumps(flags, sort_keys=True)
    life.requires_signature = requires_signature or life.requires_signature
    session.flush()


def note_desk_collect(
    session: Session,
    delivery_ids: Sequence[int],
    at: datetime,
    collected_by: str,
    for_whom: str,
    actor: str,
    outbox_id: int,
) -> None:
    """A hand-over recorded by app.store.writes.collect_deliveries (sent as DELIVERY_COLLECT): in the trail too."""
    now = utcnow()
    for delivery_id in delivery_ids:
        life = _life(session, delivery_id)
        session.add(
            DeliveryOutcome(
                delivery_row_id=delivery_id,
                kind=Outcome.COLLECT.value,
                at=to_second(at),
                done_by=collected_by,
                actor=actor,
                source=SOURCE_DESK,
                outbox_id=outbox_id,
                details=json.dumps({"collected_by": collected_by, "for_whom": for_whom}),
                recorded_at=now,
            )
        )
        session.flush()
        _requeue(session, life, now)


def forwarding_address(session: Session, delivery_id: int) -> ForwardDraft | None:
    """The address on file for the item's customer: the recipient's own, else the first contact of the contract
    with one (directors first). INFERRED: the contract's forwarding address (ForwardingAddressUniqueId) is not
    readable through the documented API, so the contacts' addresses stand in for it."""
    from app.store.tables import countries_table

    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise RecordNotFound(f"Delivery {delivery_id} does not exist.")
    c = contacts_table.c
    rows: list[Any] = []
    if delivery.contact_row_id is not None:
        rows.extend(session.execute(select(contacts_table).where(c.id == delivery.contact_row_id)).all())
    if delivery.contract_id is not None:
        rows.extend(
            session.execute(
                select(contacts_table)
                .where(c.contract_id == delivery.contract_id, c.gone.is_(False))
                .order_by(c.contact_type, c.id)
            ).all()
        )
    row = next((r for r in rows if (r.address or "").strip()), None)
    recipient = delivery_rows(session, [delivery_id])[0]
    name = recipient.recipient_name or recipient.company_name
    if row is None:
        return ForwardDraft(sent_to_name=name, address_lines=(), country_name="")
    country = ""
    if row.country_id is not None:
        country = (
            session.execute(select(countries_table.c.name).where(countries_table.c.id == row.country_id)).scalar() or ""
        )
    lines = tuple(part.strip() for part in re.split(r"[\n\r]+|,\s*", row.address) if part.strip())
    return ForwardDraft(
        sent_to_name=name,
        address_lines=lines,
        country_name=country,
        post_code=row.post_code,
        city=row.city_name,
        region=row.state,
        country_id=row.country_id,
    )
