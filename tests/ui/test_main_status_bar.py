"""The status bar says, in plain words, whether we are online, when we last synced, and what is waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.desk.sync_service import DeskStatus, describe_last_sync
from app.ui.status_bar import DeskStatusBar
from tests.ui.desk_fixtures import screenshot


def test_describe_last_sync() -> None:
    now = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
    assert describe_last_sync(None, now) == "Not synced yet"
    assert describe_last_sync(now - timedelta(seconds=20), now) == "Synced just now"
    assert describe_last_sync(now - timedelta(minutes=2, seconds=5), now) == "Synced 2 min ago"
    assert describe_last_sync(now - timedelta(hours=3, minutes=1), now) == "Synced 3 h ago"
    assert describe_last_sync(datetime(2025, 3, 1, 9, 0), now) == "Synced on 1 Mar"  # naive means UTC


def test_counts_and_click_opens_outbox(qtbot: QtBot) -> None:
    bar = DeskStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    last = datetime.now(UTC) - timedelta(minutes=2, seconds=10)
    bar.set_status(DeskStatus(online=True, last_sync=last, pending=3, failed=2))
    assert bar.connection.text() == "● Online"
    assert bar.last_sync.text() == "Synced 2 min ago"
    assert bar.waiting.text() == "Waiting to send: 3"
    assert bar.attention.text() == "Needs attention: 2"
    assert bar.attention.isVisible()
    screenshot(bar, "status-bar-pending-failed")

    with qtbot.waitSignal(bar.outbox_requested, timeout=1000):
        qtbot.mouseClick(bar.attention, Qt.MouseButton.LeftButton)
    bar.waiting.setFocus()
    with qtbot.waitSignal(bar.outbox_requested, timeout=1000):
        qtbot.keyClick(bar.waiting, Qt.Key.Key_Space)

    bar.set_status(DeskStatus(online=False, last_sync=None, pending=0, failed=0, problem="No network"))
    assert bar.connection.text().startswith("● Offline")
    assert bar.connection.toolTip() == "No network"
    assert bar.last_sync.text() == "Not synced yet"
    assert not bar.attention.isVisible()
    screenshot(bar, "status-bar-offline")


def test_progress_and_stop(qtbot: QtBot) -> None:
    bar = DeskStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_progress(0, 0)
    assert bar.progress.isVisible() and bar.progress.maximum() == 0  # busy until the size is known
    bar.show_progress(250, 1000)
    assert (bar.progress.value(), bar.progress.maximum()) == (250, 1000)
    with qtbot.waitSignal(bar.cancel_sync_requested, timeout=1000):
        qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    bar.hide_progress()
    assert not bar.progress.isVisible() and not bar.cancel_button.isVisible()
