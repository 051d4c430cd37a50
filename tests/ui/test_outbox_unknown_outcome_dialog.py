"""Discarding an entry whose send got no clear answer: the dialog asks Nexudus first, then offers the true choice
(keep Nexudus's copy, or delete it there) instead of "Nexudus will never receive it" (issue 15, point 2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.config import Paths
from app.desk.outbox_service import OutboxService, needs_server_check
from app.nexudus.enums import ContractContactType
from app.store.records import ContactDraft
from app.sync import OutboxSender
from app.ui.main import build_main_window
from app.ui.outbox_dialog import OutboxDialog
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import screenshot, signed_in_desk, when_modal


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


def _click(box: Any, text: str, shots: list[str]) -> None:
    assert isinstance(box, QMessageBox)
    shots.append(str(screenshot(box, "outbox-unknown-outcome-question")))
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()


@pytest.mark.parametrize(
    ("choice", "on_server_after", "said"),
    [
        ("Keep Nexudus's copy", True, "Kept: Nexudus has it, so it is marked as sent."),
        ("Delete it in Nexudus", False, "Deleted in Nexudus and discarded here."),
    ],
)
def test_the_dialog_offers_the_true_choice(
    qtbot: QtBot,
    sandbox: Any,
    sqlite_url: str,
    pigeonhole_home: Paths,
    runner: TaskRunner,
    choice: str,
    on_server_after: bool,
    said: str,
) -> None:
    desk = signed_in_desk(sandbox, sqlite_url, pigeonhole_home)
    built = build_main_window(
        engine=desk.engine, session=desk.session, runner=runner, paths=pigeonhole_home, settings=desk.settings
    )
    qtbot.addWidget(built.window)
    contract = sandbox.state.records("CoworkerContract")[0]["Id"]
    built.register.register(
        ContactDraft(contract_id=contract, full_name="Unclear Answer", contact_type=ContractContactType.DIRECTOR)
    )
    sandbox.set_faults("drop=1,applied=1,methods=POST")  # applied by Nexudus, the answer lost
    with desk.session.new_client() as client:
        assert OutboxSender(desk.engine, client, inline_retries=0).flush().stopped == "network"
    sandbox.set_faults(None)

    dialog = OutboxDialog(OutboxService(desk.engine, "jo", desk.session.new_client), runner)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 600)
    dialog.show()
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    row = dialog.model.rows()[0]
    assert needs_server_check(row)
    dialog.select_entry(row.outbox_id)
    shots: list[str] = []
    told: list[str] = []  # what the dialog said when the choice was written (the list's refresh says more after)
    dialog.changed.connect(lambda: told.append(dialog.message.text()))
    when_modal(qtbot, lambda box: _click(box, choice, shots))
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.discard_selected()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=5000)
    assert shots
    assert told == [said]
    names = [r["FullName"] for r in sandbox.state.records("ContractContact")]
    assert ("Unclear Answer" in names) is on_server_after
    for width, height in ((1366, 768), (1920, 1080)):
        dialog.resize(width, height)
        screenshot(dialog, f"outbox-unknown-outcome-after-{'keep' if on_server_after else 'delete'}-{width}")
    built.window.close()
