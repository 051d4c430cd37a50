"""Intake: a scanned barcode and an addressee become a delivery recorded locally and queued to Nexudus.

The UI calls `IntakeService` from background jobs and gets plain frozen values back (`MatchView`,
`CandidateView`, `TrackingInfo`, ints). Each call opens its own database session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine

from app.desk.carriers import TrackingInfo, recognise
from app.desk.delivery_images import LabelImage
from app.desk.matching_service import MatchingService
from app.desk.vocabulary import (
    INTAKE_TYPES,
    MATCH_KIND_WORDS,
    delivery_type_word,
    handling_wish,
    id_check_advice,
    id_check_serious,
    id_check_stops,
    id_check_word,
    isolate,
    match_kind_word,
)
from app.matching import Candidate, ContactKind, Decision, MatchResult
from app.matching.label import MAX_LABEL_CHARS
from app.nexudus.enums import DeliveryType as DeliveryType  # re-exported for the UI
from app.nexudus.enums import HandlingPreference
from app.nexudus.text import clean_incoming
from app.store import (
    ContractDetail,
    DeliveryDraft,
    InvalidOperation,
    contract_detail,
    learn_alias,
    record_delivery,
    scanned_today,
    session_scope,
)
from app.store.errors import RecordNotFound
from app.store.images import keep_delivery_image

log = logging.getLogger(__name__)

KIND_LABELS: dict[str, str] = MATCH_KIND_WORDS  # the words live in app.desk.vocabulary

# the intake's Type list, in order
DELIVERY_TYPE_LABELS: dict[DeliveryType, str] = {t: delivery_type_word(t) for t in INTAKE_TYPES}


def format_day(d: date | datetime | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


@dataclass(frozen=True, slots=True)
class CandidateView:
    """One possible recipient, with everything the desk shows about it."""

    rank: int  # 0 = the matcher's first choice
    contract_id: int
    contact_id: int | None  # None: the company (or the account holder) itself
    kind: str  # ContactKind value
    name: str
    company: str
    confidence: float
    why: tuple[str, ...]
    cancelled: bool = False
    cancelled_on: date | None = None
    gone: bool = False
    handling: str = ""  # the customer's wish for this kind of item, e.g. "Forward"
    aml_warning: str = ""  # empty when the ID check is clear
    aml_short: str = ""  # "Clear", "Not done", "Possible match"... ("" for a company: no ID check)
    aml_status: int | None = None  # AmlCheckStatus of a person; None for a company, a trading name, a holder
    handling_pref: int = 0  # HandlingPreference for this type of item
    delivery_instructions: str = ""
    pending: bool = False  # registered here, not yet confirmed by Nexudus
    location_id: int | None = None  # the contract's location (business)

    @property
    def kind_label(self) -> str:
        return match_kind_word(self.kind)

    @property
    def contract_state(self) -> str:
        if self.cancelled:
            day = format_day(self.cancelled_on)
            return f"Cancelled on {day}" if day else "Cancelled"
        return "Active"

    @property
    def recipient_label(self) -> str:
        """ "Jane Doe (Acme Ltd)", or just the company."""
        if self.company and self.name and self.name != self.company:
            return f"{self.name} ({self.company})"
        return self.name or self.company

    @property
    def reasons(self) -> str:
        return " · ".join(self.why)

    @property
    def id_check_serious(self) -> bool:
        return id_check_serious(self.aml_status)

    def stop_reasons(self) -> list[str]:
        """Why recording this one needs a second, deliberate key (empty: Enter records at once)."""
        reasons: list[str] = []
        if self.gone:
            reasons.append("this recipient was removed in Nexudus")
        if self.cancelled:
            day = format_day(self.cancelled_on)
            reasons.append(f"the contract was cancelled on {day}" if day else "the contract was cancelled")
        if id_check_stops(self.aml_status):
            reasons.append(id_check_advice(self.aml_status))
        if self.handling_pref == HandlingPreference.RETURN_TO_SENDER:
            reasons.append("the customer asks for this type of item to be returned to sender")
        return reasons


@dataclass(frozen=True, slots=True)
class MatchView:
    text: str
    decision: str  # Decision value: auto / review / none
    candidates: tuple[CandidateView, ...]
    note: str = ""  # e.g. that a very long label was cut before it was read
    reason: str = ""  # why it needs a look, in the desk's words ("3 people on different contracts match J. Smith")

    @property
    def is_auto(self) -> bool:
        return self.decision == Decision.AUTO and bool(self.candidates)

    @property
    def nobody(self) -> bool:
        """Nobody on the directory matches (weak candidates may still be listed, for a manual pick)."""
        return self.decision == Decision.NONE or not self.candidates


@dataclass(frozen=True, slots=True)
class IntakeDraft:
    """What the receptionist accepted."""

    candidate: CandidateView
    label_text: str
    delivery_type: DeliveryType = DeliveryType.PARCEL
    shelf: str = ""
    notes: str = ""
    tracking: TrackingInfo | None = None
    decision: str = ""
    image: LabelImage | None = None  # the label's photo or scan (capture), kept with the delivery


def confirmation_text(draft: IntakeDraft) -> str:
    """ "Parcel for Jane Doe (Acme Ltd) — shelf B2. Waiting to send"; a right-to-left name keeps its own order."""
    kind = delivery_type_word(draft.delivery_type)
    cand = draft.candidate
    if cand.company and cand.name and cand.name != cand.company:
        who = f"{isolate(cand.name)} ({isolate(cand.company)})"
    else:
        who = isolate(cand.name or cand.company)
    shelf = f" — shelf {isolate(draft.shelf)}" if draft.shelf else ""
    return f"{kind} for {who}{shelf}. Waiting to send"


def intake_stop_reasons(candidate: CandidateView, already_scanned: str = "") -> list[str]:
    """Everything that must be read before this item is recorded: a duplicate scan, then the candidate's own."""
    reasons = [f"barcode {already_scanned} was already scanned today"] if already_scanned else []
    return reasons + candidate.stop_reasons()


class IntakeService:
    """Use cases of the intake screen. Thread-safe: every call opens its own session."""

    def __init__(
        self,
        engine: Engine,
        matching: MatchingService,
        actor: str,
        business_id: int | None,
        *,
        shelf: str = "",
        on_shelf_changed: Callable[[str], None] | None = None,
    ) -> None:
        self._engine = engine
        self.matching = matching
        self.actor = actor
        self.business_id = business_id
        self._shelf = shelf
        self._on_shelf_changed = on_shelf_changed

    # -- shelf (remembered between parcels; the composition root may persist it via on_shelf_changed) ---------

    @property
    def shelf(self) -> str:
        return self._shelf

    def remember_shelf(self, shelf: str) -> None:
        shelf = shelf.strip()
        if shelf != self._shelf:
            self._shelf = shelf
            if self._on_shelf_changed is not None:
                self._on_shelf_changed(shelf)

    # -- scan ---------------------------------------------------------------------------------------------------

    @staticmethod
    def recognise(scan: str) -> TrackingInfo:
        return recognise(scan)

    def already_scanned_today(self, tracking_number: str) -> bool:
        if not tracking_number:
            return False
        with session_scope(self._engine) as session:
            return scanned_today(session, tracking_number)

    # -- match ---------------------------------------------------------------------------------------------------

    def match(self, text: str, delivery_type: DeliveryType = DeliveryType.PARCEL, limit: int = 5) -> MatchView:
        """Candidates for the addressee text, with contract state, handling preference and ID-check warnings."""
        if not text.strip():
            return MatchView(text, Decision.NONE, ())
        return self.view_of(text, self.matching.match(text, limit), delivery_type)

    def view_of(self, text: str, result: MatchResult, delivery_type: DeliveryType = DeliveryType.PARCEL) -> MatchView:
        """The desk's view of a match result made elsewhere (e.g. from a captured label image)."""
        details: dict[int, ContractDetail | None] = {}
        with session_scope(self._engine, readonly=True) as session:
            for cand in result.candidates:
                if cand.contract_id not in details:
                    try:
                        details[cand.contract_id] = contract_detail(session, cand.contract_id)
                    except RecordNotFound:  # removed by a sync since the index saw it
                        details[cand.contract_id] = None
        views = tuple(
            self._view(rank, cand, details.get(cand.contract_id), delivery_type)
            for rank, cand in enumerate(result.candidates)
        )
        return MatchView(text, str(result.decision), views, note=result.note, reason=result.reason)

    @staticmethod
    def _view(rank: int, cand: Candidate, detail: ContractDetail | None, delivery_type: DeliveryType) -> CandidateView:
        handling = aml = aml_short = instructions = ""
        cancelled_on: date | None = None
        location_id: int | None = None
        aml_status: int | None = None
        handling_pref = 0
        pending = False
        if detail is not None:
            handling_pref = _handling_for(detail, delivery_type)
            handling = handling_wish(handling_pref)
            instructions = detail.delivery_instructions
            cancelled_on = _as_date(detail.cancellation_date)
            location_id = detail.location_id
            if cand.contact_id is not None:
                for contact in detail.contacts:
                    if contact.contact_id == cand.contact_id:
                        if ContactKind(cand.kind).is_person:
                            aml_status = int(contact.aml_check_status)
                            aml = id_check_advice(aml_status)
                            aml_short = id_check_word(aml_status)
                        pending = contact.local_state != "synced"
                        break
        return CandidateView(
            rank=rank,
            contract_id=cand.contract_id,
            contact_id=cand.contact_id,
            kind=str(cand.kind),
            name=cand.name,
            company=cand.company,
            confidence=float(cand.confidence),
            why=tuple(cand.why),
            cancelled=cand.cancelled,
            cancelled_on=cancelled_on,
            gone=cand.gone,
            handling=handling,
            aml_warning=aml,
            aml_short=aml_short,
            aml_status=aml_status,
            handling_pref=handling_pref,
            delivery_instructions=instructions,
            pending=pending,
            location_id=location_id,
        )

    # -- record ----------------------------------------------------------------------------------------------

    def record(self, draft: IntakeDraft) -> int:
        """Record the delivery locally (with its outbox entry, in one transaction); returns the local delivery id."""
        cand = draft.candidate
        tracking = draft.tracking
        business_id = self.business_id or cand.location_id
        if business_id is None:
            raise InvalidOperation("Choose the location you work at (sign in again) before recording deliveries.")
        if not draft.shelf.strip():
            raise InvalidOperation("Type the shelf or place where the item is kept.")
        self.remember_shelf(draft.shelf)
        store_draft = DeliveryDraft(
            contract_id=cand.contract_id,
            contact_id=cand.contact_id,
            business_id=business_id,
            name=_delivery_name(draft),
            location=draft.shelf.strip(),
            shelf=draft.shelf.strip(),
            received_by=self.actor,
            delivery_type=draft.delivery_type,
            tracking_number=tracking.tracking_number if tracking else "",
            carrier=(tracking.carrier.value if tracking and tracking.carrier else ""),
            label_text=clean_incoming(draft.label_text, MAX_LABEL_CHARS)[0],  # as read: cut, no control characters
            match_decision=draft.decision,
            match_confidence=cand.confidence,
            match_reasons=tuple(cand.why),
            notes=draft.notes,
        )
        with session_scope(self._engine) as session:
            row = record_delivery(session, store_draft, self.actor)
            delivery_id = row.delivery_id
            if draft.image is not None:  # the label image, in the delivery's own transaction
                keep_delivery_image(session, delivery_id, draft.image.jpeg, draft.image.width, draft.image.height)
        log.info("Recorded delivery %s for contract %s", delivery_id, cand.contract_id)
        return delivery_id

    def learn_alias(self, text: str, contract_id: int, contact_id: int | None) -> None:
        """Remember a label text for this recipient; the matcher uses it at once."""
        text = text.strip()
        if not text:
            return
        with session_scope(self._engine) as session:
            learn_alias(session, text, contract_id, contact_id, self.actor)
        self.matching.add_alias(text, contract_id, contact_id)

    def apply_sync_report(self, report: object) -> None:
        """After a directory sync: update the matching index with what changed (no rebuild)."""
        self.matching.apply_sync_report(report)


def _handling_for(detail: ContractDetail, delivery_type: DeliveryType) -> int:
    if delivery_type == DeliveryType.MAIL:
        return int(detail.handling_mail)
    if delivery_type == DeliveryType.CHECK:
        return int(detail.handling_checks)
    if delivery_type == DeliveryType.PUBLICITY:
        return int(detail.handling_publicity)
    return int(detail.handling_parcels)


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _delivery_name(draft: IntakeDraft) -> str:
    """The short label Nexudus shows the customer, e.g. "Parcel (UPS)"."""
    kind = delivery_type_word(draft.delivery_type)
    if draft.tracking and draft.tracking.carrier:
        return f"{kind} ({draft.tracking.carrier.value})"
    return kind
