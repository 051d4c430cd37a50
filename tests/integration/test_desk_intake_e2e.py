"""Intake end to end with the real task runner: keyboard in, delivery out to the sandbox over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
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
from app.nexudus.errors import NetworkError
from app.sandbox.server import SandboxServer
from app.store import ContactDraft, list_outbox, session_scope
from app.sync.outbox import FlushReport, OutboxSender
from app.ui.intake_view import IntakeView
from app.ui.register_dialog import RegisterDialog
from app.ui.tasks import TaskRunner
from tests.ui.test_intake_view import shot
from tests.unit.test_desk_intake_directory import BUSINESS_ID, client_for, directory, sync, synced_engine

ACTOR = "desk@centre.test"


@pytest.fixture
def srv(sandbox_factory: Any) -> SandboxServer:
    return sandbox_factory(data=directory())


@pytest.fixture
def engine(sqlite_url: str, srv: SandboxServer) -> Iterator[Engine]:
    eng = synced_engine(sqlite_url, srv)
    yield eng
    eng.dispose()


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


@pytest.fixture
def view(qtbot: QtBot, engine: Engine, runner: TaskRunner) -> IntakeView:
    matching = MatchingService(engine)
    intake = IntakeService(engine, matching, ACTOR, BUSINESS_ID, shelf="B2")
    v = IntakeView(intake, RegisterService(engine, matching, ACTOR), runner)
    qtbot.addWidget(v)
    v.resize(1100, 620)
    v.show()
    qtbot.waitExposed(v)
    v.activateWindow()
    qtbot.waitUntil(lambda: matching.is_loaded, timeout=10_000)
    v.focus_scan_field()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is v.scan_field)
    return v


def flush(engine: Engine, srv: SandboxServer) -> FlushReport:
    with client_for(srv) as client:
        return OutboxSender(engine, client, respect_backoff=False, backoff_base=0.01).flush()


def deliveries_on_server(srv: SandboxServer) -> list[dict[str, Any]]:
    return srv.state.records("CoworkerDelivery")


def typed(widget: QWidget | None, text: str, *, enter: bool = False, ctrl: bool = False) -> None:
    assert widget is not None
    QTest.keyClicks(widget, text)
    if enter:
        mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
        QTest.keyClick(widget, Qt.Key.Key_Return, mods)


def test_matched_intake_reaches_nexudus(qtbot: QtBot, view: IntakeView, engine: Engine, srv: SandboxServer) -> None:
    before = len(deliveries_on_server(srv))
    typed(QApplication.focusWidget(), "1Z999AA10123456784", enter=True)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.addressee)
    with qtbot.waitSignal(view.delivery_recorded, timeout=10_000):
        typed(QApplication.focusWidget(), "Ms Jane Doe", enter=True)  # Enter before the matches came back
    report = flush(engine, srv)
    assert report.sent == 1, report.summary()
    created = deliveries_on_server(srv)[before:]
    assert len(created) == 1
    d = created[0]
    assert (d["ContractContactId"], d["BusinessId"], d["Location"], d["DeliveryType"]) == (1001, BUSINESS_ID, "B2", 2)
    assert d["ReceivedBy"] == ACTOR
    assert d["Name"] == "Parcel (UPS)"


def test_stale_results_are_dropped_while_typing(qtbot: QtBot, view: IntakeView, runner: TaskRunner) -> None:
    shown: list[str] = []
    view.model.modelReset.connect(lambda: shown.append(view.match_view.text if view.match_view else ""))
    final = "Robert Smith"
    for i in range(1, len(final) + 1):  # every keystroke starts a job at once (no debounce), as fast as possible
        view.addressee.blockSignals(True)
        view.addressee.setPlainText(final[:i])
        view.addressee.blockSignals(False)
        view._run_match()
    qtbot.waitUntil(lambda: not runner.is_busy("match"), timeout=10_000)
    qtbot.waitUntil(lambda: view.match_view is not None and view.match_view.text == final, timeout=10_000)
    assert shown == [final]  # only the newest answer reached the screen
    best = view.current_candidate()
    assert best is not None and best.contact_id == 1002


def test_ten_parcels_by_keyboard_only(qtbot: QtBot, view: IntakeView, engine: Engine, srv: SandboxServer) -> None:
    names = ["Jane Doe", "Robert Smith", "Mary Craig", "Acme Widgets", "Jan Smith"] * 2
    recorded: list[int] = []
    view.delivery_recorded.connect(recorded.append)
    for i, name in enumerate(names):
        qtbot.waitUntil(lambda: QApplication.focusWidget() is view.scan_field)
        typed(QApplication.focusWidget(), f"TBA{100000000000 + i}", enter=True)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is view.addressee)
        typed(QApplication.focusWidget(), name, enter=True, ctrl=True)  # a pile: Ctrl+Enter keeps the shelf

        def stopped_or_recorded(i: int = i) -> bool:
            return len(recorded) == i + 1 or view.stop_bar.isVisible()

        def recorded_now(i: int = i) -> bool:
            return len(recorded) == i + 1

        qtbot.waitUntil(stopped_or_recorded, timeout=10_000)
        if view.stop_bar.isVisible():  # Robert Smith's ID check, Mary Craig's cancelled contract: said, then Alt+Y
            widget = QApplication.focusWidget()
            assert widget is not None
            QTest.keyClick(widget, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(recorded_now, timeout=10_000)
    shot(view, "after-ten-parcels")
    report = flush(engine, srv)
    assert report.sent == 10, report.summary()
    on_server = deliveries_on_server(srv)[-10:]
    assert [d["ContractContactId"] for d in on_server] == [1001, 1002, 2001, 1003, 3001] * 2


def test_offline_intake_is_queued_then_sent(qtbot: QtBot, view: IntakeView, engine: Engine, srv: SandboxServer) -> None:
    srv.stop()  # the network is down
    view.addressee.setFocus()
    with qtbot.waitSignal(view.delivery_recorded, timeout=10_000):
        typed(view.addressee, "Jane Doe", enter=True)
    assert "Waiting to send" in view.confirmation.text()
    with pytest.raises(NetworkError):  # cannot even sign in
        flush(engine, srv)
    with session_scope(engine) as session:
        assert [e.state for e in list_outbox(session)] == ["pending"]
    srv.restart()  # back, same port, same data
    report = flush(engine, srv)
    assert report.sent == 1
    assert deliveries_on_server(srv)[-1]["ContractContactId"] == 1001
    with session_scope(engine) as session:
        assert list_outbox(session) == []


def test_server_refusal_goes_on_the_field_and_resubmit_is_accepted(
    qtbot: QtBot, view: IntakeView, engine: Engine, srv: SandboxServer, runner: TaskRunner
) -> None:
    register = RegisterService(engine, view._intake.matching, ACTOR)
    countries = register.countries()
    gone, other = countries[0], countries[1]
    recipient = register.register_recipient(
        ContactDraft(
            contract_id=300,
            full_name="Ulla Ekdahl",
            email="ulla@zephyr.test",
            country_id=gone.country_id,
            date_of_birth=date(1984, 5, 6),
        )
    )
    srv.state.delete_record("Country", gone.country_id)  # the server no longer knows that country
    report = flush(engine, srv)
    assert report.failed == 1, report.summary()
    with session_scope(engine) as session:
        entry = next(e for e in list_outbox(session) if e.contact_id == recipient.contact_id)
    assert entry.state == "failed" and "CountryId" in entry.field_errors

    dialog = RegisterDialog(register, runner, outbox_id=entry.outbox_id, parent=view)
    qtbot.addWidget(dialog)
    dialog.resize(760, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.full_name.text() == "Ulla Ekdahl"
    assert dialog.draft().date_of_birth == date(1984, 5, 6)
    assert "Nexudus does not know this country" in dialog.error_for("CountryId")
    qtbot.waitUntil(lambda: dialog.country.findData(other.country_id) >= 0, timeout=5000)  # the list loaded
    assert dialog.country.currentText() == gone.name
    assert "Nexudus does not know this country" in dialog.error_for("CountryId")
    shot(dialog, "register-server-refused")
    dialog.country.setCurrentIndex(dialog.country.findData(other.country_id))
    assert dialog.error_for("CountryId") == ""
    with qtbot.waitSignal(dialog.registered, timeout=5000):
        dialog.submit()
    report = flush(engine, srv)
    assert report.sent == 1, report.summary()
    created = [c for c in srv.state.records("ContractContact") if c["FullName"] == "Ulla Ekdahl"]
    assert len(created) == 1 and created[0]["CountryId"] == other.country_id


def test_directory_changes_reach_the_candidates(
    qtbot: QtBot, view: IntakeView, engine: Engine, srv: SandboxServer, runner: TaskRunner
) -> None:
    srv.state.update_record("ContractContact", 3001, {"FullName": "Janina Smithson-Ortega"})
    report = sync(engine, srv)
    view.on_directory_changed(report)
    qtbot.waitUntil(lambda: not runner.is_busy("match-index"), timeout=10_000)
    view.addressee.setFocus()
    QTest.keyClicks(view.addressee, "Janina Smithson-Ortega")
    qtbot.waitUntil(lambda: view.match_view is not None and view.match_view.text == "Janina Smithson-Ortega")
    best = view.current_candidate()
    assert best is not None and best.contact_id == 3001
