"""The sandbox's reads over plain HTTP: list envelope, paging, filters, get one, batch, echo fields."""

from __future__ import annotations

import json
from typing import Any

import requests

from app.sandbox.server import SandboxServer
from tests.fixtures.sandbox import TIMEOUT, SandboxFactory, signed_in
from tests.support.dev_set import DEV_DIR, need_dev_set

CONTACTS = "/api/billing/contractcontacts"
DEV_DIRECTORY = DEV_DIR / "directory.json"
ENVELOPE_KEYS = {
    "Records",
    "CurrentPage",
    "CurrentPageSize",
    "CurrentOrderField",
    "CurrentSortDirection",
    "FirstItem",
    "LastItem",
    "TotalItems",
    "TotalPages",
    "HasNextPage",
    "HasPreviousPage",
    "PageNumber",
    "PageSize",
}


def _list(s: requests.Session, srv: SandboxServer, path: str = CONTACTS, **params: Any) -> Any:
    r = s.get(f"{srv.url}{path}", params=params, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()


def _all_ids(s: requests.Session, srv: SandboxServer, **params: Any) -> list[int]:
    ids: list[int] = []
    page = 1
    while True:
        body = _list(s, srv, page=page, size=1000, **params)
        ids += [rec["Id"] for rec in body["Records"]]
        if not body["HasNextPage"]:
            return ids
        page += 1


def test_the_13452_contact_fixture_pages_every_record_exactly_once(sandbox_factory: SandboxFactory) -> None:
    need_dev_set(DEV_DIRECTORY)
    srv = sandbox_factory(data_file=DEV_DIRECTORY)
    s = signed_in(srv)
    expected = json.loads(DEV_DIRECTORY.read_text(encoding="utf-8"))["ContractContacts"]
    ids = _all_ids(s, srv)
    assert len(ids) == len(expected) == 13452
    assert sorted(ids) == sorted(rec["Id"] for rec in expected)
    first = _list(s, srv, page=1, size=1000)
    assert first["TotalItems"] == 13452 and first["TotalPages"] == 14
    last = _list(s, srv, page=14, size=1000)
    assert (last["FirstItem"], last["LastItem"], last["HasNextPage"]) == (13001, 13452, False)
    assert len(_list(s, srv, "/api/sys/countries", size=1000)["Records"]) >= 249


def test_envelope_defaults_and_size_cap(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    body = _list(s, sandbox)
    assert set(body) == ENVELOPE_KEYS
    total = sandbox.state.count("ContractContact")
    assert (body["CurrentPage"], body["CurrentPageSize"], len(body["Records"])) == (1, 25, 25)
    assert (body["FirstItem"], body["LastItem"], body["TotalItems"]) == (1, 25, total)
    assert body["HasNextPage"] is True and body["HasPreviousPage"] is False
    assert body["CurrentOrderField"] == "Id" and body["CurrentSortDirection"] == 1
    capped = _list(s, sandbox, size=5000)
    assert capped["CurrentPageSize"] == 1000 and len(capped["Records"]) == min(total, 1000)
    beyond = _list(s, sandbox, page=999, size=10)
    assert beyond["Records"] == [] and beyond["HasNextPage"] is False and beyond["HasPreviousPage"] is True


def test_records_come_sorted_by_id_and_order_can_be_changed(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    ids = [r["Id"] for r in _list(s, sandbox, size=1000)["Records"]]
    assert ids == sorted(ids)
    desc = _list(s, sandbox, size=1000, orderBy="Id", dir="Descending")
    assert [r["Id"] for r in desc["Records"]] == sorted(ids, reverse=True)
    by_name = [r["FullName"] for r in _list(s, sandbox, size=1000, orderBy="FullName", dir="1")["Records"]]
    assert by_name == sorted(by_name, key=lambda n: (n or "").casefold())


def test_equality_filters_on_relations_booleans_text_and_system_id(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    contacts = sandbox.state.records("ContractContact")
    contract_id = contacts[3]["CoworkerContractId"]
    got = _list(s, sandbox, size=1000, ContractContact_CoworkerContract=contract_id)["Records"]
    assert {r["Id"] for r in got} == {c["Id"] for c in contacts if c["CoworkerContractId"] == contract_id}
    target = contacts[5]
    sandbox.state.update_record("ContractContact", target["Id"], {"SystemId": "ph-7f3a"})
    hit = _list(s, sandbox, ContractContact_SystemId="ph-7f3a")
    assert [r["Id"] for r in hit["Records"]] == [target["Id"]] and hit["TotalItems"] == 1
    name = contacts[7]["FullName"]
    by_name = _list(s, sandbox, size=1000, ContractContact_FullName=name.upper())["Records"]
    assert {r["Id"] for r in by_name} == {c["Id"] for c in contacts if c["FullName"].casefold() == name.casefold()}
    gb = _list(s, sandbox, "/api/sys/countries", Country_TwoDigitsCode="GB")["Records"]
    assert [c["Name"] for c in gb] == ["United Kingdom"]
    deliveries = sandbox.state.records("CoworkerDelivery")
    open_ids = {d["Id"] for d in deliveries if not d["Collected"]}
    got_open = _list(s, sandbox, "/api/spaces/coworkerdeliveries", size=1000, CoworkerDelivery_Collected="false")
    assert {d["Id"] for d in got_open["Records"]} == open_ids and 0 < len(open_ids) < len(deliveries)


def test_range_filters_are_inclusive_on_dates_and_numbers(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    contacts = sandbox.state.records("ContractContact")
    ids = [c["Id"] for c in contacts]
    cid = contacts[10]["Id"]
    sandbox.state.update_record("ContractContact", cid, {"UpdatedOn": "2030-01-15T10:30:00Z"})
    sandbox.state.update_record("ContractContact", contacts[11]["Id"], {"UpdatedOn": "2030-01-15T10:29:59Z"})
    assert _all_ids(s, sandbox, from_ContractContact_UpdatedOn="2030-01-15T10:30") == [cid]
    assert _all_ids(s, sandbox, from_ContractContact_UpdatedOn="2030-01-15T10:30:00Z") == [cid]
    assert cid not in _all_ids(s, sandbox, to_ContractContact_UpdatedOn="2030-01-15T10:29:59")
    window = _all_ids(
        s, sandbox, from_ContractContact_UpdatedOn="2030-01-15T10:29", to_ContractContact_UpdatedOn="2030-01-15T10:30"
    )
    assert window == sorted([cid, contacts[11]["Id"]])
    assert _all_ids(s, sandbox, from_ContractContact_Id=ids[3], to_ContractContact_Id=ids[6]) == ids[3:7]


def test_get_one_and_unknown_id_is_404_not_found(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    rec = sandbox.state.records("ContractContact")[0]
    r = s.get(f"{sandbox.url}{CONTACTS}/{rec['Id']}", timeout=TIMEOUT)
    assert r.status_code == 200 and r.json() == rec
    missing = s.get(f"{sandbox.url}{CONTACTS}/99", timeout=TIMEOUT)
    assert missing.status_code == 404
    assert missing.text == '"Not found"' and missing.json() == "Not found"
    assert s.get(f"{sandbox.url}/api/billing/nothing", timeout=TIMEOUT).status_code == 404


def test_batch_get_answers_a_json_array(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    ids = [c["Id"] for c in sandbox.state.records("ContractContact")[:3]]
    r = s.get(f"{sandbox.url}{CONTACTS}/?id=[{ids[2]},{ids[0]},{ids[1]},42]", timeout=TIMEOUT)
    assert r.status_code == 200
    assert [rec["Id"] for rec in r.json()] == [ids[2], ids[0], ids[1]]
    coworker_id = sandbox.state.records("Coworker")[0]["Id"]
    batch = s.get(f"{sandbox.url}/api/spaces/coworkers?id=[{coworker_id}]", timeout=TIMEOUT).json()
    assert "CompanyName" not in batch[0] and "CompanyName" in sandbox.state.get("Coworker", coworker_id)  # type: ignore[operator]


def test_every_resource_lists_and_gets(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    for path, entity in (
        ("/api/billing/coworkercontracts", "CoworkerContract"),
        ("/api/spaces/coworkers", "Coworker"),
        ("/api/spaces/coworkerdeliveries", "CoworkerDelivery"),
        ("/api/sys/countries", "Country"),
        ("/api/sys/businesses", "Business"),
    ):
        body = _list(s, sandbox, path, size=1000)
        assert body["TotalItems"] == sandbox.state.count(entity) > 0
        one = body["Records"][0]
        assert s.get(f"{sandbox.url}{path}/{one['Id']}", timeout=TIMEOUT).json() == one


def test_echo_fields_follow_the_links(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    contact = next(c for c in sandbox.state.records("ContractContact") if c["CountryId"])
    contract = sandbox.state.get("CoworkerContract", contact["CoworkerContractId"])
    assert contract is not None
    holder = sandbox.state.get("Coworker", contract["CoworkerId"])
    assert holder is not None
    got = s.get(f"{sandbox.url}{CONTACTS}/{contact['Id']}", timeout=TIMEOUT).json()
    assert got["CoworkerFullName"] == holder["FullName"] == contract["CoworkerFullName"]
    assert got["CoworkerCompanyName"] == holder["CompanyName"]
    assert got["CoworkerBillingName"] == holder["BillingName"]
    assert got["CoworkerEmail"] == holder["Email"]
    assert got["CoworkerActive"] == holder["Active"]
    assert got["CoworkerContractTariffName"] == contract["TariffName"]
    assert got["CountryName"] == sandbox.state.get("Country", contact["CountryId"])["Name"]  # type: ignore[index]
    sandbox.state.update_record("Coworker", holder["Id"], {"CompanyName": "Renamed Holdings Ltd"})
    again = s.get(f"{sandbox.url}{CONTACTS}/{contact['Id']}", timeout=TIMEOUT).json()
    assert again["CoworkerCompanyName"] == "Renamed Holdings Ltd"


def test_fixture_without_echo_fields_gets_them_computed(sandbox_factory: SandboxFactory) -> None:
    data = {
        "Coworkers": [{"Id": 5, "FullName": "Ada Byron", "Email": "ada@example.test", "CompanyName": "Engines Ltd"}],
        "CoworkerContracts": [{"Id": 9, "CoworkerId": 5, "TariffName": "Virtual Office"}],
        "ContractContacts": [
            {"Id": 1, "CoworkerContractId": 9, "FullName": "Engines", "ContractContactType": 2},
            {"Id": 2, "CoworkerContractId": 9, "CoworkerId": 5, "FullName": "A. Byron", "Email": "old@x.test"},
        ],
    }
    srv = sandbox_factory(data=data)
    s = signed_in(srv)
    records = _list(s, srv)["Records"]
    assert [r["CoworkerCompanyName"] for r in records] == ["Engines Ltd", "Engines Ltd"]
    assert records[0]["CoworkerContractTariffName"] == "Virtual Office"
    assert (records[1]["FullName"], records[1]["Email"]) == ("Ada Byron", "ada@example.test")
    assert records[0]["UniqueId"] and records[0]["UpdatedOn"]
    assert _list(s, srv, "/api/sys/countries")["TotalItems"] == 249
    assert _list(s, srv, "/api/sys/businesses")["TotalItems"] == 1
