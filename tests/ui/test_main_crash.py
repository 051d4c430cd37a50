"""A bug is logged with its traceback and shown once, saying where the log file is; user errors are not bugs."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import qWarning
from pytestqt.qtbot import QtBot

from app.config import Paths, setup_logging
from app.desk.deliveries import DeskInputError
from app.nexudus.errors import NetworkError
from app.ui.crash import CrashReporter, user_message_of


def _boom() -> None:
    raise RuntimeError("kaboom in a slot")


def test_crash_is_logged_and_shown_once(qtbot: QtBot, pigeonhole_home: Paths, caplog: pytest.LogCaptureFixture) -> None:
    log_file = setup_logging(pigeonhole_home)
    reporter = CrashReporter(log_file)
    reporter.install()
    try:
        with caplog.at_level(logging.DEBUG):
            try:
                _boom()
            except RuntimeError as exc:
                sys.excepthook(type(exc), exc, exc.__traceback__)
            qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
            dialog = reporter.dialog
            assert dialog is not None
            assert str(log_file) in dialog.text()
            assert "_boom" in dialog.detailedText()

            # A second bug, from a worker thread this time: logged, not shown again.
            worker = threading.Thread(target=_boom, name="worker")
            worker.start()
            worker.join()
            qtbot.waitUntil(lambda: reporter.count == 2)
            assert reporter.dialog is dialog

            qWarning("a Qt warning")
        messages = [r.getMessage() for r in caplog.records]
        assert sum("kaboom in a slot" in m and "Traceback" in m for m in messages) == 2
        assert any("a Qt warning" in m for m in messages)
        assert "kaboom in a slot" in log_file.read_text(encoding="utf-8")
        dialog.close()
    finally:
        reporter.uninstall()


def test_user_errors_are_not_bugs() -> None:
    assert user_message_of(NetworkError("down")) is not None
    assert user_message_of(DeskInputError("Write the name")) == "Write the name"
    assert user_message_of(KeyError("x")) is None
