"""OutboxSender against a sandbox over HTTP, on SQLite and PostgreSQL: order, dependencies, 400 -> failed with
field errors -> fix and resubmit, 401 pauses, unknown outcomes resolved by SystemId (exactly one record each)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy.engine import Engine

from app.nexudus.enums import DeliveryType
from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import (
    ContactDraft,
    DeliveryDraft,
    OutboxState,
    collect_deliveries,
    contract_detail,
    list_deliveries,
    list_outbox,
    open_database,
    record_delivery,
    register_contact,
    resubmit_contact,
    session_scope,
    status_summary,
    void_delivery,
)
from app.sync import OutboxSender, pull_directory
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import client_for, directory

DESK = ("desk@sandbox.test", "sandbox")


@pytest.fixture
def srv(sandbox_factory: SandboxFactory) -> SandboxServer:
    return sandbox_factory(data=directory(5, 30))


@pytest.fixture
def engine(db_url: str, srv: SandboxServer) -> Engine:
    e = open_database(db_url)
    with client_for(srv) as client:
        pull_directory(e, client)
    return e


def _contract(srv: SandboxServer, n: int = 0) -> int:
    return sorted(int(r["Id"]) for r in srv.state.records(Resource.COWORKER_CONTRACTS))[n]


def _business(srv: SandboxServer) -> int:
    return int(srv.state.records(Resource.BUSINESSES)[0]["Id"])


def _ours(srv: SandboxServer, resource: Resource) -> list[dict[str, object]]:
    return [r for r in srv.state.records(resource) if str(r.get("SystemId") or "").startswith("pigeonhole:")]


def _by_marker(srv: SandboxServer, resource: Resource) -> Counter[str]:
    return Counter(str(r["SystemId"]) for r in _ours(srv, resource))


def test_everything_reaches_the_server_in_order(srv: SandboxServer, engine: Engine) -> None:
    biz = _business(srv)
    contract = _contract(srv)
    with session_scope(engine) as s:
        jane = register_contact(s, ContactDraft(contract_id=contract, full_name="Jane Doe"), actor="jo")
        letter = record_delivery(
            s,
            DeliveryDraft(
                contract_id=contract,
                business_id=biz,
                name="Letter",
                location="A1",
                contact_id=jane.contact_id,
                tracking_number="1Z999AA10123456784",
                carrier="UPS",
            ),
            actor="jo",
        )
        parcel = record_delivery(
            s,
            DeliveryDraft(
                contract_id=contract,
                business_id=biz,
                name="Parcel",
                location="B",
                shelf="3",
                delivery_type=DeliveryType.PARCEL,
            ),
            actor="jo",
        )
    with client_for(srv) as client:
        first = OutboxSender(engine, client).flush()
        with session_scope(engine) as s:
            collect_deliveries(s, [letter.delivery_id], "Jane Doe", "Jane Doe", actor="jo")
            void_delivery(s, parcel.delivery_id, "double scan", actor="jo")
        report = OutboxSender(engine, client).flush()
    assert (first.sent, first.failed, first.waiting) == (3, 0, 0)
    assert (report.sent, report.failed, report.waiting) == (2, 0, 0)
    assert srv.request_count("DELETE", "/api/spaces/coworkerdeliveries") == 1
    server_jane = next(r for r in srv.state.records(Resource.CONTRACT_CONTACTS) if r.get("FullName") == "Jane Doe")
    assert first.contact_ids == {jane.contact_id: int(server_jane["Id"])}
    deliveries = _ours(srv, Resource.COWORKER_DELIVERIES)
    assert len(deliveries) == 1  # the parcel was created, then deleted (voided)
    assert deliveries[0]["ContractContactId"] == server_jane["Id"] and deliveries[0]["Collected"] is True
    assert "1Z999AA10123456784" in str(deliveries[0]["Notes"])
    with session_scope(engine) as s:
        rows = {d.delivery_id: d for d in list_deliveries(s, "all")}
        detail = contract_detail(s, contract)
    assert rows[letter.delivery_id].nexudus_id == deliveries[0]["Id"]
    assert {r.local_state for r in rows.values()} == {"synced"}
    assert next(c for c in detail.contacts if c.full_name == "Jane Doe").contact_id == server_jane["Id"]


def test_400_fails_with_field_errors_dependants_wait_others_go_then_resubmit(
    srv: SandboxServer, engine: Engine
) -> None:
    biz = _business(srv)
    contract = _contract(srv)
    with session_scope(engine) as s:
        bad = register_contact(
            s, ContactDraft(contract_id=contract, full_name="Jane Doe", email="not an email"), actor="jo"
        )
        for_bad = record_delivery(
            s,
            DeliveryDraft(
                contract_id=contract, business_id=biz, name="For Jane", location="A", contact_id=bad.contact_id
            ),
            actor="jo",
        )
        record_delivery(
            s, DeliveryDraft(contract_id=_contract(srv, 1), business_id=biz, name="Other", location="A"), actor="jo"
        )
    with client_for(srv) as client:
        report = OutboxSender(engine, client).flush()
        assert (report.sent, report.failed, report.waiting) == (1, 1, 1)
        with session_scope(engine) as s:
            entries = {e.outbox_id: e for e in list_outbox(s)}
            failed = entries[bad.outbox_id or 0]
            assert failed.state == OutboxState.FAILED and "Email" in failed.field_errors
            assert status_summary(s).outbox_failed == 1
            assert {d.name: d.nexudus_id is not None for d in list_deliveries(s, "all")} == {
                "For Jane": False,
                "Other": True,
            }
        assert OutboxSender(engine, client).flush().sent == 0  # never retried unchanged
        with session_scope(engine) as s:
            resubmit_contact(
                s,
                bad.outbox_id or 0,
                ContactDraft(contract_id=contract, full_name="Jane Doe", email="jane@example.com"),
                actor="jo",
            )
        report = OutboxSender(engine, client).flush()
    assert (report.sent, report.failed, report.waiting) == (2, 0, 0)
    jane = next(r for r in srv.state.records(Resource.CONTRACT_CONTACTS) if r.get("FullName") == "Jane Doe")
    assert jane["Email"] == "jane@example.com"
    delivered = {r["Name"]: r for r in _ours(srv, Resource.COWORKER_DELIVERIES)}
    assert delivered["For Jane"]["ContractContactId"] == jane["Id"] and for_bad.delivery_id


def test_401_pauses_until_credentials_work(srv: SandboxServer, engine: Engine) -> None:
    biz = _business(srv)
    with session_scope(engine) as s:
        record_delivery(
            s, DeliveryDraft(contract_id=_contract(srv), business_id=biz, name="Letter", location="A"), actor="jo"
        )
    with client_for(srv, DESK) as desk:  # List and Read roles only: creating is refused with 401
        report = OutboxSender(engine, desk).flush()
        assert report.paused and report.sent == 0 and report.message
        posts = srv.request_count("POST", "/api/spaces/coworkerdeliveries")  # the client's one refresh-and-retry
        assert 1 <= posts <= 2
        again = OutboxSender(engine, desk).flush()
        # still paused: nothing is sent until someone signs in again
        assert again.paused and srv.request_count("POST", "/api/spaces/coworkerdeliveries") == posts
    with session_scope(engine) as s:
        assert status_summary(s).outbox_paused
        assert [e.state for e in list_outbox(s)] == [OutboxState.PAUSED]
    with client_for(srv) as admin:
        sender = OutboxSender(engine, admin)
        assert sender.flush().paused
        sender.resume()  # after a successful sign-in
        report = sender.flush()
    assert not report.paused and report.sent == 1
    assert len(_ours(srv, Resource.COWORKER_DELIVERIES)) == 1


def test_unknown_outcomes_end_with_exactly_one_record_per_entry(srv: SandboxServer, engine: Engine) -> None:
    biz = _business(srv)
    contract = _contract(srv)
    with session_scope(engine) as s:
        for i in range(12):
            c = register_contact(s, ContactDraft(contract_id=contract, full_name=f"Person {i}"), actor="jo")
            record_delivery(
                s,
                DeliveryDraft(
                    contract_id=contract, business_id=biz, name=f"Letter {i}", location="A", contact_id=c.contact_id
                ),
                actor="jo",
            )
    lookups = srv.request_count("GET", "/api/billing/contractcontacts")
    srv.set_faults("seed=3,drop=0.2,slow=0.1,truncate=0.1,500=0.05,applied=0.5,slow_seconds=2.5")
    with client_for(srv, timeout=(1, 1)) as client:
        sender = OutboxSender(engine, client, backoff_base=0.01, respect_backoff=False)
        for _ in range(60):
            if sender.flush().waiting == 0:
                break
    srv.set_faults(None)
    assert srv.request_count("GET", "/api/billing/contractcontacts") > lookups  # markers were looked up
    with session_scope(engine) as s:
        assert list_outbox(s) == []
    contacts = _by_marker(srv, Resource.CONTRACT_CONTACTS)
    deliveries = _by_marker(srv, Resource.COWORKER_DELIVERIES)
    assert len(contacts) == 12 and set(contacts.values()) == {1}
    assert len(deliveries) == 12 and set(deliveries.values()) == {1}


def test_outcome_updates_are_applied_exactly_once_under_faults(sandbox_factory: SandboxFactory, db_url: str) -> None:
    """Outcome updates (GET + PUT of a flag and its time) under drops, cut answers and 500s: every outcome ends on
    the server with the desk's own time, every entry sent."""
    from app.store.item_life import ForwardDraft, outcome_rows, record_outcome
    from app.store.routing import Outcome
    from tests.integration.item_life_support import desk_database, flush, item_life_directory, record, server_record

    srv = sandbox_factory(data=item_life_directory())
    engine = desk_database(db_url, srv)
    address = ForwardDraft(sent_to_name="Jane Doe", address_lines=("12 Long Lane",), country_name="France")

    def _outcome(engine: Engine, delivery_id: int, kind: Outcome, **kwargs: object) -> int:
        with session_scope(engine) as s:
            return record_outcome(s, delivery_id, kind, "jo", **kwargs).outcome_id  # type: ignore[arg-type]

    def _at(engine: Engine, outcome_id: int, delivery_id: int) -> str:
        with session_scope(engine) as s:
            row = next(o for o in outcome_rows(s, delivery_id) if o.outcome_id == outcome_id)
        return row.at.strftime("%Y-%m-%dT%H:%M:%SZ")

    ids = [record(engine, srv, 1, name=f"Letter {i}") for i in range(8)]
    flush(engine, srv)
    outcomes = {d: _outcome(engine, d, Outcome.FORWARD, forward=address) for d in ids}
    puts = srv.request_count("PUT", "/api/spaces")
    srv.set_faults("seed=4,drop=0.25,truncate=0.1,500=0.05,applied=0.5")
    with client_for(srv, timeout=(1, 1)) as client:
        sender = OutboxSender(engine, client, backoff_base=0.01, respect_backoff=False)
        for _ in range(80):
            if sender.flush().waiting == 0:
                break
    srv.set_faults(None)
    with session_scope(engine) as s:
        assert list_outbox(s) == []
    for delivery_id, outcome_id in outcomes.items():
        rec = server_record(srv, engine, delivery_id)
        assert rec["Forwarded"] is True and rec["ForwardedOn"] == _at(engine, outcome_id, delivery_id)
    # a PUT that was applied is never sent again: at most one applied PUT per outcome, retries only for unapplied
    assert srv.request_count("PUT", "/api/spaces") - puts >= len(ids)
    with session_scope(engine) as s:
        sent = [r for r in list_outbox(s, include_done=True) if r.state == OutboxState.SENT]
    assert len(sent) == 16
