"""Field rules for the records Pigeonhole writes to Nexudus, in one table.

The sandbox validates with these rules and the desk mirrors them for inline validation, so both agree on what
Nexudus will refuse. Nexudus documents which fields are required and the shape of a validation failure (HTTP 400,
`Message` joining `PropertyName: message` entries, `Errors` with `AttemptedValue`, `Message`, `PropertyName`);
the length limits and the wording of every message other than "is a required field" are INFERRED: change them
here, in one place.

`validate_record` checks one record against a table and returns `FieldError`s in table order; whether a
referenced record (contract, coworker, country, business, contact) exists is answered by the caller's `exists`
callback, because only the caller knows its data.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum, IntEnum
from typing import Any

from app.errors import FieldError
from app.nexudus.enums import AmlCheckStatus, ContractContactType, DeliveryType, HandlingPreference
from app.nexudus.schemas import parse_api_datetime
from app.nexudus.text import NOT_STORABLE, in_int64_range, is_storable

# How the 400 body's `Message` joins its `PropertyName: message` entries. The documented example has one entry,
# so the separator is INFERRED.
MESSAGE_SEPARATOR = "\n"

REQUIRED = "is a required field"  # documented wording
TOO_LONG = "must be at most {max_length} characters long"
NOT_AN_EMAIL = "is not a valid email address"
NOT_A_DATE = "is not a valid date"
IN_THE_FUTURE = "cannot be in the future"
NOT_ALLOWED = "is not one of the allowed values"
NOT_VALID = "is not a valid value"
NO_SUCH_RECORD = "refers to a {entity} that does not exist"
ONE_OF_REQUIRED = "is a required field when {other} is empty"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class Kind(Enum):
    TEXT = "text"
    EMAIL = "email"
    PAST_DATE = "past date"  # a date (or date-time) that is not after today, e.g. DateOfBirth
    DATETIME = "date-time"
    ENUM = "enum"
    REFERENCE = "reference"  # the Id of another record; 0 means none
    BOOL = "bool"
    GUID = "guid"


@dataclass(frozen=True)
class FieldRule:
    name: str
    kind: Kind
    required: bool = False
    max_length: int | None = None
    enum: type[IntEnum] | None = None
    entity: str | None = None  # for REFERENCE: the entity referred to, e.g. "CoworkerContract"


def _text(name: str, max_length: int, *, required: bool = False) -> FieldRule:
    return FieldRule(name, Kind.TEXT, required=required, max_length=max_length)


def _ref(name: str, entity: str, *, required: bool = False) -> FieldRule:
    return FieldRule(name, Kind.REFERENCE, required=required, entity=entity)


NAME_MAX = 200
EMAIL_MAX = 200
PHONE_MAX = 50
POSTCODE_MAX = 20
ADDRESS_MAX = 500
CITY_MAX = 100
NOTES_MAX = 2000
SYSTEM_ID_MAX = 200
FILE_NAME_MAX = 260
FILE_URL_MAX = 20_000_000  # INFERRED: a data: URL carrying a scan (the live server fetches a real URL)

# CoworkerDelivery outcome flags (each with `{Flag}On`), billing products and file slots (see nexudus-api.md;
# the sandbox's record shape in app.sandbox.shapes uses the same names). `Collected`/`CollectedOn` are listed apart.
DELIVERY_OUTCOME_FLAGS: tuple[str, ...] = (
    "Processed",
    "Forwarded",
    "Scanned",
    "Recycled",
    "Shredded",
    "StoredForCollection",
    "ReturnedToSender",
    "CheckDeposited",
)
DELIVERY_PRODUCT_FIELDS: tuple[str, ...] = (
    "ForwardedProductUniqueId",
    "ScannedProductUniqueId",
    "RecycledProductUniqueId",
    "ShreddedProductUniqueId",
    "StoredForCollectionProductUniqueId",
    "ReturnedToSenderProductUniqueId",
    "CheckDepositedProductUniqueId",
    "ForwardingAddressUniqueId",
)
# `FileData` (label image) and `Signature` are documented with `{Slot}FileName` + `New{Slot}Url`; the scan and the
# forwarding receipt are documented as `ScannedFileData*` / `ForwardedFileData*`: INFERRED to follow the same pattern.
DELIVERY_FILE_SLOTS: tuple[str, ...] = ("FileData", "Signature", "ScannedFileData", "ForwardedFileData")

# Fields every record accepts on create (INFERRED that SystemId can be set; the client relies on it).
META_RULES: tuple[FieldRule, ...] = (
    FieldRule("UniqueId", Kind.GUID),
    _text("SystemId", SYSTEM_ID_MAX),
    FieldRule("CreatedOn", Kind.DATETIME),
    FieldRule("IsNew", Kind.BOOL),
)

CONTRACT_CONTACT_RULES: tuple[FieldRule, ...] = (
    _ref("CoworkerContractId", "CoworkerContract", required=True),
    _text("FullName", NAME_MAX, required=True),
    FieldRule("ContractContactType", Kind.ENUM, enum=ContractContactType),
    _ref("CoworkerId", "Coworker"),
    FieldRule("Email", Kind.EMAIL, max_length=EMAIL_MAX),
    FieldRule("DateOfBirth", Kind.PAST_DATE),
    _text("Address", ADDRESS_MAX),
    _text("PostCode", POSTCODE_MAX),
    _text("CityName", CITY_MAX),
    _text("State", CITY_MAX),
    _ref("CountryId", "Country"),
    _text("PhoneNumber", PHONE_MAX),
    _text("Notes", NOTES_MAX),
    FieldRule("AmlCheckStatus", Kind.ENUM, enum=AmlCheckStatus),
    FieldRule("AmlCheckDate", Kind.DATETIME),
    _text("AmlNotes", NOTES_MAX),
    _text("AmlClearedBy", NAME_MAX),
    FieldRule("AmlClearedOn", Kind.DATETIME),
    *META_RULES,
)

COWORKER_DELIVERY_RULES: tuple[FieldRule, ...] = (
    _ref("BusinessId", "Business", required=True),
    _text("Name", NAME_MAX, required=True),
    _text("Location", NAME_MAX, required=True),
    FieldRule("DeliveryType", Kind.ENUM, required=True, enum=DeliveryType),
    _ref("CoworkerId", "Coworker"),
    _ref("ContractContactId", "ContractContact"),
    _text("ReceivedBy", NAME_MAX),
    _text("Notes", NOTES_MAX),
    FieldRule("RequiresSignature", Kind.BOOL),
    FieldRule("HandlingPreference", Kind.ENUM, enum=HandlingPreference),
    FieldRule("Collected", Kind.BOOL),
    FieldRule("CollectedOn", Kind.DATETIME),
    *(
        rule
        for flag in DELIVERY_OUTCOME_FLAGS
        for rule in (FieldRule(flag, Kind.BOOL), FieldRule(f"{flag}On", Kind.DATETIME))
    ),
    FieldRule("Signed", Kind.BOOL),
    FieldRule("Notified", Kind.BOOL),
    FieldRule("Billed", Kind.BOOL),
    *(FieldRule(name, Kind.GUID) for name in DELIVERY_PRODUCT_FIELDS),
    *(_text(f"{slot}FileName", FILE_NAME_MAX) for slot in DELIVERY_FILE_SLOTS),
    *(_text(f"New{slot}Url", FILE_URL_MAX) for slot in DELIVERY_FILE_SLOTS),
    *META_RULES,
)

RULES: dict[str, tuple[FieldRule, ...]] = {
    "ContractContact": CONTRACT_CONTACT_RULES,
    "CoworkerDelivery": COWORKER_DELIVERY_RULES,
}

# At least one of these must be set (the first one carries the error).
ONE_OF: dict[str, tuple[str, str]] = {
    "CoworkerDelivery": ("CoworkerId", "ContractContactId"),
}

# A contact linked to a coworker takes these from the coworker, so they need not be sent.
FILLED_FROM_LINKED_COWORKER: dict[str, tuple[str, ...]] = {
    "ContractContact": ("FullName", "Email"),
}


def is_empty(value: Any) -> bool:
    """What Nexudus treats as "not given": missing, null, blank text, or 0 for a reference."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: str) -> datetime | None:
    """An API date or date-time as naive UTC, or None when it is not one (.NET's empty 0001-01-01 included).
    Read by the wire format's one parser, `schemas.parse_api_datetime`."""
    try:
        return parse_api_datetime(value.strip())
    except ValueError:
        return None


def check_value(rule: FieldRule, value: Any, *, today: date | None = None) -> str | None:
    """The message for a non-empty value that breaks `rule`, or None. Emptiness is the caller's concern."""
    kind = rule.kind
    if kind in (Kind.TEXT, Kind.EMAIL, Kind.GUID, Kind.DATETIME, Kind.PAST_DATE) and not isinstance(value, str):
        return NOT_VALID
    if kind in (Kind.ENUM, Kind.REFERENCE) and (isinstance(value, bool) or not isinstance(value, int)):
        return NOT_VALID
    if kind is Kind.BOOL and not isinstance(value, bool):
        return NOT_VALID
    if isinstance(value, str) and not is_storable(value):
        return NOT_STORABLE  # app.nexudus.text: NUL, control characters, lone surrogates
    if rule.max_length is not None and len(value) > rule.max_length:
        return TOO_LONG.format(max_length=rule.max_length)
    if kind is Kind.EMAIL and not _EMAIL.match(value):
        return NOT_AN_EMAIL
    if kind in (Kind.DATETIME, Kind.PAST_DATE):
        parsed = parse_date(value)
        if parsed is None:
            return NOT_A_DATE
        if kind is Kind.PAST_DATE and parsed.date() > (today or datetime.now(UTC).date()):
            return IN_THE_FUTURE
    if kind is Kind.ENUM and rule.enum is not None and value not in {m.value for m in rule.enum}:
        return NOT_ALLOWED
    if kind is Kind.REFERENCE and (value < 0 or not in_int64_range(value)):
        return NOT_VALID
    if kind is Kind.GUID:
        try:
            uuid.UUID(value)
        except ValueError:
            return NOT_VALID
    return None


def _given(rule: FieldRule, value: Any) -> bool:
    if rule.kind is Kind.REFERENCE and value == 0 and not isinstance(value, bool):
        return False
    return not is_empty(value)


def validate_record(
    entity: str,
    record: Mapping[str, Any],
    *,
    exists: Callable[[str, int], bool] | None = None,
    today: date | None = None,
    rules: Sequence[FieldRule] | None = None,
) -> list[FieldError]:
    """Every rule `record` breaks, in table order. `exists(entity, id)` answers reference checks when given."""
    table = RULES[entity] if rules is None else rules
    one_of = ONE_OF.get(entity)
    errors: list[FieldError] = []
    for rule in table:
        raw = record.get(rule.name)
        attempted = None if isinstance(raw, str) and not raw.strip() else raw  # empty text binds as null
        if not _given(rule, raw):
            if rule.required:
                errors.append(FieldError(rule.name, REQUIRED, attempted))
            elif one_of and rule.name == one_of[0] and not _given(rule, record.get(one_of[1])):
                errors.append(FieldError(rule.name, ONE_OF_REQUIRED.format(other=one_of[1]), attempted))
            continue
        message = check_value(rule, raw, today=today)
        if (
            message is None
            and rule.kind is Kind.REFERENCE
            and exists is not None
            and rule.entity is not None
            and isinstance(raw, int)
            and not exists(rule.entity, raw)
        ):
            message = NO_SUCH_RECORD.format(entity=rule.entity)
        if message is not None:
            errors.append(FieldError(rule.name, message, attempted))
    return errors


def join_messages(errors: Sequence[FieldError]) -> str:
    """The 400 body's `Message`: every failure as `PropertyName: message`."""
    return MESSAGE_SEPARATOR.join(e.as_text() for e in errors)
