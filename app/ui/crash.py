"""Bugs are logged with their traceback and shown once, in plain words, with where the log file is.

`CrashReporter.install()` hooks `sys.excepthook`, `threading.excepthook` and Qt's message handler. Anything the user
can act on (network down, wrong password, a validation message: an app.errors.UserFacingError) is NOT a crash:
screens show those near what they concern (`user_message_of`). Everything else that reaches here is a bug.

`error_dialog` is the one place an error window is built (the crash dialog, and a desk that cannot start).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QMessageLogContext, QObject, Qt, QtMsgType, Signal, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import user_message_of

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


__all__ = ["CrashReporter", "crash_text", "error_dialog", "user_message_of"]


def error_dialog(
    parent: QWidget | None, title: str, text: str, *, details: str | None = None, modal: bool = True
) -> QMessageBox:
    """An error window (not shown yet): critical icon, one OK button, the technical details folded away."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAccessibleName("Error report")
    if modal:
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
    return box


def crash_text(log_file: Path) -> str:
    return (
        "Something went wrong inside Pigeonhole. Your work so far is saved.\n\n"
        "If it happens again, please send the log file to whoever looks after this computer:\n"
        f"{log_file}"
    )


class CrashReporter(QObject):
    """Logs every unexpected error with its traceback; shows the crash dialog once per run."""

    _show_requested = Signal(str)

    def __init__(self, log_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialog: QMessageBox | None = None
        self.count = 0
        self._previous_excepthook: Any = None
        self._previous_thread_hook: Any = None
        self._installed = False
        self._show_requested.connect(self._show)

    def install(self) -> None:
        self._previous_excepthook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook
        qInstallMessageHandler(_qt_message_handler)
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        sys.excepthook = self._previous_excepthook
        threading.excepthook = self._previous_thread_hook
        qInstallMessageHandler(None)
        self._installed = False

    def report(self, exc: BaseException, where: str = "") -> None:
        """A bug: log it with its traceback and show the dialog (once). Safe to call from any thread."""
        self.count += 1
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.critical("Unexpected error%s:\n%s", f" in {where}" if where else "", details)
        self._show_requested.emit(details)

    # -- hooks ----------------------------------------------------------------------------------------------

    def _excepthook(self, etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(etype, KeyboardInterrupt):
            self._previous_excepthook(etype, value, tb)
            return
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        self.report(value)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value, where=f"thread {args.thread.name if args.thread else '?'}")

    @Slot(str)
    def _show(self, details: str) -> None:
        if self.dialog is not None or QApplication.instance() is None:
            return  # shown once per run; later errors are only logged
        parent = QApplication.activeWindow()
        box = error_dialog(
            parent if isinstance(parent, QWidget) else None,
            "Pigeonhole — something went wrong",
            crash_text(self.log_file),
            details=details,
        )
        self.dialog = box
        box.show()


def _qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _QT_LEVELS.get(mode, logging.WARNING)
    where = f" ({context.file}:{context.line})" if context.file else ""
    qt_log.log(level, "%s%s", message, where)
