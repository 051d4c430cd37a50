"""Plain frozen dataclasses going in and out of the store (never live ORM objects: the UI passes these across
threads). Datetimes are timezone-aware UTC; dates are plain dates.

Contact ids seen outside the store ("public" contact ids) are the Nexudus Id of the contact, or the NEGATIVE local
row id for a contact the server does not know yet (pending or failed). `contact_public_id()` is the one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.nexudus.enums import AmlCheckStatus, ContractContactType, DeliveryType, HandlingPreference


def contact_public_id(local_id: int, nexudus_id: int | None) -> int:
    return nexudus_id if nexudus_id is not None else -local_id


# ---- inputs --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDraft:
    """A recipient typed at the desk (new, or corrected after the server refused it)."""

    contract_id: int
    full_name: str
    contact_type: ContractContactType = ContractContactType.NOMINATED_RECIPIENT
    email: str = ""
    coworker_id: int | None = None
    date_of_birth: date | None = field(default=None, repr=False)
    address: str = ""
    post_code: str = ""
    city_name: str = ""
    state: str = ""
    country_id: int | None = None
    phone_number: str = ""
    notes: str = ""


@dataclass(frozen=True)
class DeliveryDraft:
    """A delivery logged at the desk. `contact_id` is a public contact id (see module doc)."""

    contract_id: int | None
    business_id: int
    name: str
    location: str
    delivery_type: DeliveryType = DeliveryType.MAIL
    contact_id: int | None = None
    coworker_id: int | None = None
    shelf: str = ""
    received_by: str = ""
    tracking_number: str = ""
    carrier: str = ""
    label_text: str = ""
    match_decision: str = ""
    match_confidence: float | None = None
    match_reasons: tuple[str, ...] = ()
    notes: str = ""
    requires_signature: bool = False


# ---- matching ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasInfo:
    alias_id: int
    text: str
    contract_id: int
    contact_id: int | None  # public id


# ---- directory -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    contact_id: int  # public id
    local_id: int
    nexudus_id: int | None
    contract_id: int
    contact_type: ContractContactType
    full_name: str
    display_name: str
    email: str
    coworker_id: int | None
    date_of_birth: date | None = field(repr=False)
    address: str
    post_code: str
    city_name: str
    state: str
    country_id: int | None
    phone_number: str
    notes: str
    aml_check_status: AmlCheckStatus
    aml_check_date: datetime | None
    aml_notes: str
    local_state: str  # synced / pending / failed
    gone: bool
    outbox_id: int | None  # the create entry while the server does not have it yet
    field_errors: dict[str, list[str]]


@dataclass(frozen=True)
class ContractSummary:
    contract_id: int
    company_name: str
    billing_name: str
    holder_name: str
    po_box: str
    tariff_name: str
    location_id: int | None
    cancelled: bool
    cancellation_date: date | None
    gone: bool


@dataclass(frozen=True)
class ContractDetail:
    contract_id: int
    company_name: str
    billing_name: str
    holder_name: str
    holder_coworker_id: int | None
    email: str
    po_box: str
    tariff_name: str
    location_id: int | None
    active: bool
    cancelled: bool
    cancellation_date: date | None
    delivery_instructions: str
    handling_mail: HandlingPreference
    handling_parcels: HandlingPreference
    handling_checks: HandlingPreference
    handling_publicity: HandlingPreference
    gone: bool
    contacts: list[ContactRow]


@dataclass(frozen=True)
class CountryInfo:
    country_id: int
    name: str
    code: str


@dataclass(frozen=True)
class BusinessInfo:
    business_id: int
    name: str


@dataclass(frozen=True)
class CoworkerInfo:
    coworker_id: int
    full_name: str
    email: str
    company_name: str
    active: bool


# ---- deliveries, outbox, status ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryRow:
    delivery_id: int  # local id
    nexudus_id: int | None
    contract_id: int | None
    contact_id: int | None  # public id
    coworker_id: int | None
    business_id: int | None
    recipient_name: str
    company_name: str
    name: str
    location: str
    shelf: str
    delivery_type: DeliveryType
    received_by: str
    tracking_number: str
    carrier: str
    label_text: str
    match_decision: str
    match_confidence: float | None
    match_reasons: tuple[str, ...]
    notes: str
    created_at: datetime
    created_by: str
    collected_at: datetime | None
    collected_by: str
    collected_for: str
    voided_at: datetime | None
    voided_by: str
    void_reason: str
    local_state: str
    age: timedelta
    contact_aml_status: int | None = None  # the recipient's ID check (AmlCheckStatus); None: no contact


@dataclass(frozen=True)
class OutboxRow:
    outbox_id: int
    kind: str
    state: str
    summary: str  # plain language: "New recipient Jane Doe for Acme Ltd"
    attempts: int
    last_error: str
    field_errors: dict[str, list[str]]
    contact_id: int | None  # public id
    delivery_id: int | None
    created_at: datetime
    updated_at: datetime
    created_by: str
    outcome_unknown: bool = False  # a send got no clear answer: Nexudus may have what this entry creates


@dataclass(frozen=True)
class StatusSummary:
    contracts: int
    contacts: int
    outbox_pending: int
    outbox_failed: int
    last_sync: datetime | None
    outbox_paused: bool = False

    def to_json(self) -> dict[str, object]:
        """Exactly the keys of the CLI contract."""
        return {
            "contracts": self.contracts,
            "contacts": self.contacts,
            "outbox_pending": self.outbox_pending,
            "outbox_failed": self.outbox_failed,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
        }
