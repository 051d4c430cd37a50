"""The issue's "done when": in the demo workspace, a newcomer logs ten parcels (scan + name + Enter each),
registers an unknown recipient and hands two parcels over — keys only, always sent to the focused widget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import Paths, Settings
from app.desk.deliveries import DeliveryView
from app.desk.session import DemoWorkspace, start_demo_workspace
from app.ui.main import build_main_window
from app.ui.main_window import DELIVERIES
from app.ui.register_dialog import RegisterDialog
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import screenshot, unique_contact_names, when_modal
from tests.ui.keyboard import ALT, CTRL, SHIFT, focused, press, type_text


@pytest.fixture
def demo(pigeonhole_home: Paths) -> Iterator[DemoWorkspace]:
    workspace = start_demo_workspace(pigeonhole_home, contracts=40)
    yield workspace
    workspace.stop()


@pytest.mark.slow
def test_newcomer_by_keyboard(qtbot: QtBot, demo: DemoWorkspace, pigeonhole_home: Paths) -> None:
    runner = TaskRunner()
    built = build_main_window(
        engine=demo.engine,
        session=demo.session,
        runner=runner,
        paths=pigeonhole_home,
        settings=Settings.load(pigeonhole_home),
        demo=True,
    )
    window = built.window
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.start(first_sync=False)
    intake: Any = window.intake
    qtbot.waitUntil(lambda: built.matching.is_loaded, timeout=20_000)
    recorded: list[int] = []
    intake.delivery_recorded.connect(recorded.append)

    # Where parcels go: Alt+S is the shelf field's mnemonic.
    press(qtbot, window, Qt.Key.Key_S, ALT)
    assert QApplication.focusWidget() is intake.shelf_field
    type_text(qtbot, window, "B2")
    press(qtbot, window, Qt.Key.Key_F2)
    assert QApplication.focusWidget() is intake.scan_field

    for n, name in enumerate(unique_contact_names(demo.server, 10)):
        type_text(qtbot, window, f"TBA{100000000000 + n}")
        press(qtbot, window, Qt.Key.Key_Return)  # the scan ends with Enter: on to the addressee
        assert QApplication.focusWidget() is intake.addressee
        type_text(qtbot, window, name)
        qtbot.waitUntil(
            lambda name=name: bool(intake.match_view is not None and intake.match_view.text == name),  # type: ignore[misc]
            timeout=5000,
        )
        if intake.current_candidate() is None:  # a "review" match: choose the first with ↓
            press(qtbot, window, Qt.Key.Key_Down)
        assert intake.current_candidate() is not None and intake.current_candidate().name == name
        press(qtbot, window, Qt.Key.Key_Return, CTRL)  # save and next: the pile keeps its shelf
        if intake.stop_bar.isVisible():  # a cancelled contract, an ID check, "return to sender": said, then Alt+Y
            press(qtbot, window, Qt.Key.Key_Y, ALT)
        qtbot.waitUntil(lambda n=n: len(recorded) == n + 1, timeout=5000)  # type: ignore[misc]
        assert QApplication.focusWidget() is intake.scan_field
    screenshot(window, "keyboard-ten-parcels")

    # Somebody nobody has heard of, at a company that is on the directory: register them with Ctrl+N.
    contract = demo.server.state.records("CoworkerContract")[5]
    company = contract.get("CoworkerCompanyName") or contract.get("CoworkerFullName")
    press(qtbot, window, Qt.Key.Key_Return)
    type_text(qtbot, window, "Zebedee Quux")
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RegisterDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, RegisterDialog)
    assert focused(qtbot, window) is dialog.picker.search_field
    type_text(qtbot, window, company)
    qtbot.waitUntil(lambda: dialog.picker.chosen() is not None, timeout=5000)
    with qtbot.waitSignal(dialog.registered, timeout=5000):
        press(qtbot, window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(
        lambda: intake.match_view is not None and any(c.name == "Zebedee Quux" for c in intake.match_view.candidates),
        timeout=5000,
    )
    screenshot(window, "keyboard-registered")
    for _ in range(6):  # ↓ until the new recipient is chosen (it may not be first)
        current = intake.current_candidate()
        if current is not None and current.name == "Zebedee Quux":
            break
        press(qtbot, window, Qt.Key.Key_Down)
    assert intake.current_candidate() is not None and intake.current_candidate().name == "Zebedee Quux"
    press(qtbot, window, Qt.Key.Key_Return)
    if intake.stop_bar.isVisible():
        press(qtbot, window, Qt.Key.Key_Y, ALT)
    qtbot.waitUntil(lambda: len(recorded) == 11, timeout=5000)

    # Hand two parcels over: Ctrl+2, the first two rows, Ctrl+H, the name, Enter.
    with qtbot.waitSignal(window.deliveries.loaded, timeout=5000):
        press(qtbot, window, Qt.Key.Key_2, CTRL)
    assert window.pages.currentIndex() == DELIVERIES
    press(qtbot, window, Qt.Key.Key_Home, CTRL)
    press(qtbot, window, Qt.Key.Key_Down, SHIFT)
    chosen = {r.delivery_id for r in window.deliveries.selected_rows()}
    assert len(chosen) == 2

    def collect(dialog: Any) -> None:  # the hand-over dialog runs its own event loop: answer it from there
        type_text(qtbot, window, "Pat Collector")
        if dialog.id_checked.isVisible():  # an ID check is not clear: a deliberate tick first
            press(qtbot, window, Qt.Key.Key_C, ALT)
            assert dialog.id_checked.isChecked()
        press(qtbot, window, Qt.Key.Key_Return)

    when_modal(qtbot, collect)
    with qtbot.waitSignal(window.deliveries.changed, timeout=5000):
        press(qtbot, window, Qt.Key.Key_H, CTRL)
    collected = {r.delivery_id for r in built.deliveries.list(DeliveryView.ALL) if r.collected_by == "Pat Collector"}
    assert collected == chosen
    assert len(built.deliveries.list(DeliveryView.TODAY)) == 11
    screenshot(window, "keyboard-handed-over")
    window.close()
    runner.wait_for_done()
