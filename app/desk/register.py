"""Register a recipient on the spot: a director, trading name or nominated recipient nobody has heard of yet.

Validation uses the SAME rule table as the server (`app.nexudus.validation_rules`), applied to the record the
outbox will send, so the desk refuses what Nexudus would refuse. Messages are reworded for the desk
(`app.nexudus.refusals.plain_message`), both for local checks and for the messages of a server 400.

`register` stores the recipient as pending with its outbox entry (one transaction) and adds it to the matching
index at once, so the parcel in hand can be recorded for them straight away.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.engine import Engine

from app.desk.matching_service import MatchingService
from app.desk.phone import phone_problem
from app.desk.vocabulary import REGISTRABLE_TYPES, contact_type_word, is_person_type
from app.matching import ContactKind, Decision
from app.matching.normalize import LEGAL_FORMS, fold, split_tokens
from app.nexudus import validation_rules as rules
from app.nexudus.enums import ContractContactType as ContractContactType  # re-exported for the UI
from app.nexudus.refusals import FIELD_LABELS as FIELD_LABELS  # re-exported for the UI
from app.nexudus.refusals import plain_message
from app.nexudus.refusals import refusal_text as refusal_text  # re-exported for the UI
from app.store import (
    ContactDraft,
    ContactRow,
    ContractSummary,
    CountryInfo,
    CoworkerInfo,
    contact_row,
    contract_detail,
    list_countries,
    outbox_entry,
    register_contact,
    resubmit_contact,
    search_contracts,
    search_coworkers,
    session_scope,
)
from app.store.errors import RecordNotFound
from app.store.errors import StoreError as StoreError  # re-exported for the UI

log = logging.getLogger(__name__)

RecipientDraft = ContactDraft  # the desk's name for it; the UI imports it from here

KIND_CHOICES: list[tuple[ContractContactType, str]] = [(k, contact_type_word(k)) for k in REGISTRABLE_TYPES]

_COMPANY_WORDS = frozenset(
    {
        "company",
        "group",
        "holdings",
        "trading",
        "services",
        "solutions",
        "consulting",
        "consultancy",
        "studio",
        "studios",
        "labs",
        "partners",
        "associates",
        "ventures",
        "capital",
        "agency",
        "media",
        "design",
        "digital",
        "systems",
        "technologies",
        "tech",
        "international",
        "global",
        "enterprises",
        "foundation",
        "trust",
        "network",
    }
)
_NOMINATED = re.compile(
    r"\b(?:c\s*/\s*o|care\s+of|f\.?\s?a\.?\s?o\.?|attn\.?|attention|for\s+the\s+attention\s+of)(?=\W|$)", re.I
)
_SHIPPING_PREFIX = re.compile(
    r"^\s*(?:(?:deliver(?:y)?|ship|send|post)\s+to|to|for|recipient|addressee|name)\s*[:\-]\s*", re.I
)
_SPLIT_MARKERS = re.compile(
    r"\s*(?:\bc\s*/\s*o\b|\bcare\s+of\b|\bf\.?\s?a\.?\s?o\b\.?|\battn\b\.?|\battention\b|/|,)\s*", re.I
)


def api_record(draft: ContactDraft) -> dict[str, object]:
    """The ContractContact the outbox will send for this draft (for validation with the server's rules)."""
    record: dict[str, object] = {
        "CoworkerContractId": draft.contract_id or 0,
        "FullName": draft.full_name.strip(),
        "ContractContactType": int(draft.contact_type),
        "Email": draft.email.strip() or None,
        "DateOfBirth": draft.date_of_birth.isoformat() if draft.date_of_birth else None,
        "Address": draft.address.strip() or None,
        "PostCode": draft.post_code.strip() or None,
        "CityName": draft.city_name.strip() or None,
        "State": draft.state.strip() or None,
        "CountryId": draft.country_id or None,
        "PhoneNumber": draft.phone_number.strip() or None,
        "Notes": draft.notes.strip() or None,
        "CoworkerId": draft.coworker_id or None,
    }
    return record


def is_company_like(text: str) -> bool:
    tokens = split_tokens(fold(text))
    return any(t in LEGAL_FORMS or t in _COMPANY_WORDS for t in tokens)


def guess_kind(text: str) -> ContractContactType:
    """c/o, FAO, Attn -> nominated recipient; a company-like name -> trading name; a person -> director."""
    name = guess_name(text)
    if name and is_company_like(name):
        return ContractContactType.COMPANY_ALIAS
    if _NOMINATED.search(text):
        return ContractContactType.NOMINATED_RECIPIENT
    if not name and is_company_like(text):
        return ContractContactType.COMPANY_ALIAS
    return ContractContactType.DIRECTOR


def _candidate_parts(text: str) -> list[str]:
    parts: list[str] = []
    for raw_line in re.split(r"[\n\r;]+", text):
        line = _SHIPPING_PREFIX.sub("", raw_line).strip()
        if not line or any(ch.isdigit() for ch in line):
            continue  # street, postcode, phone, tracking lines
        for part in _SPLIT_MARKERS.split(line):
            part = part.strip(" .:-")
            if part:
                parts.append(part)
    return parts


def guess_name(text: str) -> str:
    """The recipient's name from a label: the first person-like part, else the first part (a trading name)."""
    parts = _candidate_parts(text)
    for part in parts:
        if not is_company_like(part):
            return _tidy(part)
    return _tidy(parts[0]) if parts else ""


def _tidy(name: str) -> str:
    name = " ".join(name.split())
    if name.isupper() or name.islower():
        return name.title()
    return name


class RecipientRefused(StoreError):
    """The draft breaks a field rule (`field_errors`: API property -> message for the desk); nothing was stored."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        first = next(iter(field_errors.items()))
        label = FIELD_LABELS.get(first[0], first[0])
        labels = ", ".join(FIELD_LABELS.get(k, k) for k in field_errors)
        super().__init__(
            f"{label}: {first[1]}" if len(field_errors) == 1 else f"Check the highlighted fields ({labels})."
        )
        self.field_errors = field_errors


@dataclass(frozen=True, slots=True)
class RegisteredRecipient:
    local_id: int
    contact_id: int  # public id (negative while Nexudus does not have it yet): what the matcher and intake use
    contract_id: int
    full_name: str
    contact_type: ContractContactType


class RegisterService:
    def __init__(self, engine: Engine, matching: MatchingService, actor: str) -> None:
        self._engine = engine
        self.matching = matching
        self.actor = actor

    # -- checks ------------------------------------------------------------------------------------------------

    @staticmethod
    def validate(draft: ContactDraft, *, today: date | None = None, phone_region: str = "") -> dict[str, str]:
        """Field -> message (API property names), with the server's rules and the desk's own (a phone number that
        is one; a trading name is not a person); empty when the draft is fine. `phone_region`: the ISO code of the
        chosen country, for numbers typed without +."""
        found: dict[str, str] = {}
        if not is_person_type(draft.contact_type):
            for name, typed in (
                ("Email", draft.email.strip()),
                ("DateOfBirth", draft.date_of_birth),
                ("PhoneNumber", draft.phone_number.strip()),
                ("CoworkerId", draft.coworker_id),
            ):
                if typed:
                    found[name] = (
                        f"A trading name is a name, not a person: it has no {FIELD_LABELS[name].lower()}. "
                        "Clear this, or choose Director or Nominated recipient as the type."
                    )
        phone = phone_problem(draft.phone_number, phone_region)
        if phone:
            found.setdefault("PhoneNumber", phone)
        for err in rules.validate_record("ContractContact", api_record(draft), today=today):
            found.setdefault(err.property_name, plain_message(err.property_name, err.message))
        return found

    @staticmethod
    def guess_kind(text: str) -> ContractContactType:
        return guess_kind(text)

    def prefill(self, label_text: str) -> ContactDraft:
        """A draft from the label: the name, the kind, and the contract when the label names a known company."""
        contract_id = 0
        if label_text.strip():
            result = self.matching.match(label_text, 3)
            best = result.best
            if best is not None and (
                result.decision == Decision.AUTO or best.kind in (ContactKind.COMPANY, ContactKind.HOLDER)
            ):
                contract_id = best.contract_id
        return ContactDraft(
            contract_id=contract_id, full_name=guess_name(label_text), contact_type=guess_kind(label_text)
        )

    # -- look-ups for the form -----------------------------------------------------------------------------

    def search_contracts(self, text: str, limit: int = 50) -> list[ContractSummary]:
        with session_scope(self._engine, readonly=True) as session:
            return search_contracts(session, text, limit)

    def contract_summary(self, contract_id: int) -> ContractSummary | None:
        if not contract_id:
            return None
        with session_scope(self._engine, readonly=True) as session:
            try:
                d = contract_detail(session, contract_id)
            except RecordNotFound:
                return None
        return ContractSummary(
            contract_id=d.contract_id,
            company_name=d.company_name,
            billing_name=d.billing_name,
            holder_name=d.holder_name,
            po_box=d.po_box,
            tariff_name=d.tariff_name,
            location_id=d.location_id,
            cancelled=d.cancelled,
            cancellation_date=d.cancellation_date,
            gone=d.gone,
        )

    def countries(self) -> list[CountryInfo]:
        with session_scope(self._engine, readonly=True) as session:
            return list_countries(session)

    def search_coworkers(self, text: str, limit: int = 20) -> list[CoworkerInfo]:
        with session_scope(self._engine, readonly=True) as session:
            return search_coworkers(session, text, limit)

    # -- writes ------------------------------------------------------------------------------------------------

    def register_recipient(self, draft: ContactDraft) -> RegisteredRecipient:
        """Store as pending + queue it; matchable at once. Raises RecipientRefused (the field rules, checked here
        too, whoever calls) or StoreError (user_message) if it cannot."""
        draft = _checked(draft)
        with session_scope(self._engine) as session:
            row = register_contact(session, draft, self.actor)
        self._index(row)
        log.info("Registered recipient %s on contract %s (pending)", row.local_id, row.contract_id)
        return _registered(row)

    def register(self, draft: ContactDraft) -> int:
        """`register_recipient`, returning the local contact id."""
        return self.register_recipient(draft).local_id

    def resubmit(self, outbox_id: int, draft: ContactDraft) -> RegisteredRecipient:
        """Staff fixed what the server refused: update the pending recipient and queue it again."""
        draft = _checked(draft)
        with session_scope(self._engine) as session:
            row = resubmit_contact(session, outbox_id, draft, self.actor)
        self._index(row)
        return _registered(row)

    def field_errors_for(self, outbox_id: int) -> dict[str, str]:
        """The server's 400 messages for this outbox entry, one per field, reworded for the desk."""
        with session_scope(self._engine, readonly=True) as session:
            entry = outbox_entry(session, outbox_id)
        return {
            name: " ".join(plain_message(name, m) for m in messages)
            for name, messages in entry.field_errors.items()
            if messages
        }

    def draft_for(self, outbox_id: int) -> ContactDraft:
        """The recipient behind an outbox entry, as a draft to correct."""
        with session_scope(self._engine, readonly=True) as session:
            entry = outbox_entry(session, outbox_id)
            if entry.contact_id is None:
                raise RecordNotFound("That outbox entry is not a new recipient.")
            local_id = -entry.contact_id if entry.contact_id < 0 else None
            if local_id is None:
                raise RecordNotFound("Nexudus already has this recipient; nothing to correct.")
            row = contact_row(session, local_id)
        return ContactDraft(
            contract_id=row.contract_id,
            full_name=row.full_name,
            contact_type=row.contact_type,
            email=row.email,
            coworker_id=row.coworker_id,
            date_of_birth=row.date_of_birth,
            address=row.address,
            post_code=row.post_code,
            city_name=row.city_name,
            state=row.state,
            country_id=row.country_id,
            phone_number=row.phone_number,
            notes=row.notes,
        )

    def _index(self, row: ContactRow) -> None:
        self.matching.add_contact(row.contact_id, row.contract_id, int(row.contact_type), row.display_name)


def _registered(row: ContactRow) -> RegisteredRecipient:
    return RegisteredRecipient(
        local_id=row.local_id,
        contact_id=row.contact_id,
        contract_id=row.contract_id,
        full_name=row.display_name or row.full_name,
        contact_type=row.contact_type,
    )


def _checked(draft: ContactDraft) -> ContactDraft:
    """The trimmed draft, or RecipientRefused when it breaks a field rule."""
    draft = _trimmed(draft)
    problems = RegisterService.validate(draft)
    if problems:
        raise RecipientRefused(problems)
    return draft


def _trimmed(draft: ContactDraft) -> ContactDraft:
    return replace(
        draft,
        full_name=" ".join(draft.full_name.split()),
        email=draft.email.strip(),
        address=draft.address.strip(),
        post_code=draft.post_code.strip(),
        city_name=draft.city_name.strip(),
        state=draft.state.strip(),
        phone_number=draft.phone_number.strip(),
        notes=draft.notes.strip(),
    )
