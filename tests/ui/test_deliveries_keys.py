"""Deliveries by keyboard (issue 11): ↓ from the filter enters the list, a lone row is selected, the details pane
tells the item's whole story, a pending ID check warns at hand-over and needs a deliberate tick, plurals.

Real widgets offscreen, signed in to the sandbox over HTTP, a real SQLite database, the real task runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import Paths
from app.desk.deliveries import DeliveriesService, DeliveryView
from app.desk.sync_service import PlainContext, SyncService
from app.ui.deliveries_view import CollectDialog, DeliveriesView
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import intake_for, record_parcel, screenshot, signed_in_desk, when_modal
from tests.ui.test_intake_stops import stops_directory


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


@pytest.fixture
def desk_view(
    qtbot: QtBot, sandbox_factory: Any, sqlite_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> Iterator[tuple[DeliveriesView, Any]]:
    server = sandbox_factory(data=stops_directory())  # Jan Smith's ID check is pending
    desk = signed_in_desk(server, sqlite_url, pigeonhole_home)
    intake = intake_for(desk.engine, desk.session)
    record_parcel(intake, "Jane Doe", shelf="B2")
    record_parcel(intake, "Jan Smith", shelf="C4")
    view = DeliveriesView(DeliveriesService(desk.engine, desk.session.email, desk.session.business_id), runner)
    qtbot.addWidget(view)
    view.resize(1366, 640)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.refresh()
    yield view, desk
    desk.engine.dispose()


def focused() -> Any:
    return QApplication.focusWidget()


def test_down_from_the_filter_enters_the_list_and_a_lone_row_is_selected(
    qtbot: QtBot, desk_view: tuple[DeliveriesView, Any]
) -> None:
    view, _desk = desk_view
    assert view.model.rowCount() == 2 and view.selected_rows() == []
    view.focus_search()
    qtbot.waitUntil(lambda: focused() is view.filter)
    qtbot.keyClick(view.filter, Qt.Key.Key_Down)
    assert focused() is view.table
    assert len(view.selected_rows()) == 1  # entering the list selects its first row
    view.table.clearSelection()
    view.focus_search()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.keyClicks(view.filter, "Jane")
    assert [r.recipient_name for r in view.selected_rows()] == ["Jane Doe"]  # the only row shown: selected
    seen: list[str] = []

    def hand_over(dialog: Any) -> None:
        assert isinstance(dialog, CollectDialog)
        seen.append(dialog.for_whom.text())
        assert not dialog.id_warning.isVisible()  # Jane Doe's ID check is clear
        dialog.reject()

    when_modal(qtbot, hand_over)
    qtbot.keyClick(view.filter, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == ["Jane Doe"]
    assert "Choose deliveries" not in view.message.text()


def test_a_pending_id_check_warns_at_hand_over(qtbot: QtBot, desk_view: tuple[DeliveriesView, Any]) -> None:
    view, _desk = desk_view
    view.focus_search()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.keyClicks(view.filter, "Jan Smith")
    assert [r.recipient_name for r in view.selected_rows()] == ["Jan Smith"]
    assert "ID check still pending" in view.details.text()

    def hand_over(dialog: Any) -> None:
        assert isinstance(dialog, CollectDialog)
        assert dialog.id_warning.isVisible()
        assert "Jan Smith: ID check still pending" in dialog.id_warning.text()
        qtbot.keyClicks(dialog.collected_by, "Jan Smith")
        qtbot.keyClick(dialog.collected_by, Qt.Key.Key_Return)  # one key is not enough
        assert dialog.isVisible() and "tick the box" in dialog.error.text()
        screenshot(dialog, "deliveries-hand-over-id-check")
        dialog.id_checked.setFocus()
        qtbot.keyClick(dialog.id_checked, Qt.Key.Key_Space)  # the deliberate second key
        qtbot.keyClick(dialog.collected_by, Qt.Key.Key_Return)

    when_modal(qtbot, hand_over)
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.keyClick(view.filter, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert view.message.text() == "Handed over 1 item to Jan Smith."


def test_the_details_pane_tells_the_whole_story(
    qtbot: QtBot, desk_view: tuple[DeliveriesView, Any], tmp_path: Path
) -> None:
    view, desk = desk_view
    SyncService(desk.engine, desk.session.new_client).run(PlainContext())  # both deliveries go to Nexudus
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.set_view(DeliveryView.ALL)
    view.focus_search()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.keyClicks(view.filter, "Jane")
    row = view.selected_rows()[0]
    view.collect([row], "Sam Courier", "Jane Doe")
    qtbot.waitUntil(lambda: "Collected" in view.details.text(), timeout=5000)
    view.void(row, "logged twice")
    qtbot.waitUntil(lambda: "Voided" in view.details.text(), timeout=5000)
    story = view.details.text()
    assert story.startswith("Parcel for Jane Doe (Acme Trading Ltd)")
    assert "Received Today" in story and f"by {desk.session.email} · shelf B2" in story
    assert "Sent to Nexudus (delivery " in story
    assert "by Sam Courier for Jane Doe" in story
    assert "Voided Today" in story and ": logged twice" in story
    screenshot(view, "deliveries-details-pane")
    view.export_csv(tmp_path / "one.csv")
    assert view.message.text().startswith("Exported 1 delivery to")  # not "1 deliveries"
