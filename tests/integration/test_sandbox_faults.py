"""Fault injection, realistic limits and restarts of the sandbox, seen from a plain HTTP client."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from app.sandbox.server import SandboxServer
from tests.fixtures.sandbox import TIMEOUT, SandboxFactory, signed_in, token_for
from tests.support.waiting import assert_eventually

CONTACTS = "/api/billing/contractcontacts"


def _raw_get(srv: SandboxServer, path: str, token: str) -> tuple[bytes, dict[str, str], bytes]:
    """A GET over a bare socket, read to EOF: (status line, headers, body bytes as received)."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT) as sock:
        request = f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status.encode(), headers, body


def _new_contact(srv: SandboxServer, marker: str) -> dict[str, object]:
    return {"CoworkerContractId": srv.state.records("CoworkerContract")[0]["Id"], "FullName": "F", "SystemId": marker}


def _with_marker(srv: SandboxServer, marker: str) -> list[dict[str, object]]:
    return [c for c in srv.state.records("ContractContact") if c["SystemId"] == marker]


def test_500_503_and_spurious_throttle(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    sandbox.set_faults("seed=1,500=1")
    r = s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT)
    assert (r.status_code, r.json()) == (500, {"Message": "An error has occurred."})
    sandbox.set_faults("seed=1,503=1")
    assert s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT).status_code == 503
    sandbox.set_faults("seed=1,throttle=1,retry_after=2")
    r = s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT)
    assert (r.status_code, r.headers["Retry-After"], r.content) == (409, "2", b"")
    count = sandbox.state.count("ContractContact")
    for spec in ("seed=1,500=1", "seed=1,503=1", "seed=1,throttle=1"):
        sandbox.set_faults(spec)
        assert s.post(f"{sandbox.url}{CONTACTS}", json=_new_contact(sandbox, spec), timeout=TIMEOUT).status_code >= 409
    assert sandbox.state.count("ContractContact") == count  # never applied
    sandbox.set_faults(None)
    assert s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT).status_code == 200


def test_slow_answers_exceed_a_client_timeout(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    sandbox.set_faults("seed=1,slow=1,slow_seconds=0.5")
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        s.get(f"{sandbox.url}{CONTACTS}", timeout=0.15)
    patient = s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT)
    assert patient.status_code == 200 and time.monotonic() - started >= 0.5


def test_dropped_connection_sends_headers_and_part_of_the_body(sandbox: SandboxServer) -> None:
    token = token_for(sandbox)["access_token"]
    sandbox.set_faults("seed=1,drop=1")
    status, headers, body = _raw_get(sandbox, CONTACTS, token)
    assert status.startswith(b"HTTP/1.1 200")
    assert 0 < len(body) < int(headers["content-length"])
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        signed_in(sandbox).get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT)


def test_truncated_json_is_a_complete_http_answer(sandbox: SandboxServer) -> None:
    token = token_for(sandbox)["access_token"]
    sandbox.set_faults("seed=1,truncate=1")
    status, headers, body = _raw_get(sandbox, CONTACTS, token)
    assert status.startswith(b"HTTP/1.1 200") and int(headers["content-length"]) == len(body) > 0
    with pytest.raises(ValueError):
        json.loads(body)
    r = signed_in(sandbox).get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


@pytest.mark.parametrize("kind", ["drop", "truncate", "slow"])
def test_a_faulted_write_may_or_may_not_have_been_applied(sandbox: SandboxServer, kind: str) -> None:
    s = signed_in(sandbox)
    for applied in (1, 0):
        marker = f"{kind}-{applied}"
        sandbox.set_faults(f"seed=3,{kind}=1,applied={applied},slow_seconds=0.3")
        try:
            timeout = 0.1 if kind == "slow" else TIMEOUT
            r = s.post(f"{sandbox.url}{CONTACTS}", json=_new_contact(sandbox, marker), timeout=timeout)
            if kind == "truncate":
                assert r.status_code == 200
                with pytest.raises(ValueError):
                    r.json()
            else:
                pytest.fail(f"{kind}: expected a transport failure, got {r.status_code}")
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
            assert kind == "drop"
        except requests.exceptions.ReadTimeout:
            assert kind == "slow"
            # the server has finished the slow answer before we look
            assert_eventually(lambda: sandbox.requests_in_flight() == 0, "the slow answer was sent", timeout=5)
        assert len(_with_marker(sandbox, marker)) == applied, marker
    sandbox.set_faults("seed=3,slow=1,applied=0,slow_seconds=0.2")
    late = s.post(f"{sandbox.url}{CONTACTS}", json=_new_contact(sandbox, "late"), timeout=TIMEOUT)
    assert late.status_code == 503 and _with_marker(sandbox, "late") == []


def test_faults_are_deterministic_per_seed_and_request_sequence(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)

    def run(spec: str) -> list[int]:
        sandbox.set_faults(spec)
        return [s.get(f"{sandbox.url}{CONTACTS}", params={"size": 1}, timeout=TIMEOUT).status_code for _ in range(40)]

    first = run("seed=11,500=0.3,503=0.2,throttle=0.2")
    assert set(first) == {200, 409, 500, 503}
    assert run("seed=11,500=0.3,503=0.2,throttle=0.2") == first
    assert run("seed=12,500=0.3,503=0.2,throttle=0.2") != first


def test_the_token_endpoint_is_faulted_only_with_auth(sandbox: SandboxServer) -> None:
    sandbox.set_faults("seed=1,500=1")
    assert token_for(sandbox)["access_token"]
    sandbox.set_faults("seed=1,500=1,auth=1")
    r = requests.post(
        f"{sandbox.url}/api/token",
        data={"grant_type": "password", "username": "admin@sandbox.test", "password": "sandbox"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 500


def test_bad_fault_specs_are_refused_with_a_reason(sandbox: SandboxServer) -> None:
    for spec, words in (("500=2", "probability"), ("500=0.7,503=0.7", "more than 1"), ("boom=1", "unknown")):
        with pytest.raises(ValueError, match=words):
            sandbox.set_faults(spec)


def test_request_count(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    before = sandbox.request_count("GET", CONTACTS)
    for _ in range(3):
        s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT)
    s.get(f"{sandbox.url}/api/spaces/coworkers", timeout=TIMEOUT)
    assert sandbox.request_count("GET", CONTACTS) == before + 3
    assert sandbox.request_count("POST", "/api/token") >= 1
    assert sandbox.request_count() >= 5


def test_realistic_limits_throttle_with_409_and_retry_after(sandbox_factory: SandboxFactory) -> None:
    srv = sandbox_factory(seed=7, contracts=5, realistic_limits=True)
    s = signed_in(srv)
    statuses = []
    for _ in range(30):  # back to back: two of them land within 100 ms even on a busy machine
        r = s.get(f"{srv.url}{CONTACTS}", params={"size": 1}, timeout=TIMEOUT)
        statuses.append(r.status_code)
        if r.status_code != 200:
            break
    assert statuses[0] == 200 and statuses[-1] == 409
    assert r.headers["Retry-After"] == "1" and r.content == b""
    # the documented 1 call per 100 ms: throttled calls do not count, so a later call goes through
    assert_eventually(
        lambda: s.get(f"{srv.url}{CONTACTS}", timeout=TIMEOUT).status_code == 200,
        "a call after the throttle window",
        timeout=5,
        interval=0.02,
    )


def test_stop_and_restart_on_the_same_port_keeps_data_and_tokens(sandbox: SandboxServer) -> None:
    s = signed_in(sandbox)
    assert s.get(f"{sandbox.url}{CONTACTS}", timeout=TIMEOUT).status_code == 200  # a kept-alive connection
    url, count = sandbox.url, sandbox.state.count("ContractContact")
    sandbox.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        s.get(f"{url}{CONTACTS}", timeout=2)
    sandbox.restart()
    assert sandbox.url == url
    r = s.get(f"{url}{CONTACTS}", timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["TotalItems"] == count
