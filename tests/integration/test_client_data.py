"""Listing, filters, reads and writes through the client against the sandbox over real HTTP."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.nexudus import errors
from app.nexudus.enums import DELIVERY_COLLECT, ContractContactType, DeliveryType
from app.nexudus.resources import Resource
from app.nexudus.schemas import (
    Business,
    ContractContact,
    Country,
    Coworker,
    CoworkerContract,
    CoworkerDelivery,
    NexudusRecord,
)
from app.sandbox.server import SandboxServer
from tests.fixtures.nexudus_client import signed_in_client
from tests.fixtures.sandbox import SandboxFactory

CONTACTS = Resource.CONTRACT_CONTACTS


def _ids(records: list[dict[str, Any]]) -> list[int]:
    return [int(r["Id"]) for r in records]


def test_paging_returns_every_record_exactly_once(sandbox_factory: SandboxFactory) -> None:
    srv = sandbox_factory(seed=11, contracts=800)
    expected = sorted(_ids(srv.state.records(CONTACTS)))
    assert len(expected) > 2000
    with signed_in_client(srv) as client:
        pages = list(client.iter_pages(CONTACTS, size=333))
        seen = [int(r["Id"]) for page in pages for r in page.records]
        typed = list(client.list_records(CONTACTS, ContractContact))
    assert Counter(seen) == Counter(expected)  # every record, exactly once
    assert len(pages) == -(-len(expected) // 333)
    assert [p.current_page for p in pages] == list(range(1, len(pages) + 1))
    assert pages[0].total_items == len(expected) and pages[0].total_pages == len(pages)
    assert not pages[-1].has_next_page and all(p.has_next_page for p in pages[:-1])
    assert sorted(c.id for c in typed) == expected
    assert srv.request_count("GET", "/api/billing/contractcontacts") == len(pages) + -(-len(expected) // 1000)


def test_page_size_is_capped_at_the_documented_maximum(sandbox_factory: SandboxFactory) -> None:
    srv = sandbox_factory(seed=12, contracts=400)
    total = srv.state.count(CONTACTS)
    assert total > 1000
    with signed_in_client(srv) as client:
        pages = list(client.iter_pages(CONTACTS, size=50_000))
    assert len(pages[0].records) == 1000
    assert pages[0].current_page_size == 1000
    assert sum(len(p.records) for p in pages) == total


def test_every_resource_lists_as_its_model(sandbox: SandboxServer) -> None:
    models: dict[Resource, type[NexudusRecord]] = {
        Resource.CONTRACT_CONTACTS: ContractContact,
        Resource.COWORKER_CONTRACTS: CoworkerContract,
        Resource.COWORKERS: Coworker,
        Resource.COUNTRIES: Country,
        Resource.BUSINESSES: Business,
        Resource.COWORKER_DELIVERIES: CoworkerDelivery,
    }
    with signed_in_client(sandbox) as client:
        for resource, model in models.items():
            records: list[NexudusRecord] = list(client.list_records(resource, model))
            assert len(records) == sandbox.state.count(resource), resource
            assert all(isinstance(r, model) for r in records)
    assert sandbox.state.count(Resource.COUNTRIES) > 200


def test_equality_filter_on_a_relation(sandbox: SandboxServer) -> None:
    contacts = sandbox.state.records(CONTACTS)
    contract_id = Counter(int(c["CoworkerContractId"]) for c in contacts).most_common(1)[0][0]
    expected = sorted(int(c["Id"]) for c in contacts if int(c["CoworkerContractId"]) == contract_id)
    with signed_in_client(sandbox) as client:
        found = list(
            client.list_records(
                CONTACTS, ContractContact, filters={CONTACTS.filter_key("CoworkerContract"): contract_id}
            )
        )
    assert sorted(c.id for c in found) == expected
    assert all(c.coworker_contract_id == contract_id for c in found)


def test_boolean_and_enum_filters(sandbox: SandboxServer) -> None:
    contacts = sandbox.state.records(CONTACTS)
    directors = {int(c["Id"]) for c in contacts if c.get("ContractContactType", 1) == 1}
    with signed_in_client(sandbox) as client:
        found = list(
            client.list_records(
                CONTACTS,
                ContractContact,
                filters={CONTACTS.filter_key("ContractContactType"): ContractContactType.DIRECTOR},
            )
        )
        assert {c.id for c in found} == directors
        delivery = _create_delivery(client, sandbox)
        pending = [
            r["Id"]
            for page in client.iter_pages(
                Resource.COWORKER_DELIVERIES, filters={Resource.COWORKER_DELIVERIES.filter_key("Collected"): False}
            )
            for r in page.records
        ]
        assert delivery in pending
        client.run_command(Resource.COWORKER_DELIVERIES, DELIVERY_COLLECT, [delivery])
        pending_after = [
            r["Id"]
            for page in client.iter_pages(
                Resource.COWORKER_DELIVERIES, filters={Resource.COWORKER_DELIVERIES.filter_key("Collected"): False}
            )
            for r in page.records
        ]
        assert delivery not in pending_after


def test_updated_on_range_filters(sandbox: SandboxServer) -> None:
    contacts = sandbox.state.records(CONTACTS)
    changed = _ids(contacts[3:9])
    for record_id in changed:
        sandbox.state.update_record(CONTACTS, record_id, {"Notes": "changed by a colleague in Nexudus"})
    now = datetime.now(UTC)
    since = now - timedelta(minutes=2)
    from_key, to_key = CONTACTS.range_keys("UpdatedOn")
    with signed_in_client(sandbox) as client:
        recent = list(client.list_records(CONTACTS, ContractContact, updated_since=since))
        recent_by_filter = list(client.list_records(CONTACTS, ContractContact, filters={from_key: since}))
        older = list(client.list_records(CONTACTS, ContractContact, filters={to_key: since}))
        window = list(
            client.list_records(
                CONTACTS, ContractContact, filters={from_key: since, to_key: now + timedelta(minutes=2)}
            )
        )
    assert sorted(c.id for c in recent) == sorted(changed)
    assert sorted(c.id for c in recent_by_filter) == sorted(changed)
    assert sorted(c.id for c in window) == sorted(changed)
    assert len(older) == len(contacts) - len(changed)
    assert all(c.updated_on is not None and c.updated_on >= since.replace(tzinfo=None, second=0) for c in recent)
    assert all(c.notes == "changed by a colleague in Nexudus" for c in recent)


def test_get_one_and_not_found(sandbox: SandboxServer) -> None:
    record = sandbox.state.records(CONTACTS)[0]
    with signed_in_client(sandbox) as client:
        got = client.get(CONTACTS, int(record["Id"]))
        assert got["Id"] == record["Id"]
        assert ContractContact.model_validate(got).full_name
        with pytest.raises(errors.NotFoundError) as info:
            client.get(CONTACTS, 987_654_321_012)
    assert info.value.status == 404
    assert info.value.user_message


def test_batch_get_in_chunks(sandbox_factory: SandboxFactory) -> None:
    srv = sandbox_factory(seed=5, contracts=60)
    wanted = _ids(srv.state.records(CONTACTS))[:150]
    assert len(wanted) == 150
    with signed_in_client(srv) as client:
        before = srv.request_count("GET", "/api/billing/contractcontacts")
        found = client.get_many(CONTACTS, [*wanted, 987_654_321_012, wanted[0]])
        assert srv.request_count("GET", "/api/billing/contractcontacts") == before + 2  # 100 ids per request
    assert sorted(_ids(found)) == sorted(wanted)
    assert client.get_many(CONTACTS, []) == []


def _new_contact(srv: SandboxServer, **extra: Any) -> dict[str, Any]:
    contract_id = int(srv.state.records(Resource.COWORKER_CONTRACTS)[0]["Id"])
    return {
        "CoworkerContractId": contract_id,
        "FullName": "Åsa Öberg-Łukasik",
        "ContractContactType": ContractContactType.NOMINATED_RECIPIENT,
        "Email": "asa@example.se",
        "SystemId": f"pigeonhole:{uuid.uuid4()}",
        **extra,
    }


def _create_delivery(client: Any, srv: SandboxServer) -> int:
    contact_id = int(srv.state.records(CONTACTS)[0]["Id"])
    business_id = int(srv.state.records(Resource.BUSINESSES)[0]["Id"])
    result = client.create(
        Resource.COWORKER_DELIVERIES,
        {
            "BusinessId": business_id,
            "Name": "Parcel (DHL)",
            "Location": "Shelf B",
            "DeliveryType": DeliveryType.PARCEL,
            "ContractContactId": contact_id,
            "ReceivedBy": "Front desk",
        },
    )
    assert result.id is not None
    return result.id


def test_create_find_update_delete_a_contact(sandbox: SandboxServer) -> None:
    body = _new_contact(sandbox)
    with signed_in_client(sandbox) as client:
        created = client.create(CONTACTS, body)
        assert created.was_successful and created.id is not None
        new_id = created.id
        record = client.get(CONTACTS, new_id)
        assert record["FullName"] == "Åsa Öberg-Łukasik"
        assert record["ContractContactType"] == ContractContactType.NOMINATED_RECIPIENT
        found = client.find_by_system_id(CONTACTS, body["SystemId"])
        assert found is not None and found["Id"] == new_id
        assert client.find_by_system_id(CONTACTS, f"pigeonhole:{uuid.uuid4()}") is None

        updated = client.update(CONTACTS, {**record, "FullName": "Åsa Öberg", "PhoneNumber": "+46 8 123 456"})
        assert updated.was_successful
        after = ContractContact.model_validate(client.get(CONTACTS, new_id))
        assert after.full_name == "Åsa Öberg" and after.phone_number == "+46 8 123 456"
        before = ContractContact.model_validate(record)
        assert after.updated_on is not None and before.updated_on is not None
        assert after.updated_on >= before.updated_on

        deleted = client.delete(CONTACTS, new_id)
        assert deleted.was_successful
        with pytest.raises(errors.NotFoundError):
            client.get(CONTACTS, new_id)
    with pytest.raises(ValueError):
        client.update(CONTACTS, {"FullName": "no id"})


def test_validation_errors_come_back_per_field(sandbox: SandboxServer) -> None:
    count = sandbox.state.count(CONTACTS)
    with signed_in_client(sandbox) as client, pytest.raises(errors.ValidationError) as info:
        client.create(CONTACTS, {"CoworkerContractId": 0, "FullName": ""})
    err = info.value
    assert err.status == 400
    by_field = err.by_field()
    assert set(by_field) >= {"CoworkerContractId", "FullName"}
    assert all(messages and all(messages) for messages in by_field.values())
    assert any(e.property_name == "FullName" and e.attempted_value in ("", None) for e in err.field_errors)
    assert "Full name" in err.user_message
    assert sandbox.state.count(CONTACTS) == count


def test_validation_of_field_values(sandbox: SandboxServer) -> None:
    future = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%dT00:00:00Z")
    with signed_in_client(sandbox) as client, pytest.raises(errors.ValidationError) as info:
        client.create(CONTACTS, _new_contact(sandbox, Email="not an address", DateOfBirth=future))
    assert set(info.value.by_field()) >= {"Email", "DateOfBirth"}
    assert future[:4] not in str(info.value)  # the log detail never carries the attempted values


def test_runcommand_collects_a_delivery(sandbox: SandboxServer) -> None:
    with signed_in_client(sandbox) as client:
        delivery_id = _create_delivery(client, sandbox)
        before = CoworkerDelivery.model_validate(client.get(Resource.COWORKER_DELIVERIES, delivery_id))
        assert not before.collected and before.collected_on is None
        result = client.run_command(Resource.COWORKER_DELIVERIES, DELIVERY_COLLECT, [delivery_id])
        assert result.was_successful
        after = CoworkerDelivery.model_validate(client.get(Resource.COWORKER_DELIVERIES, delivery_id))
    assert after.collected is True and after.collected_on is not None
    assert after.contract_contact_full_name  # echo filled from the link


def test_a_200_that_was_not_successful_is_an_error(sandbox: SandboxServer) -> None:
    with signed_in_client(sandbox) as client, pytest.raises(errors.ValidationError) as info:
        client.run_command(Resource.COWORKER_DELIVERIES, DELIVERY_COLLECT, [987_654_321])
    assert info.value.status == 200
    assert "987654321" in info.value.user_message
