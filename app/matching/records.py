"""Plain records the matcher works on: contracts, their contacts and learned aliases (no Qt, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ContactKind(StrEnum):
    DIRECTOR = "director"
    TRADING_NAME = "trading_name"
    NOMINATED_RECIPIENT = "nominated_recipient"
    COMPANY = "company"  # the contract's own registered company/billing name (no contact)
    HOLDER = "holder"  # the coworker who holds the contract (no contract contact)

    @classmethod
    def from_api(cls, contact_type: int) -> ContactKind:
        """Map the API's ContractContactType (0 None, 1 Director, 2 CompanyAlias, 3 NominatedRecipient)."""
        if contact_type == 1:
            return cls.DIRECTOR
        if contact_type == 2:
            return cls.TRADING_NAME
        return cls.NOMINATED_RECIPIENT  # 3, and 0 "None" is a person like a nominated recipient

    @property
    def is_person(self) -> bool:
        return self in (ContactKind.DIRECTOR, ContactKind.NOMINATED_RECIPIENT, ContactKind.HOLDER)


@dataclass(frozen=True, slots=True)
class ContractEntry:
    contract_id: int
    company_name: str
    billing_name: str
    holder_name: str
    cancelled: bool = False
    cancelled_on: date | None = None
    location_id: int | None = None
    po_box: str = ""


@dataclass(frozen=True, slots=True)
class ContactEntry:
    """A contract contact. kind is DIRECTOR, TRADING_NAME or NOMINATED_RECIPIENT.

    gone: deleted on the server; still matchable, flagged.
    """

    contact_id: int
    contract_id: int
    kind: ContactKind
    name: str
    gone: bool = False


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """A label text staff assigned by hand to a contract (and maybe a contact)."""

    text: str
    contract_id: int
    contact_id: int | None
