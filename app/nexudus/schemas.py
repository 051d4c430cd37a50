"""The wire format: typed records for what Nexudus sends (pydantic v2), and the one parser of its dates.

This module is the single description of the Nexudus JSON Pigeonhole reads (see docs/architecture.md and
shared/nexudus-api.md). The client validates list pages and command answers with these models; the sync's write
path (app.store.directory) builds its table rows from the same field declarations (`wire_field`), so a field fixed
here is fixed for both. Every API date goes through `parse_api_datetime` / `parse_api_date` (the sandbox's filters
and validation rules too).

Conventions:
- Attributes are snake_case; the API's PascalCase names are the aliases (`ContractContact.full_name` <- `FullName`).
  Models accept either spelling; `model_dump(by_alias=True)` gives the wire shape back.
- Tolerant: unknown fields are ignored, every field except `id` is optional (list results are often summaries),
  numbers where text is expected become text, and an enum value this release does not know stays a plain int
  (the field type is `EnumType | int | None`; IntEnum members compare equal to their ints).
- Dates: every timestamp goes through `parse_api_datetime` (naive UTC); dates of birth through `parse_api_date`.
- Ids are Python ints (the API's 64-bit integers).
- Dates of birth are kept out of `repr()` so a stray log line cannot leak them.
"""

from __future__ import annotations

import enum
import functools
import logging
import typing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

import pydantic
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator
from pydantic.alias_generators import to_pascal

from app.nexudus.enums import AmlCheckStatus, ContractContactType, CoworkerType, DeliveryType, HandlingPreference

log = logging.getLogger(__name__)

_DOTNET_EMPTY_YEAR = 1  # .NET's DateTime.MinValue (0001-01-01) is how an empty date is sometimes sent


def parse_api_datetime(value: object) -> datetime | None:
    """The one place API timestamps are interpreted. Returns a naive datetime in UTC, or None for an empty value.

    Accepts `2025-01-15T10:30:00Z`, no suffix (taken as UTC, see nexudus-api.md: UpdatedOn is approximately UTC),
    offsets (`+02:00`, converted to UTC), fractional seconds of any length (truncated to microseconds), a bare date,
    a space instead of `T`, and datetime objects (aware ones are converted to UTC). Empty strings and .NET's
    `0001-01-01T00:00:00` mean "no date" -> None.
    """
    if value is None or value == "":
        return None
    if type(value) is str:
        try:  # fast path: `...Z` is UTC already, so parse it as a naive value
            parsed = datetime.fromisoformat(value[:-1] if value[-1] in "Zz" else value)
        except ValueError as exc:
            raise ValueError(f"not a date and time: {value!r}") from exc
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        raise ValueError(f"not a date and time: {type(value).__name__}")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if parsed.year == _DOTNET_EMPTY_YEAR:
        return None
    return parsed


def api_datetime_text(value: object, *, fast: bool = True) -> str | None:
    """`parse_api_datetime`, written as the naive-UTC text `YYYY-MM-DD HH:MM:SS.ffffff` the store keeps.

    `fast`: the common `2025-01-15T10:30:00Z` is checked by the C parser and rewritten as text without building
    and formatting a datetime (the listing hot path: four dates a contact). Any other form, and every value when
    `fast` is off, goes through `parse_api_datetime`. Raises ValueError like it."""
    if value is None:
        return None
    if fast and type(value) is str and len(value) == 20 and value[19] == "Z" and value[10] == "T" and value[0] != "0":
        # (years before 1000, .NET's empty 0001-01-01 among them, take the full parser)
        try:
            datetime.fromisoformat(value[:19])
        except ValueError:
            pass  # not a real date: parse_api_datetime raises with the message
        else:
            return f"{value[:10]} {value[11:19]}.000000"
    parsed = parse_api_datetime(value)
    return None if parsed is None else parsed.strftime("%Y-%m-%d %H:%M:%S.%f")


def parse_api_date(value: object) -> date | None:
    """A calendar date (date of birth): the date part as written, never shifted by a time zone."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, str):
        try:
            result = date.fromisoformat(value[:10])
        except ValueError as exc:
            raise ValueError("not a date") from exc  # the value itself may be a date of birth: keep it out
    else:
        raise ValueError(f"not a date: {type(value).__name__}")
    return None if result.year == _DOTNET_EMPTY_YEAR else result


def format_api_datetime(value: datetime) -> str:
    """A datetime as the API writes it: `2025-01-15T10:30:00Z` (naive values are taken as UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _format_api_date(value: date) -> str:
    return value.isoformat()


# `X | None` outside the Annotated, so None never reaches the validators and JSON dumps use the wire format.
ApiDateTime = Annotated[
    datetime, PlainValidator(parse_api_datetime), PlainSerializer(format_api_datetime, when_used="json")
]
ApiDate = Annotated[date, PlainValidator(parse_api_date), PlainSerializer(_format_api_date, when_used="json")]
_LEFT_TO_RIGHT = Field(union_mode="left_to_right")  # try the enum first; an unknown value stays a plain int
ContractContactTypeField = Annotated[ContractContactType | int | None, _LEFT_TO_RIGHT]
AmlCheckStatusField = Annotated[AmlCheckStatus | int | None, _LEFT_TO_RIGHT]
HandlingPreferenceField = Annotated[HandlingPreference | int | None, _LEFT_TO_RIGHT]
DeliveryTypeField = Annotated[DeliveryType | int | None, _LEFT_TO_RIGHT]
CoworkerTypeField = Annotated[CoworkerType | int | None, _LEFT_TO_RIGHT]


M = TypeVar("M", bound=BaseModel)


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="ignore",
        coerce_numbers_to_str=True,
        frozen=False,
    )


class NexudusRecord(WireModel):
    """Fields every Nexudus record has."""

    id: int
    unique_id: str | None = None
    created_on: ApiDateTime | None = None
    updated_on: ApiDateTime | None = None
    updated_by: str | None = None
    is_new: bool | None = None
    system_id: str | None = None


class ContractContact(NexudusRecord):
    coworker_contract_id: int | None = None
    full_name: str | None = None
    contract_contact_type: ContractContactTypeField = None
    coworker_id: int | None = None
    email: str | None = None
    date_of_birth: ApiDate | None = Field(default=None, repr=False)
    address: str | None = None
    post_code: str | None = None
    city_name: str | None = None
    state: str | None = None
    country_id: int | None = None
    phone_number: str | None = None
    notes: str | None = None
    # read-only echoes filled by the server
    coworker_full_name: str | None = None
    coworker_company_name: str | None = None
    coworker_billing_name: str | None = None
    coworker_email: str | None = None
    coworker_active: bool | None = None
    coworker_contract_tariff_name: str | None = None
    country_name: str | None = None
    # anti-money-laundering (newer API versions)
    aml_check_status: AmlCheckStatusField = None
    aml_check_date: ApiDateTime | None = None
    aml_notes: str | None = None
    aml_cleared_by: str | None = None
    aml_cleared_on: ApiDateTime | None = None


class CoworkerContract(NexudusRecord):
    coworker_id: int | None = None
    coworker_full_name: str | None = None
    coworker_company_name: str | None = None
    coworker_billing_name: str | None = None
    coworker_email: str | None = None
    issued_by_id: int | None = None
    tariff_id: int | None = None
    tariff_name: str | None = None
    active: bool | None = None
    cancelled: bool | None = None
    cancellation_date: ApiDateTime | None = None
    start_date: ApiDateTime | None = None
    po_box_number: str | None = None
    delivery_instructions: str | None = None
    delivery_handling_preference_mail: HandlingPreferenceField = None
    delivery_handling_preference_parcels: HandlingPreferenceField = None
    delivery_handling_preference_checks: HandlingPreferenceField = None
    delivery_handling_preference_publicity: HandlingPreferenceField = None


class Coworker(NexudusRecord):
    coworker_type: CoworkerTypeField = None
    full_name: str | None = None
    email: str | None = None
    company_name: str | None = None
    billing_name: str | None = None
    nick_name: str | None = None
    salutation: str | None = None
    active: bool | None = None
    mobile_phone: str | None = None
    address: str | None = None
    post_code: str | None = None
    city_name: str | None = None
    country_id: int | None = None
    notify_on_delivery: bool | None = None


class CoworkerDelivery(NexudusRecord):
    business_id: int | None = None
    name: str | None = None
    location: str | None = None
    delivery_type: DeliveryTypeField = None
    coworker_id: int | None = None
    contract_contact_id: int | None = None
    received_by: str | None = None
    notes: str | None = None
    requires_signature: bool | None = None
    handling_preference: HandlingPreferenceField = None
    collected: bool | None = None
    collected_on: ApiDateTime | None = None
    # outcome flags, each with its time
    processed: bool | None = None
    processed_on: ApiDateTime | None = None
    forwarded: bool | None = None
    forwarded_on: ApiDateTime | None = None
    scanned: bool | None = None
    scanned_on: ApiDateTime | None = None
    recycled: bool | None = None
    recycled_on: ApiDateTime | None = None
    shredded: bool | None = None
    shredded_on: ApiDateTime | None = None
    stored_for_collection: bool | None = None
    stored_for_collection_on: ApiDateTime | None = None
    returned_to_sender: bool | None = None
    returned_to_sender_on: ApiDateTime | None = None
    check_deposited: bool | None = None
    check_deposited_on: ApiDateTime | None = None
    signed: bool | None = None
    notified: bool | None = None
    billed: bool | None = None
    # file slots (names only; the files are read with getfiledata/getsignature)
    file_data_file_name: str | None = None
    signature_file_name: str | None = None
    scanned_file_data_file_name: str | None = None
    forwarded_file_data_file_name: str | None = None
    # read-only echoes
    business_name: str | None = None
    coworker_full_name: str | None = None
    contract_contact_full_name: str | None = None
    contract_contact_email: str | None = None


class Country(NexudusRecord):
    name: str | None = None
    two_digits_code: str | None = None
    culture: str | None = None


class Business(NexudusRecord):
    name: str | None = None
    root_location_id: int | None = None


class PageInfo(WireModel):
    """The list envelope without its records (older responses say PageNumber/PageSize)."""

    current_page: int = Field(default=1, validation_alias=AliasChoices("CurrentPage", "PageNumber", "current_page"))
    current_page_size: int | None = Field(
        default=None, validation_alias=AliasChoices("CurrentPageSize", "PageSize", "current_page_size")
    )
    total_items: int | None = None
    total_pages: int | None = None
    has_next_page: bool | None = None  # missing in some answers: see app.nexudus.client.has_next_page
    has_previous_page: bool = False
    first_item: int | None = None
    last_item: int | None = None


class ListPage(PageInfo):
    """The list envelope. `records` stay raw dicts: validate them with the record model you need."""

    records: list[dict[str, Any]] = Field(default_factory=list)


class TypedPage(PageInfo, Generic[M]):
    """The list envelope with its records validated as `M` (parsed straight from the JSON bytes: the fast path)."""

    records: list[M] = Field(default_factory=list)


class ApiFieldError(WireModel):
    property_name: str | None = None
    message: str | None = None
    attempted_value: Any = None


class CommandResult(WireModel):
    """The command envelope every write answers."""

    status: int | None = None
    message: str | None = None
    value: Any = None
    open_in_dialog: bool | None = None
    open_in_window: bool | None = None
    redirect_url: str | None = Field(default=None, alias="RedirectURL")
    java_script: str | None = Field(default=None, alias="JavaScript")
    updated_on: ApiDateTime | None = None
    updated_by: str | None = None
    errors: list[ApiFieldError] | None = None
    was_successful: bool = False

    @property
    def id(self) -> int | None:
        """The Id of the created/updated record when the server names one (`Value.Id`)."""
        if isinstance(self.value, dict):
            raw = self.value.get("Id")
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
        return None


WireKind = Literal["int", "str", "bool", "datetime", "date", "enum", "any"]


@dataclass(frozen=True)
class WireField:
    """One field of a wire model as a fast reader needs it: the JSON name and what kind of value it holds."""

    name: str  # attribute name, e.g. "coworker_contract_id"
    key: str  # JSON name, e.g. "CoworkerContractId"
    kind: WireKind


@functools.cache
def wire_field(model: type[WireModel], name: str) -> WireField:
    """The declaration of `model.name` (KeyError for a field the model does not have)."""
    info = model.model_fields[name]
    return WireField(name, info.alias or name, _kind_of(info.annotation))


def _kind_of(annotation: Any) -> WireKind:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    if typing.get_origin(annotation) is Annotated:
        args = [annotation]
    first = args[0]
    if typing.get_origin(first) is Annotated:
        base = typing.get_args(first)[0]
        if base is datetime:
            return "datetime"
        if base is date:
            return "date"
        return _kind_of(base)
    if isinstance(first, type) and issubclass(first, enum.IntEnum):
        return "enum"
    if first is bool:
        return "bool"
    if first is int:
        return "int"
    if first is str:
        return "str"
    return "any"


def parse_record(model: type[M], raw: dict[str, Any]) -> M:
    """Validate one record; fall back to dropping optional fields that do not validate (logged by name only).

    Raises pydantic.ValidationError only when a required field (the Id) is unusable.
    """
    try:
        return model.model_validate(raw)
    except pydantic.ValidationError as exc:
        bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
        aliases = {name: (field.alias or name) for name, field in model.model_fields.items()}
        required = {aliases[name] for name, field in model.model_fields.items() if field.is_required()}
        required |= {name for name, field in model.model_fields.items() if field.is_required()}
        if not bad or bad & required:
            raise
        log.warning("%s %s: ignoring unreadable field(s) %s", model.__name__, raw.get("Id"), ", ".join(sorted(bad)))
        return model.model_validate({k: v for k, v in raw.items() if k not in bad})
