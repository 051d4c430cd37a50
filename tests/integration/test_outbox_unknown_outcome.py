"""Outbox states that cannot lie (issue 15, point 2), on SQLite and PostgreSQL, over HTTP to the sandbox.

A create whose send got no clear answer may exist in Nexudus. Before: "Discard" said "Nexudus will never receive
it" although Nexudus had it: the next sync brought a discarded contact back, a discarded delivery showed "failed"
while it existed, and a later void reported "sent" without sending the DELETE."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.desk.outbox_service import OutboxService, needs_server_check
from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import (
    ContactDraft,
    DeliveryDraft,
    discard_outbox_entry,
    list_outbox,
    outbox_entry,
    record_delivery,
    register_contact,
    session_scope,
    void_delivery,
)
from app.store.errors import OutcomeUnknown
from app.store.tables import contacts_table
from app.sync import OutboxSender
from tests.integration.sync_support import client_for
from tests.unit.test_desk_intake_directory import BUSINESS_ID, directory, sync, synced_engine

CONTRACT = 300


@pytest.fixture
def srv(sandbox_factory: Any) -> SandboxServer:
    return sandbox_factory(data=directory())


@pytest.fixture
def engine(db_url: str, srv: SandboxServer) -> Iterator[Engine]:
    eng = synced_engine(db_url, srv)
    yield eng
    eng.dispose()


def _send_with_lost_answer(engine: Engine, srv: SandboxServer) -> None:
    """The POST reaches Nexudus and is applied, but the answer is lost on the way back."""
    srv.set_faults("drop=1,applied=1,methods=POST")
    with client_for(srv, max_read_retries=0) as client:
        report = OutboxSender(engine, client, inline_retries=0).flush()
    srv.set_faults(None)
    assert report.stopped == "network", report


def _names(srv: SandboxServer) -> list[str]:
    return [str(r["FullName"]) for r in srv.state.records(Resource.CONTRACT_CONTACTS)]


def _new_contact(engine: Engine, name: str) -> int:
    with session_scope(engine) as s:
        register_contact(s, ContactDraft(contract_id=CONTRACT, full_name=name), actor="jo")
        return max(r.outbox_id for r in list_outbox(s))


def _service(engine: Engine, srv: SandboxServer) -> OutboxService:
    return OutboxService(engine, "jo", lambda: client_for(srv))


def test_an_unknown_outcome_cannot_be_discarded_as_never_sent(engine: Engine, srv: SandboxServer) -> None:
    entry_id = _new_contact(engine, "Unclear Answer")
    _send_with_lost_answer(engine, srv)
    assert _names(srv).count("Unclear Answer") == 1  # Nexudus has it
    with session_scope(engine, readonly=True) as s:
        row = next(r for r in list_outbox(s) if r.outbox_id == entry_id)
    assert needs_server_check(row)
    with pytest.raises(OutcomeUnknown), session_scope(engine) as s:
        discard_outbox_entry(s, entry_id, "jo")
    assert _service(engine, srv).check_server(entry_id).server_id is not None


def test_keep_the_servers_copy(engine: Engine, srv: SandboxServer) -> None:
    entry_id = _new_contact(engine, "Keep Me There")
    _send_with_lost_answer(engine, srv)
    check = _service(engine, srv).keep_server_copy(entry_id)
    assert check.server_id is not None
    with session_scope(engine, readonly=True) as s:
        assert outbox_entry(s, entry_id).state == "sent"
    sync(engine, srv)
    with engine.connect() as conn:
        rows = conn.execute(
            select(contacts_table.c.nexudus_id, contacts_table.c.gone).where(
                contacts_table.c.full_name == "Keep Me There"
            )
        ).all()
    assert rows == [(check.server_id, False)]  # one row, the server's: no duplicate
    assert _names(srv).count("Keep Me There") == 1


def test_delete_it_there_and_the_next_sync_does_not_bring_it_back(engine: Engine, srv: SandboxServer) -> None:
    entry_id = _new_contact(engine, "Delete Me There")
    _send_with_lost_answer(engine, srv)
    check = _service(engine, srv).delete_server_copy(entry_id)
    assert check.server_id is not None
    assert "Delete Me There" not in _names(srv)
    with session_scope(engine, readonly=True) as s:
        assert outbox_entry(s, entry_id).state == "discarded"
    sync(engine, srv, full=True)
    with engine.connect() as conn:
        live = conn.execute(
            select(contacts_table.c.id).where(
                contacts_table.c.full_name == "Delete Me There", contacts_table.c.gone.is_(False)
            )
        ).all()
    assert live == []


def test_a_void_of_a_delivery_nexudus_has_always_sends_the_delete(engine: Engine, srv: SandboxServer) -> None:
    with session_scope(engine) as s:
        delivery = record_delivery(
            s,
            DeliveryDraft(contract_id=CONTRACT, business_id=BUSINESS_ID, name="Parcel", location="Shelf A"),
            actor="jo",
        )
        create_id = max(r.outbox_id for r in list_outbox(s))
    _send_with_lost_answer(engine, srv)
    assert len(srv.state.records(Resource.COWORKER_DELIVERIES)) == 1
    # The create is given up although Nexudus has the delivery (as the old Discard allowed), then it is voided.
    with session_scope(engine) as s:
        discard_outbox_entry(s, create_id, "jo", absent_on_server=True)
        void_delivery(s, delivery.delivery_id, "logged twice", "jo")
    with client_for(srv) as client:
        report = OutboxSender(engine, client, inline_retries=0).flush()
    assert report.sent == 1, report
    assert srv.state.records(Resource.COWORKER_DELIVERIES) == []  # the DELETE went out
