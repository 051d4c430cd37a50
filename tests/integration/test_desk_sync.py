"""Sync and status at the desk on SQLite and PostgreSQL: offline then back, a missing role named, counts."""

from __future__ import annotations

from typing import Any

from app.config import Paths
from app.desk.sync_service import PlainContext, SyncService
from tests.ui.desk_fixtures import contact_names, intake_for, record_parcel, signed_in_desk


def test_offline_then_back(sandbox: Any, db_url: str, pigeonhole_home: Paths) -> None:
    desk = signed_in_desk(sandbox, db_url, pigeonhole_home)
    sync = SyncService(desk.engine, desk.session.new_client)
    assert sync.status().online is None  # nothing tried yet by this service
    intake = intake_for(desk.engine, desk.session)
    before = sandbox.state.count("CoworkerDelivery")

    sandbox.stop()
    record_parcel(intake, contact_names(sandbox, 1)[0])
    outcome = sync.send_waiting(PlainContext())
    assert outcome.flush is not None and outcome.flush.sent == 0
    status = sync.status()
    assert status.online is False and status.pending == 1 and status.problem

    sandbox.restart()
    outcome = sync.run(PlainContext(), user_asked=True)  # "Sync now": no waiting out the retry delay
    assert outcome.flush is not None and outcome.flush.sent == 1
    status = sync.status()
    assert (status.online, status.pending, status.failed, status.problem) == (True, 0, 0, "")
    assert sandbox.state.count("CoworkerDelivery") == before + 1


def test_missing_create_role_is_named(sandbox: Any, db_url: str, pigeonhole_home: Paths) -> None:
    desk = signed_in_desk(sandbox, db_url, pigeonhole_home, user=("desk@sandbox.test", "sandbox"))
    assert desk.first_sync.report is not None and desk.first_sync.report.changed_contact_ids  # List/Read suffice
    record_parcel(intake_for(desk.engine, desk.session), contact_names(sandbox, 1)[0])
    sync = SyncService(desk.engine, desk.session.new_client)
    outcome = sync.send_waiting(PlainContext())
    assert outcome.flush is not None and outcome.flush.paused
    status = sync.status()
    assert status.paused and status.pending == 1
    assert "CoworkerDelivery-Create" in status.problem


def test_sync_reports_changes_for_the_matching_index(sandbox: Any, db_url: str, pigeonhole_home: Paths) -> None:
    desk = signed_in_desk(sandbox, db_url, pigeonhole_home)
    sync = SyncService(desk.engine, desk.session.new_client)
    contact = sandbox.state.records("ContractContact")[0]
    sandbox.state.update_record("ContractContact", contact["Id"], {"FullName": "Renamed Person"})
    outcome = sync.run(PlainContext())
    assert contact["Id"] in outcome.changes.changed_contact_ids
    assert not outcome.cancelled

    cancel = PlainContext()
    cancel.cancel.set()
    stopped = sync.run(cancel)
    assert stopped.cancelled and stopped.flush is None
