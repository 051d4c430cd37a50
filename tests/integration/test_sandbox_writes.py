"""The sandbox's writes over plain HTTP: command envelope, validation 400s, UpdatedOn, runcommand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from app.nexudus import validation_rules as rules
from app.sandbox.server import SandboxServer
from tests.fixtures.sandbox import TIMEOUT, signed_in

CONTACTS = "/api/billing/contractcontacts"
DELIVERIES = "/api/spaces/coworkerdeliveries"
API_DOC = Path(__file__).resolve().parents[3] / "shared" / "nexudus-api.md"

# Copied from nexudus-api.md ("Validation failure"); the test below checks the copy is still in the doc.
DOCUMENTED_400 = (
    '{"Message": "FullName: is a required field", "Value": null,\n'
    '  "Errors": [{"AttemptedValue": null, "Message": "is a required field", "PropertyName": "FullName"}], '
    '"WasSuccessful": false}'
)
ENVELOPE_KEYS = [
    "Status",
    "Message",
    "Value",
    "OpenInDialog",
    "OpenInWindow",
    "RedirectURL",
    "JavaScript",
    "UpdatedOn",
    "UpdatedBy",
    "Errors",
    "WasSuccessful",
]


def _contract_id(srv: SandboxServer) -> int:
    return int(srv.state.records("CoworkerContract")[0]["Id"])


def _post(s: requests.Session, srv: SandboxServer, body: Any, path: str = CONTACTS) -> requests.Response:
    return s.post(f"{srv.url}{path}", json=body, timeout=TIMEOUT)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


def _parse(text: str) -> datetime:
    parsed = rules.parse_date(text)
    assert parsed is not None, text
    return parsed


def test_the_seed_example_answers_the_documented_400_field_by_field(sandbox: SandboxServer) -> None:
    if API_DOC.exists():
        assert DOCUMENTED_400 in API_DOC.read_text(encoding="utf-8")
    documented = json.loads(DOCUMENTED_400)
    r = _post(signed_in(sandbox), sandbox, {"CoworkerContractId": 0, "FullName": ""})
    assert r.status_code == 400
    body = r.json()
    assert list(body) == list(documented)
    assert body["Value"] is documented["Value"] is None
    assert body["WasSuccessful"] is documented["WasSuccessful"] is False
    for item in body["Errors"]:
        assert list(item) == list(documented["Errors"][0])
    by_property = {e["PropertyName"]: e for e in body["Errors"]}
    assert by_property["FullName"] == documented["Errors"][0]
    assert by_property["CoworkerContractId"] == {
        "AttemptedValue": 0,
        "Message": "is a required field",
        "PropertyName": "CoworkerContractId",
    }
    lines = body["Message"].split(rules.MESSAGE_SEPARATOR)
    assert documented["Message"] in lines
    assert lines == [f"{e['PropertyName']}: {e['Message']}" for e in body["Errors"]]


def test_create_answers_the_command_envelope_and_stamps_the_record(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    before = _now()
    r = _post(s, sandbox, {"CoworkerContractId": _contract_id(sandbox), "FullName": "Dana Whitfield", "Notes": "n"})
    assert r.status_code == 200, r.text
    env = r.json()
    assert list(env) == ENVELOPE_KEYS
    assert env["Status"] == 200 and env["WasSuccessful"] is True and env["Errors"] is None
    assert env["Message"] == "ContractContact was successfully created."
    assert env["UpdatedBy"] == "admin@sandbox.test"
    new_id = env["Value"]["Id"]
    got = s.get(f"{sandbox.url}{CONTACTS}/{new_id}", timeout=TIMEOUT).json()
    assert got["FullName"] == "Dana Whitfield" and got["ContractContactType"] == 1
    assert got["UpdatedOn"] == env["UpdatedOn"] and before <= _parse(got["UpdatedOn"]) <= _now()
    assert got["UpdatedBy"] == "admin@sandbox.test" and got["UniqueId"] and got["CreatedOn"]


def test_create_accepts_meta_fields_and_binds_names_case_insensitively(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    body = {
        "coworkerContractId": _contract_id(sandbox),
        "fullname": "Lower Case",
        "SystemId": "ph-0001",
        "UniqueId": "0b8e1c2a-3f4d-4e5f-8a9b-0c1d2e3f4a5b",
        "CreatedOn": "2024-02-03T04:05:06Z",
        "IsNew": True,
        "CoworkerFullName": "ignored: read-only",
    }
    new_id = _post(s, sandbox, body).json()["Value"]["Id"]
    got = sandbox.state.get("ContractContact", new_id)
    assert got is not None
    assert (got["FullName"], got["SystemId"], got["UniqueId"]) == ("Lower Case", "ph-0001", body["UniqueId"])
    assert (got["CreatedOn"], got["IsNew"]) == ("2024-02-03T04:05:06Z", True)
    assert got["CoworkerFullName"] != "ignored: read-only"
    found = s.get(f"{sandbox.url}{CONTACTS}", params={"ContractContact_SystemId": "ph-0001"}, timeout=TIMEOUT)
    assert [rec["Id"] for rec in found.json()["Records"]] == [new_id]


def test_contact_linked_to_a_coworker_takes_its_name_and_email(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    coworker = sandbox.state.records("Coworker")[2]
    r = _post(s, sandbox, {"CoworkerContractId": _contract_id(sandbox), "CoworkerId": coworker["Id"]})
    assert r.status_code == 200, r.text
    got = s.get(f"{sandbox.url}{CONTACTS}/{r.json()['Value']['Id']}", timeout=TIMEOUT).json()
    assert (got["FullName"], got["Email"]) == (coworker["FullName"], coworker["Email"])
    sandbox.state.update_record("Coworker", coworker["Id"], {"FullName": "Changed Name"})
    again = s.get(f"{sandbox.url}{CONTACTS}/{got['Id']}", timeout=TIMEOUT).json()
    assert again["FullName"] == "Changed Name"


def test_update_puts_the_whole_record_and_moves_updated_on(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    contract_id = _contract_id(sandbox)
    new_id = _post(s, sandbox, {"CoworkerContractId": contract_id, "FullName": "A", "Notes": "x", "SystemId": "k"})
    record_id = new_id.json()["Value"]["Id"]
    sandbox.state.update_record("ContractContact", record_id, {"UpdatedOn": "2020-01-01T00:00:00Z"})
    r = s.put(
        f"{sandbox.url}{CONTACTS}",
        json={"Id": record_id, "CoworkerContractId": contract_id, "FullName": "B"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text
    assert r.json()["Message"] == "ContractContact was successfully updated."
    got = sandbox.state.get("ContractContact", record_id)
    assert got is not None
    assert got["FullName"] == "B" and got["Notes"] is None  # left out of the PUT: cleared
    assert got["SystemId"] == "k"  # kept unless sent
    assert _parse(got["UpdatedOn"]) > datetime(2020, 1, 1) and got["UpdatedOn"] == r.json()["UpdatedOn"]
    missing = s.put(
        f"{sandbox.url}{CONTACTS}",
        json={"Id": 12345, "CoworkerContractId": contract_id, "FullName": "B"},
        timeout=TIMEOUT,
    )
    assert missing.status_code == 404
    no_id = s.put(
        f"{sandbox.url}{CONTACTS}", json={"CoworkerContractId": contract_id, "FullName": "B"}, timeout=TIMEOUT
    )
    assert no_id.status_code == 400 and no_id.json()["Errors"][0]["PropertyName"] == "Id"
    invalid = s.put(
        f"{sandbox.url}{CONTACTS}", json={"Id": record_id, "CoworkerContractId": contract_id}, timeout=TIMEOUT
    )
    assert invalid.status_code == 400 and sandbox.state.get("ContractContact", record_id)["FullName"] == "B"  # type: ignore[index]


def test_delete_then_get_is_404(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    record_id = sandbox.state.records("ContractContact")[0]["Id"]
    r = s.delete(f"{sandbox.url}{CONTACTS}/{record_id}", timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["WasSuccessful"] is True
    assert s.get(f"{sandbox.url}{CONTACTS}/{record_id}", timeout=TIMEOUT).status_code == 404
    assert s.delete(f"{sandbox.url}{CONTACTS}/{record_id}", timeout=TIMEOUT).status_code == 404
    assert s.delete(f"{sandbox.url}/api/spaces/coworkers/1", timeout=TIMEOUT).status_code == 405


def test_a_body_that_is_not_a_json_object_is_400(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    assert _post(s, sandbox, [1, 2]).status_code == 400
    r = s.post(
        f"{sandbox.url}{CONTACTS}", data=b"{not json", headers={"Content-Type": "application/json"}, timeout=TIMEOUT
    )
    assert r.status_code == 400


FUTURE = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT00:00:00Z")
CONTACT_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"CoworkerContractId": None}, "CoworkerContractId", rules.REQUIRED),
    ({"CoworkerContractId": 5}, "CoworkerContractId", rules.NO_SUCH_RECORD.format(entity="CoworkerContract")),
    ({"CoworkerContractId": "abc"}, "CoworkerContractId", rules.NOT_VALID),
    ({"FullName": "   "}, "FullName", rules.REQUIRED),
    ({"FullName": "x" * 201}, "FullName", rules.TOO_LONG.format(max_length=200)),
    ({"Email": "not-an-email"}, "Email", rules.NOT_AN_EMAIL),
    ({"Email": "a@b"}, "Email", rules.NOT_AN_EMAIL),
    ({"Email": "a" * 195 + "@b.com"}, "Email", rules.TOO_LONG.format(max_length=200)),
    ({"ContractContactType": 9}, "ContractContactType", rules.NOT_ALLOWED),
    ({"ContractContactType": "Director"}, "ContractContactType", rules.NOT_VALID),
    ({"AmlCheckStatus": 7}, "AmlCheckStatus", rules.NOT_ALLOWED),
    ({"CoworkerId": 77}, "CoworkerId", rules.NO_SUCH_RECORD.format(entity="Coworker")),
    ({"CountryId": 9999}, "CountryId", rules.NO_SUCH_RECORD.format(entity="Country")),
    ({"DateOfBirth": "31/12/1980"}, "DateOfBirth", rules.NOT_A_DATE),
    ({"DateOfBirth": FUTURE}, "DateOfBirth", rules.IN_THE_FUTURE),
    ({"PhoneNumber": "1" * 51}, "PhoneNumber", rules.TOO_LONG.format(max_length=50)),
    ({"PostCode": "P" * 21}, "PostCode", rules.TOO_LONG.format(max_length=20)),
    ({"Notes": "n" * 2001}, "Notes", rules.TOO_LONG.format(max_length=2000)),
    ({"Address": "a" * 501}, "Address", rules.TOO_LONG.format(max_length=500)),
    ({"AmlCheckDate": "yesterday"}, "AmlCheckDate", rules.NOT_A_DATE),
    ({"UniqueId": "not-a-guid"}, "UniqueId", rules.NOT_VALID),
]


@pytest.mark.parametrize(("change", "prop", "message"), CONTACT_CASES, ids=[c[1] + ":" + c[2] for c in CONTACT_CASES])
def test_each_contact_rule_answers_400_with_that_error(
    sandbox: SandboxServer, change: dict[str, Any], prop: str, message: str
) -> None:
    body = {"CoworkerContractId": _contract_id(sandbox), "FullName": "Valid Name", **change}
    count = sandbox.state.count("ContractContact")
    r = _post(signed_in(sandbox), sandbox, body)
    assert r.status_code == 400, r.text
    errors = r.json()["Errors"]
    assert [(e["PropertyName"], e["Message"]) for e in errors] == [(prop, message)]
    assert r.json()["Message"] == f"{prop}: {message}"
    assert sandbox.state.count("ContractContact") == count


def test_a_valid_contact_with_every_field_is_accepted(sandbox: SandboxServer) -> None:
    body = {
        "CoworkerContractId": _contract_id(sandbox),
        "FullName": "Zoë Ó Briain-Łukasik",
        "ContractContactType": 3,
        "Email": "zoe@example.test",
        "DateOfBirth": "1980-12-31",
        "Address": "1 Main Street",
        "PostCode": "D02 X285",
        "CityName": "Dublin",
        "CountryId": 1,
        "PhoneNumber": "+353 1 234 5678",
        "Notes": "Collects on Fridays",
        "AmlCheckStatus": 2,
        "AmlCheckDate": "2025-01-15T10:30:00Z",
    }
    r = _post(signed_in(sandbox), sandbox, body)
    assert r.status_code == 200, r.text
    got = sandbox.state.get("ContractContact", r.json()["Value"]["Id"])
    assert got is not None and all(got[k] == v for k, v in body.items())


def _delivery(srv: SandboxServer, **change: Any) -> dict[str, Any]:
    business_id = srv.state.records("Business")[0]["Id"]
    contact_id = srv.state.records("ContractContact")[0]["Id"]
    return {"BusinessId": business_id, "Name": "Parcel", "Location": "Shelf 2", "DeliveryType": 2,
            "ContractContactId": contact_id, **change}  # fmt: skip


def test_delivery_rules(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    r = _post(s, sandbox, {"CoworkerId": sandbox.state.records("Coworker")[0]["Id"]}, DELIVERIES)
    assert r.status_code == 400
    assert [(e["PropertyName"], e["Message"]) for e in r.json()["Errors"]] == [
        ("BusinessId", rules.REQUIRED),
        ("Name", rules.REQUIRED),
        ("Location", rules.REQUIRED),
        ("DeliveryType", rules.REQUIRED),
    ]
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"ContractContactId": None}, "CoworkerId", rules.ONE_OF_REQUIRED.format(other="ContractContactId")),
        ({"BusinessId": 3}, "BusinessId", rules.NO_SUCH_RECORD.format(entity="Business")),
        ({"DeliveryType": 6}, "DeliveryType", rules.NOT_ALLOWED),
        ({"HandlingPreference": 12}, "HandlingPreference", rules.NOT_ALLOWED),
        ({"ContractContactId": 8}, "ContractContactId", rules.NO_SUCH_RECORD.format(entity="ContractContact")),
        ({"RequiresSignature": "yes"}, "RequiresSignature", rules.NOT_VALID),
        ({"Name": "n" * 201}, "Name", rules.TOO_LONG.format(max_length=200)),
    ]
    for change, prop, message in cases:
        r = _post(s, sandbox, _delivery(sandbox, **change), DELIVERIES)
        assert r.status_code == 400, (change, r.text)
        assert [(e["PropertyName"], e["Message"]) for e in r.json()["Errors"]] == [(prop, message)], change


def test_runcommand_delivery_collect(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    r = _post(s, sandbox, _delivery(sandbox), DELIVERIES)
    assert r.status_code == 200, r.text
    delivery_id = r.json()["Value"]["Id"]
    got = s.get(f"{sandbox.url}{DELIVERIES}/{delivery_id}", timeout=TIMEOUT).json()
    assert got["Collected"] is False and got["CollectedOn"] is None
    contact = sandbox.state.records("ContractContact")[0]
    assert got["ContractContactFullName"] == contact["FullName"] and got["BusinessName"]
    run = f"{sandbox.url}{DELIVERIES}/runcommand"
    bad_key = s.post(run, json={"Key": "DELIVERY_SHRED", "Ids": [delivery_id]}, timeout=TIMEOUT)
    assert bad_key.status_code == 200 and bad_key.json()["WasSuccessful"] is False
    bad_id = s.post(run, json={"Key": "DELIVERY_COLLECT", "Ids": [delivery_id, 5]}, timeout=TIMEOUT)
    assert bad_id.status_code == 200 and bad_id.json()["WasSuccessful"] is False
    assert sandbox.state.get("CoworkerDelivery", delivery_id)["Collected"] is False  # type: ignore[index]
    ok = s.post(run, json={"Key": "DELIVERY_COLLECT", "Ids": [delivery_id]}, timeout=TIMEOUT)
    assert ok.status_code == 200 and ok.json()["WasSuccessful"] is True
    after = s.get(f"{sandbox.url}{DELIVERIES}/{delivery_id}", timeout=TIMEOUT).json()
    assert after["Collected"] is True and after["CollectedOn"] and after["UpdatedOn"] >= got["UpdatedOn"]
    assert s.post(f"{sandbox.url}{CONTACTS}/runcommand", json={}, timeout=TIMEOUT).status_code == 404


def test_delivery_put_with_collected_sets_collected_on(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    delivery_id = _post(s, sandbox, _delivery(sandbox), DELIVERIES).json()["Value"]["Id"]
    r = s.put(
        f"{sandbox.url}{DELIVERIES}", json={**_delivery(sandbox), "Id": delivery_id, "Collected": True}, timeout=TIMEOUT
    )
    assert r.status_code == 200, r.text
    got = sandbox.state.get("CoworkerDelivery", delivery_id)
    assert got is not None and got["Collected"] is True and got["CollectedOn"]


def test_lists_show_a_write_at_once_including_echoes_in_other_resources(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    delivery = next(d for d in sandbox.state.records("CoworkerDelivery") if d["ContractContactId"])
    contact = sandbox.state.get("ContractContact", delivery["ContractContactId"])
    assert contact is not None and contact["CoworkerId"] is None

    def listed(path: str, record_id: int) -> dict[str, Any]:
        records = s.get(f"{sandbox.url}{path}", params={"size": 1000}, timeout=TIMEOUT).json()["Records"]
        return next(r for r in records if r["Id"] == record_id)

    assert listed(DELIVERIES, delivery["Id"])["ContractContactFullName"] == contact["FullName"]  # now cached
    writable = {k: contact[k] for k in ("CoworkerContractId", "ContractContactType", "Email")}
    body = {**writable, "Id": contact["Id"], "FullName": "Renamed Recipient"}
    assert s.put(f"{sandbox.url}{CONTACTS}", json=body, timeout=TIMEOUT).status_code == 200
    assert listed(CONTACTS, contact["Id"])["FullName"] == "Renamed Recipient"
    assert listed(DELIVERIES, delivery["Id"])["ContractContactFullName"] == "Renamed Recipient"
