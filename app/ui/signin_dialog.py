"""Sign-in: e-mail, password, the two-step code when Nexudus asks for it, then the location to work at.

Signing in runs on the task runner (channel "signin"), so the window never freezes on a slow network. Every refusal
is shown inside the dialog in plain words (wrong password, API access off, a missing role by name, no connection).
"Try the demo workspace" starts the embedded sandbox instead (no account needed).

Opened from a running desk (Desk ▸ Sign in again / Switch user, or when Nexudus refuses the sign-in), it says why
(`reason`), keeps the Nexudus address of the desk, and offers no demo: the desk keeps everything while it is open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.desk.session import (
    AuthenticationError,
    DeskSession,
    NexudusError,
    SignInService,
    TwoFactorRequired,
    access_problem,
)
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, app_icon, emphasised, tone_color

log = logging.getLogger(__name__)


class SignInDialog(QDialog):
    busy_changed = Signal(bool)

    def __init__(
        self,
        service: SignInService,
        runner: TaskRunner,
        start_demo: Callable[[], Any] | None = None,
        report_bug: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
        *,
        api_url: str | None = None,
        email: str | None = None,
        reason: str = "",
        switch_user: bool = False,
        location_id: int | None = None,
        keep_location: bool = False,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._start_demo = start_demo
        self._report_bug = report_bug
        self._api_url_editable = api_url is None
        # Signing in again from a running desk: stay at its location (None: all of them, as the demo) if allowed.
        self._keep_location = keep_location
        self._location_id = location_id
        self.session: DeskSession | None = None
        self.demo: Any = None  # the DemoWorkspace when the demo was chosen
        again = api_url is not None
        self.setWindowTitle(
            "Switch user — Pigeonhole"
            if switch_user
            else "Sign in again — Pigeonhole"
            if again
            else "Sign in — Pigeonhole"
        )
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Sign in")

        heading = QLabel("Sign in as another Nexudus user" if switch_user else "Sign in with your Nexudus account")
        heading.setFont(emphasised(heading.font(), 1.3))
        heading.setAccessibleName("Sign in with your Nexudus account")

        self.api_url = QLineEdit(api_url if api_url is not None else service.settings.api_url)
        self.api_url.setAccessibleName("Nexudus address")
        self.api_url.setToolTip("Usually https://spaces.nexudus.com")
        self.email = QLineEdit(email if email is not None else service.settings.username)
        self.email.setAccessibleName("E-mail")
        self.email.setPlaceholderText("you@example.com")
        self.password = QLineEdit()
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.code = QLineEdit()
        self.code.setAccessibleName("Two-step code")
        self.code.setPlaceholderText("6-digit code from your authenticator app")
        self.code.setMaxLength(10)
        self.location = QComboBox()
        self.location.setAccessibleName("Location")
        self.location.setToolTip("The centre this desk works at")

        self.form = QFormLayout()
        self.form.addRow("Nexudus &address", self.api_url)
        self.form.addRow("&E-mail", self.email)
        self.form.addRow("&Password", self.password)
        self.form.addRow("Two-step &code", self.code)
        self.form.addRow("&Location", self.location)
        self._show_row(self.code, False)
        self._show_row(self.location, False)

        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.reason = QLabel(
            reason
            + (
                "\n\nEverything recorded at this desk is kept and will be sent once you are signed in."
                if reason
                else ""
            )
        )
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Why sign in again")
        self.reason.setStyleSheet(f"color: {tone_color(Tone.WAITING).name()};")
        self.reason.setVisible(bool(reason))

        self.buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton("&Sign in")
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setDefault(True)
        self.demo_button = QPushButton("Try the &demo workspace")
        self.demo_button.setAccessibleName("Try the demo workspace")
        self.demo_button.setToolTip("A practice centre with made-up customers; nothing is sent to Nexudus")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        for b in (self.demo_button, self.cancel_button):
            b.setAutoDefault(False)  # Enter in a field always means "Sign in", even after focus passed a button
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in_button.clicked.connect(self._on_sign_in)
        self.demo_button.clicked.connect(self._on_demo)
        self.cancel_button.clicked.connect(self.reject)
        self.demo_button.setVisible(start_demo is not None)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows with a long message
        layout.addWidget(heading)
        layout.addWidget(self.reason)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 38)

        QWidget.setTabOrder(self.api_url, self.email)
        QWidget.setTabOrder(self.email, self.password)
        QWidget.setTabOrder(self.password, self.code)
        QWidget.setTabOrder(self.code, self.location)
        QWidget.setTabOrder(self.location, self.sign_in_button)
        QWidget.setTabOrder(self.sign_in_button, self.demo_button)
        QWidget.setTabOrder(self.demo_button, self.cancel_button)
        if again:
            self.api_url.setEnabled(False)  # the desk's own Nexudus: its work belongs there
        (self.password if self.email.text() else self.email).setFocus()

    # -- state helpers --------------------------------------------------------------------------------------

    def _show_row(self, field: QWidget, visible: bool) -> None:
        self.form.setRowVisible(field, visible)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        for w in (self.email, self.password, self.code, self.location, self.sign_in_button, self.demo_button):
            w.setEnabled(not busy)
        self.api_url.setEnabled(not busy and self._api_url_editable)
        if not busy:
            self.sign_in_button.setDefault(True)
        if busy:
            self._say(text, Tone.MUTED)
        self.busy_changed.emit(busy)

    def _say(self, text: str, tone: Tone = Tone.PROBLEM) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {tone_color(tone).name()};")
        self.message.setVisible(bool(text))
        self.adjustSize()

    def error_text(self) -> str:
        return self.message.text() if self.message.isVisible() else ""

    # -- actions --------------------------------------------------------------------------------------------

    def _on_sign_in(self) -> None:
        if self.session is not None:  # signed in: this is the "Start" step after choosing a location
            self._finish()
            return
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self._say("Enter your Nexudus e-mail address and password.")
            (self.email if not email else self.password).setFocus()
            return
        code = self.code.text().strip() if self.form.isRowVisible(self.code) else ""
        self._set_busy(True, "Signing in…")
        self._runner.submit(
            "signin",
            self._service.sign_in,
            self.api_url.text(),
            email,
            password,
            code or None,
            on_result=self._signed_in,
            on_error=self._sign_in_failed,
        )

    def _signed_in(self, session: DeskSession) -> None:
        self._set_busy(False)
        self.session = session
        self._say("")
        self.password.clear()
        if len(session.locations) <= 1:
            self._finish()
            return
        if self._keep_location and (
            self._location_id is None or any(loc.id == self._location_id for loc in session.locations)
        ):
            self.session = self._service.choose_location(session, self._location_id)
            self.accept()
            return
        self.location.clear()
        for loc in session.locations:
            self.location.addItem(loc.name, loc.id)
        if session.business_id is not None:
            self.location.setCurrentIndex(max(0, self.location.findData(session.business_id)))
        self._show_row(self.location, True)
        for w in (self.api_url, self.email, self.password, self.code):
            w.setEnabled(False)
        self.sign_in_button.setText("&Start")
        self.sign_in_button.setAccessibleName("Start at this location")
        self._say("Signed in. Choose the location this desk works at.", Tone.OK)
        self.location.setFocus()

    def _sign_in_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, TwoFactorRequired):
            first_time = not self.form.isRowVisible(self.code)
            self._show_row(self.code, True)
            self._say(
                exc.user_message
                if first_time
                else "That code was not accepted. Enter the current code from your authenticator app.",
                Tone.WAITING if first_time else Tone.PROBLEM,
            )
            self.code.clear()
            self.code.setFocus()
        elif isinstance(exc, AuthenticationError):
            self._say(access_problem(exc))
            self.password.selectAll()
            self.password.setFocus()
        elif isinstance(exc, NexudusError):
            self._say(exc.user_message)
        elif isinstance(exc, ValueError):
            self._say(f"That Nexudus address cannot be used. {exc}")
            self.api_url.setFocus()
        else:
            self._say("Something went wrong while signing in. The details are in the log file.")
            if self._report_bug is not None:
                self._report_bug(exc)
            else:
                log.error("Sign-in failed unexpectedly", exc_info=exc)

    def _finish(self) -> None:
        assert self.session is not None
        business_id = self.location.currentData() if self.form.isRowVisible(self.location) else None
        if business_id is None:
            business_id = self.session.business_id
        self.session = self._service.choose_location(self.session, business_id)
        self.accept()

    def _on_demo(self) -> None:
        if self._start_demo is None:
            return
        self._set_busy(True, "Preparing the demo workspace… (a few seconds)")
        self._runner.submit("signin", self._start_demo, on_result=self._demo_ready, on_error=self._demo_failed)

    def _demo_ready(self, demo: Any) -> None:
        self._set_busy(False)
        self.demo = demo
        self.session = demo.session
        self.accept()

    def _demo_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._say("The demo workspace could not start. The details are in the log file.")
        if self._report_bug is not None:
            self._report_bug(exc)
        else:
            log.error("Demo workspace failed to start", exc_info=exc)
