"""`pigeonhole sync` / `status --json` / `outbox` as subprocesses against a sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest

from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import ContactDraft, open_database, register_contact, session_scope, status_summary
from app.sync import pull_directory
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import cli, client_for, directory, server_ids

pytestmark = pytest.mark.slow


def _status(srv: SandboxServer, db_url: str) -> dict[str, object]:
    done = cli(srv, db_url, "status", "--json")
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert set(value) == {"contracts", "contacts", "outbox_pending", "outbox_failed", "last_sync"}
    return dict(value)


def test_sync_stores_everything_then_pulls_only_what_changed(sandbox_factory: SandboxFactory, db_url: str) -> None:
    srv = sandbox_factory(data=directory(3, 600))
    contacts = srv.state.count(Resource.CONTRACT_CONTACTS)
    assert contacts > 2000

    first = cli(srv, db_url, "sync")
    assert first.returncode == 0, first.stderr
    status = _status(srv, db_url)
    assert status["contracts"] == 600 and status["contacts"] == contacts
    assert status["outbox_pending"] == 0 and status["last_sync"]
    engine = open_database(db_url)
    with engine.connect() as conn:
        from app.store.directory import local_server_ids

        assert local_server_ids(conn, Resource.CONTRACT_CONTACTS) == server_ids(srv, Resource.CONTRACT_CONTACTS)

    changed = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))[::40][:50]
    for i, contact_id in enumerate(changed):
        srv.state.update_record(Resource.CONTRACT_CONTACTS, contact_id, {"Notes": f"changed {i}"})
    before = srv.request_count("GET", "/api/billing/contractcontacts")
    countries_before = srv.request_count("GET", "/api/sys/countries")
    assert countries_before > 0  # the first sync read them
    second = cli(srv, db_url, "sync")
    assert second.returncode == 0, second.stderr
    pages = srv.request_count("GET", "/api/billing/contractcontacts") - before
    assert pages <= 2, second.stdout + second.stderr  # one page of changes + one count request (no full listing)
    match = re.search(r"contacts (\d+) changed", second.stdout)
    assert match and int(match.group(1)) == 50, second.stdout
    received = re.search(r"(\d+) records received", second.stdout)
    # the 50 changes and what the overlap window re-reads; countries and businesses are not re-pulled within a day
    assert received and int(received.group(1)) < 320, second.stdout
    assert srv.request_count("GET", "/api/sys/countries") == countries_before
    assert _status(srv, db_url)["contacts"] == contacts
    with engine.connect() as conn:
        from sqlalchemy import select

        from app.store.tables import contacts_table

        notes = conn.execute(select(contacts_table.c.notes).where(contacts_table.c.nexudus_id == changed[7])).scalar()
    assert notes == "changed 7"


def test_outbox_cli_lists_retries_and_discards(sandbox: SandboxServer, db_url: str) -> None:
    engine = open_database(db_url)
    with client_for(sandbox) as client:
        pull_directory(engine, client)
    contract_id = min(server_ids(sandbox, Resource.COWORKER_CONTRACTS))
    with session_scope(engine) as s:
        bad = register_contact(
            s, ContactDraft(contract_id=contract_id, full_name="Jane Doe", email="not an email"), actor="jo"
        )
    done = cli(sandbox, db_url, "sync")
    assert done.returncode == 6, done.stdout + done.stderr  # needs attention
    listed = cli(sandbox, db_url, "outbox", "list")
    assert "failed" in listed.stdout and "Jane Doe" in listed.stdout
    # Nexudus's refusal in the desk's words, as the outbox dialog says it, not the server's field message
    assert "E-mail: That is not an e-mail address" in listed.stdout, listed.stdout
    assert "Email:" not in listed.stdout, listed.stdout
    as_json = json.loads(cli(sandbox, db_url, "outbox", "list", "--json").stdout)
    assert as_json[0]["field_errors"]["Email"]  # the server's own words stay in the JSON, for scripts
    assert as_json[0]["problem"].startswith("E-mail: That is not an e-mail address"), as_json
    assert bad.outbox_id is not None
    assert cli(sandbox, db_url, "outbox", "retry", str(bad.outbox_id)).returncode == 0
    with session_scope(engine) as s:
        assert status_summary(s).outbox_pending == 1
    assert cli(sandbox, db_url, "outbox", "discard", str(bad.outbox_id)).returncode == 0
    with session_scope(engine) as s:
        summary = status_summary(s)
    assert (summary.outbox_pending, summary.outbox_failed) == (0, 0)
    assert cli(sandbox, db_url, "outbox", "discard", "999999").returncode == 2


def test_sync_reports_plain_errors(sandbox: SandboxServer, db_url: str) -> None:
    import os
    import subprocess
    import sys

    from tests.integration.sync_support import ROOT, cli_env

    env = cli_env(sandbox, ("admin@sandbox.test", "wrong"))
    done = subprocess.run(
        [sys.executable, "-m", "app", "--db", db_url, "sync"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 4 and "Traceback" not in done.stderr and "Error:" in done.stderr
    env = dict(os.environ)
    env.pop("PIGEONHOLE_USERNAME", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "--db", db_url, "sync"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "PIGEONHOLE_USERNAME" in done.stderr
