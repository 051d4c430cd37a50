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
from app.desk.matching_service import MatchingService
from app.matching import Candidate, ContactKind, Decision
from app.nexudus.enums import AmlCheckStatus, DeliveryType, HandlingPreference
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

log = logging.getLogger(__name__)

KIND_LABELS: dict[str, str] = {
    ContactKind.DIRECTOR: "Director",
    ContactKind.TRADING_NAME: "Trading name",
    ContactKind.NOMINATED_RECIPIENT: "Nominated recipient",
    ContactKind.COMPANY: "Company",
    ContactKind.HOLDER: "Account holder",
}

DELIVERY_TYPE_LABELS: dict[DeliveryType, str] = {
    DeliveryType.PARCEL: "Parcel",
    DeliveryType.MAIL: "Letter",
    DeliveryType.CHECK: "Cheque",
    DeliveryType.PUBLICITY: "Advertising mail",
    DeliveryType.OTHER: "Other",
}

HANDLING_LABELS: dict[int, str] = {
    HandlingPreference.NONE: "",
    HandlingPreference.STORE_FOR_COLLECTION: "Keep for collection",
    HandlingPreference.FORWARD: "Forward",
    HandlingPreference.OPEN_SCAN_FORWARD: "Open, scan, forward",
    HandlingPreference.OPEN_SCAN_RECYCLE: "Open, scan, recycle",
    HandlingPreference.OPEN_SCAN_SHRED: "Open, scan, shred",
    HandlingPreference.OPEN_SCAN_STORE_FOR_COLLECTION: "Open, scan, keep for collection",
    HandlingPreference.RECYCLE: "Recycle",
    HandlingPreference.RETURN_TO_SENDER: "Return to sender",
    HandlingPreference.SHRED: "Shred",
    HandlingPreference.DEPOSIT_CHECK: "Deposit the cheque",
    HandlingPreference.UNKNOWN: "",
}

AML_WARNINGS: dict[int, str] = {
    AmlCheckStatus.NOT_STARTED: "ID check not done",
    AmlCheckStatus.PENDING: "ID check pending",
    AmlCheckStatus.CLEAR: "",
    AmlCheckStatus.POTENTIAL_MATCH: "ID check: possible match — ask a manager before handing over",
    AmlCheckStatus.CONFIRMED_MATCH: "ID check: confirmed match — do not hand over, ask a manager",
    AmlCheckStatus.ERROR: "ID check could not run",
    AmlCheckStatus.MANUALLY_CLEARED: "",
}


AML_SHORT: dict[int, str] = {
    AmlCheckStatus.NOT_STARTED: "Not done",
    AmlCheckStatus.PENDING: "Pending",
    AmlCheckStatus.CLEAR: "OK",
    AmlCheckStatus.POTENTIAL_MATCH: "Possible match!",
    AmlCheckStatus.CONFIRMED_MATCH: "Confirmed match!",
    AmlCheckStatus.ERROR: "Could not run",
    AmlCheckStatus.MANUALLY_CLEARED: "OK",
}


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
    aml_short: str = ""  # "OK", "Not done", "Possible match!"... ("" for a company: no ID check)
    delivery_instructions: str = ""
    pending: bool = False  # registered here, not yet confirmed by Nexudus
    location_id: int | None = None  # the contract's location (business)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

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
        return "; ".join(self.why)


@dataclass(frozen=True, slots=True)
class MatchView:
    text: str
    decision: str  # Decision value: auto / review / none
    candidates: tuple[CandidateView, ...]
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


@dataclass(frozen=True, slots=True)
class RecordedDelivery:
    delivery_id: int
    confirmation: str


def confirmation_text(draft: IntakeDraft) -> str:
    kind = DELIVERY_TYPE_LABELS.get(draft.delivery_type, "Item")
    shelf = f" — shelf {draft.shelf}" if draft.shelf else ""
    return f"{kind} for {draft.candidate.recipient_label}{shelf}. Waiting to send"


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
        result = self.matching.match(text, limit)
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
        return MatchView(text, str(result.decision), views, result.reason)

    @staticmethod
    def _view(rank: int, cand: Candidate, detail: ContractDetail | None, delivery_type: DeliveryType) -> CandidateView:
        handling = aml = aml_short = instructions = ""
        cancelled_on: date | None = None
        location_id: int | None = None
        pending = False
        if detail is not None:
            handling = HANDLING_LABELS.get(_handling_for(detail, delivery_type), "")
            instructions = detail.delivery_instructions
            cancelled_on = _as_date(detail.cancellation_date)
            location_id = detail.location_id
            if cand.contact_id is not None:
                for contact in detail.contacts:
                    if contact.contact_id == cand.contact_id:
                        if ContactKind(cand.kind).is_person:
                            aml = AML_WARNINGS.get(contact.aml_check_status, "")
                            aml_short = AML_SHORT.get(contact.aml_check_status, "")
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
            label_text=draft.label_text,
            match_decision=draft.decision,
            match_confidence=cand.confidence,
            match_reasons=tuple(cand.why),
            notes=draft.notes,
        )
        with session_scope(self._engine) as session:
            row = record_delivery(session, store_draft, self.actor)
            delivery_id = row.delivery_id
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
    kind = DELIVERY_TYPE_LABELS.get(draft.delivery_type, "Item")
    if draft.tracking and draft.tracking.carrier:
        return f"{kind} ({draft.tracking.carrier.value})"
    return kind
