"""The outbox sender killed mid-flush (SIGKILL of a `pigeonhole sync` subprocess), then restarted: exactly one
server record per entry, none lost (SQLite and PostgreSQL)."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter

import pytest
from sqlalchemy import select

from app.nexudus.resources import Resource
from app.store import ContactDraft, DeliveryDraft, open_database, record_delivery, register_contact, session_scope
from app.store.tables import OutboxState, outbox_table
from app.sync import pull_directory
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import cli, cli_popen, client_for, directory
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


def test_sender_killed_mid_flush_then_restarted_sends_each_entry_once(
    sandbox_factory: SandboxFactory, db_url: str
) -> None:
    srv = sandbox_factory(data=directory(31, 40))
    engine = open_database(db_url)
    with client_for(srv) as client:
        pull_directory(engine, client)
    business = int(srv.state.records(Resource.BUSINESSES)[0]["Id"])
    contracts = sorted(int(r["Id"]) for r in srv.state.records(Resource.COWORKER_CONTRACTS))
    with session_scope(engine) as s:
        for i in range(15):
            contact = register_contact(
                s, ContactDraft(contract_id=contracts[i], full_name=f"New Person {i}"), actor="jo"
            )
            record_delivery(
                s,
                DeliveryDraft(
                    contract_id=contracts[i],
                    business_id=business,
                    name=f"Letter {i}",
                    location="A",
                    contact_id=contact.contact_id,
                ),
                actor="jo",
            )

    kills = 0
    for target in (1, 3, 6, 10, 15, 21):  # kill right after the server received the Nth POST of this run
        start = srv.request_count("POST", "/api/billing") + srv.request_count("POST", "/api/spaces")
        proc = cli_popen(srv, db_url, "sync")

        def posts(start: int = start) -> int:
            return srv.request_count("POST", "/api/billing") + srv.request_count("POST", "/api/spaces") - start

        def due(proc: subprocess.Popen[str] = proc, target: int = target) -> bool:
            return proc.poll() is not None or posts() >= target

        if wait_until(due, timeout=60, interval=0.001) and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        proc.stdout and proc.stdout.close()
        proc.stderr and proc.stderr.close()
    assert kills >= 3

    done = cli(srv, db_url, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    with engine.connect() as conn:
        states = Counter(r[0] for r in conn.execute(select(outbox_table.c.state)))
        markers = {r[0] for r in conn.execute(select(outbox_table.c.system_id))}
    assert states == Counter({OutboxState.SENT: 30})
    for resource in (Resource.CONTRACT_CONTACTS, Resource.COWORKER_DELIVERIES):
        ours = Counter(
            str(r.get("SystemId"))
            for r in srv.state.records(resource)
            if str(r.get("SystemId") or "").startswith("pigeonhole:")
        )
        assert len(ours) == 15 and set(ours.values()) == {1}, resource
        assert set(ours) <= markers


def test_outcome_updates_killed_mid_flush_are_applied_exactly_once(
    sandbox_factory: SandboxFactory, db_url: str
) -> None:
    """Forward outcomes (GET + PUT of flags and times): SIGKILL right after the server received the Nth PUT, then
    a clean run. Every outcome is on the server with the desk's own time, and no applied PUT was sent twice."""
    from app.store.item_life import ForwardDraft, outcome_rows, record_outcome
    from app.store.routing import Outcome
    from tests.integration.item_life_support import desk_database, flush, item_life_directory, record, server_record

    srv = sandbox_factory(data=item_life_directory(31, 30))
    engine = desk_database(db_url, srv)
    ids = [record(engine, srv, 1, name=f"Letter {i}") for i in range(12)]
    assert flush(engine, srv).sent == 12
    address = ForwardDraft(sent_to_name="Jane Doe", address_lines=("1 Rue de Rivoli",), country_name="France")
    with session_scope(engine) as s:
        for delivery_id in ids:
            record_outcome(s, delivery_id, Outcome.FORWARD, "jo", forward=address)
    puts_before = srv.request_count("PUT", "/api/spaces")

    kills = 0
    for target in (1, 3, 6, 9):
        start = srv.request_count("PUT", "/api/spaces")
        proc = cli_popen(srv, db_url, "sync")

        def reached(start: int = start, target: int = target) -> bool:
            return srv.request_count("PUT", "/api/spaces") - start >= target

        def ended_or_reached(proc: subprocess.Popen[str] = proc) -> bool:
            return proc.poll() is not None or reached()

        wait_until(ended_or_reached, timeout=60, interval=0.001)
        if proc.poll() is None and reached():
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        proc.stdout and proc.stdout.close()
        proc.stderr and proc.stderr.close()
    assert kills >= 2

    done = cli(srv, db_url, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    with engine.connect() as conn:
        states = Counter(r[0] for r in conn.execute(select(outbox_table.c.state)))
    assert states == Counter({OutboxState.SENT: 24})
    for delivery_id in ids:
        with session_scope(engine) as s:
            [outcome] = outcome_rows(s, delivery_id)
        rec = server_record(srv, engine, delivery_id)
        assert rec["Forwarded"] is True
        assert rec["ForwardedOn"] == outcome.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert srv.request_count("PUT", "/api/spaces") - puts_before == len(ids)
