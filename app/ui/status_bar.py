"""The status bar: online/offline, last sync, what is waiting to be sent, what needs attention, sync progress.

It shows plain values handed to it (`DeskStatus`, and `ConnectionView` from the connection loop at every tick); it
never queries anything itself. The connection says only what the evidence shows (app.desk.connection): Online,
Offline since a time, Sign-in needed (with a "Sign in…" button), or Checking. Clicking (or focusing and
pressing Space on) "Waiting to send" or "Needs attention" asks the window to open the outbox.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from app.desk.connection import ConnectionView, Link
from app.desk.sync_service import DeskStatus, describe_last_sync
from app.ui.theme import Tone, tone_color


def _tone_style(tone: Tone) -> str:
    return f"color: {tone_color(tone).name()};"


class DeskStatusBar(QStatusBar):
    outbox_requested = Signal()
    cancel_sync_requested = Signal()
    sign_in_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(True)
        self._status: DeskStatus | None = None

        self.connection = QLabel("Connection not checked yet")
        self.connection.setAccessibleName("Connection")
        self.sign_in_button = QPushButton("Sign in…")
        self.sign_in_button.setAccessibleName("Sign in again")
        self.sign_in_button.setToolTip("Sign in to Nexudus again; everything recorded here is kept")
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        self.sign_in_button.hide()
        self._view: ConnectionView | None = None
        self.last_sync = QLabel("Not synced yet")
        self.last_sync.setAccessibleName("Last sync")

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Sync progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("Syncing… %p%")
        self.progress.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 16)
        self.progress.hide()
        self.cancel_button = QPushButton("Stop sync")
        self.cancel_button.setAccessibleName("Stop the sync")
        self.cancel_button.setToolTip("Stop the directory sync (it continues next time)")
        self.cancel_button.clicked.connect(self.cancel_sync_requested)
        self.cancel_button.hide()

        self.waiting = QPushButton("Waiting to send: 0")
        self.waiting.setAccessibleName("Waiting to send")
        self.waiting.setToolTip("Work recorded here that Nexudus has not received yet. Click to see it.")
        self.waiting.clicked.connect(self.outbox_requested)
        self.attention = QPushButton("Needs attention: 0")
        self.attention.setAccessibleName("Needs attention")
        self.attention.setToolTip("Items Nexudus refused. Click to fix, retry or discard them.")
        self.attention.clicked.connect(self.outbox_requested)

        self.addWidget(self.connection)
        self.addWidget(self.sign_in_button)
        self.addWidget(self.last_sync)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.cancel_button)
        self.addPermanentWidget(self.waiting)
        self.addPermanentWidget(self.attention)

        self._clock = QTimer(self)  # keeps "Synced 2 min ago" current
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._refresh_last_sync)
        self._clock.start()
        self.set_status(DeskStatus(online=None, last_sync=None, pending=0, failed=0))

    # -- API ------------------------------------------------------------------------------------------------

    def set_status(self, status: DeskStatus) -> None:
        self._status = status
        if status.connection is not None:
            self.set_connection(status.connection)
        elif status.online is None:
            self.connection.setText("Connection not checked yet")
            self.connection.setStyleSheet(_tone_style(Tone.MUTED))
        elif status.online:
            self.connection.setText("● Online")
            self.connection.setStyleSheet(_tone_style(Tone.OK))
        else:
            self.connection.setText("● Offline — work is kept and sent later")
            self.connection.setStyleSheet(_tone_style(Tone.PROBLEM))
        if status.connection is None:
            self.connection.setToolTip(status.problem)
        self._refresh_last_sync()

        self.waiting.setText(f"Waiting to send: {status.pending}")
        self.waiting.setStyleSheet(_tone_style(Tone.WAITING) if status.pending else "")
        failed_text = f"Needs attention: {status.failed}"
        if status.paused:
            failed_text = f"{failed_text} — sending paused" if status.failed else "Sending paused"
        self.attention.setText(failed_text)
        self.attention.setStyleSheet(_tone_style(Tone.PROBLEM) if status.failed or status.paused else "")
        self.attention.setVisible(bool(status.failed or status.paused))

    def set_connection(self, view: ConnectionView) -> None:
        """The connection from evidence (called at every tick of the connection loop and with each status)."""
        if view == self._view:
            return
        self._view = view
        since = view.since.astimezone().strftime("%H:%M") if view.since is not None else ""
        tip = view.problem
        if view.link is Link.ONLINE:
            text, tone = "● Online", Tone.OK
            tip = "Nexudus answered in the last minute."
        elif view.link is Link.OFFLINE:
            text = f"● Offline{' since ' + since if since else ''} — work is kept and sent when Nexudus answers"
            tone = Tone.PROBLEM
            if view.next_check_in is not None:
                tip = f"{tip}\nPigeonhole checks again in {max(1, round(view.next_check_in))} s.".strip()
        elif view.link is Link.SIGNED_OUT:
            text = "● Sign-in needed — work is kept and sent once you sign in again"
            tone = Tone.PROBLEM
        else:
            text, tone = "○ Checking the connection…", Tone.MUTED
        self.connection.setText(text)
        self.connection.setAccessibleDescription(tip)
        self.connection.setStyleSheet(_tone_style(tone))
        self.connection.setToolTip(tip)
        self.sign_in_button.setVisible(view.link is Link.SIGNED_OUT)

    def connection_view(self) -> ConnectionView | None:
        return self._view

    def status(self) -> DeskStatus | None:
        return self._status

    def show_progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.cancel_button.show()
        if total <= 0:
            self.progress.setRange(0, 0)  # busy indicator until the size is known
        else:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def hide_progress(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def show_problem(self, message: str) -> None:
        self.showMessage(message, 15_000)

    # -- internals ------------------------------------------------------------------------------------------

    @Slot()
    def _refresh_last_sync(self, now: datetime | None = None) -> None:
        last = self._status.last_sync if self._status else None
        self.last_sync.setText(describe_last_sync(last, now))
        self.last_sync.setToolTip(f"Last directory sync: {last:%Y-%m-%d %H:%M} UTC" if last else "")
