"""Redirects: the client follows none to another scheme or host, nor to any http target (issue 15, point 3).

Two real HTTP servers on 127.0.0.1: a redirector answering every request with a redirect, and a target that records
what reaches it. Before the fix, requests followed a 307 from the token endpoint and re-sent the password form.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from app.nexudus import errors
from app.nexudus.client import NexudusClient, RedirectRefusedError, _Call, redirect_target
from app.nexudus.resources import Resource

CONTRACT_CONTACTS = Resource.CONTRACT_CONTACTS


class _Server:
    def __init__(self, status: int = 200, location: str = "") -> None:
        self.status, self.location = status, location
        self.seen: list[tuple[str, str, bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                owner.seen.append((self.command, self.path, self.rfile.read(length)))
                body = b'{"access_token": "a", "refresh_token": "r", "expires_in": 600}'
                self.send_response(owner.status)
                if owner.location:
                    self.send_header("Location", owner.location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def target() -> Iterator[_Server]:
    server = _Server()
    yield server
    server.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_the_password_form_is_never_sent_on_to_a_redirect_target(target: _Server, status: int) -> None:
    redirector = _Server(status, f"{target.url}/api/token")
    try:
        client = NexudusClient(redirector.url, client_id="c", max_read_retries=0)
        with client, pytest.raises(RedirectRefusedError) as info:
            client.login("admin@sandbox.test", "secret-password")
        assert "address" in info.value.user_message
        assert target.seen == []
        assert len(redirector.seen) == 1
    finally:
        redirector.close()


@pytest.mark.parametrize("where", ["https://evil.example/api/billing/contractcontacts", "/elsewhere"])
def test_a_read_is_not_followed_to_another_host_nor_to_plain_http(where: str) -> None:
    redirector = _Server(302, where)
    try:
        client = NexudusClient(redirector.url, client_id="c", max_read_retries=0)
        with client, pytest.raises(RedirectRefusedError):
            client._send(_Call("GET", f"{redirector.url}/api/x", False, "List", CONTRACT_CONTACTS, auth=False))
        assert len(redirector.seen) == 1  # refused, not retried as a failure
    finally:
        redirector.close()


def _answer(status: int, location: str) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp.headers["Location"] = location
    return resp


def test_only_same_scheme_same_host_https_redirects_are_followed() -> None:
    here = "https://spaces.nexudus.com/api/billing/contractcontacts"
    get = _Call("GET", here, False, "List", CONTRACT_CONTACTS)
    post = _Call("POST", here, True, "Create", CONTRACT_CONTACTS)
    assert redirect_target(get, here, _answer(301, "/api/billing/contractcontacts/"), 1) == here + "/"
    assert redirect_target(post, here, _answer(308, here + "/"), 1) == here + "/"
    refused = [
        (get, _answer(302, "http://spaces.nexudus.com/api/x"), 1),  # https -> http
        (get, _answer(302, "https://spaces.nexudus.com.evil.example/api/x"), 1),  # another host
        (get, _answer(302, "https://spaces.nexudus.com:8443/api/x"), 1),  # another port
        (get, _answer(302, "ftp://spaces.nexudus.com/api/x"), 1),
        (get, _answer(302, ""), 1),  # no Location
        (post, _answer(302, here + "/"), 1),  # would turn the write into a GET
        (get, _answer(302, here), 6),  # a loop
    ]
    for call, resp, count in refused:
        with pytest.raises(RedirectRefusedError):
            redirect_target(call, here, resp, count)
    assert issubclass(RedirectRefusedError, errors.NexudusError)
