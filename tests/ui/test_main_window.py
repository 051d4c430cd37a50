"""The main window on the demo workspace: pages and shortcuts, sync with progress, status bar, outbox, state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import APP_NAME, Paths, Settings
from app.desk.session import DemoWorkspace, start_demo_workspace
from app.desk.sync_service import DeskStatus, SyncOutcome
from app.ui.main import Desk, build_main_window
from app.ui.main_window import DELIVERIES, DEMO_BANNER, DIRECTORY, INTAKE
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import record_parcel, screenshot

DEMO_CONTRACTS = 30


@pytest.fixture
def demo(pigeonhole_home: Paths) -> Iterator[DemoWorkspace]:
    workspace = start_demo_workspace(pigeonhole_home, contracts=DEMO_CONTRACTS)
    yield workspace
    workspace.stop()


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


def _open(qtbot: QtBot, demo: DemoWorkspace, runner: TaskRunner, paths: Paths) -> Desk:
    desk = build_main_window(
        engine=demo.engine, session=demo.session, runner=runner, paths=paths, settings=Settings.load(paths), demo=True
    )
    qtbot.addWidget(desk.window)
    desk.window.show()
    qtbot.waitExposed(desk.window)
    return desk


def test_opens_on_demo_workspace(qtbot: QtBot, demo: DemoWorkspace, runner: TaskRunner, pigeonhole_home: Paths) -> None:
    assert demo.folder == pigeonhole_home.data_dir / "demo"
    assert (demo.folder / "demo.sqlite3").exists()
    desk = _open(qtbot, demo, runner, pigeonhole_home)
    window = desk.window
    with qtbot.waitSignal(window.status_shown, timeout=10_000) as shown:
        window.start(first_sync=False)
    status: DeskStatus = shown.args[0]
    assert status.contracts == DEMO_CONTRACTS
    assert status.contacts == demo.server.state.count("ContractContact")
    assert status.last_sync is not None
    assert window.banner.isVisible() and window.banner.text() == DEMO_BANNER
    assert window.windowTitle() == "Demo workspace — Pigeonhole"
    shown = _title_as_shown(window.windowTitle())  # what the window manager shows (issue 11: the name twice)
    assert shown == "Demo workspace — Pigeonhole" and shown.count("Pigeonhole") == 1
    assert window.pages.currentIndex() == INTAKE
    assert window.status.last_sync.text() == "Synced just now"

    # Keyboard: Ctrl+2 deliveries, Ctrl+3 directory (its search gets the focus), Ctrl+1 back to intake.
    with qtbot.waitSignal(window.deliveries.loaded, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentIndex() == DELIVERIES
    with qtbot.waitSignal(window.directory.loaded, timeout=5000) as loaded:
        qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentIndex() == DIRECTORY and loaded.args[0] == DEMO_CONTRACTS
    assert window.directory.search.hasFocus()
    qtbot.waitUntil(lambda: window.directory.current is not None, timeout=5000)
    screenshot(window, "main-directory")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentIndex() == INTAKE
    screenshot(window, "main-intake")


def test_sync_now_sends_what_waits_and_updates_the_status(
    qtbot: QtBot, demo: DemoWorkspace, runner: TaskRunner, pigeonhole_home: Paths
) -> None:
    desk = _open(qtbot, demo, runner, pigeonhole_home)
    window = desk.window
    desk.matching.ensure_loaded()
    names = [
        r["FullName"]
        for r in demo.server.state.records("ContractContact")
        if r.get("ContractContactType") == 1 and not r.get("CoworkerId")
    ][:3]
    before = demo.server.state.count("CoworkerDelivery")
    for name in names:
        record_parcel(desk.intake, name)
    with qtbot.waitSignal(window.status_shown, timeout=10_000) as shown:
        window.refresh_status()
    assert shown.args[0].pending == 3
    assert window.status.waiting.text() == "Waiting to send: 3"
    screenshot(window.status, "status-bar-waiting")

    progress: list[tuple[int, int]] = []
    window.status.progress.valueChanged.connect(lambda v: progress.append((v, window.status.progress.maximum())))
    with qtbot.waitSignal(window.sync_finished, timeout=30_000) as finished:
        qtbot.keyClick(window, Qt.Key.Key_F5)
    outcome = finished.args[0]
    assert isinstance(outcome, SyncOutcome) and outcome.flush is not None and outcome.flush.sent == 3
    assert demo.server.state.count("CoworkerDelivery") == before + 3
    qtbot.waitUntil(lambda: window.status.waiting.text() == "Waiting to send: 0", timeout=5000)
    assert window.status.connection.text() == "● Online"
    assert not window.status.progress.isVisible()
    assert progress, "the progress bar never moved"


def _title_as_shown(title: str) -> str:
    """Qt's rule (QPlatformWindow::formatWindowTitle): the application display name is appended after " — "
    unless the title already ends with it. The desk sets the display name to APP_NAME (app.ui.main)."""
    return title if title.endswith(APP_NAME) else f"{title} — {APP_NAME}"


def test_window_state_is_remembered(
    qtbot: QtBot, demo: DemoWorkspace, runner: TaskRunner, pigeonhole_home: Paths
) -> None:
    desk = _open(qtbot, demo, runner, pigeonhole_home)
    assert desk.window.isMaximized(), "the first start uses the whole screen"
    desk.window.showNormal()
    desk.window.resize(700, 500)
    desk.window.show_page(DIRECTORY)
    desk.window.close()
    again = _open(qtbot, demo, runner, pigeonhole_home)
    assert again.window.pages.currentIndex() == DIRECTORY
    assert not again.window.isMaximized()
    assert (again.window.width(), again.window.height()) == (700, 500)
    again.window.showMaximized()
    again.window.close()
    third = _open(qtbot, demo, runner, pigeonhole_home)
    assert third.window.isMaximized(), "left maximised, opens maximised"


def test_demo_remembers_across_restarts(pigeonhole_home: Paths, demo: DemoWorkspace) -> None:
    state_file = demo.folder / "sandbox-state.json"
    assert state_file.exists()
    demo.server.state.update_record(
        "ContractContact", demo.server.state.records("ContractContact")[0]["Id"], {"FullName": "Remembered Person"}
    )
    demo.stop()
    again = start_demo_workspace(pigeonhole_home, contracts=DEMO_CONTRACTS)
    try:
        assert any(r["FullName"] == "Remembered Person" for r in again.server.state.records("ContractContact"))
    finally:
        again.stop()
