"""The desk through an outage and a refused sign-in (issue 11), with the real window, the real task runner and real
HTTP to a sandbox that is stopped and restarted. The connection's clock is moved by hand, so the 30 s backoff and
the minute of freshness are exercised without waiting for them.

- Offline shows as soon as a send fails and stays until Nexudus answers; checks back off to 30 s; when the sandbox
  is back, the waiting work goes out by itself within 30 s (of the desk's clock, and of real time).
- A delivery paused for a missing role goes out once an administrator signs in through the dialog that opened in
  place; an expired sign-in opens the same dialog, and what was being typed is still there afterwards.
- Ctrl+Q with unsent work says how many items wait and that they go out at the next start.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from app.config import Paths
from app.desk.connection import ConnectionWatch, Link
from app.desk.session import DEMO_ADMIN
from app.ui.main import Desk, build_main_window
from app.ui.signin_dialog import SignInDialog
from app.ui.tasks import TaskRunner
from tests.support.clock import FakeClock
from tests.ui.desk_fixtures import contact_names, record_parcel, screenshot, signed_in_desk, when_modal

DESK_USER = ("desk@sandbox.test", "sandbox")  # List and Read roles only: sending is refused


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


def _open(
    qtbot: QtBot,
    sandbox: Any,
    db_url: str,
    paths: Paths,
    runner: TaskRunner,
    clock: FakeClock,
    user: tuple[str, str] = DEMO_ADMIN,
) -> Desk:
    signed = signed_in_desk(sandbox, db_url, paths, user=user)
    desk = build_main_window(
        engine=signed.engine,
        session=signed.session,
        runner=runner,
        paths=paths,
        settings=signed.settings,
        watch=ConnectionWatch(clock=clock),
        connection_tick_ms=50,
    )
    qtbot.addWidget(desk.window)
    desk.window.show()
    qtbot.waitExposed(desk.window)
    desk.matching.ensure_loaded()
    desk.window.start(first_sync=False)
    return desk


def _record(desk: Desk, names: list[str]) -> None:
    for name in names:
        record_parcel(desk.intake, name)
        desk.window.changes_recorded()


def _new_deliveries(sandbox: Any, before_ids: set[int]) -> list[dict[str, Any]]:
    return [r for r in sandbox.state.records("CoworkerDelivery") if r["Id"] not in before_ids]


def assert_each_once(sandbox: Any, before_ids: set[int], names: list[str]) -> None:
    """Every recorded item is in Nexudus exactly once (by our SystemId marker), for the right recipient."""
    new = _new_deliveries(sandbox, before_ids)
    markers = [r.get("SystemId") for r in new]
    assert len(new) == len(names) and len(set(markers)) == len(names) and all(markers), markers
    got = sorted(
        str((sandbox.state.get("ContractContact", int(r["ContractContactId"])) or {}).get("FullName"))
        for r in new
        if r.get("ContractContactId")
    )
    assert got == sorted(names)


def test_outage_then_back_sends_by_itself_within_30_s(
    qtbot: QtBot, sandbox: Any, db_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    clock = FakeClock()
    desk = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, clock)
    window, bar, watch = desk.window, desk.window.status, desk.sync.watch
    qtbot.waitUntil(lambda: bar.connection.text() == "● Online", timeout=10_000)  # the first check answered

    names = contact_names(sandbox, 3)
    before = sandbox.state.count("CoworkerDelivery")
    before_ids = {r["Id"] for r in sandbox.state.records("CoworkerDelivery")}
    sandbox.stop()
    _record(desk, names)
    # The send 1.5 s later fails: Offline at once, and it stays so (before issue 11 it said Online again).
    qtbot.waitUntil(lambda: bar.connection.text().startswith("● Offline since"), timeout=15_000)
    qtbot.waitUntil(lambda: bar.waiting.text() == "Waiting to send: 3", timeout=5000)
    assert "cannot reach Nexudus" in bar.connection.toolTip()
    for size in ((1366, 768), (1920, 1080)):
        window.showNormal()
        window.resize(*size)
        screenshot(window, f"status-offline-{size[0]}x{size[1]}")

    # Checks back off 1, 2, 4, ... capped at 25 s (the desk's clock), while the work waits. A check or a send is
    # an attempt; each failed one doubles the wait.
    attempts: list[object] = []
    window.connection.checked.connect(attempts.append)
    window.sync_finished.connect(attempts.append)
    qtbot.waitUntil(lambda: not runner.is_busy() and watch.retry_delay() >= 1, timeout=10_000)  # the send ended
    delays = []
    for _ in range(7):
        done = len(attempts)
        clock.advance(watch.retry_delay())

        def attempted(done: int = done) -> bool:
            return len(attempts) > done and not runner.is_busy()

        qtbot.waitUntil(attempted, timeout=15_000)
        delays.append(watch.retry_delay())
        assert bar.connection.text().startswith("● Offline")
    assert max(delays) == 25 and delays[-1] == 25, delays  # capped (25 s: the check and the send fit in 30 s)
    assert sandbox.state.count("CoworkerDelivery") == before

    sandbox.restart()
    back_real, back_desk = time.monotonic(), clock()
    clock.advance(watch.retry_delay())  # the next check, at most 30 s after the connection came back
    qtbot.waitUntil(lambda: sandbox.state.count("CoworkerDelivery") == before + 3, timeout=30_000)
    assert clock() - back_desk <= 30
    assert time.monotonic() - back_real < 30
    qtbot.waitUntil(lambda: bar.waiting.text() == "Waiting to send: 0", timeout=10_000)
    assert bar.connection.text() == "● Online"
    assert_each_once(sandbox, before_ids, names)
    for size in ((1366, 768), (1920, 1080)):
        window.resize(*size)
        screenshot(window, f"status-recovered-{size[0]}x{size[1]}")

    clock.advance(61)  # no answer for a minute: "Online" is not claimed on old evidence; a check runs
    with qtbot.waitSignal(window.connection.checked, timeout=15_000) as checked:
        pass
    assert checked.args == [True] and bar.connection.text() == "● Online"


def test_paused_for_a_missing_role_goes_out_when_an_administrator_signs_in(
    qtbot: QtBot, sandbox: Any, db_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    clock = FakeClock()
    desk = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, clock, user=DESK_USER)
    bar = desk.window.status
    name = contact_names(sandbox, 1)[0]
    before = sandbox.state.count("CoworkerDelivery")
    _record(desk, [name])
    # Refused for the missing role: paused, and the sign-in dialog opens over the desk, saying why.
    qtbot.waitUntil(
        lambda: desk.sign_in_again.dialog is not None and desk.sign_in_again.dialog.isVisible(), timeout=15_000
    )
    dialog: Any = desk.sign_in_again.dialog
    assert "CoworkerDelivery-Create" in dialog.reason.text() and dialog.reason.isVisible()
    assert bar.connection.text().startswith("● Sign-in needed") and bar.sign_in_button.isVisible()
    qtbot.waitUntil(
        lambda: bar.attention.text() == "Sending paused" and bar.waiting.text() == "Waiting to send: 1", timeout=10_000
    )
    screenshot(dialog, "sign-in-again-missing-role")
    desk.window.showNormal()
    desk.window.resize(1366, 768)
    screenshot(desk.window, "status-signed-out-1366x768")

    dialog.email.setText(DEMO_ADMIN[0])
    dialog.password.setText(DEMO_ADMIN[1])
    started = clock()
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sandbox.state.count("CoworkerDelivery") == before + 1, timeout=30_000)
    assert clock() - started <= 30
    qtbot.waitUntil(lambda: bar.waiting.text() == "Waiting to send: 0", timeout=10_000)
    assert bar.connection.text() == "● Online" and not bar.sign_in_button.isVisible()
    assert desk.intake.actor == DEMO_ADMIN[0], "what is recorded from now on is by the administrator"


def test_expired_sign_in_asks_in_place_and_keeps_what_was_typed(
    qtbot: QtBot, sandbox: Any, db_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    clock = FakeClock()
    desk = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, clock)
    window, bar = desk.window, desk.window.status
    qtbot.waitUntil(lambda: bar.connection.text() == "● Online", timeout=10_000)
    intake: Any = window.intake
    intake.scan_field.setText("TBA000111222333")
    before = sandbox.state.count("CoworkerDelivery")
    sandbox.auth.revoke()  # the sign-in expired
    sandbox.token_expires_in = 3600
    _record(desk, contact_names(sandbox, 2))
    qtbot.waitUntil(
        lambda: desk.sign_in_again.dialog is not None and desk.sign_in_again.dialog.isVisible(), timeout=15_000
    )
    dialog: Any = desk.sign_in_again.dialog
    assert dialog.email.text() == DEMO_ADMIN[0]
    dialog.activateWindow()  # as a window manager does with a new dialog (offscreen does not)
    qtbot.waitUntil(dialog.password.hasFocus, timeout=5000)  # the password is where typing goes
    assert not dialog.api_url.isEnabled() and not dialog.demo_button.isVisible()
    qtbot.keyClicks(dialog.password, DEMO_ADMIN[1])
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sandbox.state.count("CoworkerDelivery") == before + 2, timeout=30_000)
    assert intake.scan_field.text() == "TBA000111222333", "typing at the desk survived the sign-in"
    qtbot.waitUntil(lambda: bar.connection.text() == "● Online", timeout=10_000)


def test_sign_in_again_and_switch_user_from_the_desk_menu(
    qtbot: QtBot, sandbox: Any, db_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    desk = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, FakeClock())
    window = desk.window
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Desk")
    assert isinstance(menu, QMenu)
    texts = [a.text() for a in menu.actions()]
    assert "Sign &in again…" in texts and "S&witch user…" in texts
    window.switch_user_action.trigger()
    dialog: Any = desk.sign_in_again.dialog
    assert dialog is not None and dialog.isVisible() and dialog.email.text() == ""
    assert dialog.windowTitle() == "Switch user — Pigeonhole"
    qtbot.keyClicks(dialog.email, DESK_USER[0])
    qtbot.keyClicks(dialog.password, DESK_USER[1])
    with qtbot.waitSignal(desk.sign_in_again.switched, timeout=15_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert desk.connection.session.email == DESK_USER[0]
    assert desk.intake.actor == desk.deliveries.actor == DESK_USER[0]
    window.sign_in_again_action.trigger()
    again = desk.sign_in_again.dialog
    assert isinstance(again, SignInDialog) and again.email.text() == DESK_USER[0]
    again.reject()
    assert desk.sync.watch.view().link is not Link.SIGNED_OUT


def test_quit_with_unsent_work_says_how_much_waits(
    qtbot: QtBot, sandbox: Any, db_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    desk = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, FakeClock())
    window = desk.window
    sandbox.stop()
    _record(desk, contact_names(sandbox, 3))
    texts: list[str] = []

    def answer(button: str) -> Any:
        def act(box: Any) -> None:
            assert isinstance(box, QMessageBox)
            texts.append(box.text())
            next(b for b in box.buttons() if b.text() == button).click()

        return act

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    when_modal(qtbot, answer("&Stay open"))
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert window.isVisible(), "Stay open keeps the desk open"
    assert texts and texts[0].startswith("3 items are waiting to be sent to Nexudus.")
    assert "will be sent the next time Pigeonhole starts" in texts[0]

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    when_modal(qtbot, answer("&Quit"))
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert QApplication.activeModalWidget() is None


def test_work_paused_for_a_missing_role_goes_out_when_an_administrator_starts_the_desk(
    qtbot: QtBot, sandbox: Any, db_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    desk = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, FakeClock(), user=DESK_USER)
    before = sandbox.state.count("CoworkerDelivery")
    _record(desk, contact_names(sandbox, 1))
    qtbot.waitUntil(lambda: desk.sync.status().paused, timeout=15_000)
    if desk.sign_in_again.dialog is not None:
        desk.sign_in_again.dialog.reject()
    desk.window.close()
    # The next start, by an administrator (F5 and the 10-minute sync did not help before issue 11).
    again = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, FakeClock())
    qtbot.waitUntil(lambda: sandbox.state.count("CoworkerDelivery") == before + 1, timeout=15_000)
    qtbot.waitUntil(lambda: again.window.status.waiting.text() == "Waiting to send: 0", timeout=10_000)
    assert not again.sync.status().paused


def test_sign_in_again_on_the_demo_keeps_the_settings_file_clean(
    qtbot: QtBot, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    from app.config import Settings
    from app.desk.session import start_demo_workspace

    demo = start_demo_workspace(pigeonhole_home, contracts=20)
    try:
        settings = Settings.load(pigeonhole_home)
        desk = build_main_window(
            engine=demo.engine,
            session=demo.session,
            runner=runner,
            paths=pigeonhole_home,
            settings=settings,
            demo=True,
            watch=ConnectionWatch(clock=FakeClock()),
        )
        qtbot.addWidget(desk.window)
        desk.window.show()
        desk.window.sign_in_again_action.trigger()
        dialog: Any = desk.sign_in_again.dialog
        assert dialog.api_url.text() == demo.server.url and dialog.email.text() == DEMO_ADMIN[0]
        qtbot.keyClicks(dialog.password, DEMO_ADMIN[1])
        with qtbot.waitSignal(desk.sign_in_again.switched, timeout=15_000) as switched:
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert switched.args[0].demo and desk.connection.session.demo
        assert Settings.load(pigeonhole_home).api_url != demo.server.url, "the demo's address is not remembered"
        desk.window.close()
        runner.wait_for_done()
    finally:
        demo.stop()


def test_f5_tries_paused_work_again(
    qtbot: QtBot, sandbox: Any, db_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    desk = _open(qtbot, sandbox, db_url, pigeonhole_home, runner, FakeClock(), user=DESK_USER)
    _record(desk, contact_names(sandbox, 1))
    qtbot.waitUntil(lambda: desk.sync.status().paused and not runner.is_busy("sync"), timeout=15_000)
    if desk.sign_in_again.dialog is not None:
        desk.sign_in_again.dialog.reject()
    posts = sandbox.request_count("POST", "/api/spaces/coworkerdeliveries")
    with qtbot.waitSignal(desk.window.sync_finished, timeout=30_000):
        assert desk.window.sync_now()  # F5: before issue 11 a paused outbox sent nothing
    assert sandbox.request_count("POST", "/api/spaces/coworkerdeliveries") > posts, "F5 tried the paused work"
    assert desk.sync.status().paused, "still refused for the missing role: paused again, not retried in a loop"
