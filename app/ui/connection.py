"""The desk's connection loop: checks while offline, sends when Nexudus is back, asks for a sign-in when refused.

`ConnectionController` ticks (every `tick_ms`, 1 s by default) and reads the desk's `ConnectionWatch`
(app.desk.connection), which the HTTP client feeds with evidence:

- it shows the connection in the status bar at once (Online / Offline / Sign-in needed / Checking);
- while offline (or when no call was answered for a while), it runs the reachability check
  (`SyncService.check`, task channel "check") when the watch's backoff (capped at 25 s) says so;
- when Nexudus answers again after a failure, or someone signs in again, it sends what waits at once, ignoring the
  entries' retry delays (and lifting a pause after a sign-in); while work waits and Nexudus answers, it tries
  again at most every `SEND_RETRY_CAP` seconds, so nothing waits more than 30 s after the connection is back;
- when Nexudus refuses the sign-in (an expired or revoked sign-in, or a missing role), it emits `sign_in_needed`
  once per refusal; the window opens the sign-in dialog in place (`SignInAgain`) and nothing typed is touched.

Time comes from the watch's clock, so tests can run the loop fast without waiting minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QWidget

from app.desk.connection import ConnectionWatch, DeskConnection, Link
from app.desk.session import AuthenticationError
from app.desk.sync_service import DeskStatus, SyncService
from app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from app.desk.session import DeskSession, SignInService

log = logging.getLogger(__name__)

TICK_MS = 1000
SEND_RETRY_CAP = 30.0  # seconds between automatic sends while work waits (doubling from 2 s after failures)
SEND_RETRY_BASE = 2.0


class ConnectionController(QObject):
    sign_in_needed = Signal(str)  # plain words: why
    checked = Signal(bool)  # a reachability check finished: answered or not

    def __init__(
        self,
        *,
        runner: TaskRunner,
        sync: SyncService,
        show: Callable[[Any], None],
        send: Callable[[bool, bool], None],
        is_sending: Callable[[], bool],
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        """`show(view)`: put a ConnectionView on screen; `send(now, resume)`: send what waits (the window's job,
        channel "sync"); `is_sending()`: a sync or send is running."""
        super().__init__(parent)
        self._runner = runner
        self._sync = sync
        self.watch: ConnectionWatch = sync.watch
        self._show = show
        self._send = send
        self._is_sending = is_sending
        self._pending = 0
        self._paused = False
        self._seen_recoveries = self.watch.recoveries
        self._seen_sign_ins = 0  # the sign-in this desk was opened with counts too: its first send lifts a pause
        self._asked_for = ""  # the refusal the sign-in dialog was last opened for
        self._send_failures = 0
        self._blocked = False  # the last send left only entries waiting for others
        self._last_auto_send: float | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()
        self.tick()

    def stop(self) -> None:
        self.timer.stop()

    # -- inputs from the window -----------------------------------------------------------------------------

    def on_status(self, status: DeskStatus) -> None:
        """The latest counts (after each status refresh)."""
        if status.pending > self._pending:
            self._blocked = False  # something new was recorded: it may go at once
        self._pending = status.pending
        self._paused = status.paused

    def on_send_finished(self, outcome: object) -> None:
        """A sync or send finished (a SyncOutcome, or the exception): adjust the automatic-send backoff."""
        flush = getattr(outcome, "flush", None)
        if flush is not None and not flush.stopped:
            self._send_failures = 0
            # What is left waits for another entry (a refused new recipient): no need to look every 2 s.
            self._blocked = bool(flush.waiting)
        elif flush is not None and flush.stopped in ("network", "server", "throttled"):
            self._send_failures += 1
        elif isinstance(outcome, BaseException):
            self._send_failures += 1
            if isinstance(outcome, AuthenticationError):
                self.tick()

    # -- the loop -------------------------------------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        view = self.watch.view()
        self._show(view)
        if view.link is Link.SIGNED_OUT:
            if view.problem != self._asked_for:
                self._asked_for = view.problem
                self.sign_in_needed.emit(view.problem)
            return
        self._asked_for = ""
        sign_ins, recoveries = self.watch.sign_ins, self.watch.recoveries
        if sign_ins != self._seen_sign_ins:
            self._blocked = False
            if self._start_send(now=True, resume=True):
                self._seen_sign_ins, self._seen_recoveries = sign_ins, recoveries
            return
        if recoveries != self._seen_recoveries and view.link is Link.ONLINE:
            self._blocked = False
            if self._pending and not self._paused:
                # At once, unless sends keep failing right after checks succeed (a server refusing writes): then
                # at the send backoff (2, 4, ... 30 s), never a loop.
                if self._send_due() and self._start_send(now=True, resume=False):
                    self._seen_recoveries = recoveries
                return
            self._seen_recoveries = recoveries
        if self.watch.check_due() and not self._runner.is_busy("check") and not self._is_sending():
            self._runner.submit("check", self._sync.check, on_result=self._checked, on_error=self._check_failed)
            return
        if view.link is Link.ONLINE and self._pending and not self._paused and self._send_due():
            self._start_send(now=False, resume=False)

    def _send_due(self) -> bool:
        if self._last_auto_send is None:
            return True
        if self._send_failures:
            wait = min(SEND_RETRY_CAP, SEND_RETRY_BASE * 2 ** max(0, self._send_failures - 1))
        else:
            wait = SEND_RETRY_CAP if self._blocked else SEND_RETRY_BASE
        return self.watch.clock() - self._last_auto_send >= wait

    def _start_send(self, *, now: bool, resume: bool) -> bool:
        if self._is_sending():
            return False
        self._last_auto_send = self.watch.clock()
        log.info("Sending what waits (%s)", "after a sign-in" if resume else "connection back" if now else "retry")
        self._send(now, resume)
        return True

    def _checked(self, answered: bool) -> None:
        self._show(self.watch.view())
        self.checked.emit(bool(answered))
        self.tick()

    def _check_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, AuthenticationError):
            log.error("Reachability check failed unexpectedly", exc_info=exc)
        self.checked.emit(False)
        self.tick()


class SignInAgain(QObject):
    """Desk ▸ Sign in again / Switch user, and the dialog opened in place when Nexudus refuses the sign-in.

    On success the desk's connection switches to the new session (the services' `actor` follows for Switch user);
    nothing typed or recorded is touched, and the controller sends what waits."""

    switched = Signal(object)  # the new DeskSession

    def __init__(
        self,
        *,
        service: SignInService,
        connection: DeskConnection,
        runner: TaskRunner,
        actors: list[Any],
        parent_widget: QWidget,
        report_bug: Callable[[BaseException], None] | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__(parent_widget)
        self._service = service
        self._connection = connection
        self._runner = runner
        self._actors = actors
        self._parent = parent_widget
        self._report_bug = report_bug
        self._demo = demo
        self.dialog: QDialog | None = None

    def open(self, reason: str = "", switch_user: bool = False) -> QDialog:
        from app.ui.signin_dialog import SignInDialog

        if self.dialog is not None and self.dialog.isVisible():
            return self.dialog
        current = self._connection.session
        dialog = SignInDialog(
            self._service,
            self._runner,
            report_bug=self._report_bug,
            parent=self._parent,
            api_url=current.api_url,
            email="" if switch_user else current.email,
            reason=reason,
            switch_user=switch_user,
            location_id=current.business_id,
            keep_location=True,
        )
        dialog.accepted.connect(lambda: self._accepted(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _accepted(self, dialog: Any) -> None:
        session: DeskSession | None = dialog.session
        if session is None:
            return
        if self._demo:
            from dataclasses import replace

            session = replace(session, demo=True)
        for service in self._actors:
            service.actor = session.email
            if hasattr(service, "business_id") and session.business_id is not None:
                service.business_id = session.business_id
        self._connection.switch(session)
        log.info("Signed in again as %s", session.email)
        self.switched.emit(session)
