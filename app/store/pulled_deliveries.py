"""Deliveries pulled from Nexudus into the desk's log: new ones (recorded elsewhere), changed ones (collected or
handled in NexDelivery or the admin panel), and the desk's own (recognised by their SystemId marker, never
duplicated). Outcome flags the desk did not set enter the item's trail with source "nexudus"; a final outcome in
Nexudus that contradicts the desk's is recorded as a conflict, never applied over the desk's."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from app.nexudus.schemas import CoworkerDelivery
from app.store.audit import utcnow
from app.store.directory import MARKER_PREFIX
from app.store.item_life import (
    SOURCE_NEXUDUS,
    active_outcomes,
    record_conflict,
    remember_server_state,
    requeue,
    route_delivery,
    to_second,
)
from app.store.routing import FINAL, FLAG, Outcome, conflict_text
from app.store.tables import (
    Delivery,
    DeliveryOutcome,
    LocalState,
    OutboxState,
    contacts_table,
    contracts_table,
    deliveries_table,
    delivery_outcomes_table,
    outbox_table,
)

log = logging.getLogger(__name__)

NEXUDUS_ACTOR = "Nexudus"
_dl = deliveries_table.c
_ob = outbox_table.c
_oc = delivery_outcomes_table.c


@dataclass(frozen=True)
class PulledResult:
    delivery_id: int
    created: bool  # recorded elsewhere, new on the desk
    adopted: bool  # the desk's own, found by its SystemId marker
    outcomes: tuple[str, ...]  # outcomes taken from Nexudus
    conflicts: int


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def server_flags(rec: CoworkerDelivery) -> dict[str, str | None]:
    """Every outcome flag Nexudus shows as set, with its time (ISO text or None)."""
    out: dict[str, str | None] = {}
    for flag in FLAG.values():
        attr = _attr(flag)
        if getattr(rec, attr, None):
            when = getattr(rec, f"{attr}_on", None)
            out[flag] = when.replace(tzinfo=UTC).isoformat() if when else None
    return out


def _attr(flag: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in flag).lstrip("_")


def _contract_for(session: Session, rec: CoworkerDelivery) -> tuple[int | None, int | None]:
    """(contract id, local contact row id) for the delivery's recipient."""
    if rec.contract_contact_id is not None:
        row = session.execute(
            select(contacts_table.c.id, contacts_table.c.contract_id).where(
                contacts_table.c.nexudus_id == rec.contract_contact_id
            )
        ).first()
        if row is not None:
            return int(row.contract_id), int(row.id)
    if rec.coworker_id is not None:
        k = contracts_table.c
        contract = session.execute(
            select(k.id).where(k.coworker_id == rec.coworker_id, k.gone.is_(False)).order_by(k.cancelled, k.id.desc())
        ).scalar()
        return (int(contract) if contract is not None else None), None
    return None, None


def _open_entries(session: Session, delivery_id: int) -> bool:
    return (
        session.execute(
            select(_ob.id).where(_ob.delivery_row_id == delivery_id, _ob.state.in_(OutboxState.OPEN))
        ).first()
        is not None
    )


def apply_pulled_delivery(session: Session, rec: CoworkerDelivery) -> PulledResult:
    """Bring one pulled delivery into the desk's log (see module doc). Idempotent."""
    local = session.execute(select(Delivery).where(_dl.nexudus_id == rec.id)).scalar_one_or_none()
    adopted = created = False
    marker = rec.system_id or ""
    if local is None and marker.startswith(MARKER_PREFIX):
        local = session.execute(
            select(Delivery).where(_dl.system_id == marker, _dl.nexudus_id.is_(None))
        ).scalar_one_or_none()
        if local is not None:
            local.nexudus_id = rec.id
            adopted = True
    if local is None:
        contract_id, contact_row_id = _contract_for(session, rec)
        created_on = _utc(rec.created_on) or utcnow()
        local = Delivery(
            nexudus_id=rec.id,
            contract_id=contract_id,
            contact_row_id=contact_row_id,
            coworker_id=rec.coworker_id,
            business_id=rec.business_id,
            name=rec.name or "",
            location=rec.location or "",
            shelf=rec.location or "",
            delivery_type=int(rec.delivery_type or 0),
            received_by=rec.received_by or "",
            notes=rec.notes or "",
            created_at=created_on,
            created_by=NEXUDUS_ACTOR,
            system_id=marker,
            local_state=LocalState.SYNCED,
        )
        session.add(local)
        session.flush()
        created = True
    assert local.id is not None
    route_delivery(session, local.id, requires_signature=bool(rec.requires_signature))
    flags = server_flags(rec)
    taken: list[str] = []
    conflicts = 0
    if local.voided_at is None and not _open_entries(session, local.id):
        active = active_outcomes(session, local.id)
        desk_flags = {FLAG[k]: oid for oid, k in active if k in FLAG}
        desk_final = [(oid, k) for oid, k in active if k in FINAL]
        for outcome, flag in FLAG.items():
            if flag in flags and flag not in desk_flags:
                clash = [(oid, k) for oid, k in desk_final if k is not outcome]
                stamp = flags[flag]
                when = datetime.fromisoformat(stamp) if stamp else utcnow()
                if outcome in FINAL and clash:
                    desk_id, desk_kind = clash[0]
                    message = conflict_text(flag, when, FLAG[desk_kind])
                    if record_conflict(session, local.id, desk_id, flag, when, message):
                        conflicts += 1
                    continue
                _take(session, local, outcome, when)
                taken.append(outcome.value)
            elif flag not in flags and flag in desk_flags and _sent(session, desk_flags[flag]):
                _undone_in_nexudus(session, local, desk_flags[flag])
                taken.append(f"undo {outcome.value}")
        if taken:
            requeue(session, local.id)
    if (
        not created
        and local.voided_at is None
        and rec.location
        and local.location != rec.location
        and not _open_entries(session, local.id)
    ):
        local.location = rec.location
    remember_server_state(session, local.id, _utc(rec.updated_on), flags, bool(rec.requires_signature))
    session.flush()
    return PulledResult(local.id, created, adopted, tuple(taken), conflicts)


def _sent(session: Session, outcome_id: int) -> bool:
    row = session.execute(
        select(_oc.source, _ob.state)
        .select_from(delivery_outcomes_table.outerjoin(outbox_table, _ob.id == _oc.outbox_id))
        .where(_oc.id == outcome_id)
    ).first()
    return row is not None and (row.source == SOURCE_NEXUDUS or row.state == OutboxState.SENT)


def _take(session: Session, delivery: Delivery, outcome: Outcome, when: datetime) -> None:
    assert delivery.id is not None
    session.add(
        DeliveryOutcome(
            delivery_row_id=delivery.id,
            kind=outcome.value,
            at=to_second(when),
            actor=NEXUDUS_ACTOR,
            source=SOURCE_NEXUDUS,
            details="{}",
            recorded_at=utcnow(),
        )
    )
    if outcome is Outcome.COLLECT and delivery.collected_at is None:
        delivery.collected_at = to_second(when)
        delivery.collected_by = "(in Nexudus)"
    session.flush()


def _undone_in_nexudus(session: Session, delivery: Delivery, outcome_id: int) -> None:
    """Nexudus no longer shows an outcome the desk sent (cleared in the admin panel): reversed, by a new entry."""
    assert delivery.id is not None
    original = session.get(DeliveryOutcome, outcome_id)
    assert original is not None
    session.add(
        DeliveryOutcome(
            delivery_row_id=delivery.id,
            kind=Outcome.REVERSE.value,
            at=to_second(utcnow()),
            actor=NEXUDUS_ACTOR,
            source=SOURCE_NEXUDUS,
            reverses_id=outcome_id,
            details=json.dumps({"reason": "cleared in Nexudus", "reverses": original.kind}),
            recorded_at=utcnow(),
        )
    )
    if original.kind == Outcome.COLLECT:
        delivery.collected_at = None
        delivery.collected_by = delivery.collected_for = ""
    session.flush()


__all__ = ["PulledResult", "apply_pulled_delivery", "server_flags"]
