"""A sandbox stopped and started again keeps the tokens it issued (issue 11: outage tests restart it and the desk
must still be signed in afterwards, as with the real Nexudus): in-process, and as a separate process with --state.
"""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import urlsplit

import requests

from app.sandbox.server import SandboxServer, tokens_file_for
from tests.fixtures.sandbox import SandboxFactory, token_for
from tests.support.sandbox_process import SandboxProcess

TIMEOUT = 10


def _works(url: str, access_token: str) -> int:
    r = requests.get(
        f"{url}/api/sys/businesses",
        params={"size": 1},
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        timeout=TIMEOUT,
    )
    return r.status_code


def _refresh(url: str, refresh_token: str, client_id: str) -> int:
    r = requests.post(
        f"{url}/api/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        headers={"client_id": client_id},
        timeout=TIMEOUT,
    )
    return r.status_code


def test_stopped_and_restarted_sandbox_keeps_tokens(sandbox_factory: SandboxFactory) -> None:
    srv = sandbox_factory(seed=3, contracts=5)
    tokens = token_for(srv, client_id="desk-1")
    srv.stop()
    srv.restart()
    assert _works(srv.url, tokens["access_token"]) == 200
    assert _refresh(srv.url, tokens["refresh_token"], "desk-1") == 200


def test_sandbox_process_restarted_with_its_state_keeps_tokens(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = SandboxProcess("--seed", "3", "--contracts", "5", "--port", "0", "--state", str(state))
    try:
        url = first.wait_for_url()
        srv = SandboxServer.__new__(SandboxServer)  # only for token_for's .url
        srv.host, srv.port = "127.0.0.1", int(urlsplit(url).port or 0)
        tokens = token_for(srv, client_id="desk-1")
        assert _works(url, tokens["access_token"]) == 200
    finally:
        assert first.terminate() == 0
    kept = tokens_file_for(state)
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600  # secrets: the owner only
    again = SandboxProcess("--port", str(srv.port), "--state", str(state))
    try:
        assert again.wait_for_url() == url
        assert _works(url, tokens["access_token"]) == 200, "the access token was forgotten by the restart"
        assert _refresh(url, tokens["refresh_token"], "desk-1") == 200
    finally:
        again.terminate()


def test_revoked_tokens_stop_working(sandbox_factory: SandboxFactory) -> None:
    srv = sandbox_factory(seed=3, contracts=5)
    tokens = token_for(srv, client_id="desk-1")
    srv.auth.revoke()
    assert _works(srv.url, tokens["access_token"]) == 401
    assert _refresh(srv.url, tokens["refresh_token"], "desk-1") == 400
