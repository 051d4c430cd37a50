"""The sandbox's CoworkerDelivery after intake, over plain HTTP: every documented outcome flag with its time, the
signature and other file slots, the contract's handling preferences, and the delivery list's documented filters."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from app.nexudus.validation_rules import DELIVERY_FILE_SLOTS, DELIVERY_OUTCOME_FLAGS
from app.sandbox.server import SandboxServer
from tests.fixtures.sandbox import TIMEOUT, signed_in

DELIVERIES = "/api/spaces/coworkerdeliveries"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _new_delivery(s: requests.Session, srv: SandboxServer, **extra: Any) -> int:
    contact = srv.state.records("ContractContact")[0]
    body = {
        "BusinessId": srv.state.records("Business")[0]["Id"],
        "Name": "Letter",
        "Location": "A1",
        "DeliveryType": 1,
        "ContractContactId": contact["Id"],
        **extra,
    }
    r = s.post(f"{srv.url}{DELIVERIES}", json=body, timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["WasSuccessful"], r.text
    return int(r.json()["Value"]["Id"])


def _get(s: requests.Session, srv: SandboxServer, record_id: int) -> dict[str, Any]:
    r = s.get(f"{srv.url}{DELIVERIES}/{record_id}", timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_every_outcome_flag_has_its_time_and_a_put_keeps_what_it_sends(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    record_id = _new_delivery(s, sandbox)
    record = _get(s, sandbox, record_id)
    for flag in ("Collected", *DELIVERY_OUTCOME_FLAGS):
        assert record[flag] is False and record[f"{flag}On"] is None, flag
    assert record["Signed"] is False and record["RequiresSignature"] is False
    for slot in DELIVERY_FILE_SLOTS:
        assert f"{slot}FileName" in record and f"New{slot}Url" not in record

    when = "2026-03-02T10:15:00Z"
    body = {**record, "Forwarded": True, "ForwardedOn": when, "Scanned": True}
    r = s.put(f"{sandbox.url}{DELIVERIES}", json=body, timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["WasSuccessful"], r.text
    after = _get(s, sandbox, record_id)
    assert after["Forwarded"] is True and after["ForwardedOn"] == when
    assert after["Scanned"] is True and after["ScannedOn"] is not None  # a flag sent without its time gets now
    assert after["Collected"] is False and after["Shredded"] is False

    # Reversing: the flag and its time cleared by a new PUT
    r = s.put(f"{sandbox.url}{DELIVERIES}", json={**after, "Forwarded": False, "ForwardedOn": None}, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    again = _get(s, sandbox, record_id)
    assert again["Forwarded"] is False and again["ForwardedOn"] is None and again["Scanned"] is True


def test_a_bad_outcome_value_is_refused_field_by_field(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    record = _get(s, sandbox, _new_delivery(s, sandbox))
    r = s.put(
        f"{sandbox.url}{DELIVERIES}", json={**record, "Shredded": "yes", "ShreddedOn": "not a date"}, timeout=TIMEOUT
    )
    assert r.status_code == 400
    names = {e["PropertyName"] for e in r.json()["Errors"]}
    assert names == {"Shredded", "ShreddedOn"}


def test_signature_sent_as_a_data_url_is_read_back_from_getsignature(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    record_id = _new_delivery(s, sandbox, RequiresSignature=True)
    record = _get(s, sandbox, record_id)
    assert s.get(f"{sandbox.url}{DELIVERIES}/getsignature/{record_id}", timeout=TIMEOUT).status_code == 404
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    r = s.put(
        f"{sandbox.url}{DELIVERIES}",
        timeout=TIMEOUT,
        json={
            **record,
            "Collected": True,
            "Signed": True,
            "SignatureFileName": "signature.png",
            "NewSignatureUrl": url,
        },
    )
    assert r.status_code == 200, r.text
    got = s.get(f"{sandbox.url}{DELIVERIES}/getsignature/{record_id}", timeout=TIMEOUT)
    assert got.status_code == 200 and got.content == PNG and got.headers["Content-Type"] == "image/png"
    after = _get(s, sandbox, record_id)
    assert after["SignatureFileName"] == "signature.png" and after["Signed"] is True and after["CollectedOn"]
    bad = s.put(f"{sandbox.url}{DELIVERIES}", json={**after, "NewScannedFileDataUrl": "not a url"}, timeout=TIMEOUT)
    assert bad.status_code == 400 and bad.json()["Errors"][0]["PropertyName"] == "NewScannedFileDataUrl"


def test_contracts_carry_the_handling_preference_per_kind(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    r = s.get(f"{sandbox.url}/api/billing/coworkercontracts", params={"size": 5}, timeout=TIMEOUT)
    for record in r.json()["Records"]:
        for kind in ("Mail", "Parcels", "Checks", "Publicity"):
            assert isinstance(record[f"DeliveryHandlingPreference{kind}"], int)


def test_delivery_list_filters(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    before = datetime.now(UTC) - timedelta(minutes=1)
    mine = _new_delivery(s, sandbox, RequiresSignature=True)
    record = _get(s, sandbox, mine)
    s.put(f"{sandbox.url}{DELIVERIES}", json={**record, "Collected": True, "Processed": True}, timeout=TIMEOUT)

    def ids(**params: Any) -> set[int]:
        r = s.get(f"{sandbox.url}{DELIVERIES}", params={"size": 1000, **params}, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        return {int(x["Id"]) for x in r.json()["Records"]}

    since = ids(from_CoworkerDelivery_UpdatedOn=before.strftime("%Y-%m-%dT%H:%M"))
    assert since == {mine}  # the generated ones are older
    assert mine in ids(CoworkerDelivery_Collected="true")
    assert mine not in ids(CoworkerDelivery_Collected="false")
    assert mine in ids(CoworkerDelivery_Processed="true", CoworkerDelivery_RequiresSignature="true")
    assert mine in ids(CoworkerDelivery_Signed="false", CoworkerDelivery_Business=record["BusinessId"])
    assert mine in ids(CoworkerDelivery_ContractContact=record["ContractContactId"], CoworkerDelivery_DeliveryType=1)
    assert mine in ids(from_CoworkerDelivery_CreatedOn=before.strftime("%Y-%m-%dT%H:%M"))
    assert mine not in ids(to_CoworkerDelivery_CreatedOn=before.strftime("%Y-%m-%dT%H:%M"))
    holder = sandbox.state.records("CoworkerDelivery")
    with_coworker = next(r for r in holder if r.get("CoworkerId"))
    assert with_coworker["Id"] in ids(CoworkerDelivery_Coworker=with_coworker["CoworkerId"])
