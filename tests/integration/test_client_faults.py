"""Each fault kind of the sandbox, for reads and for writes, through the client over real HTTP.

Reads retry (bounded) and return every record exactly once; writes are never blindly re-sent: after a failure
that may have happened after the server got the request, the client raises UnknownOutcomeError (or ServerError
with outcome_unknown) and the caller looks the record up by its SystemId marker.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app.nexudus import errors
from app.nexudus.client import NexudusClient, Tokens
from app.nexudus.enums import ContractContactType
from app.nexudus.resources import Resource
from app.nexudus.schemas import ContractContact
from app.sandbox.server import SandboxServer
from tests.fixtures.nexudus_client import signed_in_client

CONTACTS = Resource.CONTRACT_CONTACTS
CONTACTS_PATH = "/api/billing/contractcontacts"
SLOW: dict[str, Any] = {"timeout": (1.0, 0.25)}  # the sandbox's slow answers take 1 s: well beyond this read timeout


def _contact_body(srv: SandboxServer) -> dict[str, Any]:
    contract_id = int(srv.state.records(Resource.COWORKER_CONTRACTS)[0]["Id"])
    return {
        "CoworkerContractId": contract_id,
        "FullName": "Róisín Ní Bhriain",
        "ContractContactType": ContractContactType.NOMINATED_RECIPIENT,
        "SystemId": f"pigeonhole:{uuid.uuid4()}",
    }


def _with_marker(srv: SandboxServer, system_id: str) -> list[dict[str, Any]]:
    return [r for r in srv.state.records(CONTACTS) if r.get("SystemId") == system_id]


@pytest.mark.parametrize("kind", ["500", "503", "drop", "truncate", "throttle", "slow"])
def test_listing_survives_each_fault_kind(sandbox: SandboxServer, kind: str) -> None:
    expected = Counter(int(r["Id"]) for r in sandbox.state.records(CONTACTS))
    with signed_in_client(sandbox, max_read_retries=8, max_throttle_retries=8, **SLOW) as client:
        sandbox.set_faults(f"seed=4,{kind}=0.35,retry_after=0,slow_seconds=1")
        pages = list(client.iter_pages(CONTACTS, size=15))
        assert sandbox.request_count("GET", CONTACTS_PATH) > len(pages)  # faults did happen and were retried
        typed = list(client.list_records(CONTACTS, ContractContact, size=15))  # the typed (bytes) path too
    assert Counter(int(r["Id"]) for page in pages for r in page.records) == expected
    assert Counter(c.id for c in typed) == expected
    assert sandbox.request_count("GET", CONTACTS_PATH) > 2 * len(pages)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("500", errors.ServerError),
        ("503", errors.ServerError),
        ("drop", errors.NetworkError),
        ("truncate", errors.NetworkError),
        ("slow", errors.NetworkError),
    ],
)
def test_reads_give_up_after_the_bounded_retries(
    sandbox: SandboxServer, kind: str, error: type[errors.NexudusError]
) -> None:
    record_id = int(sandbox.state.records(CONTACTS)[0]["Id"])
    with signed_in_client(sandbox, max_read_retries=2, **SLOW) as client:
        sandbox.set_faults(f"seed=1,{kind}=1,slow_seconds=1")
        with pytest.raises(error) as info:
            client.get(CONTACTS, record_id)
    assert not isinstance(info.value, errors.UnknownOutcomeError)
    assert not info.value.outcome_unknown
    assert info.value.user_message
    assert sandbox.request_count("GET", CONTACTS_PATH) == 3


def test_throttling_is_waited_out_but_bounded(sandbox: SandboxServer) -> None:
    with signed_in_client(sandbox, max_throttle_retries=3) as client:
        sandbox.set_faults("seed=1,throttle=1,retry_after=0")
        with pytest.raises(errors.ThrottledError) as info:
            next(client.iter_pages(CONTACTS))
        assert sandbox.request_count("GET", CONTACTS_PATH) == 4
        assert info.value.status == 409
        # A Retry-After longer than the client will wait in one call is raised at once, not slept through.
        sandbox.set_faults("seed=1,throttle=1,retry_after=30")
        started = time.monotonic()
        with pytest.raises(errors.ThrottledError) as long_wait:
            next(client.iter_pages(CONTACTS))
        assert time.monotonic() - started < 1.5
        assert long_wait.value.retry_after == 30
        assert sandbox.request_count("GET", CONTACTS_PATH) == 5


def test_documented_rate_limits_are_obeyed(sandbox_factory: Any) -> None:
    srv = sandbox_factory(seed=7, contracts=40, realistic_limits=True)
    expected = srv.state.count(CONTACTS)
    with signed_in_client(srv) as client:
        started = time.monotonic()
        records = [r for page in client.iter_pages(CONTACTS, size=100) for r in page.records]
        elapsed = time.monotonic() - started
    assert len(records) == expected
    assert srv.request_count("GET", CONTACTS_PATH) == 3  # page 1, a 409 with Retry-After: 1, page 2
    assert elapsed >= 0.95


@pytest.mark.parametrize("kind", ["500", "503"])
def test_a_write_answered_with_a_server_error_is_not_resent(sandbox: SandboxServer, kind: str) -> None:
    body = _contact_body(sandbox)
    with signed_in_client(sandbox) as client:
        sandbox.set_faults(f"seed=1,{kind}=1")
        with pytest.raises(errors.ServerError) as info:
            client.create(CONTACTS, body)
    assert info.value.outcome_unknown  # the caller checks its SystemId marker before sending again
    assert sandbox.request_count("POST", CONTACTS_PATH) == 1
    assert _with_marker(sandbox, body["SystemId"]) == []


@pytest.mark.parametrize("kind", ["drop", "truncate", "slow"])
@pytest.mark.parametrize("applied", [1, 0])
def test_a_write_with_no_clear_answer_is_an_unknown_outcome(sandbox: SandboxServer, kind: str, applied: int) -> None:
    body = _contact_body(sandbox)
    with signed_in_client(sandbox, **SLOW) as client:
        sandbox.set_faults(f"seed=2,{kind}=1,applied={applied},slow_seconds=1")
        with pytest.raises(errors.UnknownOutcomeError) as info:
            client.create(CONTACTS, body)
        assert info.value.outcome_unknown and info.value.user_message
        assert sandbox.request_count("POST", CONTACTS_PATH) == 1  # never re-sent by the client
        # A write is applied (or not) before the fault is served, so it can be looked up at once.
        sandbox.set_faults(None)
        found = client.find_by_system_id(CONTACTS, body["SystemId"])
    assert len(_with_marker(sandbox, body["SystemId"])) == applied
    assert (found is not None) == bool(applied)


def test_a_throttled_write_is_retried_and_lands_once(sandbox: SandboxServer) -> None:
    body = _contact_body(sandbox)
    with signed_in_client(sandbox) as client:
        sandbox.set_faults("seed=3,throttle=0.6,retry_after=0")
        result = client.create(CONTACTS, body)
    assert result.id is not None
    assert sandbox.request_count("POST", CONTACTS_PATH) > 1  # it was throttled at least once (seeded)
    assert _ids(_with_marker(sandbox, body["SystemId"])) == [result.id]


def test_a_write_throttled_past_the_bound_is_not_applied(sandbox: SandboxServer) -> None:
    body = _contact_body(sandbox)
    with signed_in_client(sandbox, max_throttle_retries=2) as client:
        sandbox.set_faults("seed=3,throttle=1,retry_after=0")
        with pytest.raises(errors.ThrottledError):
            client.create(CONTACTS, body)
    assert sandbox.request_count("POST", CONTACTS_PATH) == 3
    assert _with_marker(sandbox, body["SystemId"]) == []


def test_outbox_style_sending_under_mixed_faults_creates_each_record_once(sandbox: SandboxServer) -> None:
    """What the outbox does with the client: on an unknown outcome, look for the marker before sending again."""
    bodies = [_contact_body(sandbox) for _ in range(12)]
    unknown = 0
    with signed_in_client(sandbox, max_read_retries=8, max_throttle_retries=8, **SLOW) as client:
        sandbox.set_faults(
            "seed=9,500=0.08,503=0.08,throttle=0.08,drop=0.08,truncate=0.08,slow=0.04,retry_after=0,slow_seconds=1"
        )
        for body in bodies:
            for _attempt in range(20):
                try:
                    if client.find_by_system_id(CONTACTS, body["SystemId"]) is None:
                        client.create(CONTACTS, body)
                    break
                except errors.NexudusError as exc:
                    assert exc.outcome_unknown or isinstance(exc, errors.ThrottledError), exc
                    unknown += 1
            else:
                pytest.fail("a contact could not be sent in 20 attempts")
    for body in bodies:
        assert len(_with_marker(sandbox, body["SystemId"])) == 1
    assert unknown > 0  # the faults did hit writes


def test_could_not_connect_is_a_network_error_and_safe_to_resend(sandbox: SandboxServer) -> None:
    body = _contact_body(sandbox)
    with signed_in_client(sandbox, max_read_retries=2) as client:
        sandbox.stop()
        with pytest.raises(errors.NetworkError) as write_info:
            client.create(CONTACTS, body)
        assert not isinstance(write_info.value, errors.UnknownOutcomeError)
        assert not write_info.value.outcome_unknown
        with pytest.raises(errors.NetworkError):
            next(client.iter_pages(CONTACTS))
        sandbox.restart()
        assert client.create(CONTACTS, body).id is not None
    assert len(_with_marker(sandbox, body["SystemId"])) == 1


def _ids(records: list[dict[str, Any]]) -> list[int]:
    return [int(r["Id"]) for r in records]


# --- answers the sandbox does not give: a scripted HTTP server on 127.0.0.1 -------------------------------------


class _Scripted(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    script: list[tuple[int, dict[str, str], bytes]] = []
    seen: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        type(self).seen.append(self.command)
        status, headers, body = type(self).script.pop(0) if type(self).script else (500, {}, b"{}")
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {"script": [], "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def _scripted_client(url: str) -> NexudusClient:
    return NexudusClient(
        url,
        client_id="c",
        tokens=Tokens("a", "r", time.time() + 3600),
        timeout=(1, 2),
        backoff_base=0.005,
        backoff_max=0.02,
    )


def test_a_409_without_retry_after_is_a_real_conflict(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script = [(409, {"Content-Type": "application/json"}, b'{"Message": "Conflict"}')]
    with _scripted_client(url) as client, pytest.raises(errors.ConflictError):
        client.update(CONTACTS, {"Id": 1, "FullName": "x"})
    assert handler.seen == ["PUT"]


def test_429_and_an_http_date_retry_after_are_obeyed(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    ok = json.dumps({"Records": [{"Id": 1}], "HasNextPage": False}).encode()
    handler.script = [
        (429, {}, b""),
        (409, {"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}, b""),  # a date in the past: go now
        (200, {"Content-Type": "application/json"}, ok),
    ]
    with _scripted_client(url) as client:
        assert [r["Id"] for p in client.iter_pages(CONTACTS) for r in p.records] == [1]
    assert handler.seen == ["GET", "GET", "GET"]


def test_a_page_claiming_more_but_empty_ends_the_listing(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script = [(200, {}, json.dumps({"Records": [], "HasNextPage": True}).encode())]
    with _scripted_client(url) as client:
        assert [p.records for p in client.iter_pages(CONTACTS)] == [[]]
    assert handler.seen == ["GET"]


def test_typed_listing_tolerates_odd_records_and_rejects_a_bad_id(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    odd = [
        {"Id": 1, "FullName": "Fine", "ContractContactType": 1, "UpdatedOn": "2025-01-15T10:30:00.1234567+01:00"},
        {"Id": 2, "FullName": "New type", "ContractContactType": 9},  # an enum value this release does not know
        {"Id": 3, "FullName": "Bad link", "CoworkerId": "n/a"},  # unreadable optional field: dropped, logged
    ]
    page = json.dumps({"Records": odd, "CurrentPage": 1, "HasNextPage": False}).encode()
    bad = json.dumps({"Records": [{"Id": "not-an-id"}], "HasNextPage": False}).encode()
    handler.script = [(200, {}, page), (200, {}, bad)]
    with _scripted_client(url) as client:
        contacts = list(client.list_records(CONTACTS, ContractContact))
        with pytest.raises(errors.ResponseFormatError):
            list(client.list_records(CONTACTS, ContractContact))
    assert [c.id for c in contacts] == [1, 2, 3]
    assert contacts[0].updated_on is not None and contacts[0].updated_on.hour == 9
    assert contacts[1].contract_contact_type == 9
    assert contacts[2].full_name == "Bad link" and contacts[2].coworker_id is None


def test_a_system_id_lookup_does_not_page_through_everything(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    ignored = [{"Id": n, "SystemId": f"other-{n}"} for n in range(50)]
    page = json.dumps({"Records": ignored, "HasNextPage": True, "TotalItems": 100_000}).encode()
    handler.script = [(200, {}, page)] * 10
    with _scripted_client(url) as client, pytest.raises(errors.ResponseFormatError):
        client.find_by_system_id(CONTACTS, "pigeonhole:mine")
    assert handler.seen == ["GET"] * 4
