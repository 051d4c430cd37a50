"""The incremental pull against a sandbox over HTTP, on SQLite and PostgreSQL: the high-water mark is the newest
UpdatedOn stored (not the clock) with a two-minute overlap, countries and businesses are pulled only on a full
sync or once a day, a first pull into an empty table falls back cleanly when a row exists after all, and a record
whose date is not a real date is skipped the same way on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import ContactDraft, open_database, register_contact, session_scope
from app.store import directory as store
from app.store.tables import OutboxState, contacts_table, outbox_table
from app.sync import pull_directory
from app.sync.directory import OVERLAP, REFERENCE_MAX_AGE
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import client_for, directory, dump_directory, server_ids


@pytest.fixture
def srv(sandbox_factory: SandboxFactory) -> SandboxServer:
    return sandbox_factory(data=directory(31, 150))


@pytest.fixture
def engine(db_url: str) -> Engine:
    return open_database(db_url)


def _high_water(engine: Engine, resource: Resource) -> datetime:
    with engine.connect() as conn:
        mark = store.read_sync_state(conn, resource.name).high_water
    assert mark is not None
    return mark if mark.tzinfo is not None else mark.replace(tzinfo=UTC)


def _newest_on_server(srv: SandboxServer, resource: Resource) -> datetime:
    stamps = [str(r["UpdatedOn"]) for r in srv.state.records(resource) if r.get("UpdatedOn")]
    return datetime.fromisoformat(max(stamps).replace("Z", "+00:00"))


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_high_water_is_the_newest_stored_updated_on_with_a_small_overlap(srv: SandboxServer, engine: Engine) -> None:
    with client_for(srv) as client:
        pull_directory(engine, client)
        # the server's own newest UpdatedOn (years ago in this data set), not the time of the sync
        newest = _newest_on_server(srv, Resource.CONTRACT_CONTACTS)
        assert _high_water(engine, Resource.CONTRACT_CONTACTS) == newest

        # a write in flight: committed after our pass with an UpdatedOn a minute before the mark
        late = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))[3]
        srv.state.update_record(
            Resource.CONTRACT_CONTACTS, late, {"Notes": "late", "UpdatedOn": _text(newest - OVERLAP / 2)}
        )
        # and an old record untouched well before the overlap is not pulled again
        report = pull_directory(engine, client)
        assert late in report.changed_contact_ids
        assert report.pulled.get("ContractContact", 0) <= 3, report.pulled  # the late one + the overlap's edge
        assert _high_water(engine, Resource.CONTRACT_CONTACTS) == newest  # never moves back

        fresh = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))[9]
        srv.state.update_record(Resource.CONTRACT_CONTACTS, fresh, {"Notes": "now"})
        report = pull_directory(engine, client)
        assert report.changed_contact_ids == {fresh}
        moved = _high_water(engine, Resource.CONTRACT_CONTACTS)
        assert moved == _newest_on_server(srv, Resource.CONTRACT_CONTACTS) > newest

        again = pull_directory(engine, client)  # nothing changed: only what lies within the overlap comes back
    assert again.pulled.get("ContractContact", 0) == 1 and not again.changed_contact_ids


def test_countries_and_businesses_only_on_full_syncs_or_once_a_day(srv: SandboxServer, engine: Engine) -> None:
    def reference_requests() -> int:
        return srv.request_count("GET", "/api/sys/countries") + srv.request_count("GET", "/api/sys/businesses")

    with client_for(srv) as client:
        first = pull_directory(engine, client)
        assert first.pulled["Country"] > 200 and first.pulled["Business"] >= 1
        before = reference_requests()
        second = pull_directory(engine, client)
        assert "Country" not in second.pulled and "Business" not in second.pulled
        assert reference_requests() == before

        with engine.begin() as conn:  # the last full pull of countries is more than a day old
            stale = datetime.now(UTC) - REFERENCE_MAX_AGE - timedelta(minutes=5)
            store.write_sync_state(conn, Resource.COUNTRIES.name, last_full_sync=stale)
        third = pull_directory(engine, client)
        assert third.pulled["Country"] > 200 and "Business" not in third.pulled

        full = pull_directory(engine, client, full=True)
    assert full.full and full.pulled["Country"] > 200 and full.pulled["Business"] >= 1


def test_first_pull_into_an_empty_table_falls_back_when_a_row_exists(srv: SandboxServer, engine: Engine) -> None:
    """A pending contact whose create answer was lost: the server has it with our SystemId marker. The first pull
    of contacts (an empty table) adopts it instead of adding a second row."""
    with client_for(srv) as client:
        pull_directory(engine, client)
        with engine.begin() as conn:  # contracts here, no synced contact yet
            conn.execute(delete(contacts_table))
            for resource in (Resource.CONTRACT_CONTACTS,):
                store.write_sync_state(conn, resource.name, last_full_sync=None, high_water=None)
        contract_id = min(server_ids(srv, Resource.COWORKER_CONTRACTS))
        with session_scope(engine) as s:
            pending = register_contact(s, ContactDraft(contract_id=contract_id, full_name="Lost Answer"), actor="jo")
        with engine.connect() as conn:
            marker = conn.execute(
                select(contacts_table.c.system_id).where(contacts_table.c.id == pending.local_id)
            ).scalar_one()
        server_id = srv.state.add_record(
            Resource.CONTRACT_CONTACTS,
            {
                "CoworkerContractId": contract_id,
                "FullName": "Lost Answer",
                "ContractContactType": 1,
                "SystemId": marker,
            },
        )
        report = pull_directory(engine, client, page_size=40)
    assert server_id in report.changed_contact_ids and -pending.local_id in report.removed_contact_ids
    with engine.connect() as conn:
        rows = conn.execute(select(contacts_table.c.id, contacts_table.c.nexudus_id)).all()
        state = conn.execute(select(outbox_table.c.state).where(outbox_table.c.id == pending.outbox_id)).scalar()
    assert sorted(n for _, n in rows) == sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))  # one row per Id
    assert (pending.local_id, server_id) in rows and state == OutboxState.SENT


def test_a_record_with_an_impossible_date_is_skipped_alike_on_both_engines(
    srv: SandboxServer, engine: Engine, tmp_path: object
) -> None:
    broken = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))[5]
    srv.state.update_record(Resource.CONTRACT_CONTACTS, broken, {"AmlCheckDate": "2025-02-30T10:00:00Z"})
    with client_for(srv) as client:
        pull_directory(engine, client)
        reference = open_database(f"sqlite:///{tmp_path}/reference.sqlite3")
        pull_directory(reference, client)
    with engine.connect() as conn:
        held = store.local_server_ids(conn, Resource.CONTRACT_CONTACTS)
    assert broken not in held and held == server_ids(srv, Resource.CONTRACT_CONTACTS) - {broken}
    assert dump_directory(engine) == dump_directory(reference)
