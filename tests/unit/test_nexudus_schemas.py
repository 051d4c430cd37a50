"""Wire schemas: tolerant parsing, naive-UTC dates, 64-bit ids, enums (no network)."""

from __future__ import annotations

from datetime import date, datetime

import pydantic
import pytest

from app.nexudus.enums import AmlCheckStatus, ContractContactType, DeliveryType, HandlingPreference
from app.nexudus.schemas import (
    Business,
    CommandResult,
    ContractContact,
    Country,
    Coworker,
    CoworkerContract,
    CoworkerDelivery,
    ListPage,
    format_api_datetime,
    parse_api_date,
    parse_api_datetime,
    parse_record,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-15T10:30:00Z", datetime(2025, 1, 15, 10, 30)),
        ("2025-01-15T10:30:00", datetime(2025, 1, 15, 10, 30)),
        ("2025-01-15T10:30:00.5Z", datetime(2025, 1, 15, 10, 30, 0, 500000)),
        ("2025-01-15T10:30:00.1234567Z", datetime(2025, 1, 15, 10, 30, 0, 123456)),
        ("2025-01-15T10:30:00.123+02:00", datetime(2025, 1, 15, 8, 30, 0, 123000)),
        ("2025-01-15T00:30:00-05:30", datetime(2025, 1, 15, 6, 0)),
        ("2025-01-15T23:30:00-01:00", datetime(2025, 1, 16, 0, 30)),
        ("2025-01-15 10:30:00", datetime(2025, 1, 15, 10, 30)),
        ("2025-01-15T10:30", datetime(2025, 1, 15, 10, 30)),
        ("2025-01-15", datetime(2025, 1, 15)),
        ("", None),
        (None, None),
        ("0001-01-01T00:00:00", None),
    ],
)
def test_api_datetimes_become_naive_utc(text: str | None, expected: datetime | None) -> None:
    parsed = parse_api_datetime(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is None


def test_unreadable_datetime_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_api_datetime("15/01/2025 10:30")
    with pytest.raises(ValueError):
        parse_api_datetime(12345)


def test_date_of_birth_keeps_the_written_day_whatever_the_offset() -> None:
    assert parse_api_date("1980-05-01T00:00:00+02:00") == date(1980, 5, 1)
    assert parse_api_date("1980-05-01T00:00:00Z") == date(1980, 5, 1)
    assert parse_api_date("1980-05-01") == date(1980, 5, 1)
    assert parse_api_date("") is None
    with pytest.raises(ValueError) as info:
        parse_api_date("1980-13-45")
    assert "1980" not in str(info.value)  # never echo a date of birth


def test_format_api_datetime_round_trips() -> None:
    assert format_api_datetime(datetime(2025, 1, 15, 10, 30)) == "2025-01-15T10:30:00Z"
    assert parse_api_datetime(format_api_datetime(datetime(2025, 1, 15, 10, 30, 5))) == datetime(2025, 1, 15, 10, 30, 5)


def test_contract_contact_from_a_full_record() -> None:
    raw = {
        "Id": 9_007_199_254_740_993,  # beyond 2**53: must stay exact
        "UniqueId": "0d4f5f7e-8d8b-4a7e-9b1a-1c2d3e4f5a6b",
        "CreatedOn": "2024-03-01T09:00:00Z",
        "UpdatedOn": "2025-01-15T10:30:00.1234567",
        "UpdatedBy": "admin@example.com",
        "IsNew": False,
        "SystemId": "pigeonhole:abc",
        "CoworkerContractId": 8_000_000_001,
        "FullName": "Zoë Ó Briain",
        "ContractContactType": 3,
        "CoworkerId": None,
        "Email": "zoe@example.ie",
        "DateOfBirth": "1980-05-01T00:00:00Z",
        "PostCode": 10115,  # numbers where text is expected become text
        "AmlCheckStatus": 2,
        "AmlCheckDate": "2024-05-01T12:00:00+01:00",
        "CoworkerActive": True,
        "SomethingNewFromNexudus": {"nested": [1, 2]},
    }
    contact = ContractContact.model_validate(raw)
    assert contact.id == 9_007_199_254_740_993
    assert contact.coworker_contract_id == 8_000_000_001
    assert contact.contract_contact_type is ContractContactType.NOMINATED_RECIPIENT
    assert contact.aml_check_status is AmlCheckStatus.CLEAR
    assert contact.aml_check_date == datetime(2024, 5, 1, 11, 0)
    assert contact.updated_on == datetime(2025, 1, 15, 10, 30, 0, 123456)
    assert contact.post_code == "10115"
    assert contact.date_of_birth == date(1980, 5, 1)
    assert "1980" not in repr(contact)
    wire = contact.model_dump(by_alias=True, mode="json")
    assert wire["FullName"] == "Zoë Ó Briain"
    assert wire["UpdatedOn"] == "2025-01-15T10:30:00Z"
    assert wire["DateOfBirth"] == "1980-05-01"
    assert "SomethingNewFromNexudus" not in wire


def test_summary_records_with_only_an_id_are_accepted() -> None:
    for model in (ContractContact, CoworkerContract, Coworker, CoworkerDelivery, Country, Business):
        record = model.model_validate({"Id": 7})
        assert record.id == 7
        assert record.updated_on is None


def test_the_id_is_required() -> None:
    with pytest.raises(pydantic.ValidationError):
        ContractContact.model_validate({"FullName": "No Id"})


def test_unknown_enum_values_stay_plain_ints() -> None:
    contract = CoworkerContract.model_validate(
        {"Id": 1, "DeliveryHandlingPreferenceMail": 6, "DeliveryHandlingPreferenceParcels": 42}
    )
    assert contract.delivery_handling_preference_mail is HandlingPreference.OPEN_SCAN_STORE_FOR_COLLECTION
    assert contract.delivery_handling_preference_parcels == 42
    assert not isinstance(contract.delivery_handling_preference_parcels, HandlingPreference)
    delivery = CoworkerDelivery.model_validate_json(
        b'{"Id": 2, "DeliveryType": 2, "CollectedOn": "2025-02-01T08:00:00Z"}'
    )
    assert delivery.delivery_type is DeliveryType.PARCEL
    assert delivery.collected_on == datetime(2025, 2, 1, 8, 0)


def test_snake_case_names_are_accepted_too() -> None:
    contact = ContractContact(id=5, full_name="Ann Lee", contract_contact_type=ContractContactType.DIRECTOR)
    assert contact.model_dump(by_alias=True, exclude_none=True) == {
        "Id": 5,
        "FullName": "Ann Lee",
        "ContractContactType": ContractContactType.DIRECTOR,
    }


def test_parse_record_drops_an_unreadable_optional_field_but_not_a_bad_id() -> None:
    contact = parse_record(ContractContact, {"Id": 3, "CoworkerId": "not-a-number", "FullName": "Kept"})
    assert contact.full_name == "Kept"
    assert contact.coworker_id is None
    with pytest.raises(pydantic.ValidationError):
        parse_record(ContractContact, {"Id": "x", "FullName": "Broken"})


def test_list_envelope_new_and_old_names() -> None:
    new = ListPage.model_validate(
        {
            "Records": [{"Id": 1}],
            "CurrentPage": 2,
            "CurrentPageSize": 1000,
            "CurrentOrderField": "Id",
            "CurrentSortDirection": 1,
            "FirstItem": 1001,
            "LastItem": 1001,
            "TotalItems": 1001,
            "TotalPages": 2,
            "HasNextPage": False,
            "HasPreviousPage": True,
        }
    )
    assert (new.current_page, new.current_page_size, new.total_items, new.total_pages) == (2, 1000, 1001, 2)
    assert new.has_previous_page and not new.has_next_page
    assert new.records == [{"Id": 1}]
    old = ListPage.model_validate({"Records": [], "PageNumber": 3, "PageSize": 25, "HasNextPage": True})
    assert (old.current_page, old.current_page_size, old.has_next_page) == (3, 25, True)


def test_command_envelope() -> None:
    ok = CommandResult.model_validate(
        {
            "Status": 200,
            "Message": "ContractContact was successfully created.",
            "Value": {"Id": 87654321},
            "OpenInDialog": False,
            "OpenInWindow": False,
            "RedirectURL": None,
            "JavaScript": None,
            "UpdatedOn": "2025-01-15T10:30:00Z",
            "UpdatedBy": "admin@example.com",
            "Errors": None,
            "WasSuccessful": True,
        }
    )
    assert ok.was_successful and ok.id == 87654321
    assert ok.updated_on == datetime(2025, 1, 15, 10, 30)
    failed = CommandResult.model_validate(
        {
            "Message": "FullName: is a required field",
            "Value": None,
            "Errors": [{"AttemptedValue": None, "Message": "is a required field", "PropertyName": "FullName"}],
            "WasSuccessful": False,
        }
    )
    assert not failed.was_successful and failed.id is None
    assert failed.errors is not None and failed.errors[0].property_name == "FullName"
