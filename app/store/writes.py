"""What the desk records. Each function writes the local row(s), an audit entry and (when Nexudus must hear of it)
an outbox entry in the caller's transaction, and returns at once: no network here. Use inside
`session_scope(engine)` so the three writes commit together.

Voiding: a delivery already on the server is DELETED there (DELETE /spaces/coworkerdeliveries/{id}). A voided
delivery was logged in error (wrong recipient, double scan); leaving it on the server, even marked in Notes, would
keep it in the customer's portal and in "uncollected" lists as if it were theirs. The local row is never deleted:
it keeps who voided it, when and why. A delivery whose create was never attempted is simply not sent.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields

from sqlalchemy import select, update
from sqlmodel import Session

from app.nexudus.text import UnstorableValue, require_storable
from app.store.audit import add_audit, utcnow
from app.store.errors import InvalidOperation, OutcomeUnknown, RecordNotFound
from app.store.item_life import note_desk_collect, route_delivery
from app.store.outbox_entries import addressee as _addressee
from app.store.outbox_entries import enqueue as _enqueue
from app.store.outbox_entries import new_marker
from app.store.queries import (
    OUTBOX_STATE,
    OUTCOME_UNKNOWN,
    contact_row,
    delivery_rows,
    list_aliases,
    resolve_contact_local_id,
)
from app.store.records import AliasInfo, ContactDraft, ContactRow, DeliveryDraft, DeliveryRow
from app.store.tables import (
    Alias,
    Contact,
    Contract,
    Delivery,
    LocalState,
    OutboxEntry,
    OutboxKind,
    OutboxState,
    SyncState,
    aliases_table,
    contacts_table,
    deliveries_table,
    outbox_table,
)


def _require_storable(value: ContactDraft | DeliveryDraft | dict[str, str]) -> None:
    """Refuse (InvalidOperation) text or numbers that cannot be stored or sent: the guard of every write staff make,
    applied to a draft dataclass or a {field: value} mapping (the rule: app.nexudus.text). The desk's forms check
    the same rule at the field first, so this only fires when a caller skipped them."""
    fields = value if isinstance(value, dict) else {f.name: getattr(value, f.name) for f in dataclass_fields(value)}
    try:
        require_storable(fields)
    except UnstorableValue as exc:
        label = exc.field.replace("_", " ")
        raise InvalidOperation(f"The {label} {exc.message}. Retype it and try again.") from None


def _contract(session: Session, contract_id: int) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise RecordNotFound(f"Contract {contract_id} is not in the local directory; sync and try again.")
    return contract


def _apply_draft(contact: Contact, draft: ContactDraft) -> None:
    contact.contract_id = draft.contract_id
    contact.full_name = draft.full_name.strip()
    contact.contact_type = int(draft.contact_type)
    contact.email = draft.email.strip()
    contact.coworker_id = draft.coworker_id
    contact.date_of_birth = draft.date_of_birth
    contact.address = draft.address
    contact.post_code = draft.post_code
    contact.city_name = draft.city_name
    contact.state = draft.state
    contact.country_id = draft.country_id
    contact.phone_number = draft.phone_number
    contact.notes = draft.notes


def _company(contract: Contract) -> str:
    return contract.company_name or contract.billing_name or contract.holder_name or f"contract {contract.id}"


def register_contact(session: Session, draft: ContactDraft, actor: str) -> ContactRow:
    """A new recipient on a contract: stored as pending and queued for Nexudus."""
    _require_storable(draft)
    if not draft.full_name.strip():
        raise InvalidOperation("Type the recipient's full name.")
    contract = _contract(session, draft.contract_id)
    marker = new_marker()
    contact = Contact(contract_id=draft.contract_id, local_state=LocalState.PENDING, system_id=marker)
    _apply_draft(contact, draft)
    session.add(contact)
    session.flush()
    assert contact.id is not None
    entry = _enqueue(
        session,
        OutboxKind.CREATE_CONTACT,
        actor,
        system_id=marker,
        contact_row_id=contact.id,
        summary=f"New recipient {contact.full_name} for {_company(contract)}",
    )
    add_audit(
        session,
        actor,
        "contact.register",
        f"contact:{contact.id}",
        contract_id=draft.contract_id,
        name=contact.full_name,
        type=int(draft.contact_type),
        outbox_id=entry.id,
    )
    return contact_row(session, contact.id)


def _open_entry(session: Session, outbox_id: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, outbox_id, with_for_update=True)
    if entry is None:
        raise RecordNotFound(f"Outbox entry {outbox_id} does not exist.")
    return entry


def resubmit_contact(session: Session, outbox_id: int, draft: ContactDraft, actor: str) -> ContactRow:
    """Staff corrected a recipient the server refused (400): update it and queue the same entry again."""
    _require_storable(draft)
    entry = _open_entry(session, outbox_id)
    if entry.kind != OutboxKind.CREATE_CONTACT or entry.contact_row_id is None:
        raise InvalidOperation("That outbox entry is not a new recipient.")
    if entry.state not in (OutboxState.FAILED, OutboxState.PENDING, OutboxState.PAUSED):
        raise InvalidOperation("That recipient is being sent or was already sent; it can no longer be edited here.")
    if not draft.full_name.strip():
        raise InvalidOperation("Type the recipient's full name.")
    contract = _contract(session, draft.contract_id)
    contact = session.get(Contact, entry.contact_row_id)
    assert contact is not None
    _apply_draft(contact, draft)
    contact.local_state = LocalState.PENDING
    contact.gone = False
    entry.state = OutboxState.PENDING
    entry.field_errors = "{}"
    entry.last_error = ""
    entry.next_attempt_at = None
    entry.updated_at = utcnow()
    kept = {k: v for k, v in json.loads(entry.payload or "{}").items() if k == OUTCOME_UNKNOWN}  # still unknown
    entry.payload = json.dumps({"summary": f"New recipient {contact.full_name} for {_company(contract)}", **kept})
    add_audit(session, actor, "contact.resubmit", f"contact:{contact.id}", outbox_id=outbox_id, name=contact.full_name)
    session.flush()
    return contact_row(session, entry.contact_row_id)


def record_delivery(session: Session, draft: DeliveryDraft, actor: str) -> DeliveryRow:
    """Log a delivery locally and queue it for Nexudus (which then tells the customer)."""
    _require_storable(draft)
    if not draft.name.strip():
        raise InvalidOperation("Give the delivery a short name (what it is).")
    if not draft.location.strip():
        raise InvalidOperation("Say where the delivery is stored.")
    contact_row_id = resolve_contact_local_id(session, draft.contact_id) if draft.contact_id is not None else None
    contract_id = draft.contract_id
    if contact_row_id is not None and contract_id is None:
        contact = session.get(Contact, contact_row_id)
        contract_id = contact.contract_id if contact else None
    if contact_row_id is None and draft.coworker_id is None and contract_id is None:
        raise InvalidOperation("Choose who the delivery is for.")
    if contract_id is not None:
        _contract(session, contract_id)
    marker = new_marker()
    delivery = Delivery(
        contract_id=contract_id,
        contact_row_id=contact_row_id,
        coworker_id=draft.coworker_id,
        business_id=draft.business_id,
        name=draft.name.strip(),
        location=draft.location.strip(),
        shelf=draft.shelf,
        delivery_type=int(draft.delivery_type),
        received_by=draft.received_by,
        tracking_number=draft.tracking_number.strip(),
        carrier=draft.carrier,
        label_text=draft.label_text,
        match_decision=draft.match_decision,
        match_confidence=draft.match_confidence,
        match_reasons=json.dumps(list(draft.match_reasons)),
        notes=draft.notes,
        created_at=utcnow(),
        created_by=actor,
        system_id=marker,
        local_state=LocalState.PENDING,
    )
    session.add(delivery)
    session.flush()
    assert delivery.id is not None
    route_delivery(session, delivery.id, requires_signature=draft.requires_signature)  # its first work queue
    row = delivery_rows(session, [delivery.id])[0]
    entry = _enqueue(
        session,
        OutboxKind.CREATE_DELIVERY,
        actor,
        system_id=marker,
        delivery_row_id=delivery.id,
        contact_row_id=contact_row_id,
        summary=f"{delivery.name} for {_addressee(row)}",
    )
    add_audit(
        session,
        actor,
        "delivery.record",
        f"delivery:{delivery.id}",
        contract_id=contract_id,
        contact_row_id=contact_row_id,
        name=delivery.name,
        tracking=delivery.tracking_number,
        decision=draft.match_decision,
        outbox_id=entry.id,
    )
    return row


def _delivery(session: Session, delivery_id: int) -> Delivery:
    delivery = session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None:
        raise RecordNotFound(f"Delivery {delivery_id} does not exist.")
    return delivery


def collect_deliveries(
    session: Session, delivery_ids: Sequence[int], collected_by: str, for_whom: str, actor: str
) -> list[DeliveryRow]:
    """Hand deliveries over: marked collected locally, one DELIVERY_COLLECT queued for all of them."""
    _require_storable({"name of who collected": collected_by, "name of who it was for": for_whom})
    ids = sorted(set(delivery_ids))
    if not ids:
        raise InvalidOperation("Choose the deliveries being collected.")
    if not collected_by.strip():
        raise InvalidOperation("Say who collected the deliveries.")
    now = utcnow()
    for delivery_id in ids:
        delivery = _delivery(session, delivery_id)
        if delivery.voided_at is not None:
            raise InvalidOperation(f"Delivery {delivery.name!r} was voided; it cannot be collected.")
        if delivery.collected_at is not None:
            raise InvalidOperation(f"Delivery {delivery.name!r} was already collected.")
        delivery.collected_at = now
        delivery.collected_by = collected_by.strip()
        delivery.collected_for = for_whom.strip()
        delivery.local_state = LocalState.PENDING
    entry = _enqueue(
        session,
        OutboxKind.COLLECT_DELIVERIES,
        actor,
        system_id=new_marker(),
        delivery_row_id=ids[0] if len(ids) == 1 else None,
        delivery_row_ids=ids,
        summary=f"Hand-over of {len(ids)} deliver{'y' if len(ids) == 1 else 'ies'} to {collected_by}",
    )
    assert entry.id is not None
    # the hand-over in the item's trail; its queue is done
    note_desk_collect(session, ids, now, collected_by.strip(), for_whom.strip(), actor, entry.id)
    add_audit(
        session,
        actor,
        "delivery.collect",
        ",".join(f"delivery:{i}" for i in ids),
        collected_by=collected_by,
        for_whom=for_whom,
        outbox_id=entry.id,
    )
    session.flush()
    return delivery_rows(session, ids)


def void_delivery(session: Session, delivery_id: int, reason: str, actor: str) -> DeliveryRow:
    """Void a delivery logged in error: kept locally with the reason, removed from Nexudus (see module doc)."""
    _require_storable({"reason": reason})
    if not reason.strip():
        raise InvalidOperation("Say why the delivery is being voided.")
    delivery = _delivery(session, delivery_id)
    if delivery.voided_at is not None:
        raise InvalidOperation("That delivery is already voided.")
    delivery.voided_at = utcnow()
    delivery.voided_by = actor
    delivery.void_reason = reason.strip()
    create = session.execute(
        select(OutboxEntry)
        .where(outbox_table.c.delivery_row_id == delivery_id, outbox_table.c.kind == OutboxKind.CREATE_DELIVERY)
        .with_for_update()
    ).scalar_one_or_none()
    never_sent = (
        create is not None
        and create.attempts == 0
        and delivery.nexudus_id is None
        and create.state in (OutboxState.PENDING, OutboxState.FAILED, OutboxState.PAUSED)
    )
    if never_sent:
        assert create is not None
        create.state = OutboxState.DISCARDED
        create.last_error = "Voided before it was sent."
        create.updated_at = utcnow()
        delivery.local_state = LocalState.SYNCED  # nothing left to tell the server
        outbox_id = create.id
    else:
        delivery.local_state = LocalState.PENDING
    row = delivery_rows(session, [delivery_id])[0]
    if not never_sent:
        outbox_id = _enqueue(
            session,
            OutboxKind.VOID_DELIVERY,
            actor,
            system_id=new_marker(),
            delivery_row_id=delivery_id,
            summary=f"Void: {delivery.name} for {_addressee(row)}",
        ).id
    add_audit(
        session,
        actor,
        "delivery.void",
        f"delivery:{delivery_id}",
        reason=delivery.void_reason,
        outbox_id=outbox_id,
        sent_before=not never_sent,
    )
    session.flush()
    return row


def normalize_alias(text: str) -> str:
    """Case- and space-insensitive key used to avoid storing the same alias twice (the matcher normalizes more)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def learn_alias(session: Session, text: str, contract_id: int, contact_id: int | None, actor: str) -> AliasInfo:
    """Remember that this label text means this contract (and contact). Local only; returns the alias."""
    _require_storable({"alias": text})
    normalized = normalize_alias(text)
    if not normalized:
        raise InvalidOperation("The alias is empty.")
    _contract(session, contract_id)
    contact_row_id = resolve_contact_local_id(session, contact_id) if contact_id is not None else None
    existing = session.execute(
        select(aliases_table.c.id).where(
            aliases_table.c.normalized == normalized,
            aliases_table.c.contract_id == contract_id,
            aliases_table.c.contact_row_id.is_(None)
            if contact_row_id is None
            else aliases_table.c.contact_row_id == contact_row_id,
        )
    ).scalar()
    if existing is None:
        alias = Alias(
            text=text.strip(),
            normalized=normalized,
            contract_id=contract_id,
            contact_row_id=contact_row_id,
            created_by=actor,
            created_at=utcnow(),
        )
        session.add(alias)
        session.flush()
        existing = alias.id
        add_audit(
            session,
            actor,
            "alias.learn",
            f"alias:{alias.id}",
            text=alias.text,
            contract_id=contract_id,
            contact_row_id=contact_row_id,
        )
    return next(a for a in list_aliases(session) if a.alias_id == existing)


def may_be_on_server(kind: str, state: str, outcome_unknown: bool) -> bool:
    """A create whose send got no clear answer (`outcome_unknown`, set by the sender), or that was being sent when
    the process died: Nexudus may have the record, so "discard: Nexudus will never receive it" would not be true."""
    if kind not in (OutboxKind.CREATE_CONTACT, OutboxKind.CREATE_DELIVERY):
        return False
    return state == OutboxState.SENDING or (outcome_unknown and state != OutboxState.FAILED)


def discard_outbox_entry(session: Session, outbox_id: int, actor: str, *, absent_on_server: bool = False) -> None:
    """Staff gave up on an entry (failed, pending or paused): it is kept, marked discarded, never sent.

    A create whose outcome is unknown (`may_be_on_server`) is refused with OutcomeUnknown unless the caller has
    just asked Nexudus and it does not have the record (`absent_on_server`, e.g. after deleting it there).
    A discarded new recipient stays in the local log marked gone (deliveries may point at it); deliveries queued
    for it are then sent to the contract's holder instead (see app.sync.outbox).
    """
    entry = _open_entry(session, outbox_id)
    if entry.state not in (OutboxState.FAILED, OutboxState.PENDING, OutboxState.PAUSED):
        raise InvalidOperation("That entry is being sent or is finished; it cannot be discarded.")
    unknown = bool(json.loads(entry.payload or "{}").get(OUTCOME_UNKNOWN))
    if not absent_on_server and may_be_on_server(entry.kind, entry.state, unknown):
        raise OutcomeUnknown(
            "Nexudus may already have this: the last attempt to send it got no clear answer. "
            "Pigeonhole has to ask Nexudus first; then you can keep Nexudus's copy or delete it "
            "there."
        )
    entry.state = OutboxState.DISCARDED
    entry.updated_at = utcnow()
    if entry.kind == OutboxKind.CREATE_CONTACT and entry.contact_row_id is not None:
        session.execute(
            update(contacts_table)
            .where(contacts_table.c.id == entry.contact_row_id)
            .values(local_state=LocalState.FAILED, gone=True)
        )
    elif entry.delivery_row_id is not None and entry.kind in (OutboxKind.CREATE_DELIVERY, OutboxKind.VOID_DELIVERY):
        session.execute(
            update(deliveries_table)
            .where(deliveries_table.c.id == entry.delivery_row_id)
            .values(local_state=LocalState.FAILED)
        )
    add_audit(session, actor, "outbox.discard", f"outbox:{outbox_id}", kind=entry.kind)
    session.flush()


def retry_outbox_entry(session: Session, outbox_id: int, actor: str) -> None:
    """Send a failed or paused entry again at the next flush (also lifts an outbox pause)."""
    entry = _open_entry(session, outbox_id)
    if entry.state not in (OutboxState.FAILED, OutboxState.PAUSED, OutboxState.PENDING):
        raise InvalidOperation("That entry is being sent or is finished; there is nothing to retry.")
    entry.state = OutboxState.PENDING
    entry.next_attempt_at = None
    entry.updated_at = utcnow()
    if entry.kind == OutboxKind.CREATE_CONTACT and entry.contact_row_id is not None:
        session.execute(
            update(contacts_table)
            .where(contacts_table.c.id == entry.contact_row_id)
            .values(local_state=LocalState.PENDING)
        )
    pause = session.get(SyncState, OUTBOX_STATE)
    if pause is not None and pause.last_status == "paused":
        pause.last_status = "ok"
        pause.last_message = f"resumed by {actor}"
    session.execute(
        update(outbox_table).where(outbox_table.c.state == OutboxState.PAUSED).values(state=OutboxState.PENDING)
    )
    add_audit(session, actor, "outbox.retry", f"outbox:{outbox_id}", kind=entry.kind)
    session.flush()
