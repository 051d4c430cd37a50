"""The sandbox's token endpoint, tokens and roles, probed with plain HTTP (nexudus-api.md "Authentication")."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from app.sandbox.auth import DESK_EMAIL, TWO_FACTOR_EMAIL, TWO_FACTOR_SECRET
from app.sandbox.server import SandboxServer
from app.sandbox.totp import totp_code
from tests.fixtures.sandbox import TIMEOUT, SandboxFactory, signed_in, token_for
from tests.support.waiting import assert_eventually

CONTACTS = "/api/billing/contractcontacts"


def _token(srv: SandboxServer, **kwargs: object) -> requests.Response:
    return requests.post(f"{srv.url}/api/token", timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]


def _refresh(srv: SandboxServer, refresh_token: str, client_id: str) -> requests.Response:
    return _token(
        srv, data={"grant_type": "refresh_token", "refresh_token": refresh_token}, headers={"client_id": client_id}
    )


def _get(srv: SandboxServer, access_token: str, path: str = CONTACTS) -> requests.Response:
    return requests.get(f"{srv.url}{path}", headers={"Authorization": f"Bearer {access_token}"}, timeout=TIMEOUT)


def test_password_grant_answers_the_documented_token(sandbox: SandboxServer) -> None:
    body = token_for(sandbox)
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 604799
    assert _get(sandbox, body["access_token"]).status_code == 200


def test_wrong_password_and_unknown_user_are_invalid_grant(sandbox: SandboxServer) -> None:
    for user, pw in (("admin@sandbox.test", "nope"), ("nobody@sandbox.test", "sandbox")):
        r = _token(sandbox, data={"grant_type": "password", "username": user, "password": pw})
        assert r.status_code == 400
        assert r.json() == {"error": "invalid_grant", "error_description": "The user name or password is incorrect."}


def test_json_body_and_unknown_grant_are_unsupported_grant_type(sandbox: SandboxServer) -> None:
    r = _token(sandbox, json={"grant_type": "password", "username": "admin@sandbox.test", "password": "sandbox"})
    assert (r.status_code, r.json()) == (400, {"error": "unsupported_grant_type"})
    r = _token(sandbox, data={"grant_type": "client_credentials"})
    assert (r.status_code, r.json()) == (400, {"error": "unsupported_grant_type"})


def test_refresh_rotates_and_invalidates_older_refresh_tokens(sandbox: SandboxServer) -> None:
    first = token_for(sandbox, client_id="desk-1")
    second = _refresh(sandbox, first["refresh_token"], "desk-1")
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert _get(sandbox, rotated["access_token"]).status_code == 200
    stale = _refresh(sandbox, first["refresh_token"], "desk-1")
    assert stale.status_code == 400 and stale.json()["error"] == "invalid_grant"
    assert _refresh(sandbox, rotated["refresh_token"], "desk-1").status_code == 200


def test_refresh_needs_the_client_id_of_the_login(sandbox: SandboxServer) -> None:
    by_email = token_for(sandbox)  # no client_id: it defaults to the e-mail
    assert _refresh(sandbox, by_email["refresh_token"], "someone-else").status_code == 400
    assert _refresh(sandbox, by_email["refresh_token"], "admin@sandbox.test").status_code == 200
    via_header = _token(
        sandbox,
        data={"grant_type": "password", "username": "admin@sandbox.test", "password": "sandbox"},
        headers={"client_id": "desk-h"},
    ).json()
    assert _refresh(sandbox, via_header["refresh_token"], "desk-h").status_code == 200


def test_two_desks_with_one_login_do_not_log_each_other_out(sandbox: SandboxServer) -> None:
    a = token_for(sandbox, client_id="desk-a")
    b = token_for(sandbox, client_id="desk-b")
    assert _refresh(sandbox, a["refresh_token"], "desk-a").status_code == 200
    assert _refresh(sandbox, b["refresh_token"], "desk-b").status_code == 200


def test_access_tokens_expire(sandbox: SandboxServer) -> None:
    sandbox.token_expires_in = 1
    body = token_for(sandbox, client_id="short")
    assert body["expires_in"] == 1
    assert _get(sandbox, body["access_token"]).status_code == 200
    assert_eventually(
        lambda: _get(sandbox, body["access_token"]).status_code == 401, "the token expired", timeout=5, interval=0.1
    )
    r = _get(sandbox, body["access_token"])
    assert r.status_code == 401
    assert "expired" in r.json()["Reason"]
    assert _refresh(sandbox, body["refresh_token"], "short").status_code == 200


def test_missing_or_bad_bearer_token_is_401(sandbox: SandboxServer) -> None:
    assert requests.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT).status_code == 401
    r = _get(sandbox, "not-a-token")
    assert r.status_code == 401
    assert r.json()["Message"] == "Authorization has been denied for this request."


def test_desk_user_lists_and_reads_but_gets_401_on_writes(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox, DESK_EMAIL)
    assert s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT).status_code == 200
    contact_id = sandbox.state.records("ContractContact")[0]["Id"]
    assert s.get(f"{sandbox.url}{CONTACTS}/{contact_id}", timeout=TIMEOUT).status_code == 200
    contract_id = sandbox.state.records("CoworkerContract")[0]["Id"]
    r = s.post(f"{sandbox.url}{CONTACTS}", json={"CoworkerContractId": contract_id, "FullName": "X"}, timeout=TIMEOUT)
    assert r.status_code == 401
    assert "ContractContact-Create" in r.json()["Reason"]
    assert s.delete(f"{sandbox.url}{CONTACTS}/{contact_id}", timeout=TIMEOUT).status_code == 401
    assert sandbox.state.get("ContractContact", contact_id) is not None


def test_two_factor_needs_a_valid_totp_code(sandbox: SandboxServer) -> None:
    form = {"grant_type": "password", "username": TWO_FACTOR_EMAIL, "password": "sandbox"}
    missing = _token(sandbox, data=form)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"
    assert "required" in missing.json()["error_description"]
    wrong_code = "000000" if totp_code(TWO_FACTOR_SECRET) != "000000" else "111111"
    wrong = _token(sandbox, data={**form, "totp": wrong_code})
    assert wrong.status_code == 400 and "incorrect" in wrong.json()["error_description"]
    ok = _token(sandbox, data={**form, "totp": totp_code(TWO_FACTOR_SECRET)})
    assert ok.status_code == 200
    assert _get(sandbox, ok.json()["access_token"]).status_code == 200


def test_users_file_replaces_the_built_in_users(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    users = [
        {"email": "boss@example.test", "password": "pw1", "roles": "admin", "api_access": True},
        {"email": "offline@example.test", "password": "pw2", "roles": "admin", "api_access": False},
        {"email": "lister@example.test", "password": "pw3", "roles": ["ContractContact-List"], "api_access": True},
    ]
    srv = sandbox_factory(seed=7, contracts=5, users=users)
    r = _token(srv, data={"grant_type": "password", "username": "admin@sandbox.test", "password": "sandbox"})
    assert r.status_code == 400
    assert _get(srv, token_for(srv, "boss@example.test", "pw1")["access_token"]).status_code == 200
    offline = _get(srv, token_for(srv, "offline@example.test", "pw2")["access_token"])
    assert offline.status_code == 401 and "API access" in offline.json()["Reason"]
    lister = token_for(srv, "lister@example.test", "pw3")["access_token"]
    assert _get(srv, lister).status_code == 200
    assert _get(srv, lister, "/api/spaces/coworkers").status_code == 401
    path = tmp_path / "users.json"
    path.write_text(json.dumps(users))
    from app.sandbox.auth import load_users_file

    assert [u.email for u in load_users_file(path)] == [u["email"] for u in users]
