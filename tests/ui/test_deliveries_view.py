"""The deliveries screen, by keyboard: choose rows, hand over (Ctrl+H), void with a reason (Ctrl+Del), export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.config import Paths
from app.desk.deliveries import DeliveriesService, DeliveryView
from app.ui.deliveries_view import CollectDialog, DeliveriesView, VoidDialog
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import (
    contact_names,
    intake_for,
    record_parcel,
    screenshot,
    select_only_row,
    signed_in_desk,
    when_modal,
)


def only_desk_deliveries(sandbox: Any) -> None:
    """The sync pulls deliveries recorded elsewhere too (they show on the desk); these tests count only the desk's."""
    for record in sandbox.state.records("CoworkerDelivery"):
        sandbox.state.delete_record("CoworkerDelivery", record["Id"])


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


def test_hand_over_and_void_by_keyboard(
    qtbot: QtBot,
    qtmodeltester: Any,
    sandbox: Any,
    sqlite_url: str,
    pigeonhole_home: Paths,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    only_desk_deliveries(sandbox)
    desk = signed_in_desk(sandbox, sqlite_url, pigeonhole_home)
    intake = intake_for(desk.engine, desk.session)
    names = contact_names(sandbox, 4)
    for i, name in enumerate(names):
        record_parcel(intake, name, shelf=f"B{i}")
    service = DeliveriesService(desk.engine, desk.session.email, desk.session.business_id)
    view = DeliveriesView(service, runner)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000) as loaded:
        view.refresh()
    assert loaded.args == [4]
    qtmodeltester.check(view.model)
    assert view.model.data(view.model.index(0, 1)) == "0 min"  # waiting since just now
    screenshot(view, "deliveries")

    # Filter to two recipients' company-free names is not possible in one go: select the first two rows instead.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    chosen = view.selected_rows()
    assert len(chosen) == 2

    seen: list[str] = []

    def hand_over(dialog: Any) -> None:
        assert isinstance(dialog, CollectDialog)
        seen.append(dialog.for_whom.text())
        screenshot(dialog, "deliveries-hand-over")
        qtbot.keyClick(dialog.collected_by, Qt.Key.Key_Return)  # empty name: refused in the dialog
        assert dialog.error.isVisible() and dialog.isVisible()
        qtbot.keyClicks(dialog.collected_by, "Sam Courier")
        qtbot.keyClick(dialog.collected_by, Qt.Key.Key_Return)

    when_modal(qtbot, hand_over)
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.keyClick(view.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert seen and all(r.recipient_name in seen[0] for r in chosen)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)  # the "not collected yet" list
    assert {r.delivery_id for r in view.model.rows()}.isdisjoint({r.delivery_id for r in chosen})
    assert "Handed over 2" in view.message.text()

    def void(dialog: Any) -> None:
        assert isinstance(dialog, VoidDialog)
        qtbot.keyClicks(dialog.reason, "wrong recipient")
        screenshot(dialog, "deliveries-void")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    view.activateWindow()  # the offscreen platform does not give activation back after a dialog closes
    view.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.table, timeout=2000)
    assert len(view.selected_rows()) == 1  # entering the list selected its first row
    target = view.selected_rows()[0]
    when_modal(qtbot, void)
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.keyClick(view.table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)

    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.set_view(DeliveryView.ALL)
    voided = {r.delivery_id: r for r in view.model.rows()}[target.delivery_id]
    assert voided.void_reason == "wrong recipient"
    screenshot(view, "deliveries-all")

    path = tmp_path / "out.csv"
    view.export_csv(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 4
    assert "Exported 4" in view.message.text()


def test_cancel_changes_nothing(
    qtbot: QtBot, sandbox: Any, sqlite_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    only_desk_deliveries(sandbox)
    desk = signed_in_desk(sandbox, sqlite_url, pigeonhole_home)
    record_parcel(intake_for(desk.engine, desk.session), contact_names(sandbox, 1)[0])
    view = DeliveriesView(DeliveriesService(desk.engine, "desk@x", None), runner)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.refresh()
    select_only_row(view.table, 0)
    when_modal(qtbot, lambda d: d.done(QDialog.DialogCode.Rejected))
    view.collect_selected()
    when_modal(qtbot, lambda d: d.done(QDialog.DialogCode.Rejected))
    view.void_selected()
    rows = DeliveriesService(desk.engine, "desk@x", None).list(DeliveryView.UNCOLLECTED)
    assert len(rows) == 1 and rows[0].collected_at is None and rows[0].voided_at is None
