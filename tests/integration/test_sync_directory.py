"""pull_directory against a sandbox over HTTP, on SQLite and PostgreSQL: deletion reconciliation, gone flags,
linked coworker names, progress, cancel, and one sync at a time."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine

from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import (
    ContactDraft,
    DeliveryDraft,
    match_directory_rows,
    open_database,
    record_delivery,
    register_contact,
    session_scope,
)
from app.store.locks import LockBusyError, database_lock
from app.sync import pull_directory
from app.sync.directory import LOCK_NAME
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import client_for, directory, server_ids


@pytest.fixture
def srv(sandbox_factory: SandboxFactory) -> SandboxServer:
    return sandbox_factory(data=directory(11, 120))


@pytest.fixture
def engine(db_url: str) -> Engine:
    return open_database(db_url)


def _names(engine: Engine) -> dict[int, tuple[str, bool]]:
    with session_scope(engine, readonly=True) as s:
        return {contact_id: (name, gone) for contact_id, _contract, _type, name, gone in match_directory_rows(s)[1]}


def test_deletions_are_reconciled_but_referenced_and_pending_contacts_stay(srv: SandboxServer, engine: Engine) -> None:
    with client_for(srv) as client:
        first = pull_directory(engine, client)
        assert first.full and len(first.changed_contact_ids) == srv.state.count(Resource.CONTRACT_CONTACTS)
        contact_ids = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))
        kept_by_delivery, plain_deleted = contact_ids[0], contact_ids[1:4]
        contract_id = next(
            int(r["CoworkerContractId"])
            for r in srv.state.records(Resource.CONTRACT_CONTACTS)
            if int(r["Id"]) == kept_by_delivery
        )
        with session_scope(engine) as s:
            record_delivery(
                s,
                DeliveryDraft(
                    contract_id=contract_id, business_id=1, name="Letter", location="A", contact_id=kept_by_delivery
                ),
                actor="jo",
            )
            pending = register_contact(s, ContactDraft(contract_id=contract_id, full_name="Local Only"), actor="jo")
        for contact_id in [kept_by_delivery, *plain_deleted]:
            srv.state.delete_record(Resource.CONTRACT_CONTACTS, contact_id)

        report = pull_directory(engine, client)  # incremental: the count differs, so the Id sets are compared
    assert "ContractContact" in report.reconciled
    assert report.removed_contact_ids == frozenset(plain_deleted)
    assert kept_by_delivery in report.changed_contact_ids
    names = _names(engine)
    assert names[kept_by_delivery][1] is True  # kept, flagged gone
    assert not set(plain_deleted) & set(names)
    assert names[pending.contact_id] == ("Local Only", False)


def test_linked_contacts_show_the_coworkers_current_name(srv: SandboxServer, engine: Engine) -> None:
    linked = next(r for r in srv.state.records(Resource.CONTRACT_CONTACTS) if r.get("CoworkerId"))
    with client_for(srv) as client:
        pull_directory(engine, client)
        srv.state.update_record(Resource.COWORKERS, int(linked["CoworkerId"]), {"FullName": "Renamed Person"})
        report = pull_directory(engine, client)
    assert int(linked["Id"]) in report.changed_contact_ids
    assert _names(engine)[int(linked["Id"])][0] == "Renamed Person"


def test_progress_cancel_and_single_sync(srv: SandboxServer, engine: Engine) -> None:
    seen: list[tuple[int, int]] = []
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 3:
            cancel.set()

    with client_for(srv) as client:
        report = pull_directory(engine, client, progress=progress, cancel=cancel)
        assert report.cancelled and len(seen) == 3
        assert all(0 < d <= t for d, t in seen) and seen == sorted(seen)
        with database_lock(engine, LOCK_NAME), pytest.raises(LockBusyError):
            pull_directory(engine, client)
        done = pull_directory(engine, client)
    assert not done.cancelled
