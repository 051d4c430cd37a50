"""The directory at the desk: search contracts (company, contact name, PO box) and show one with its contacts.

Contacts carry badges for what Nexudus has not confirmed yet ("Waiting to send") or refused ("Needs attention").
The helpers turn API enum values into words a receptionist understands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import app.store as store
from app.nexudus.enums import AmlCheckStatus, ContractContactType, HandlingPreference
from app.store.records import ContactRow, ContractDetail, ContractSummary

__all__ = ["ContactRow", "ContractDetail", "ContractSummary", "DirectoryService"]

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

KIND_LABELS: dict[ContractContactType, str] = {
    ContractContactType.NONE: "Contact",
    ContractContactType.DIRECTOR: "Director",
    ContractContactType.COMPANY_ALIAS: "Trading name",
    ContractContactType.NOMINATED_RECIPIENT: "Nominated recipient",
}

HANDLING_LABELS: dict[HandlingPreference, str] = {
    HandlingPreference.NONE: "No preference",
    HandlingPreference.STORE_FOR_COLLECTION: "Keep for collection",
    HandlingPreference.FORWARD: "Forward",
    HandlingPreference.OPEN_SCAN_FORWARD: "Open, scan and forward",
    HandlingPreference.OPEN_SCAN_RECYCLE: "Open, scan and recycle",
    HandlingPreference.OPEN_SCAN_SHRED: "Open, scan and shred",
    HandlingPreference.OPEN_SCAN_STORE_FOR_COLLECTION: "Open, scan and keep for collection",
    HandlingPreference.RECYCLE: "Recycle",
    HandlingPreference.RETURN_TO_SENDER: "Return to sender",
    HandlingPreference.SHRED: "Shred",
    HandlingPreference.DEPOSIT_CHECK: "Deposit cheque",
    HandlingPreference.UNKNOWN: "Unknown",
}

AML_LABELS: dict[AmlCheckStatus, str] = {
    AmlCheckStatus.NOT_STARTED: "ID check not started",
    AmlCheckStatus.PENDING: "ID check pending",
    AmlCheckStatus.CLEAR: "ID check clear",
    AmlCheckStatus.POTENTIAL_MATCH: "ID check: possible match — ask a manager",
    AmlCheckStatus.CONFIRMED_MATCH: "ID check: confirmed match — do not hand over",
    AmlCheckStatus.ERROR: "ID check failed to run",
    AmlCheckStatus.MANUALLY_CLEARED: "ID check cleared by staff",
}

AML_OK = (AmlCheckStatus.CLEAR, AmlCheckStatus.MANUALLY_CLEARED)


def kind_label(kind: ContractContactType | int) -> str:
    try:
        return KIND_LABELS[ContractContactType(kind)]
    except ValueError:
        return "Contact"


def handling_label(pref: HandlingPreference | int) -> str:
    try:
        return HANDLING_LABELS[HandlingPreference(pref)]
    except ValueError:
        return "Unknown"


def aml_label(status: AmlCheckStatus | int) -> str:
    try:
        return AML_LABELS[AmlCheckStatus(status)]
    except ValueError:
        return "ID check status unknown"


def contact_badge(contact: ContactRow) -> str:
    """'' when Nexudus has it; otherwise what the desk should know."""
    if contact.local_state == "pending":
        return "Waiting to send"
    if contact.local_state == "failed":
        return "Needs attention"
    if contact.gone:
        return "Removed in Nexudus"
    return ""


def contract_state(contract: ContractSummary | ContractDetail) -> str:
    if contract.gone:
        return "Removed in Nexudus"
    if contract.cancelled:
        when = f" on {contract.cancellation_date:%d %b %Y}" if contract.cancellation_date else ""
        return f"Cancelled{when}"
    return "Active"


class DirectoryService:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def search(self, text: str, limit: int = 200) -> list[ContractSummary]:
        with store.session_scope(self._engine, readonly=True) as session:
            return list(store.search_contracts(session, text.strip(), limit=limit))

    def detail(self, contract_id: int) -> ContractDetail | None:
        with store.session_scope(self._engine, readonly=True) as session:
            try:
                return store.contract_detail(session, contract_id)
            except store.RecordNotFound:
                return None


def po_box_label(po_box: str) -> str:
    """'PO box 12' for a bare number; a value that already says "PO Box …" is shown as it is."""
    value = po_box.strip()
    if not value:
        return ""
    return value if value.lower().replace(".", "").startswith(("po box", "pobox")) else f"PO box {value}"
