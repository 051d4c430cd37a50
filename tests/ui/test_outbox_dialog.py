"""Waiting to send: a recipient Nexudus refused needs attention; try again, fix it in the register dialog, or
discard it after saying yes to a confirmation (no keeps it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.config import Paths
from app.desk.outbox_service import problem_text, state_label
from app.desk.sync_service import PlainContext, SyncService
from app.nexudus.enums import ContractContactType
from app.store.records import ContactDraft
from app.ui.directory_view import CONTACT_COLUMNS
from app.ui.main import build_main_window
from app.ui.register_dialog import RegisterDialog
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import contact_names, record_parcel, screenshot, signed_in_desk, when_modal


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


def _press(qtbot: QtBot, box: Any, button: QMessageBox.StandardButton) -> None:
    assert isinstance(box, QMessageBox)
    box.button(button).click()


def test_refused_recipient_retry_fix_discard(
    qtbot: QtBot, qtmodeltester: Any, sandbox: Any, sqlite_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    desk = signed_in_desk(sandbox, sqlite_url, pigeonhole_home)
    built = build_main_window(
        engine=desk.engine, session=desk.session, runner=runner, paths=pigeonhole_home, settings=desk.settings
    )
    window = built.window
    qtbot.addWidget(window)
    window.show()
    built.matching.ensure_loaded()

    # A new recipient on a contract that Nexudus then removes: Nexudus refuses it (400, unknown contract).
    contract = sandbox.state.records("CoworkerContract")[-1]["Id"]
    built.register.register(
        ContactDraft(
            contract_id=contract, full_name="Nova Refused", contact_type=ContractContactType.NOMINATED_RECIPIENT
        )
    )
    sandbox.state.delete_record("CoworkerContract", contract)
    record_parcel(built.intake, contact_names(sandbox, 1)[0])
    SyncService(desk.engine, desk.session.new_client).send_waiting(PlainContext())
    record_parcel(built.intake, contact_names(sandbox, 2)[1])  # recorded after the send: waiting

    with qtbot.waitSignal(window.status_shown, timeout=5000) as shown:
        window.refresh_status()
    assert (shown.args[0].pending, shown.args[0].failed) == (1, 1)
    assert window.status.attention.text() == "Needs attention: 1"
    screenshot(window.status, "status-bar-needs-attention")

    qtbot.mouseClick(window.status.attention, Qt.MouseButton.LeftButton)
    dialog = window.outbox_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(dialog.model)
    rows = dialog.model.rows()
    failed = next(r for r in rows if r.state == "failed")
    assert state_label(failed) == "Needs attention" and "Nova Refused" in failed.summary
    # the refusal in the register dialog's words, named by its field, not "CoworkerContractId: refers to a ..."
    assert problem_text(failed) == "Contract: Nexudus does not know this contract (any more): choose another one."
    assert {state_label(r) for r in rows} == {"Needs attention", "Waiting to send"}
    dialog.select_entry(failed.outbox_id)
    assert dialog.problem.text() == f"Nexudus refused it. {problem_text(failed)}"
    screenshot(dialog, "outbox-dialog")
    # every column in view: the problem is cut short in its column (whole in the tooltip and under the table)
    assert dialog.table.horizontalScrollBar().maximum() == 0
    # the directory says the same of the refused recipient, on its Sync badge
    window.directory.show_contract(contract)
    qtbot.waitUntil(lambda: any(c.full_name == "Nova Refused" for c in window.directory.contacts.rows()), timeout=5000)
    refused = next(i for i, c in enumerate(window.directory.contacts.rows()) if c.full_name == "Nova Refused")
    sync = [c.title for c in CONTACT_COLUMNS].index("Sync")
    badge = window.directory.contacts.index(refused, sync)
    assert badge.data(Qt.ItemDataRole.ToolTipRole) == problem_text(failed)

    # Try again: back in the queue.
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        qtbot.keyClick(dialog.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: all(r.state != "failed" for r in dialog.model.rows()), timeout=5000)
    SyncService(desk.engine, desk.session.new_client).send_waiting(PlainContext())
    dialog.refresh()
    qtbot.waitUntil(lambda: any(r.state == "failed" for r in dialog.model.rows()), timeout=5000)
    failed = next(r for r in dialog.model.rows() if r.state == "failed")
    dialog.select_entry(failed.outbox_id)

    # Fix: the register dialog opens on that entry with the server's message.
    dialog.activateWindow()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(isinstance(w, RegisterDialog) and w.isVisible() for w in QApplication.topLevelWidgets()),
        timeout=5000,
    )
    fixer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RegisterDialog) and w.isVisible())
    screenshot(fixer, "outbox-fix-recipient")
    fixer.reject()

    # Discard: "No" keeps it, "Yes" drops it.
    when_modal(qtbot, lambda box: _press(qtbot, box, QMessageBox.StandardButton.No))
    dialog.discard_selected()  # returns once "No" is pressed: nothing was submitted
    QApplication.processEvents()
    assert any(r.outbox_id == failed.outbox_id for r in dialog.model.rows())
    when_modal(qtbot, lambda box: _press(qtbot, box, QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.discard_selected()
    qtbot.waitUntil(lambda: all(r.outbox_id != failed.outbox_id for r in dialog.model.rows()), timeout=5000)
    # Discarding counts as a change: the window sends what still waits shortly after, and the counts follow.
    qtbot.waitUntil(
        lambda: (window.status.status().pending, window.status.status().failed) == (0, 0),  # type: ignore[union-attr]
        timeout=10_000,
    )
    assert not any(r["FullName"] == "Nova Refused" for r in sandbox.state.records("ContractContact"))
    window.close()
