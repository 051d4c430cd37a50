"""Contract tests of the wire format against recorded example responses (tests/fixtures/wire/, built from the
documented examples in shared/nexudus-api.md).

One description of what Nexudus sends (app.nexudus.schemas) serves the client and the sync's write path: the
client validates pages with the typed records, and the store's row builders are generated from the same field
declarations. These tests hold both readers to the examples: envelope shapes (current and older), odd dates,
missing optional keys, summaries that omit fields, values this release does not know; and that the fast row
reader and the typed record give the same row, on both engines' encodings.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from app.nexudus import schemas
from app.nexudus.enums import ContractContactType, HandlingPreference
from app.nexudus.resources import Resource
from app.store import directory as store

WIRE = Path(__file__).resolve().parents[1] / "fixtures" / "wire"

PAGES: dict[Resource, str] = {
    Resource.CONTRACT_CONTACTS: "contractcontacts_page.json",
    Resource.COWORKER_CONTRACTS: "coworkercontracts_page_older_envelope.json",
    Resource.COWORKERS: "coworkers_page_summary.json",
    Resource.COUNTRIES: "countries_page.json",
    Resource.BUSINESSES: "businesses_page.json",
}


def recorded(name: str) -> Any:
    return json.loads((WIRE / name).read_bytes())


def records_of(resource: Resource) -> list[dict[str, Any]]:
    return list(recorded(PAGES[resource])["Records"])


def contact(record_id: int) -> dict[str, Any]:
    return next(r for r in records_of(Resource.CONTRACT_CONTACTS) if r["Id"] == record_id)


def test_the_list_envelope_in_its_current_form() -> None:
    page = schemas.ListPage.model_validate(recorded("contractcontacts_page.json"))
    assert (page.current_page, page.current_page_size, page.total_items, page.total_pages) == (1, 1000, 4211, 5)
    assert page.has_next_page and not page.has_previous_page
    assert (page.first_item, page.last_item) == (1, 4)
    assert len(page.records) == 4


def test_the_older_envelope_names_page_number_and_size() -> None:
    page = schemas.ListPage.model_validate(recorded("coworkercontracts_page_older_envelope.json"))
    assert (page.current_page, page.current_page_size, page.total_pages) == (2, 25, 2)
    assert page.has_previous_page and not page.has_next_page


@pytest.mark.parametrize("resource", list(PAGES), ids=lambda r: r.value.entity)
def test_a_typed_page_reads_every_record_from_the_json_bytes(resource: Resource) -> None:
    model = store.MAPPINGS[resource].model
    body = (WIRE / PAGES[resource]).read_bytes()
    page: schemas.TypedPage[schemas.NexudusRecord] = TypeAdapter(schemas.TypedPage[model]).validate_json(body)  # type: ignore[valid-type]
    assert [r.id for r in page.records] == [r["Id"] for r in records_of(resource)]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("resource", list(PAGES), ids=lambda r: r.value.entity)
def test_the_fast_row_reader_gives_the_typed_records_row(resource: Resource, dialect: str) -> None:
    mapping = store.MAPPINGS[resource]
    page = store.prepare_page(resource, records_of(resource), dialect)
    assert page.result.skipped == 0
    codec = store._Codec(dialect)
    for raw in records_of(resource):
        typed = store.row_from_record(resource, mapping.model.model_validate(raw), codec)
        assert page.rows[raw["Id"]] == typed, raw["Id"]


def test_odd_dates_are_read_as_naive_utc() -> None:
    row = dict(
        zip(
            store.MAPPINGS[Resource.CONTRACT_CONTACTS].columns,
            store.prepare_page(Resource.CONTRACT_CONTACTS, [contact(2200000008)], "sqlite").rows[2200000008],
            strict=True,
        )
    )
    assert row["updated_on"] == "2025-01-15 10:30:00.123456"  # +01:00 to UTC, seven digits cut to six
    assert row["created_on"] is None  # .NET's empty date, no suffix
    assert row["date_of_birth"] == "1980-05-01"  # the written day, never shifted by the offset
    assert row["aml_check_date"] == "2025-01-15 10:30:00.000000"  # a space instead of T
    assert row["aml_cleared_on"] == "2025-01-15 00:00:00.000000"  # a bare date
    no_suffix = store.prepare_page(Resource.CONTRACT_CONTACTS, [contact(2200000007)], "sqlite").rows[2200000007]
    assert no_suffix[store.MAPPINGS[Resource.CONTRACT_CONTACTS].columns.index("updated_on")] == (
        "2025-01-15 10:30:00.000000"
    )  # no suffix: taken as UTC
    record = schemas.ContractContact.model_validate(contact(2200000008))
    assert record.updated_on == datetime(2025, 1, 15, 10, 30, 0, 123456)
    assert record.date_of_birth == date(1980, 5, 1)
    assert record.created_on is None


def test_the_one_date_parser_serves_the_sandbox_rules_too() -> None:
    from app.nexudus import validation_rules

    for text in ("2025-01-15T11:30:00.1234567+01:00", "2025-01-15T10:30:00", "2025-01-15 10:30:00", "2025-01-15"):
        assert validation_rules.parse_date(text) == schemas.parse_api_datetime(text)
    assert validation_rules.parse_date("15/01/2025") is None


def test_a_summary_without_optional_keys_gets_the_documented_defaults() -> None:
    columns = store.MAPPINGS[Resource.CONTRACT_CONTACTS].columns
    row = dict(
        zip(
            columns,
            store.prepare_page(Resource.CONTRACT_CONTACTS, [contact(2200000007)], "sqlite").rows[2200000007],
            strict=True,
        )
    )
    assert row["contact_type"] == ContractContactType.COMPANY_ALIAS
    assert (row["email"], row["address"], row["unique_id"]) == ("", "", "")  # text left out: empty
    assert (row["coworker_id"], row["country_id"], row["date_of_birth"]) == (None, None, None)  # numbers: NULL
    assert row["aml_check_status"] == 0
    contract = dict(
        zip(
            store.MAPPINGS[Resource.COWORKER_CONTRACTS].columns,
            store.prepare_page(Resource.COWORKER_CONTRACTS, records_of(Resource.COWORKER_CONTRACTS), "sqlite").rows[
                1700000003
            ],
            strict=True,
        )
    )
    assert contract["active"] == 0 and contract["cancelled"] == 1
    assert contract["cancellation_date"] == "2024-12-31 22:00:00.000000"
    assert contract["handling_mail"] == HandlingPreference.NONE
    assert (contract["holder_name"], contract["tariff_id"]) == ("", None)
    coworker = store.prepare_page(Resource.COWORKERS, records_of(Resource.COWORKERS), "postgresql").rows[1600000008]
    assert coworker[store.MAPPINGS[Resource.COWORKERS].columns.index("company_name")] == ""  # omitted in lists
    assert coworker[store.MAPPINGS[Resource.COWORKERS].columns.index("active")] is True  # missing: active


def test_values_this_release_does_not_know_are_kept_and_extra_fields_ignored() -> None:
    raw = contact(2200000009)
    record = schemas.ContractContact.model_validate(raw)
    assert record.contract_contact_type == 9 and not isinstance(record.contract_contact_type, ContractContactType)
    assert record.aml_check_status == 11
    row = store.prepare_page(Resource.CONTRACT_CONTACTS, [raw], "sqlite").rows[2200000009]
    assert row == store.row_from_record(Resource.CONTRACT_CONTACTS, record, store._Codec("sqlite"))


def test_a_field_fixed_in_the_wire_model_is_fixed_in_the_sync() -> None:
    """The write path reads the JSON names the model declares: rename one there and the row reader follows."""

    class RenamedBusiness(schemas.Business):
        name: str | None = schemas.Field(default=None, alias="DisplayName")

    spec = store.MAPPINGS[Resource.BUSINESSES].spec
    build = store._fast_builder(RenamedBusiness, spec)
    row = build({"Id": 1, "DisplayName": "Front desk", "Name": "old"}, store._Codec("sqlite"))
    assert row[1] == "Front desk"
    with pytest.raises(KeyError):
        store._fast_builder(schemas.Business, (("name", store.Wire("no_such_field")),))


def test_command_envelopes() -> None:
    created = schemas.CommandResult.model_validate(recorded("command_created.json"))
    assert created.was_successful and created.id == 87654321
    assert created.updated_on == datetime(2025, 1, 15, 10, 30)
    failed = schemas.CommandResult.model_validate(recorded("command_validation_failed.json"))
    assert not failed.was_successful and failed.id is None
    assert failed.errors is not None
    assert [(e.property_name, e.message) for e in failed.errors] == [("FullName", "is a required field")]


def test_a_record_without_a_readable_id_is_skipped_not_written() -> None:
    page = store.prepare_page(
        Resource.CONTRACT_CONTACTS, [{"FullName": "no id"}, {"Id": "n/a"}, contact(2200000007)], "sqlite"
    )
    assert page.result.skipped == 2
    assert list(page.rows) == [2200000007]
