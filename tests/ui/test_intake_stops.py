"""Warnings stop the one-key path at intake (issue 11): a duplicate scan, a cancelled contract, a pending or failed
ID check, "return to sender" need Alt+Y after Enter, with the reason in words; a second Enter never records.
The shelf carried over is shown as such; Enter clears everything, Ctrl+Enter keeps the type and the shelf.

Real widgets offscreen, a real database synced over HTTP from the sandbox (the intake tests' directory, with Jan
Smith's ID check pending and Zephyr's parcels to be returned to sender)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from app.desk.intake import IntakeService
from app.desk.matching_service import MatchingService
from app.desk.register import RegisterService
from app.nexudus.enums import AmlCheckStatus, HandlingPreference
from app.sandbox.server import SandboxServer
from app.store import list_deliveries, session_scope
from app.ui.intake_view import IntakeView
from app.ui.tasks import SyncTaskRunner
from tests.ui.desk_fixtures import screenshot
from tests.unit.test_desk_intake_directory import BUSINESS_ID, directory, synced_engine

ACTOR = "desk@centre.test"
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def stops_directory() -> dict[str, Any]:
    data = directory()
    for c in data["ContractContacts"]:
        if c["FullName"] == "Jan Smith":
            c["AmlCheckStatus"] = int(AmlCheckStatus.PENDING)
        if c["FullName"] == "Robert Smith":
            c["AmlCheckStatus"] = int(AmlCheckStatus.ERROR)
    for contract in data["CoworkerContracts"]:
        if contract["Id"] == 300:
            contract["DeliveryHandlingPreferenceParcels"] = int(HandlingPreference.RETURN_TO_SENDER)
    return data


@pytest.fixture
def engine(sandbox_factory: Any, sqlite_url: str) -> Iterator[Engine]:
    srv: SandboxServer = sandbox_factory(data=stops_directory())
    eng = synced_engine(sqlite_url, srv)
    yield eng
    eng.dispose()


@pytest.fixture
def view(qtbot: QtBot, engine: Engine) -> IntakeView:
    matching = MatchingService(engine)
    intake = IntakeService(engine, matching, ACTOR, BUSINESS_ID, shelf="B2")
    v = IntakeView(intake, RegisterService(engine, matching, ACTOR), SyncTaskRunner())
    qtbot.addWidget(v)
    v.resize(1366, 640)
    v.show()
    qtbot.waitExposed(v)
    v.activateWindow()
    v.focus_scan_field()
    return v


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    widget = focused()
    assert widget is not None
    QTest.keyClick(widget, k, mods)


def addressee(qtbot: QtBot, view: IntakeView, text: str) -> None:
    view.addressee.setFocus()
    qtbot.waitUntil(lambda: focused() is view.addressee)
    QTest.keyClicks(view.addressee, text)
    qtbot.waitUntil(lambda: view.match_view is not None and view.match_view.text == text, timeout=5000)


def recorded(engine: Engine) -> list[Any]:
    with session_scope(engine) as session:
        return list_deliveries(session, "today")


def test_a_duplicate_scan_on_a_cancelled_contract_needs_a_second_deliberate_key(
    qtbot: QtBot, view: IntakeView, engine: Engine
) -> None:
    for _ in range(2):  # the same parcel twice; the second time it is on Mary Craig's cancelled contract
        QTest.keyClicks(view.shelf_field, "" if view.shelf_field.text() else "B2")  # Enter cleared the shelf
        view.focus_scan_field()
        QTest.keyClicks(view.scan_field, "1Z999AA10123456784")
        press(Qt.Key.Key_Return)
        addressee(qtbot, view, "Mary Craig")
        if view.scan_warning.isVisible():
            break
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.stop_bar.isVisible())  # the cancelled contract already stops the first one
        with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
            press(Qt.Key.Key_Y, ALT)
    assert len(recorded(engine)) == 1
    assert view.scan_warning.isVisible()
    assert view.details_warning.isVisible()
    with qtbot.assertNotEmitted(view.delivery_recorded):
        press(Qt.Key.Key_Return)
        press(Qt.Key.Key_Return)  # a double press does not slip through
        press(Qt.Key.Key_Return, CTRL)
    assert view.stop_bar.isVisible()
    said = view.stop_bar.text.text()
    assert "Barcode 1Z999AA10123456784 was already scanned today" in said
    assert "the contract was cancelled on 1 Mar 2025" in said
    assert "Alt+Y" in said
    screenshot(view, "intake-stop-duplicate-cancelled")
    press(Qt.Key.Key_Escape)  # go back: nothing recorded, nothing typed lost
    assert not view.stop_bar.isVisible()
    assert view.addressee.toPlainText() == "Mary Craig" and view.scan_field.text() == "1Z999AA10123456784"
    assert len(recorded(engine)) == 1
    press(Qt.Key.Key_Return)
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        press(Qt.Key.Key_Y, ALT)
    assert len(recorded(engine)) == 2


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Jan Smith", "ID check still pending"),  # and Zephyr returns parcels to sender
        ("Robert Smith", "ID check failed"),
    ],
)
def test_an_id_check_or_return_to_sender_stops_enter(
    qtbot: QtBot, view: IntakeView, engine: Engine, name: str, reason: str
) -> None:
    addressee(qtbot, view, name)
    view.table.select_row(0)
    chosen = view.current_candidate()
    assert chosen is not None and chosen.name == name
    assert reason in view.details_warning.text()
    with qtbot.assertNotEmitted(view.delivery_recorded):
        press(Qt.Key.Key_Return)
    assert reason in view.stop_bar.text.text()
    if name == "Jan Smith":
        assert "returned to sender" in view.stop_bar.text.text()
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        press(Qt.Key.Key_Y, ALT)
    assert [r.recipient_name for r in recorded(engine)] == [name]


def test_alt_y_without_a_stop_records_nothing_and_a_clear_recipient_records_at_once(
    qtbot: QtBot, view: IntakeView, engine: Engine
) -> None:
    addressee(qtbot, view, "Jane Doe")  # ID check clear, active contract, parcels forwarded
    with qtbot.assertNotEmitted(view.delivery_recorded):
        press(Qt.Key.Key_Y, ALT)
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        press(Qt.Key.Key_Return)
    assert not view.stop_bar.isVisible()


def test_shelf_carried_over_is_shown_and_enter_differs_from_ctrl_enter(
    qtbot: QtBot, view: IntakeView, engine: Engine
) -> None:
    assert view.shelf_field.text() == "B2" and view.shelf_note.isVisible()  # from the last session: said so
    assert view.shelf_note.text() == "kept from the last parcel"
    view.type_combo.setCurrentIndex(view.type_combo.findText("Letter"))
    view.shelf_field.setFocus()
    view.shelf_field.selectAll()
    QTest.keyClicks(view.shelf_field, "C7")
    assert not view.shelf_note.isVisible()  # typed now: not carried over
    addressee(qtbot, view, "Jane Doe")
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        press(Qt.Key.Key_Return, CTRL)  # save and next: keeps type and shelf, and says the shelf is kept
    assert (view.type_combo.currentText(), view.shelf_field.text()) == ("Letter", "C7")
    assert view.shelf_note.isVisible()
    addressee(qtbot, view, "Jane Doe")
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        press(Qt.Key.Key_Return)  # Enter: records and clears everything
    assert (view.type_combo.currentText(), view.shelf_field.text()) == ("Parcel", "")
    assert not view.shelf_note.isVisible()
    rows = recorded(engine)
    assert [(r.shelf, int(r.delivery_type)) for r in rows] == [("C7", 1), ("C7", 1)]


def test_nothing_jumps_while_typing(qtbot: QtBot, view: IntakeView) -> None:
    """The rows under the candidates stay put whether the selected one has a warning, reasons or nothing."""

    def places() -> tuple[int, int, int]:
        return (
            view.type_combo.mapTo(view, view.type_combo.rect().topLeft()).y(),
            view.table.height(),
            view.details.height(),
        )

    start = places()
    for text in ("J", "Jan Smith", "Jane Doe", "Mary Craig", "Xavier Quillfeather"):
        view.addressee.clear()
        addressee(qtbot, view, text)
        view.table.select_row(0)
        assert places() == start, text
