"""The client's sign-in, refresh and 401 handling against the sandbox over real HTTP."""

from __future__ import annotations

import logging
import time

import pytest

from app.nexudus import errors
from app.nexudus.client import NexudusClient, Tokens
from app.nexudus.resources import Resource
from app.sandbox.auth import ADMIN_EMAIL, DEFAULT_PASSWORD, DESK_EMAIL, TWO_FACTOR_EMAIL, TWO_FACTOR_SECRET
from app.sandbox.server import SandboxServer
from app.sandbox.totp import totp_code
from tests.fixtures.nexudus_client import make_client, signed_in_client

TOKEN = "/api/token"
CONTACTS = "/api/billing/contractcontacts"


def _a_contract_id(srv: SandboxServer) -> int:
    return int(srv.state.records(Resource.COWORKER_CONTRACTS)[0]["Id"])


def test_login_gives_tokens_and_reports_them(sandbox: SandboxServer) -> None:
    seen: list[Tokens] = []
    with make_client(sandbox, on_tokens=seen.append) as client:
        tokens = client.login(ADMIN_EMAIL, DEFAULT_PASSWORD)
        assert tokens.access_token and tokens.refresh_token
        assert tokens.expires_at > time.time() + 3600
        assert seen == [tokens]
        assert client.tokens == tokens
        assert client.get(Resource.BUSINESSES, int(sandbox.state.records(Resource.BUSINESSES)[0]["Id"]))["Id"]


def test_wrong_password_is_a_plain_authentication_error(sandbox: SandboxServer) -> None:
    with make_client(sandbox) as client, pytest.raises(errors.AuthenticationError) as info:
        client.login(ADMIN_EMAIL, "not-the-password")
    err = info.value
    assert type(err) is errors.AuthenticationError
    assert err.status == 400
    assert "password" in err.user_message
    assert "not-the-password" not in str(err) + err.user_message
    assert client.tokens is None


def test_two_factor_code_required_then_wrong_then_right(sandbox: SandboxServer) -> None:
    with make_client(sandbox) as client:
        with pytest.raises(errors.TwoFactorRequired) as missing:
            client.login(TWO_FACTOR_EMAIL, DEFAULT_PASSWORD)
        assert "code" in missing.value.user_message
        right = totp_code(TWO_FACTOR_SECRET)
        wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
        with pytest.raises(errors.TwoFactorRequired) as refused:
            client.login(TWO_FACTOR_EMAIL, DEFAULT_PASSWORD, totp=wrong)
        assert "not accepted" in refused.value.user_message
        tokens = client.login(TWO_FACTOR_EMAIL, DEFAULT_PASSWORD, totp=right)
        assert tokens.access_token
        assert next(client.iter_pages(Resource.BUSINESSES)).records


def test_refresh_rotates_and_the_old_refresh_token_stops_working(sandbox: SandboxServer) -> None:
    seen: list[Tokens] = []
    with signed_in_client(sandbox, on_tokens=seen.append) as client:
        first = client.tokens
        assert first is not None
        second = client.refresh()
        assert second.refresh_token != first.refresh_token
        assert second.access_token != first.access_token
        assert seen == [first, second]
        assert client.get_many(Resource.BUSINESSES, [1]) is not None
        # Another client holding the old refresh token for the same client_id is refused.
        with make_client(sandbox, client_id=client.client_id, tokens=first) as stale:
            with pytest.raises(errors.AuthenticationError) as info:
                stale.refresh()
            assert "sign in again" in info.value.user_message


def test_refresh_happens_shortly_before_expiry_without_a_401(sandbox: SandboxServer) -> None:
    seen: list[Tokens] = []
    with signed_in_client(sandbox, on_tokens=seen.append, refresh_margin=120) as client:
        tokens = client.tokens
        assert tokens is not None
        # Pretend the access token runs out within the margin.
        client._tokens = Tokens(tokens.access_token, tokens.refresh_token, time.time() + 60)
        token_calls = sandbox.request_count("POST", TOKEN)
        denied_before = sandbox.request_count("GET", CONTACTS)
        records = next(client.iter_pages(Resource.CONTRACT_CONTACTS, size=5)).records
        assert records
        assert sandbox.request_count("POST", TOKEN) == token_calls + 1
        assert sandbox.request_count("GET", CONTACTS) == denied_before + 1  # no 401 round trip
        assert len(seen) == 2 and seen[-1] == client.tokens
        assert seen[-1].expires_at > time.time() + 3600


def test_server_side_expiry_is_cured_by_one_refresh(sandbox: SandboxServer) -> None:
    sandbox.token_expires_in = 0  # the next token is dead on arrival
    with make_client(sandbox) as client:
        dead = client.login(ADMIN_EMAIL, DEFAULT_PASSWORD)
    sandbox.token_expires_in = 3600
    seen: list[Tokens] = []
    believed = Tokens(dead.access_token, dead.refresh_token, time.time() + 3600)
    with make_client(sandbox, client_id=client.client_id, tokens=believed, on_tokens=seen.append) as client2:
        gets = sandbox.request_count("GET", CONTACTS)
        assert next(client2.iter_pages(Resource.CONTRACT_CONTACTS, size=5)).records
        assert sandbox.request_count("GET", CONTACTS) == gets + 2  # the 401, then the retry
        assert len(seen) == 1


def test_missing_role_names_the_role_and_does_not_loop(sandbox: SandboxServer) -> None:
    before = sandbox.state.count(Resource.CONTRACT_CONTACTS)
    with signed_in_client(sandbox, user=DESK_EMAIL) as client:
        assert next(client.iter_pages(Resource.CONTRACT_CONTACTS, size=5)).records  # List is allowed
        tokens_before = sandbox.request_count("POST", TOKEN)
        posts_before = sandbox.request_count("POST", CONTACTS)
        with pytest.raises(errors.AuthenticationError) as info:
            client.create(
                Resource.CONTRACT_CONTACTS,
                {"CoworkerContractId": _a_contract_id(sandbox), "FullName": "Never Created", "ContractContactType": 3},
            )
    err = info.value
    assert isinstance(err, errors.PermissionDenied)
    assert err.role == "ContractContact-Create"
    assert "ContractContact-Create" in err.user_message
    assert "API access" in err.user_message
    assert sandbox.request_count("POST", CONTACTS) == posts_before + 2  # the call and one retry, no more
    assert sandbox.request_count("POST", TOKEN) == tokens_before + 1  # one refresh
    assert sandbox.state.count(Resource.CONTRACT_CONTACTS) == before


def test_401_without_a_refresh_token_names_the_likely_causes(sandbox: SandboxServer) -> None:
    tokens = Tokens("not-a-real-token", "", time.time() + 3600)
    with make_client(sandbox, tokens=tokens) as client, pytest.raises(errors.AuthenticationError) as info:
        client.delete(Resource.CONTRACT_CONTACTS, 1)
    err = info.value
    assert not isinstance(err, errors.PermissionDenied)
    assert err.role == "ContractContact-Delete"
    for cause in ("password", "API access", "ContractContact-Delete"):
        assert cause in err.user_message
    assert sandbox.request_count("DELETE") == 1


def test_401_with_a_dead_refresh_token_asks_to_sign_in_again(sandbox: SandboxServer) -> None:
    tokens = Tokens("not-a-real-token", "also-not-real", time.time() + 3600)
    with make_client(sandbox, tokens=tokens) as client, pytest.raises(errors.AuthenticationError) as info:
        client.get(Resource.CONTRACT_CONTACTS, 1)
    assert "sign in again" in info.value.user_message
    assert sandbox.request_count("GET") == 1
    assert sandbox.request_count("POST", TOKEN) == 1


def test_not_signed_in_is_an_authentication_error_without_a_request(sandbox: SandboxServer) -> None:
    with make_client(sandbox) as client, pytest.raises(errors.AuthenticationError):
        client.get(Resource.BUSINESSES, 1)
    assert sandbox.request_count() == 0


def test_secrets_never_reach_the_log(sandbox: SandboxServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    code = totp_code(TWO_FACTOR_SECRET)
    with make_client(sandbox) as client:
        tokens = client.login(TWO_FACTOR_EMAIL, DEFAULT_PASSWORD, totp=code)
        client.refresh()
        list(client.iter_pages(Resource.BUSINESSES))
        with pytest.raises(errors.AuthenticationError):
            client.login(ADMIN_EMAIL, "Secret-Password-42")
    text = caplog.text + repr(client) + repr(tokens)
    assert caplog.records  # the calls were logged...
    for secret in (tokens.access_token, tokens.refresh_token, "Secret-Password-42", code):
        assert secret not in text  # ...without any secret


def test_the_client_id_header_goes_with_every_token_request(sandbox: SandboxServer) -> None:
    # Two installations sharing one login do not log each other out: refresh tokens are per client_id.
    with signed_in_client(sandbox) as desk_a, signed_in_client(sandbox) as desk_b:
        desk_a.refresh()
        desk_b.refresh()
        desk_a.refresh()
        assert isinstance(desk_a, NexudusClient) and desk_b.tokens is not None


def test_a_failed_early_refresh_falls_back_to_the_still_valid_token(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    with signed_in_client(sandbox) as client:
        tokens = client.tokens
        assert tokens is not None
        client._tokens = Tokens(tokens.access_token, "a-refresh-token-the-server-never-issued", time.time() + 60)
        assert next(client.iter_pages(Resource.BUSINESSES)).records
    assert "Early token refresh failed" in caplog.text
