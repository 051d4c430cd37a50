"""Read queries for the desk. Every function returns plain frozen dataclasses (app.store.records)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from app.nexudus.enums import AmlCheckStatus, ContractContactType, DeliveryType, HandlingPreference
from app.nexudus.text import clean_incoming
from app.store.audit import utcnow
from app.store.errors import RecordNotFound
from app.store.records import (
    AliasInfo,
    BusinessInfo,
    ContactRow,
    ContractDetail,
    ContractSummary,
    CountryInfo,
    CoworkerInfo,
    DeliveryRow,
    OutboxRow,
    StatusSummary,
    contact_public_id,
)
from app.store.tables import (
    LocalState,
    OutboxKind,
    OutboxState,
    SyncState,
    aliases_table,
    businesses_table,
    contacts_table,
    contracts_table,
    countries_table,
    coworkers_table,
    deliveries_table,
    outbox_table,
)

DIRECTORY_STATE = "DIRECTORY"  # the sync_state row for a whole directory pull
OUTBOX_STATE = "OUTBOX"  # the sync_state row holding the outbox pause flag

DeliveryView = Literal["today", "uncollected", "all"]

_ct = contracts_table.c
_cc = contacts_table.c
_cw = coworkers_table.c
_dl = deliveries_table.c
_al = aliases_table.c
_ob = outbox_table.c


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _nonempty(col: Any) -> Any:
    return func.nullif(col, "")


def _holder_name_expr(coworker: Any) -> ColumnElement[str]:
    return func.coalesce(_nonempty(coworker.full_name), _ct.holder_name)


def _contact_name_expr(coworker: Any) -> ColumnElement[str]:
    """A contact linked to a coworker shows the coworker's current name."""
    return case(
        (
            _cc.coworker_id.is_not(None),
            func.coalesce(_nonempty(coworker.full_name), _nonempty(_cc.coworker_full_name), _cc.full_name),
        ),
        else_=_cc.full_name,
    )


def _contact_type(value: int) -> ContractContactType:
    try:
        return ContractContactType(value)
    except ValueError:
        return ContractContactType.NONE


# ---- matching ------------------------------------------------------------------------------------------------


def _live_contracts_select(contract_ids: Iterable[int] | None) -> Select[Any]:
    """The contracts the matcher reads (not deleted on the server), in id order; only `contract_ids` when given.
    Columns: id, company_name, billing_name, holder, cancelled, cancellation_date, business_id, po_box."""
    holder = aliased(coworkers_table)
    q = (
        select(
            _ct.id,
            _ct.company_name,
            _ct.billing_name,
            _holder_name_expr(holder.c).label("holder"),
            _ct.cancelled,
            _ct.cancellation_date,
            _ct.business_id,
            _ct.po_box,
        )
        .select_from(contracts_table.outerjoin(holder, holder.c.id == _ct.coworker_id))
        .where(_ct.gone.is_(False))
        .order_by(_ct.id)
    )
    if contract_ids is not None:
        q = q.where(_ct.id.in_(list(contract_ids)))
    return q


def _live_contacts_select(contact_ids: Iterable[int] | None) -> Select[Any]:
    """The contacts of live contracts, in row order; only `contact_ids` (public ids) when given.
    Columns: id, nexudus_id, contract_id, contact_type, name, gone."""
    linked = aliased(coworkers_table)
    live_contract = select(_ct.id).where(_ct.gone.is_(False))
    cq = (
        select(
            _cc.id,
            _cc.nexudus_id,
            _cc.contract_id,
            _cc.contact_type,
            _contact_name_expr(linked.c).label("name"),
            _cc.gone,
        )
        .select_from(contacts_table.outerjoin(linked, linked.c.id == _cc.coworker_id))
        .where(_cc.contract_id.in_(live_contract))
        .order_by(_cc.id)
    )
    if contact_ids is not None:
        wanted = list(contact_ids)
        cq = cq.where(or_(_cc.nexudus_id.in_([i for i in wanted if i > 0]), _cc.id.in_([-i for i in wanted if i < 0])))
    return cq


# Plain rows for the match index (no record objects in between: at 100,000 contacts those cost seconds).
# contract: (id, company_name, billing_name, holder_name, cancelled, cancellation_day, business_id, po_box)
# contact: (public id, contract_id, contact_type, name, gone)
MatchContractRow = tuple[int, str, str, str, bool, date | None, int | None, str]
MatchContactRow = tuple[int, int, int, str, bool]


def match_directory_rows(
    session: Session,
    *,
    contract_ids: Iterable[int] | None = None,
    contact_ids: Iterable[int] | None = None,
    local_only: bool = False,
) -> tuple[list[MatchContractRow], list[MatchContactRow]]:
    """The contracts and contacts the matcher reads, as plain column reads: every live one when no ids are given;
    only the contracts with contract_ids and/or the contacts with contact_ids; or (local_only) only the contacts
    not yet synced (registered here, pending or refused)."""
    contracts: list[MatchContractRow] = []
    if not local_only and (contract_ids is not None or contact_ids is None):
        q = _live_contracts_select(contract_ids)
        contracts = [
            (
                cid,
                company or "",
                billing or "",
                holder_name or "",
                bool(cancelled),
                _day(cancelled_on),
                business,
                po_box or "",
            )
            for cid, company, billing, holder_name, cancelled, cancelled_on, business, po_box in session.execute(q)
        ]
    contacts: list[MatchContactRow] = []
    if local_only or contact_ids is not None or contract_ids is None:
        cq = _live_contacts_select(contact_ids)
        if local_only:
            cq = cq.where(_cc.local_state != LocalState.SYNCED)
        contacts = [
            (
                nexudus_id if nexudus_id is not None else -local_id,
                contract_id,
                contact_type or 0,
                name or "",
                bool(gone),
            )
            for local_id, nexudus_id, contract_id, contact_type, name, gone in session.execute(cq)
        ]
    return contracts, contacts


def match_directory_fingerprint(session: Session) -> list[Any]:
    """A few aggregates that change whenever the synced directory the matcher reads may have changed (a sync, a
    contact sent and given its Nexudus id): a saved match index is used at start only while they are unchanged.
    Contacts not yet synced and aliases are left out: they are few and read again on top of a saved index."""
    out: list[Any] = []
    for table in (contracts_table, contacts_table, coworkers_table):
        c = table.c
        cols: list[Any] = [func.count(), func.max(c.id)]
        for name in ("synced_at", "updated_on"):
            if name in c:
                cols.append(func.max(c[name]))
        if "nexudus_id" in c:
            cols.append(func.sum(c.nexudus_id))
        if "gone" in c:
            cols.append(func.sum(case((c.gone.is_(True), 1), else_=0)))
        q = select(*cols)
        if "local_state" in c:
            q = q.where(c.local_state == LocalState.SYNCED)
        row = session.execute(q).one()
        out.extend(
            v.isoformat() if isinstance(v, datetime | date) else int(v) if isinstance(v, Decimal) else v for v in row
        )
    return out


def list_aliases(session: Session) -> list[AliasInfo]:
    q = (
        select(_al.id, _al.text, _al.contract_id, _cc.id.label("row_id"), _cc.nexudus_id)
        .select_from(aliases_table.outerjoin(contacts_table, _cc.id == _al.contact_row_id))
        .order_by(_al.id)
    )
    return [
        AliasInfo(
            alias_id=r.id,
            text=r.text,
            contract_id=r.contract_id,
            contact_id=contact_public_id(r.row_id, r.nexudus_id) if r.row_id is not None else None,
        )
        for r in session.execute(q)
    ]


# ---- contacts and contracts ----------------------------------------------------------------------------------


def _field_errors(raw: str | None) -> dict[str, list[str]]:
    if not raw:
        return {}
    value = json.loads(raw)
    return {str(k): [str(m) for m in v] for k, v in value.items()} if isinstance(value, dict) else {}


def contact_rows(session: Session, where: ColumnElement[bool]) -> list[ContactRow]:
    linked = aliased(coworkers_table)
    open_create = (
        select(_ob.id, _ob.field_errors, _ob.contact_row_id)
        .where(_ob.kind == OutboxKind.CREATE_CONTACT, _ob.state.in_(OutboxState.OPEN))
        .subquery()
    )
    q = (
        select(
            contacts_table,
            _contact_name_expr(linked.c).label("display"),
            open_create.c.id.label("outbox_id"),
            open_create.c.field_errors.label("errors"),
        )
        .select_from(
            contacts_table.outerjoin(linked, linked.c.id == _cc.coworker_id).outerjoin(
                open_create, open_create.c.contact_row_id == _cc.id
            )
        )
        .where(where)
        .order_by(_cc.contact_type, _cc.full_name, _cc.id)
    )
    out = []
    for r in session.execute(q):
        try:
            aml = AmlCheckStatus(r.aml_check_status)
        except ValueError:
            aml = AmlCheckStatus.NOT_STARTED
        out.append(
            ContactRow(
                contact_id=contact_public_id(r.id, r.nexudus_id),
                local_id=r.id,
                nexudus_id=r.nexudus_id,
                contract_id=r.contract_id,
                contact_type=_contact_type(r.contact_type),
                full_name=r.full_name,
                display_name=r.display or "",
                email=r.email,
                coworker_id=r.coworker_id,
                date_of_birth=r.date_of_birth,
                address=r.address,
                post_code=r.post_code,
                city_name=r.city_name,
                state=r.state,
                country_id=r.country_id,
                phone_number=r.phone_number,
                notes=r.notes,
                aml_check_status=aml,
                aml_check_date=r.aml_check_date,
                aml_notes=r.aml_notes,
                local_state=r.local_state,
                gone=bool(r.gone),
                outbox_id=r.outbox_id,
                field_errors=_field_errors(r.errors),
            )
        )
    return out


def contact_row(session: Session, local_id: int) -> ContactRow:
    rows = contact_rows(session, _cc.id == local_id)
    if not rows:
        raise RecordNotFound("That recipient is no longer in the local directory.")
    return rows[0]


def resolve_contact_local_id(session: Session, public_id: int) -> int:
    """Local row id for a public contact id (Nexudus Id, or -local id)."""
    if public_id < 0:
        found = session.execute(select(_cc.id).where(_cc.id == -public_id)).scalar()
    else:
        found = session.execute(select(_cc.id).where(_cc.nexudus_id == public_id)).scalar()
    if found is None:
        raise RecordNotFound(f"Recipient {public_id} is not in the local directory; sync and try again.")
    return int(found)


def _handling(value: int) -> HandlingPreference:
    try:
        return HandlingPreference(value)
    except ValueError:
        return HandlingPreference.UNKNOWN


def _summary_select() -> Any:
    holder = aliased(coworkers_table)
    return select(contracts_table, _holder_name_expr(holder.c).label("holder")).select_from(
        contracts_table.outerjoin(holder, holder.c.id == _ct.coworker_id)
    )


MAX_SEARCH_CHARS = 200  # a search term longer than any name or label line is cut (LIKE patterns stay small)


def search_needle(text: str) -> str | None:
    """The search term as it is looked for: control characters and NUL removed (a NUL would end the pattern early
    and find everything), lone surrogates replaced, spaces trimmed, at most MAX_SEARCH_CHARS. None: the term held
    nothing searchable (only control characters), so nothing matches; "" means no filter."""
    cleaned = clean_incoming(text, MAX_SEARCH_CHARS * 4)[0].strip()[:MAX_SEARCH_CHARS].strip()
    if not cleaned and text.strip():
        return None
    return cleaned


def search_contracts(session: Session, text: str, limit: int = 50) -> list[ContractSummary]:
    """Contracts whose company, billing or holder name, PO box or any contact's name contains `text`."""
    needle = search_needle(text)
    if needle is None:
        return []
    q = _summary_select()
    if needle:
        linked = aliased(coworkers_table)
        by_contact = (
            select(_cc.contract_id)
            .select_from(contacts_table.outerjoin(linked, linked.c.id == _cc.coworker_id))
            .where(
                or_(
                    _cc.full_name.icontains(needle, autoescape=True),
                    linked.c.full_name.icontains(needle, autoescape=True),
                )
            )
        )
        q = q.where(
            or_(
                _ct.company_name.icontains(needle, autoescape=True),
                _ct.billing_name.icontains(needle, autoescape=True),
                _ct.holder_name.icontains(needle, autoescape=True),
                _ct.po_box.icontains(needle, autoescape=True),
                _ct.id.in_(by_contact),
            )
        )
    q = q.order_by(_ct.gone, _ct.cancelled, _ct.company_name, _ct.id).limit(limit)
    return [
        ContractSummary(
            contract_id=r.id,
            company_name=r.company_name,
            billing_name=r.billing_name,
            holder_name=r.holder,
            po_box=r.po_box,
            tariff_name=r.tariff_name,
            location_id=r.business_id,
            cancelled=bool(r.cancelled),
            cancellation_date=_day(r.cancellation_date),
            gone=bool(r.gone),
        )
        for r in session.execute(q)
    ]


def contract_detail(session: Session, contract_id: int) -> ContractDetail:
    r = session.execute(_summary_select().where(_ct.id == contract_id)).first()
    if r is None:
        raise RecordNotFound(f"Contract {contract_id} is not in the local directory; sync and try again.")
    return ContractDetail(
        contract_id=r.id,
        company_name=r.company_name,
        billing_name=r.billing_name,
        holder_name=r.holder,
        holder_coworker_id=r.coworker_id,
        email=r.email,
        po_box=r.po_box,
        tariff_name=r.tariff_name,
        location_id=r.business_id,
        active=bool(r.active),
        cancelled=bool(r.cancelled),
        cancellation_date=_day(r.cancellation_date),
        delivery_instructions=r.delivery_instructions,
        handling_mail=_handling(r.handling_mail),
        handling_parcels=_handling(r.handling_parcels),
        handling_checks=_handling(r.handling_checks),
        handling_publicity=_handling(r.handling_publicity),
        gone=bool(r.gone),
        contacts=contact_rows(session, _cc.contract_id == contract_id),
    )


def list_countries(session: Session) -> list[CountryInfo]:
    c = countries_table.c
    return [
        CountryInfo(country_id=r.id, name=r.name, code=r.two_digits_code)
        for r in session.execute(select(c.id, c.name, c.two_digits_code).order_by(c.name))
    ]


def list_businesses(session: Session) -> list[BusinessInfo]:
    b = businesses_table.c
    return [BusinessInfo(business_id=r.id, name=r.name) for r in session.execute(select(b.id, b.name).order_by(b.name))]


def search_coworkers(session: Session, text: str, limit: int = 20) -> list[CoworkerInfo]:
    needle = search_needle(text)
    if needle is None:
        return []
    q = select(_cw.id, _cw.full_name, _cw.email, _cw.company_name, _cw.active)
    if needle:
        q = q.where(
            or_(
                _cw.full_name.icontains(needle, autoescape=True),
                _cw.email.icontains(needle, autoescape=True),
                _cw.company_name.icontains(needle, autoescape=True),
            )
        )
    q = q.order_by(_cw.active.desc(), _cw.full_name, _cw.id).limit(limit)
    return [
        CoworkerInfo(
            coworker_id=r.id, full_name=r.full_name, email=r.email, company_name=r.company_name, active=bool(r.active)
        )
        for r in session.execute(q)
    ]


# ---- deliveries ----------------------------------------------------------------------------------------------


def start_of_local_day(now: datetime | None = None) -> datetime:
    """Midnight of the desk's local day, in UTC: 'today' means the receptionist's today."""
    local = (now or utcnow()).astimezone()
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo).astimezone(UTC)


def _delivery_select() -> Any:
    linked = aliased(coworkers_table)
    direct = aliased(coworkers_table)
    recipient = func.coalesce(_contact_name_expr(linked.c), _nonempty(direct.c.full_name), "")
    company = func.coalesce(_nonempty(_ct.company_name), _nonempty(_ct.billing_name), "")
    return select(
        deliveries_table,
        recipient.label("recipient"),
        company.label("company"),
        _cc.nexudus_id.label("contact_nexudus_id"),
        _cc.aml_check_status.label("contact_aml_status"),
    ).select_from(
        deliveries_table.outerjoin(contacts_table, _cc.id == _dl.contact_row_id)
        .outerjoin(linked, linked.c.id == _cc.coworker_id)
        .outerjoin(direct, direct.c.id == _dl.coworker_id)
        .outerjoin(contracts_table, _ct.id == _dl.contract_id)
    )


def _delivery_row(r: Any, now: datetime) -> DeliveryRow:
    try:
        kind = DeliveryType(r.delivery_type)
    except ValueError:
        kind = DeliveryType.OTHER
    created: datetime = r.created_at
    return DeliveryRow(
        delivery_id=r.id,
        nexudus_id=r.nexudus_id,
        contract_id=r.contract_id,
        contact_id=(
            contact_public_id(r.contact_row_id, r.contact_nexudus_id) if r.contact_row_id is not None else None
        ),
        coworker_id=r.coworker_id,
        business_id=r.business_id,
        recipient_name=r.recipient,
        company_name=r.company,
        name=r.name,
        location=r.location,
        shelf=r.shelf,
        delivery_type=kind,
        received_by=r.received_by,
        tracking_number=r.tracking_number,
        carrier=r.carrier,
        label_text=r.label_text,
        match_decision=r.match_decision,
        match_confidence=r.match_confidence,
        match_reasons=tuple(json.loads(r.match_reasons or "[]")),
        notes=r.notes,
        created_at=created,
        created_by=r.created_by,
        collected_at=r.collected_at,
        collected_by=r.collected_by,
        collected_for=r.collected_for,
        voided_at=r.voided_at,
        voided_by=r.voided_by,
        void_reason=r.void_reason,
        local_state=r.local_state,
        age=max(now - created, now - now),
        contact_aml_status=r.contact_aml_status,
    )


def delivery_rows(session: Session, ids: Sequence[int]) -> list[DeliveryRow]:
    now = utcnow()
    rows = session.execute(_delivery_select().where(_dl.id.in_(list(ids))).order_by(_dl.id))
    return [_delivery_row(r, now) for r in rows]


def list_deliveries(
    session: Session, view: DeliveryView = "today", text: str = "", business_id: int | None = None, limit: int = 500
) -> list[DeliveryRow]:
    """Newest first. today: logged since local midnight; uncollected: neither collected nor voided; all: everything
    (voided included)."""
    q = _delivery_select()
    if view == "today":
        q = q.where(_dl.created_at >= start_of_local_day())
    elif view == "uncollected":
        q = q.where(_dl.collected_at.is_(None), _dl.voided_at.is_(None))
    elif view != "all":
        raise ValueError(f"unknown deliveries view {view!r}")
    if business_id is not None:
        q = q.where(_dl.business_id == business_id)
    needle = search_needle(text)
    if needle is None:
        return []
    if needle:
        q = q.where(
            or_(
                *(
                    col.icontains(needle, autoescape=True)
                    for col in (
                        _dl.name,
                        _dl.label_text,
                        _dl.tracking_number,
                        _dl.notes,
                        _cc.full_name,
                        _ct.company_name,
                        _ct.billing_name,
                        _ct.po_box,
                    )
                )
            )
        )
    now = utcnow()
    return [
        _delivery_row(r, now) for r in session.execute(q.order_by(_dl.created_at.desc(), _dl.id.desc()).limit(limit))
    ]


def scanned_today(session: Session, tracking_number: str) -> bool:
    """True when a (not voided) delivery with this tracking number was logged today: a double scan."""
    number = tracking_number.strip()
    if not number:
        return False
    q = (
        select(func.count())
        .select_from(deliveries_table)
        .where(_dl.tracking_number == number, _dl.voided_at.is_(None), _dl.created_at >= start_of_local_day())
    )
    return bool(session.execute(q).scalar())


# ---- outbox and status ---------------------------------------------------------------------------------------


def _outbox_summary(kind: str, payload: dict[str, Any]) -> str:
    text = payload.get("summary")
    if isinstance(text, str) and text:
        return text
    return {
        OutboxKind.CREATE_CONTACT: "New recipient",
        OutboxKind.CREATE_DELIVERY: "New delivery",
        OutboxKind.COLLECT_DELIVERIES: "Hand-over",
        OutboxKind.VOID_DELIVERY: "Voided delivery",
    }.get(kind, kind)


def _outbox_rows(session: Session, where: ColumnElement[bool], order: Any, limit: int) -> list[OutboxRow]:
    q = (
        select(outbox_table, _cc.nexudus_id.label("contact_nexudus_id"))
        .select_from(outbox_table.outerjoin(contacts_table, _cc.id == _ob.contact_row_id))
        .where(where)
        .order_by(order)
        .limit(limit)
    )
    out = []
    for r in session.execute(q):
        payload = json.loads(r.payload or "{}")
        out.append(
            OutboxRow(
                outbox_id=r.id,
                kind=r.kind,
                state=r.state,
                summary=_outbox_summary(r.kind, payload),
                attempts=r.attempts,
                last_error=r.last_error,
                field_errors=_field_errors(r.field_errors),
                contact_id=(
                    contact_public_id(r.contact_row_id, r.contact_nexudus_id) if r.contact_row_id is not None else None
                ),
                delivery_id=r.delivery_row_id,
                created_at=r.created_at,
                updated_at=r.updated_at,
                created_by=r.created_by,
                outcome_unknown=bool(payload.get(OUTCOME_UNKNOWN)),
            )
        )
    return out


OUTCOME_UNKNOWN = "outcome_unknown"  # payload flag: set when a send got no clear answer, cleared by a refusal


def list_outbox(session: Session, *, include_done: bool = False, limit: int = 500) -> list[OutboxRow]:
    """Entries still to send (pending, sending, failed, paused) in send order; with include_done, followed by the
    most recent sent and discarded ones (newest first)."""
    rows = _outbox_rows(session, _ob.state.in_(OutboxState.OPEN), _ob.id, limit)
    if include_done:
        rows += _outbox_rows(session, _ob.state.not_in(OutboxState.OPEN), _ob.id.desc(), limit)
    return rows


def outbox_entry(session: Session, outbox_id: int) -> OutboxRow:
    rows = _outbox_rows(session, _ob.id == outbox_id, _ob.id, 1)
    if not rows:
        raise RecordNotFound(f"Outbox entry {outbox_id} does not exist.")
    return rows[0]


def outbox_paused(session: Session) -> bool:
    state = session.get(SyncState, OUTBOX_STATE)
    return bool(state and state.last_status == "paused")


def status_summary(session: Session) -> StatusSummary:
    contracts = session.execute(select(func.count()).where(_ct.gone.is_(False))).scalar() or 0
    contacts = (
        session.execute(select(func.count()).select_from(contacts_table).where(_cc.gone.is_(False))).scalar() or 0
    )
    counts = {state: n for state, n in session.execute(select(_ob.state, func.count()).group_by(_ob.state))}
    directory = session.get(SyncState, DIRECTORY_STATE)
    return StatusSummary(
        contracts=int(contracts),
        contacts=int(contacts),
        outbox_pending=sum(
            int(counts.get(s, 0)) for s in (OutboxState.PENDING, OutboxState.SENDING, OutboxState.PAUSED)
        ),
        outbox_failed=int(counts.get(OutboxState.FAILED, 0)),
        last_sync=directory.high_water if directory is not None else None,  # DIRECTORY row: last successful pull
        outbox_paused=outbox_paused(session),
    )


__all__ = [
    "DIRECTORY_STATE",
    "OUTBOX_STATE",
    "contact_row",
    "contact_rows",
    "contract_detail",
    "delivery_rows",
    "list_aliases",
    "list_businesses",
    "list_countries",
    "list_deliveries",
    "list_outbox",
    "outbox_entry",
    "outbox_paused",
    "resolve_contact_local_id",
    "scanned_today",
    "search_contracts",
    "search_coworkers",
    "status_summary",
]
