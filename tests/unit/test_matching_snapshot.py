"""The match index saved after a sync and read back at start (SQLite and PostgreSQL, a real synced database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from app.desk.intake import IntakeService
from app.desk.matching_service import MatchingService, snapshot_path_for
from app.desk.register import RegisterService
from app.nexudus.enums import ContractContactType
from app.sandbox.server import SandboxServer
from app.store import ContactDraft
from app.sync.outbox import OutboxSender
from tests.unit.test_desk_intake_directory import BUSINESS_ID, client_for, directory, sync, synced_engine

ACTOR = "desk@centre.test"
LABELS = ("Jane Doe", "Mary Craig", "Acme Trading Ltd", "J. Doe", "FAO Olivia Newman\nAcme Trading Ltd", "Nobody Here")


@pytest.fixture
def srv(sandbox_factory: Any) -> SandboxServer:
    return sandbox_factory(data=directory())


@pytest.fixture
def engine(db_url: str, srv: SandboxServer) -> Iterator[Engine]:
    eng = synced_engine(db_url, srv)
    yield eng
    eng.dispose()


def _answers(service: MatchingService) -> list[dict[str, Any]]:
    return [service.match(text).to_json() for text in LABELS]


def test_snapshot_is_read_back_with_the_same_answers(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "index.matchindex"
    first = MatchingService(engine, snapshot=path)
    first.ensure_loaded()
    assert first.loaded_from == "database"
    assert path.exists()
    again = MatchingService(engine, snapshot=path)
    again.ensure_loaded()
    assert again.loaded_from == "snapshot"
    assert again.entry_count == first.entry_count
    assert _answers(again) == _answers(first)


def test_a_contact_sent_after_the_snapshot_is_matched_at_the_next_start(
    engine: Engine, srv: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "index.matchindex"
    matching = MatchingService(engine, snapshot=path)
    matching.ensure_loaded()
    register = RegisterService(engine, matching, ACTOR)
    register.register_recipient(
        ContactDraft(
            contract_id=300,
            full_name="Quentin Blackwood",
            contact_type=ContractContactType.DIRECTOR,
            email="quentin@zephyr.test",
        )
    )
    with client_for(srv) as client:
        assert OutboxSender(engine, client, respect_backoff=False, backoff_base=0.01).flush().sent
    nxt = MatchingService(engine, snapshot=path)
    best = nxt.match("Quentin Blackwood").candidates[0]
    assert nxt.loaded_from == "database"  # the synced directory changed since the snapshot: built again
    assert best.contract_id == 300 and best.contact_id is not None and best.contact_id > 0  # its Nexudus id
    assert all(c.contact_id is None or c.contact_id > 0 for c in nxt.match("Quentin Blackwood").candidates)


def test_a_sync_saves_the_snapshot_the_next_start_reads(engine: Engine, srv: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "index.matchindex"
    intake = IntakeService(engine, MatchingService(engine, snapshot=path), ACTOR, BUSINESS_ID)
    intake.matching.ensure_loaded()
    srv.state.update_record("ContractContact", 3001, {"FullName": "Janina Smithson-Ortega"})
    report = sync(engine, srv, full=False)
    intake.apply_sync_report(report)
    nxt = MatchingService(engine, snapshot=path)
    best = nxt.match("Janina Smithson-Ortega").candidates[0]
    assert nxt.loaded_from == "snapshot"
    assert (best.contract_id, best.contact_id) == (300, 3001)
    assert _answers(nxt) == _answers(intake.matching)


def test_a_damaged_snapshot_is_not_used(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "index.matchindex"
    MatchingService(engine, snapshot=path).ensure_loaded()
    path.write_bytes(path.read_bytes()[:-1000])
    service = MatchingService(engine, snapshot=path)
    assert service.match("Jane Doe").candidates[0].name == "Jane Doe"
    assert service.loaded_from == "database"


def test_snapshot_beside_a_sqlite_file_only(engine: Engine) -> None:
    path = snapshot_path_for(engine)
    if engine.url.get_backend_name() == "sqlite":
        assert path is not None and path.name.endswith(".matchindex")
    else:
        assert path is None


def test_registrations_and_aliases_after_the_snapshot_are_read_on_top_of_it(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "index.matchindex"
    matching = MatchingService(engine, snapshot=path)
    intake = IntakeService(engine, matching, ACTOR, BUSINESS_ID)
    register = RegisterService(engine, matching, ACTOR)
    matching.ensure_loaded()
    recipient = register.register_recipient(
        ContactDraft(
            contract_id=300,
            full_name="Quentin Blackwood",
            contact_type=ContractContactType.DIRECTOR,
            email="quentin@zephyr.test",
        )
    )
    intake.learn_alias("Spindlewick Imports", 300, 3001)
    nxt = MatchingService(engine, snapshot=path)
    best = nxt.match("Quentin Blackwood").candidates[0]
    assert nxt.loaded_from == "snapshot"  # neither a registration nor an alias outdates the synced directory
    assert (best.contract_id, best.contact_id) == (300, recipient.contact_id)
    assert nxt.match("Spindlewick Imports").candidates[0].contract_id == 300
