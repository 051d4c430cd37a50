"""The main window: Intake, Deliveries and Directory pages, the menus with their shortcuts, the status bar, and the
background sync (on a timer and on demand, with progress and a Stop button).

Shortcuts (shown in the menus): Ctrl+1/2/3 pages, Ctrl+N register a new recipient, F5 sync now, Shift+F5 full sync,
Ctrl+F find, Ctrl+Shift+W "Waiting to send", F1 keyboard help, Ctrl+Q quit (with unsent work it says how much waits
and asks first). Desk ▸ Sign in again / Switch user emit `sign_in_requested`; the connection loop (checks, sends
when Nexudus is back, the sign-in dialog when refused) lives in app.ui.connection. The window opens maximised the
first time, then as it was left. The intake page keeps its own keys
(F2 scan field, F3 addressee, Enter, Ctrl+Enter, Esc, Ctrl+N) — the window never claims those while it is shown.

The window calls only desk services, through the task runner (channels "sync", "status").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from app.config import APP_NAME
from app.desk.deliveries import DeliveriesService
from app.desk.directory import DirectoryService
from app.desk.outbox_service import OutboxRow, OutboxService
from app.desk.sync_service import DeskStatus, SyncOutcome, SyncService
from app.ui.connection import TICK_MS, ConnectionController
from app.ui.crash import user_message_of
from app.ui.deliveries_view import DeliveriesView
from app.ui.directory_view import DirectoryView
from app.ui.outbox_dialog import OutboxDialog
from app.ui.status_bar import DeskStatusBar
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, app_icon, tone_color

log = logging.getLogger(__name__)

DEMO_BANNER = "Demo workspace — nothing here is real"
SEND_DELAY_MS = 1500
STATUS_INTERVAL_MS = 20_000

INTAKE, DELIVERIES, DIRECTORY, QUEUES = 0, 1, 2, 3


def window_title(detail: str = "") -> str:
    """'Demo workspace — Pigeonhole'. The app name goes last and only once: Qt adds the application display name
    after a title that does not already end with it (on Linux), which showed 'Pigeonhole — ... — Pigeonhole'."""
    return f"{detail} — {APP_NAME}" if detail else APP_NAME


def unsent_work_text(pending: int, failed: int) -> str:
    """What the quit question says about work Nexudus has not received."""
    waiting = (
        f"{pending} item{'s' if pending != 1 else ''} {'are' if pending != 1 else 'is'} waiting to be sent "
        f"to Nexudus. {'They are' if pending != 1 else 'It is'} kept on this computer and will be sent the "
        "next time Pigeonhole starts."
    )
    refused = (
        f"{failed} item{'s' if failed != 1 else ''} that Nexudus refused {'need' if failed != 1 else 'needs'} "
        "attention (Sync ▸ Waiting to send)."
    )
    return " ".join(t for t, n in ((waiting, pending), (refused, failed)) if n)


class PlaceholderIntake(QWidget):
    """Stands in when no intake view is given (widget tests of the window alone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Intake")
        self.reports: list[object] = []
        label = QLabel("Intake")
        QVBoxLayout(self).addWidget(label)

    def focus_scan_field(self) -> None:
        self.setFocus()

    def open_register_dialog(self, prefill_text: str = "") -> Any:
        return None

    def on_directory_changed(self, report: object) -> None:
        self.reports.append(report)


class MainWindow(QMainWindow):
    sync_finished = Signal(object)  # SyncOutcome, or the exception
    status_shown = Signal(object)  # DeskStatus
    sign_in_requested = Signal(bool)  # True: switch user

    def __init__(
        self,
        *,
        runner: TaskRunner,
        sync: SyncService,
        deliveries: DeliveriesService,
        directory: DirectoryService,
        outbox: OutboxService,
        intake: QWidget | None = None,
        title_detail: str = "",
        demo: bool = False,
        state_file: Path | None = None,
        sync_interval_minutes: int = 10,
        report_bug: Callable[[BaseException], None] | None = None,
        edit_failed_contact: Callable[[OutboxRow], None] | None = None,
        connection_tick_ms: int = TICK_MS,
        queues: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._sync = sync
        self._outbox_service = outbox
        self._report_bug = report_bug
        self._edit_failed_contact = edit_failed_contact
        self._state_file = state_file
        self._send_again: tuple[bool, bool] | None = None
        self._quit_asked = False  # the Quit action (Ctrl+Q) is closing the window
        self._first_size: QSize | None = None  # set when no window state was remembered: maximise when shown
        self.outbox_dialog: OutboxDialog | None = None

        self.setWindowTitle(window_title(title_detail))
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Pigeonhole")

        self.intake: QWidget = intake if intake is not None else PlaceholderIntake()
        self.deliveries = DeliveriesView(deliveries, runner, report_bug=report_bug)
        self.directory = DirectoryView(directory, runner, report_bug=report_bug)
        self.pages = QTabWidget()
        self.pages.setAccessibleName("Pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.intake, "Intake  (Ctrl+1)")
        self.pages.addTab(self.deliveries, "Deliveries  (Ctrl+2)")
        self.pages.addTab(self.directory, "Directory  (Ctrl+3)")
        self.queues = queues  # the work queues after intake (app.ui.queues_view), when the desk has them
        if queues is not None:
            self.pages.addTab(queues, "Work queues  (Ctrl+4)")
        self.pages.currentChanged.connect(self._page_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel(DEMO_BANNER)
        self.banner.setObjectName("demoBanner")
        self.banner.setAccessibleName(DEMO_BANNER)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet(f"background: {tone_color(Tone.BANNER).name()};")
        self.banner.setVisible(demo)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.status = DeskStatusBar()
        self.setStatusBar(self.status)
        self.status.outbox_requested.connect(self.open_outbox)
        self.status.cancel_sync_requested.connect(lambda: self._runner.cancel("sync"))

        self._build_menus()
        self.deliveries.changed.connect(self.changes_recorded)
        if queues is not None and hasattr(queues, "changed"):
            queues.changed.connect(self.changes_recorded)
        for signal_name in ("delivery_recorded", "recipient_registered"):
            signal = getattr(self.intake, signal_name, None)
            if signal is not None:
                signal.connect(lambda *_a: self.changes_recorded())

        self._send_timer = QTimer(self)
        self._send_timer.setSingleShot(True)
        self._send_timer.setInterval(SEND_DELAY_MS)
        self._send_timer.timeout.connect(self.send_waiting)
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(max(1, sync_interval_minutes) * 60_000)
        self._sync_timer.timeout.connect(lambda: self.sync_now(quiet=True))
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_INTERVAL_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self.connection = ConnectionController(
            runner=runner,
            sync=sync,
            show=self.status.set_connection,
            send=self.send_waiting,
            is_sending=lambda: self._runner.is_busy("sync"),
            tick_ms=connection_tick_ms,
            parent=self,
        )
        self.status_shown.connect(self.connection.on_status)
        self.sync_finished.connect(self.connection.on_send_finished)
        self.status.sign_in_requested.connect(lambda: self.sign_in_requested.emit(False))

        self._restore_state()

    # -- menus and shortcuts --------------------------------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], Any], keys: str | QKeySequence.StandardKey | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        desk = bar.addMenu("&Desk")
        # Ctrl+N belongs to the intake page while it is shown (it opens its register dialog itself); on the other
        # pages a page-level shortcut does the same, so the key never becomes ambiguous. The menu shows the key.
        self.register_action = self._action("&Register a new recipient…\tCtrl+N", self.register_recipient)
        desk.addAction(self.register_action)
        for page in (self.deliveries, self.directory):
            sc = QShortcut(QKeySequence("Ctrl+N"), page)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.register_recipient)
        desk.addSeparator()
        self.export_action = self._action("&Export deliveries as CSV…", self._export)
        desk.addAction(self.export_action)
        desk.addSeparator()
        self.sign_in_again_action = self._action(
            "Sign &in again…",
            lambda: self.sign_in_requested.emit(False),
            tip="Sign in to Nexudus again; everything recorded is kept",
        )
        self.switch_user_action = self._action(
            "S&witch user…",
            lambda: self.sign_in_requested.emit(True),
            tip="Sign in as another Nexudus user; everything recorded is kept",
        )
        desk.addAction(self.sign_in_again_action)
        desk.addAction(self.switch_user_action)
        desk.addSeparator()
        # Ctrl+Q everywhere: the platform's "Quit" key is empty on Windows (and offscreen).
        self.quit_action = self._action("&Quit", self.quit_desk, "Ctrl+Q")
        desk.addAction(self.quit_action)

        view = bar.addMenu("&Go")
        self.page_actions = [
            self._action("&Intake", lambda: self.show_page(INTAKE), "Ctrl+1"),
            self._action("&Deliveries", lambda: self.show_page(DELIVERIES), "Ctrl+2"),
            self._action("Di&rectory", lambda: self.show_page(DIRECTORY), "Ctrl+3"),
        ]
        if self.queues is not None:
            self.page_actions.append(self._action("&Work queues", lambda: self.show_page(QUEUES), "Ctrl+4"))
        for a in self.page_actions:
            view.addAction(a)
        view.addSeparator()
        view.addAction(self._action("&Find…", self.find_text, "Ctrl+F", "Search the deliveries or the directory"))

        sync = bar.addMenu("&Sync")
        self.sync_action = self._action("&Sync now", self.sync_now, "F5", "Get the latest directory, send what waits")
        self.full_sync_action = self._action("&Full sync (slower)", lambda: self.sync_now(full=True), "Shift+F5")
        self.outbox_action = self._action("&Waiting to send…", self.open_outbox, "Ctrl+Shift+W")
        for a in (self.sync_action, self.full_sync_action, self.outbox_action):
            sync.addAction(a)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1"))

    # -- pages ----------------------------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self._focus_page(index)

    def _focus_page(self, index: int) -> None:
        if index == QUEUES:
            _call(self.queues, "focus_items")
        elif index == INTAKE:
            _call(self.intake, "focus_scan_field")
        elif index == DELIVERIES:
            self.deliveries.table.setFocus()
            if self.deliveries.model.rowCount() and not self.deliveries.table.currentIndex().isValid():
                self.deliveries.table.setCurrentIndex(self.deliveries.proxy.index(0, 0))
        else:
            self.directory.focus_search()

    def _page_changed(self, index: int) -> None:
        if index == QUEUES:
            _call(self.queues, "refresh")
        elif index == DELIVERIES:
            self.deliveries.refresh()
        elif index == DIRECTORY:
            self.directory.refresh()

    def find_text(self) -> None:
        if self.pages.currentIndex() == DELIVERIES:
            self.deliveries.focus_search()
        else:
            self.pages.setCurrentIndex(DIRECTORY)
            self.directory.focus_search()

    def register_recipient(self) -> None:
        self.pages.setCurrentIndex(INTAKE)
        _call(self.intake, "open_register_dialog")

    def _export(self) -> None:
        self.show_page(DELIVERIES)
        self.deliveries.export_csv()

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS_HELP)

    # -- sync and status ------------------------------------------------------------------------------------

    def start(self, first_sync: bool = True) -> None:
        """Called once the window is shown: status now, a sync soon, then on the timer."""
        self.refresh_status()
        self._status_timer.start()
        self._sync_timer.start()
        self._focus_page(self.pages.currentIndex())
        if first_sync:
            QTimer.singleShot(0, lambda: self.sync_now(quiet=True))
        QTimer.singleShot(0, self.connection.start)  # after the first sync has taken the "sync" channel

    def sync_now(self, full: bool = False, quiet: bool = False) -> bool:
        """Pull the directory and send what waits, in the background. False if a sync is already running."""
        if self._runner.is_busy("sync"):
            if not quiet:
                self.status.show_problem("A sync is already running.")
            return False
        self.status.show_progress(0, 0)
        self._runner.submit(
            "sync",
            self._sync.run,
            full,
            not quiet,
            with_context=True,
            on_progress=self.status.show_progress,
            on_result=self._sync_done,
            on_error=self._sync_failed,
        )
        return True

    def send_waiting(self, now: bool = False, resume: bool = False) -> None:
        """Send what was just recorded (no directory pull). `now`: ignore retry delays (the connection is back);
        `resume`: lift a pause first (someone just signed in)."""
        if self._runner.is_busy("sync"):
            again = self._send_again or (False, False)
            self._send_again = (again[0] or now, again[1] or resume)
            return
        self._runner.submit(
            "sync",
            self._sync.send_waiting,
            now,
            resume,
            with_context=True,
            on_result=self._sync_done,
            on_error=self._sync_failed,
        )

    def changes_recorded(self) -> None:
        """Something was recorded locally: show it in the counts now, send it shortly."""
        self.refresh_status()
        self._send_timer.start()

    def refresh_status(self) -> None:
        self._runner.submit(
            "status", self._sync.status, latest_only=True, on_result=self._show_status, on_error=self._status_failed
        )

    def _show_status(self, status: DeskStatus) -> None:
        # The counts come from the job; the connection is read now (evidence may have arrived meanwhile).
        self.status.set_status(replace(status, connection=self._sync.watch.view()))
        if self.outbox_dialog is not None and self.outbox_dialog.isVisible():
            self.outbox_dialog.refresh()
        self.status_shown.emit(status)

    def _status_failed(self, exc: BaseException) -> None:
        message = user_message_of(exc)
        if message is None:
            self._bug(exc)
        else:
            self.status.show_problem(message)

    def _sync_done(self, outcome: SyncOutcome) -> None:
        changes = outcome.changes
        if changes.changed:
            _call(self.intake, "on_directory_changed", changes)
        if outcome.cancelled:
            self.status.show_problem("Sync stopped. It will continue next time.")
        self._after_sync(outcome)

    def _sync_failed(self, exc: BaseException) -> None:
        self.status.hide_progress()
        message = user_message_of(exc)
        if message is None:
            self._bug(exc)
        else:
            self.status.show_problem(message)
        self.refresh_status()
        self.sync_finished.emit(exc)

    def _after_sync(self, outcome: SyncOutcome | None) -> None:
        self.status.hide_progress()
        self.refresh_status()
        page = self.pages.currentIndex()
        if page == DELIVERIES:
            self.deliveries.refresh()
        elif page == DIRECTORY:
            self.directory.refresh()
        elif page == QUEUES:
            _call(self.queues, "refresh")  # items changed in Nexudus show after a sync
        if self._send_again is not None:
            now, resume = self._send_again
            self._send_again = None
            if now or resume:
                QTimer.singleShot(0, lambda: self.send_waiting(now, resume))
            else:
                self._send_timer.start()
        self.sync_finished.emit(outcome)

    # -- outbox ---------------------------------------------------------------------------------------------

    def open_outbox(self) -> OutboxDialog:
        if self.outbox_dialog is None:
            self.outbox_dialog = OutboxDialog(
                self._outbox_service,
                self._runner,
                edit_contact=self._edit_failed_contact,
                report_bug=self._report_bug,
                parent=self,
            )
            self.outbox_dialog.changed.connect(self.changes_recorded)
        self.outbox_dialog.refresh()
        self.outbox_dialog.show()
        self.outbox_dialog.raise_()
        self.outbox_dialog.activateWindow()
        self.outbox_dialog.table.setFocus()
        return self.outbox_dialog

    # -- window state ---------------------------------------------------------------------------------------

    def _settings(self) -> QSettings | None:
        if self._state_file is None:
            return None
        return QSettings(str(self._state_file), QSettings.Format.IniFormat)

    def _restore_state(self) -> None:
        s = self._settings()
        if s is None:
            return
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # the first time: the whole screen when shown (a normal size to come back to when un-maximised)
            em = self.fontMetrics().horizontalAdvance("M")
            self.resize(em * 90, em * 50)
            self._first_size = self.size()
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        page = str(s.value("window/page", 0))
        if page.isdigit():
            self.pages.setCurrentIndex(int(page))

    def save_state(self) -> None:
        s = self._settings()
        if s is None:
            return
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/page", self.pages.currentIndex())
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        # Opened for the first time (nothing remembered) and not given a size by the caller: maximised.
        if self._first_size is not None and self.size() == self._first_size:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self._first_size = None
        super().showEvent(event)

    def unsent_work(self) -> tuple[int, int]:
        """(waiting, refused) items Nexudus has not received, read now (a small count), else the last shown."""
        try:
            status = self._sync.status()
        except Exception as exc:  # the database went away: say what was last known
            log.warning("Could not count unsent work at quit: %s", exc)
            status = self.status.status() or DeskStatus(online=None, last_sync=None, pending=0, failed=0)
        return status.pending, status.failed

    def confirm_quit(self) -> bool:
        """With unsent work, say how much waits and that it goes out at the next start; True: quit."""
        pending, failed = self.unsent_work()
        if not (pending or failed):
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Quit Pigeonhole?", unsent_work_text(pending, failed), parent=self)
        box.setObjectName("quitWithUnsentWork")
        quit_button = box.addButton("&Quit", QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton("&Stay open", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(quit_button)
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is quit_button

    def quit_desk(self) -> bool:
        """Desk ▸ Quit (Ctrl+Q): asks first when work has not reached Nexudus. True when the window closed."""
        self._quit_asked = True
        try:
            return self.close()
        finally:
            self._quit_asked = False

    def closeEvent(self, event: QCloseEvent) -> None:
        # Staff closing the window (Ctrl+Q, the window's close button) are told about unsent work; a close by the
        # program itself (tests, the self-test, the start-up hook) is not asked about.
        if (self._quit_asked or event.spontaneous()) and not self.confirm_quit():
            event.ignore()
            return
        self.connection.stop()
        self.save_state()
        for timer in (self._sync_timer, self._status_timer, self._send_timer):
            timer.stop()
        self._runner.cancel("sync")
        super().closeEvent(event)

    def _bug(self, exc: BaseException) -> None:
        if self._report_bug is not None:
            self._report_bug(exc)
        else:
            log.error("Unexpected error", exc_info=exc)


def _call(target: object, name: str, *args: Any) -> Any:
    method = getattr(target, name, None)
    return method(*args) if callable(method) else None


SHORTCUTS_HELP = """Pages
  Ctrl+1  Intake      Ctrl+2  Deliveries      Ctrl+3  Directory

Intake
  F2  scan field      F3  addressee      ↑/↓  choose the recipient
  Enter  record, clear all   Ctrl+Enter  record, keep type and shelf   Alt+Y  record despite a warning   Esc  clear
  Ctrl+N  register a new recipient

Label capture (photo or scan of the label)
  Ctrl+V  paste an image      Ctrl+O  open an image or PDF      F4  camera on / take a photo
  Space  take a photo (camera preview)      F6  next image in the queue      Esc  set the image aside

Deliveries
  Ctrl+F  filter      Enter or Ctrl+H  hand over      Ctrl+Del  void      Ctrl+E  export CSV

Everywhere
  F5  sync now      Shift+F5  full sync      Ctrl+Shift+W  waiting to send      Ctrl+Q  quit"""
