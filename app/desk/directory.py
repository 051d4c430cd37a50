"""The directory at the desk: search contracts (company, contact name, PO box) and show one with its contacts.

Contacts carry badges for what Nexudus has not confirmed yet ("Waiting to send") or refused ("Needs attention").
The helpers turn API enum values into words a receptionist understands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import app.store as store
from app.desk.vocabulary import CONTACT_TYPE_WORDS as KIND_LABELS  # the words live in one module
from app.desk.vocabulary import HANDLING_WORDS as HANDLING_LABELS
from app.desk.vocabulary import ID_CHECK_OK as AML_OK
from app.desk.vocabulary import contact_type_word as kind_label
from app.desk.vocabulary import handling_word as handling_label
from app.desk.vocabulary import id_check_word
from app.nexudus.enums import AmlCheckStatus
from app.store.records import ContactRow, ContractDetail, ContractSummary

__all__ = [
    "AML_OK",
    "HANDLING_LABELS",
    "KIND_LABELS",
    "ContactRow",
    "ContractDetail",
    "ContractSummary",
    "DirectoryService",
    "handling_label",
    "kind_label",
]

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def aml_label(status: AmlCheckStatus | int) -> str:
    """The ID check in a table cell ("Pending", "Possible match"...)."""
    return id_check_word(status)


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
