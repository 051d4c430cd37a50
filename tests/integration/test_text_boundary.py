"""Text from Nexudus is made storable at the boundary, on SQLite and PostgreSQL (issue 15, point 1).

Before: a NUL in one record stopped every PostgreSQL sync (`psycopg.DataError`), a lone surrogate stopped SQLite's
(UnicodeEncodeError), a CountryId of 2**63 stopped both (OverflowError / NumericValueOutOfRange), and since the
outbox was sent only after the pull, nothing recorded at the desk went out either.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.desk.sync_service import PlainContext, SyncService
from app.nexudus import errors
from app.nexudus.resources import Resource
from app.nexudus.text import MAX_INCOMING_LENGTH, is_storable
from app.sandbox.server import SandboxServer
from app.store import ContactDraft, open_database, register_contact, session_scope
from app.store.tables import businesses_table, contacts_table, contracts_table, countries_table, coworkers_table
from app.sync import pull_directory
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import cli, client_for, directory, server_ids

pytestmark = pytest.mark.slow

HOSTILE_NAME = "Ann\x00 Smith\x07"
SURROGATE_NOTES = "x\ud800y\udfff"


def stored_text(engine: Engine) -> list[str]:
    """Every text value of every synced directory row."""
    values: list[str] = []
    with engine.connect() as conn:
        for table in (businesses_table, countries_table, coworkers_table, contracts_table, contacts_table):
            for row in conn.execute(select(table)):
                values += [v for v in row if isinstance(v, str)]
    return values


def _plant_bad_records(srv: SandboxServer) -> dict[str, int]:
    contacts = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))
    contracts = sorted(server_ids(srv, Resource.COWORKER_CONTRACTS))
    planted = {
        "nul": contacts[0],
        "surrogate": contacts[1],
        "long": contacts[2],
        "huge_int": contacts[3],
        "contract": contracts[0],
    }
    srv.state.update_record(Resource.CONTRACT_CONTACTS, planted["nul"], {"FullName": HOSTILE_NAME})
    srv.state.update_record(Resource.CONTRACT_CONTACTS, planted["surrogate"], {"Notes": SURROGATE_NOTES})
    srv.state.update_record(Resource.CONTRACT_CONTACTS, planted["long"], {"Notes": "z" * (MAX_INCOMING_LENGTH + 50)})
    srv.state.update_record(Resource.CONTRACT_CONTACTS, planted["huge_int"], {"CountryId": 2**63})
    srv.state.update_record(
        Resource.COWORKER_CONTRACTS, planted["contract"], {"DeliveryInstructions": "Leave\x00 at the desk"}
    )
    return planted


def _contact(engine: Engine, nexudus_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(contacts_table).where(contacts_table.c.nexudus_id == nexudus_id)).first()


def test_bad_text_is_cleaned_and_an_unreadable_record_skipped_without_stopping_the_sync(
    sandbox_factory: SandboxFactory, db_url: str
) -> None:
    srv = sandbox_factory(data=directory(5, 30))
    planted = _plant_bad_records(srv)
    engine = open_database(db_url)
    with client_for(srv) as client:
        report = pull_directory(engine, client, full=True)
    assert report.skipped == {"ContractContact": 1}
    assert report.cleaned == {"ContractContact": 3, "CoworkerContract": 1}
    assert "1 unreadable record(s) left out" in report.summary()
    assert all(is_storable(v) for v in stored_text(engine))
    assert _contact(engine, planted["nul"]).full_name == "Ann Smith"
    assert _contact(engine, planted["surrogate"]).notes == "x\ufffdy\ufffd"
    assert len(_contact(engine, planted["long"]).notes) == MAX_INCOMING_LENGTH
    assert _contact(engine, planted["huge_int"]) is None
    others = server_ids(srv, Resource.CONTRACT_CONTACTS) - {planted["huge_int"]}
    with engine.connect() as conn:
        held = {r[0] for r in conn.execute(select(contacts_table.c.nexudus_id))}
    assert held == others  # every other record arrived

    # The next sync (incremental) is not stopped either, and a corrected record comes in.
    srv.state.update_record(Resource.CONTRACT_CONTACTS, planted["huge_int"], {"CountryId": None})
    with client_for(srv) as client:
        pull_directory(engine, client)
    assert _contact(engine, planted["huge_int"]) is not None


def test_the_cli_sync_reports_a_skipped_record_as_a_data_problem(sandbox_factory: SandboxFactory, db_url: str) -> None:
    srv = sandbox_factory(data=directory(5, 10))
    _plant_bad_records(srv)
    done = cli(srv, db_url, "sync")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "could not be read and were left out" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_the_outbox_is_sent_even_when_the_pull_fails(sandbox_factory: SandboxFactory, db_url: str) -> None:
    srv = sandbox_factory(data=directory(5, 10))
    engine = open_database(db_url)
    with client_for(srv) as client:
        pull_directory(engine, client, full=True)
    contract_id = min(server_ids(srv, Resource.COWORKER_CONTRACTS))
    with session_scope(engine) as s:
        register_contact(s, ContactDraft(contract_id=contract_id, full_name="Outbox Despite Outage"), actor="jo")
    srv.set_faults("500=1,methods=GET")  # every read fails: the pull cannot complete

    service = SyncService(engine, lambda: client_for(srv, max_read_retries=1))
    with pytest.raises(errors.ServerError):
        service.run(PlainContext(), full=True)
    names = [r["FullName"] for r in srv.state.records(Resource.CONTRACT_CONTACTS)]
    assert "Outbox Despite Outage" in names
    assert service.status().pending == 0
