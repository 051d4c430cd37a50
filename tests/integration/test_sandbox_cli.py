"""`pigeonhole sandbox` as a subprocess, and `--state` persistence across restarts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from app.sandbox.server import SandboxServer
from tests.fixtures.sandbox import TIMEOUT, SandboxFactory, signed_in
from tests.support.sandbox_process import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = "/api/billing/contractcontacts"


@pytest.fixture
def run_sandbox() -> Iterator[type[SandboxProcess]]:
    started: list[SandboxProcess] = []

    class Tracked(SandboxProcess):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for sb in started:
        if sb.proc.poll() is None:
            sb.proc.kill()
            sb.proc.wait(timeout=10)


def _login(url: str) -> requests.Session:
    r = requests.post(
        f"{url}/api/token",
        data={"grant_type": "password", "username": "admin@sandbox.test", "password": "sandbox"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return s


def test_cli_prints_its_url_and_keeps_state_across_restarts(run_sandbox: type[SandboxProcess], tmp_path: Path) -> None:
    state = tmp_path / "demo-state.json"
    first = run_sandbox("--port", "0", "--seed", "3", "--contracts", "10", "--state", str(state))
    url = first.wait_for_url()
    assert url.startswith("http://127.0.0.1:")
    s = _login(url)
    contract_id = s.get(f"{url}/api/billing/coworkercontracts", timeout=TIMEOUT).json()["Records"][0]["Id"]
    body = {"CoworkerContractId": contract_id, "FullName": "Kept Across Restarts", "SystemId": "keep-1"}
    assert s.post(f"{url}{CONTACTS}", json=body, timeout=TIMEOUT).status_code == 200
    assert first.terminate() == 0
    second = run_sandbox("--port", "0", "--seed", "99", "--contracts", "1", "--state", str(state))
    url2 = second.wait_for_url()
    found = _login(url2).get(f"{url2}{CONTACTS}", params={"ContractContact_SystemId": "keep-1"}, timeout=TIMEOUT)
    assert [r["FullName"] for r in found.json()["Records"]] == ["Kept Across Restarts"]
    assert second.terminate() == 0


def test_cli_help_documents_the_fault_grammar() -> None:
    r = subprocess.run([sys.executable, "-m", "app", "sandbox", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0
    for words in ("slow_seconds=S", "truncate=P", "applied=P", "auth=1", "drop=P", "throttle=P"):
        assert words in r.stdout


def test_cli_refuses_a_bad_data_file_or_fault_spec(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    for args in (["--data", str(bad)], ["--faults", "500=3"], ["--data", str(tmp_path / "missing.json")]):
        r = subprocess.run(
            [sys.executable, "-m", "app", "sandbox", "--port", "0", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "pigeonhole sandbox:" in r.stderr


def test_state_file_in_process(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    srv = sandbox_factory(seed=7, contracts=5, state_file=state)
    assert state.exists()
    s = signed_in(srv)
    contract_id = srv.state.records("CoworkerContract")[0]["Id"]
    r = s.post(f"{srv.url}{CONTACTS}", json={"CoworkerContractId": contract_id, "FullName": "Saved"}, timeout=TIMEOUT)
    new_id = r.json()["Value"]["Id"]
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert any(c["Id"] == new_id for c in saved["ContractContacts"])
    srv.stop()
    again = sandbox_factory(seed=8, contracts=50, state_file=state)
    assert again.state.get("ContractContact", new_id)["FullName"] == "Saved"  # type: ignore[index]
    assert again.state.count("CoworkerContract") == 5
    as_data = SandboxServer.start(data_file=state)
    try:
        assert as_data.state.records("ContractContact") == again.state.records("ContractContact")
    finally:
        as_data.stop()
