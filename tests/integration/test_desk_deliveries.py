"""Deliveries at the desk on SQLite and PostgreSQL: lists, hand-over (sent to the sandbox), void (kept, with the
reason in the audit trail), CSV export."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from app.config import Paths
from app.desk.deliveries import DeliveriesService, DeliveryView, DeskInputError, status_label
from app.desk.sync_service import PlainContext, SyncService
from app.store.tables import AuditEntry
from tests.ui.desk_fixtures import contact_names, intake_for, record_parcel, signed_in_desk


def test_lists_collect_void_export(sandbox: Any, db_url: str, pigeonhole_home: Paths, tmp_path: Path) -> None:
    desk = signed_in_desk(sandbox, db_url, pigeonhole_home)
    intake = intake_for(desk.engine, desk.session)
    names = contact_names(sandbox, 3)
    service = DeliveriesService(desk.engine, desk.session.email, desk.session.business_id)
    # The sandbox's own deliveries, recorded in Nexudus and pulled by the first sync; this desk's are added to them.
    elsewhere = service.list(DeliveryView.ALL)
    waiting_elsewhere = [r.delivery_id for r in service.list(DeliveryView.UNCOLLECTED)]
    assert {r.delivery_id for r in elsewhere} >= set(waiting_elsewhere)
    ids = [record_parcel(intake, name, shelf=f"A{i}") for i, name in enumerate(names)]

    today = service.list(DeliveryView.TODAY)
    assert sorted(r.delivery_id for r in today) == sorted(ids)
    assert all(status_label(r) == "Waiting to send" for r in today)
    only = service.list(DeliveryView.ALL, text=names[1])
    assert [r.recipient_name for r in only] == [names[1]]
    company = only[0].company_name
    assert company and ids[1] in {r.delivery_id for r in service.list(DeliveryView.ALL, text=company)}

    with pytest.raises(DeskInputError):
        service.collect(ids[:2], "  ", "")
    service.collect(ids[:2], "Sam Courier", names[0])
    uncollected = service.list(DeliveryView.UNCOLLECTED)
    assert sorted(r.delivery_id for r in uncollected) == sorted([*waiting_elsewhere, ids[2]])

    with pytest.raises(DeskInputError):
        service.void(ids[2], "")
    service.void(ids[2], "logged twice")
    assert [r.delivery_id for r in service.list(DeliveryView.UNCOLLECTED)] == waiting_elsewhere
    voided = {r.delivery_id: r for r in service.list(DeliveryView.ALL)}[ids[2]]
    assert voided.void_reason == "logged twice" and status_label(voided) == "Voided"
    with Session(desk.engine) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "delivery.void")).all()
    assert len(audit) == 1 and audit[0].actor == desk.session.email
    assert json.loads(audit[0].details)["reason"] == "logged twice"

    # Sent to Nexudus: two deliveries created and collected; the voided one never sent (nothing to undo there).
    before = {r["Id"] for r in sandbox.state.records("CoworkerDelivery")}
    outcome = SyncService(desk.engine, desk.session.new_client).send_waiting(PlainContext())
    assert outcome.flush is not None and outcome.flush.failed == 0
    new = [r for r in sandbox.state.records("CoworkerDelivery") if r["Id"] not in before]
    assert len(new) == 2 and all(r["Collected"] for r in new)

    path = tmp_path / "deliveries.csv"
    rows = [r for r in service.list(DeliveryView.ALL) if r.delivery_id in ids]  # this desk's three, selected
    assert len(service.list(DeliveryView.ALL)) == len(elsewhere) + 3
    assert service.export_csv(rows, path) == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheet programs read accents right
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert {r["Recipient"] for r in table} == set(names)
    by_name = {r["Recipient"]: r for r in table}
    assert by_name[names[0]]["Collected by"] == "Sam Courier"
    assert by_name[names[2]]["Void reason"] == "logged twice" and by_name[names[2]]["Status"] == "Voided"
    assert by_name[names[1]]["Shelf"] == "A1" and by_name[names[1]]["Company"] == company
