"""Driving the desk by keyboard only, as the issue's "done when" asks: every key goes to the widget that has the
focus, never to a widget the test picked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused(qtbot: QtBot, window: QWidget) -> QWidget:
    """The widget that has the keyboard focus (the offscreen platform needs the window re-activated after a
    dialog closes, which a real window manager does by itself)."""
    target = QApplication.activeModalWidget() or window
    focus = QApplication.focusWidget()
    if focus is None or (focus is not target and not target.isAncestorOf(focus)):
        target.activateWindow()
        qtbot.waitUntil(
            lambda: (now := QApplication.focusWidget()) is not None and (now is target or target.isAncestorOf(now)),
            timeout=2000,
        )
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_text(qtbot: QtBot, window: QWidget, text: str) -> None:
    qtbot.keyClicks(focused(qtbot, window), text)


def press(
    qtbot: QtBot, window: QWidget, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(qtbot, window), key, mods)
