"""The sandbox validates its input as Nexudus would, and never keeps a write it answered with an error, with or
without --state (issue 15, point 9).

Before: a lone surrogate in a create was accepted (200), then every list page holding that record answered 500
until a restart; with --state the create answered 500 (the file could not be written) but the record stayed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from tests.fixtures.sandbox import SandboxFactory, signed_in

CONTACTS = "/api/billing/contractcontacts"


def _post_raw(srv: SandboxServer, path: str, body: bytes) -> tuple[int, object]:
    session = signed_in(srv)
    resp = session.post(f"{srv.url}{path}", data=body, headers={"Content-Type": "application/json"}, timeout=10)
    return resp.status_code, resp.json()


def _contact_body(srv: SandboxServer, **fields: str) -> bytes:
    contract = srv.state.records(Resource.COWORKER_CONTRACTS)[0]["Id"]
    text = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())  # raw JSON text: escapes stay as typed
    return f'{{"CoworkerContractId": {contract}, "ContractContactType": 1, {text}}}'.encode()


@pytest.mark.parametrize("state_file", [False, True])
@pytest.mark.parametrize(
    ("field", "raw"),
    [("FullName", "x\\ud800y"), ("FullName", "Ann\\u0000 Smith"), ("Notes", "a\\udfffb"), ("SystemId", "m\\ud83d")],
)
def test_unencodable_text_is_a_400_and_nothing_is_kept(
    sandbox_factory: SandboxFactory, tmp_path: Path, state_file: bool, field: str, raw: str
) -> None:
    path = tmp_path / "state.json"
    srv = sandbox_factory(seed=3, contracts=5, state_file=str(path) if state_file else None)
    before = srv.state.count(Resource.CONTRACT_CONTACTS)
    fields = {"FullName": "Good Name", field: raw}
    status, body = _post_raw(srv, CONTACTS, _contact_body(srv, **fields))
    assert status == 400, body
    assert isinstance(body, dict) and body["WasSuccessful"] is False
    assert [e["PropertyName"] for e in body["Errors"]] == [field]
    assert srv.state.count(Resource.CONTRACT_CONTACTS) == before
    listed = signed_in(srv).get(f"{srv.url}{CONTACTS}", params={"size": 1000}, timeout=10)
    assert listed.status_code == 200
    if state_file and path.exists():
        assert len(json.loads(path.read_text(encoding="utf-8"))["ContractContacts"]) == before


def test_a_write_that_cannot_be_saved_answers_500_and_is_not_kept(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    srv = sandbox_factory(seed=3, contracts=5)
    before = srv.state.count(Resource.CONTRACT_CONTACTS)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    srv.state.state_file = blocker / "state.json"  # the state file cannot be written
    status, _ = _post_raw(srv, CONTACTS, _contact_body(srv, FullName="Saved Nowhere"))
    assert status == 500
    assert srv.state.count(Resource.CONTRACT_CONTACTS) == before
    victim = srv.state.records(Resource.CONTRACT_CONTACTS)[0]["Id"]
    resp = signed_in(srv).delete(f"{srv.url}{CONTACTS}/{victim}", timeout=10)
    assert resp.status_code == 500
    assert srv.state.get(Resource.CONTRACT_CONTACTS, victim) is not None
    srv.state.state_file = None  # the sandbox saves once more when it stops


def test_a_record_with_a_lone_surrogate_loaded_from_data_is_served_escaped(sandbox_factory: SandboxFactory) -> None:
    srv = sandbox_factory(seed=3, contracts=5)
    victim = srv.state.records(Resource.CONTRACT_CONTACTS)[0]["Id"]
    srv.state.update_record(Resource.CONTRACT_CONTACTS, victim, {"Notes": "x\ud800y"})
    listed = signed_in(srv).get(f"{srv.url}{CONTACTS}", params={"size": 1000}, timeout=10)
    assert listed.status_code == 200
    assert any(r["Notes"] == "x\ud800y" for r in listed.json()["Records"])
