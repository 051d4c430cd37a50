"""A sync that cannot miss a record (issue 15, point 5), on SQLite and PostgreSQL, against the sandbox.

Before: a contact deleted in Nexudus while the first sync was paging shifted offset paging by one; one contact was
never fetched and the deleted one was kept, and since the counts agreed nothing noticed for 23 incremental syncs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import open_database
from app.store.directory import local_server_ids
from app.sync import pull_directory
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import client_for, directory, server_ids

pytestmark = pytest.mark.slow

PAGE = 50


def _contacts_here(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return local_server_ids(conn, Resource.CONTRACT_CONTACTS)


def _before_contacts(srv: SandboxServer) -> int:
    return sum(
        srv.state.count(r)
        for r in (Resource.BUSINESSES, Resource.COUNTRIES, Resource.COWORKERS, Resource.COWORKER_CONTRACTS)
    )


def _once_after(threshold: int, action: Callable[[], None]) -> Callable[[int, int], None]:
    fired: list[bool] = []

    def progress(done: int, total: int) -> None:
        if done >= threshold and not fired:
            fired.append(True)
            action()

    return progress


def _fresh(record: dict[str, Any] | None) -> dict[str, Any]:
    """A copy to add as a new record: without the stamps the sandbox fills for a new one."""
    assert record is not None
    return {k: v for k, v in record.items() if k not in ("Id", "UniqueId", "CreatedOn", "UpdatedOn", "SystemId")}


def test_a_deletion_while_the_first_sync_pages_is_not_missed(sandbox_factory: SandboxFactory, db_url: str) -> None:
    srv = sandbox_factory(data=directory(5, 150))
    first = min(server_ids(srv, Resource.CONTRACT_CONTACTS))  # on the first page, already read when it goes
    engine = open_database(db_url)
    delete_first = _once_after(
        _before_contacts(srv) + PAGE, lambda: srv.state.delete_record(Resource.CONTRACT_CONTACTS, first)
    )
    with client_for(srv) as client:
        report = pull_directory(engine, client, full=True, page_size=PAGE, progress=delete_first)
    assert report.pulled["ContractContact"] > len(server_ids(srv, Resource.CONTRACT_CONTACTS))  # read again
    assert _contacts_here(engine) == server_ids(srv, Resource.CONTRACT_CONTACTS)


def test_an_insertion_and_a_deletion_while_paging_are_both_caught(sandbox_factory: SandboxFactory, db_url: str) -> None:
    srv = sandbox_factory(data=directory(5, 150))
    ids = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))
    template = _fresh(srv.state.get(Resource.CONTRACT_CONTACTS, ids[0]))

    def churn() -> None:  # as Nexudus would: the new record is created now
        srv.state.delete_record(Resource.CONTRACT_CONTACTS, ids[1])
        srv.state.add_record(Resource.CONTRACT_CONTACTS, {**template, "Id": ids[-1] + 1000, "FullName": "New Here"})

    engine = open_database(db_url)
    with client_for(srv) as client:
        pull_directory(
            engine, client, full=True, page_size=PAGE, progress=_once_after(_before_contacts(srv) + PAGE, churn)
        )
    assert _contacts_here(engine) == server_ids(srv, Resource.CONTRACT_CONTACTS)


def test_an_incremental_sync_notices_equal_counts_with_different_ids(
    sandbox_factory: SandboxFactory, db_url: str
) -> None:
    srv = sandbox_factory(data=directory(5, 60))
    engine = open_database(db_url)
    with client_for(srv) as client:
        pull_directory(engine, client, full=True)
    ids = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))
    template: dict[str, Any] = dict(srv.state.get(Resource.CONTRACT_CONTACTS, ids[0]) or {})
    # One deleted and one added with an old UpdatedOn (the incremental filter cannot see it): the counts agree.
    srv.state.delete_record(Resource.CONTRACT_CONTACTS, ids[5])
    srv.state.add_record(
        Resource.CONTRACT_CONTACTS,
        {**template, "Id": ids[5] + 1, "FullName": "Hidden Newcomer", "UpdatedOn": "2001-01-01T00:00:00Z"},
    )
    assert ids[5] + 1 not in ids
    with client_for(srv) as client:
        report = pull_directory(engine, client)
    assert "ContractContact" in report.reconciled
    assert _contacts_here(engine) == server_ids(srv, Resource.CONTRACT_CONTACTS)
