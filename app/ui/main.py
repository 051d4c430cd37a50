"""`pigeonhole` (the desk): the composition root. Builds the application, the services and the windows.

    run(args) -> int   (`--self-test` is dispatched by app.cli to app.ui.self_test, which uses this module)
      QApplication (High-DPI pass-through scaling, name, icon, theme following the system), rotating log file,
      crash reporter; then a remembered sign-in from the keyring, else the sign-in dialog (which can also start the
      demo workspace); `--demo` skips sign-in and opens the demo workspace with its banner.
      The database (`--db` / PIGEONHOLE_DB / settings / SQLite in the data folder) is opened and migrated, the desk
      services are built with explicit arguments, and the main window is shown.

`build_main_window(...)` is the same wiring without the sign-in part, for the self-test and the UI tests. The desk
works through a `DeskConnection` (app.desk.connection): Desk ▸ Sign in again / Switch user and a refused sign-in
open the sign-in dialog in place (app.ui.connection.SignInAgain) and swap the session without losing anything.
Environment hook for start-up tests: PIGEONHOLE_EXIT_AFTER_SHOWN=1 prints "PIGEONHOLE_MAIN_WINDOW_SHOWN demo=<0|1>"
once the main window is shown and its first status is displayed, then quits with status 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

from app.config import APP_NAME, Paths, Settings, resolve_db_url, setup_logging
from app.desk.connection import ConnectionWatch, DeskConnection
from app.desk.database import open_desk_database
from app.desk.deliveries import DeliveriesService
from app.desk.directory import DirectoryService
from app.desk.intake import IntakeService
from app.desk.matching_service import MatchingService
from app.desk.outbox_service import OutboxRow, OutboxService
from app.desk.register import RegisterService
from app.desk.session import DemoWorkspace, DeskSession, SignInService, TokenVault, start_demo_workspace
from app.desk.sync_service import SyncService
from app.process import collector_paused, keep_large_index_out_of_gc
from app.ui.connection import TICK_MS, SignInAgain
from app.ui.crash import CrashReporter, error_dialog, user_message_of
from app.ui.intake_view import IntakeView
from app.ui.main_window import MainWindow
from app.ui.queues_view import QueuesView
from app.ui.register_dialog import RegisterDialog
from app.ui.signin_dialog import SignInDialog
from app.ui.tasks import TaskRunner
from app.ui.theme import app_icon, apply_theme, follow_system_theme

log = logging.getLogger(__name__)

ENV_EXIT_AFTER_SHOWN = "PIGEONHOLE_EXIT_AFTER_SHOWN"
SHOWN_MARKER = "PIGEONHOLE_MAIN_WINDOW_SHOWN"


@dataclass
class Desk:
    """What `build_main_window` made (the window plus the services a test may want to drive)."""

    window: MainWindow
    sync: SyncService
    intake: IntakeService
    register: RegisterService
    deliveries: DeliveriesService
    outbox: OutboxService
    matching: MatchingService
    connection: DeskConnection
    sign_in_again: SignInAgain
    capture: Any = None  # app.ui.capture_setup.CaptureDesk (issue 10)


def window_state_file(paths: Paths) -> Path:
    return paths.config_dir / "window.ini"


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("pigeonhole")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    follow_system_theme(app)
    return app


def build_main_window(
    *,
    engine: Any,
    session: DeskSession,
    runner: TaskRunner,
    paths: Paths,
    settings: Settings,
    crash: CrashReporter | None = None,
    demo: bool = False,
    watch: ConnectionWatch | None = None,
    connection_tick_ms: int = TICK_MS,
    sign_in_service: SignInService | None = None,
    camera: Any = None,
    capture_poll_ms: int | None = None,
) -> Desk:
    """Build the desk services for a signed-in session and the main window around them (not shown yet).
    `watch` (tests: a fast clock) and `connection_tick_ms` tune the connection loop."""
    report_bug = crash.report if crash is not None else None
    actor = session.email
    # Process-wide, so decided here and not by the matching library: the collector paused while the index is built,
    # and a large index moved out of its way once built (app.process).
    matching = MatchingService(engine, while_building=collector_paused, on_built=keep_large_index_out_of_gc)

    def save_shelf(shelf: str) -> None:
        if demo:
            return
        settings.shelf = shelf
        settings.save(paths)

    intake = IntakeService(
        engine, matching, actor, session.business_id, shelf=settings.shelf, on_shelf_changed=save_shelf
    )
    register = RegisterService(engine, matching, actor)
    connection = DeskConnection(session, watch)
    # The demo has just synced (a call answered seconds ago).
    sync = SyncService(engine, connection.new_client, online=True if demo else None, watch=connection.watch)
    # Someone has just signed in (this desk is built for a signed-in session): sending paused by an earlier
    # refusal (a missing role, an expired sign-in) is tried again once, at the first send.
    connection.watch.signed_in(answered=False)
    deliveries = DeliveriesService(engine, actor, session.business_id)
    outbox = OutboxService(engine, actor, session.new_client)
    intake_view = IntakeView(intake, register, runner)
    holder: dict[str, MainWindow] = {}

    def edit_failed_contact(row: OutboxRow) -> None:
        window = holder["window"]
        dialog = RegisterDialog(register, runner, outbox_id=row.outbox_id, parent=window.outbox_dialog or window)
        dialog.registered.connect(lambda *_a: window.changes_recorded())
        dialog.open()

    queues = build_queues_view(engine, actor, runner, settings, report_bug)
    where = session.location_name
    title = "Demo workspace" if demo else (f"{session.email} at {where}" if where else session.email)
    window = MainWindow(
        runner=runner,
        sync=sync,
        deliveries=deliveries,
        directory=DirectoryService(engine),
        outbox=outbox,
        intake=intake_view,
        title_detail=title,
        demo=demo,
        state_file=window_state_file(paths),
        sync_interval_minutes=settings.sync_interval_minutes,
        report_bug=report_bug,
        edit_failed_contact=edit_failed_contact,
        connection_tick_ms=connection_tick_ms,
        queues=queues,
    )
    holder["window"] = window
    if settings.print_shelf_labels:  # a shelf label for every item recorded at intake
        intake_view.delivery_recorded.connect(queues.print_label_for)
        queues.label_problem.connect(window.status.show_problem)
    if sign_in_service is None:
        sign_in_service = (
            SignInService(paths, Settings(), vault=TokenVault(enabled=False), remember=False)
            if demo
            else SignInService(paths, settings)
        )
    again = SignInAgain(
        service=sign_in_service,
        connection=connection,
        runner=runner,
        actors=[intake, register, deliveries, outbox],
        parent_widget=window,
        report_bug=report_bug,
        demo=demo,
    )
    window.sign_in_requested.connect(lambda switch: again.open(switch_user=bool(switch)))
    window.connection.sign_in_needed.connect(lambda reason: again.open(reason=reason))
    from app.ui.capture_setup import install_capture  # label capture (issue 10): panel, sources, settings, images

    capture = install_capture(
        window=window,
        intake_view=intake_view,
        intake=intake,
        engine=engine,
        runner=runner,
        paths=paths,
        settings=settings,
        demo=demo,
        camera=camera,
        poll_ms=capture_poll_ms,
    )
    return Desk(
        window=window,
        sync=sync,
        intake=intake,
        register=register,
        deliveries=deliveries,
        outbox=outbox,
        matching=matching,
        connection=connection,
        sign_in_again=again,
        capture=capture,
    )


def build_queues_view(
    engine: Any, actor: str, runner: TaskRunner, settings: Settings, report_bug: Callable[[BaseException], None] | None
) -> QueuesView:
    """The work queues after intake, with the reminder thresholds and the label printer from the settings."""
    from app.desk.item_life import ItemLifeService, Thresholds
    from app.ui.shelf_label import QtLabelPrinter

    service = ItemLifeService(
        engine,
        actor,
        thresholds=Thresholds(settings.remind_after_days, settings.escalate_after_days, settings.return_after_days),
    )
    printer = (
        QtLabelPrinter(settings.label_printer, settings.label_width_mm, settings.label_height_mm)
        if settings.print_shelf_labels
        else None
    )
    return QueuesView(service, runner, printer=printer, report_bug=report_bug)


def _sign_in(
    paths: Paths, settings: Settings, runner: TaskRunner, crash: CrashReporter
) -> tuple[DeskSession | None, DemoWorkspace | None]:
    service = SignInService(paths, settings)
    session = service.resume(settings.api_url, settings.username)
    if session is not None and session.business_id is not None:
        log.info("Signed in again from the keyring as %s", session.email)
        return session, None
    dialog = SignInDialog(service, runner, start_demo=lambda: start_demo_workspace(paths), report_bug=crash.report)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None, None
    return dialog.session, dialog.demo


def _exit_after_shown(window: MainWindow, demo: bool) -> None:
    def done(_status: object) -> None:
        # The status may be shown again before the close is handled (a second refresh already queued): once only.
        window.status_shown.disconnect(done)
        banner = window.banner.text() if window.banner.isVisible() else ""
        print(f"{SHOWN_MARKER} demo={int(demo)} title={window.windowTitle()!r} banner={banner!r}", flush=True)
        QTimer.singleShot(0, window.close)

    window.status_shown.connect(done)


def run(args: argparse.Namespace) -> int:
    paths = Paths.default()
    paths.ensure()
    log_file = setup_logging(paths)
    app = make_application()
    crash = CrashReporter(log_file)
    crash.install()
    settings = Settings.load(paths)
    settings.keep_client_id(paths)
    runner = TaskRunner()
    demo: DemoWorkspace | None = None
    engine: Any = None
    try:
        if getattr(args, "demo", False):
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                demo = start_demo_workspace(paths)
            finally:
                QApplication.restoreOverrideCursor()
            session: DeskSession | None = demo.session
        else:
            session, demo = _sign_in(paths, settings, runner, crash)
            if session is None:
                return 0
        if demo is not None:
            engine = demo.engine
        else:
            engine = open_desk_database(resolve_db_url(paths, settings, getattr(args, "db", None)))
        assert session is not None
        desk = build_main_window(
            engine=engine,
            session=session,
            runner=runner,
            paths=paths,
            settings=settings,
            crash=crash,
            demo=demo is not None,
        )
        if os.environ.get(ENV_EXIT_AFTER_SHOWN):
            _exit_after_shown(desk.window, demo is not None)
        desk.window.show()
        desk.window.start()
        return int(app.exec())
    except Exception as exc:
        message = user_message_of(exc)
        if message is None:
            raise
        log.error("Could not start the desk: %s", exc)
        error_dialog(None, "Pigeonhole cannot start", message).exec()
        return 1
    finally:
        runner.wait_for_done(10_000)
        if demo is not None:
            demo.stop()
        elif engine is not None:
            engine.dispose()
        crash.uninstall()
