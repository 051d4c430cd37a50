"""Helpers for the desk-shell tests (E2): screenshots, a signed-in desk on a sandbox, a real database."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from app.config import Paths, Settings
from app.desk.session import DEMO_ADMIN, DeskSession, SignInService, TokenVault
from app.desk.sync_service import PlainContext, SyncOutcome, SyncService


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("PIGEONHOLE_SCREENSHOTS") or Path(tempfile.gettempdir()) / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(widget: QWidget, name: str) -> Path:
    """The widget as staff see it: pending layout passes are run first (a count just set shows whole, not "4")."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    path = screenshot_dir() / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path


@dataclass
class SignedInDesk:
    paths: Paths
    settings: Settings
    session: DeskSession
    engine: Any
    first_sync: SyncOutcome


def signed_in_desk(server: Any, db_url: str, paths: Paths, user: tuple[str, str] = DEMO_ADMIN) -> SignedInDesk:
    """Sign in to the sandbox like the dialog does, open the database, run the first sync."""
    from app.store.engine import open_database

    settings = Settings.load(paths)
    service = SignInService(paths, settings, vault=TokenVault(enabled=False))
    session = service.sign_in(server.url, *user)
    session = service.choose_location(session, session.business_id or session.locations[0].id)
    engine = open_database(db_url)
    outcome = SyncService(engine, session.new_client).run(PlainContext(), full=True)
    return SignedInDesk(paths, settings, session, engine, outcome)


def record_parcel(intake: Any, text: str, shelf: str = "B2") -> int:
    """Record a parcel for the matcher's first candidate, the way the intake screen does."""
    from app.desk.intake import IntakeDraft

    view = intake.match(text)
    assert view.candidates, f"nobody matches {text!r}"
    return int(
        intake.record(IntakeDraft(candidate=view.candidates[0], label_text=text, shelf=shelf, decision=view.decision))
    )


def contact_names(server: Any, count: int) -> list[str]:
    """Names of sandbox contacts (not linked to coworkers, so the name is the contact's own)."""
    from app.nexudus.resources import Resource

    names = [
        r["FullName"]
        for r in server.state.records(Resource.CONTRACT_CONTACTS)
        if r.get("FullName")
        and str(r["FullName"]).isascii()
        and not r.get("CoworkerId")
        and r.get("ContractContactType") == 1
    ]
    assert len(names) >= count
    return names[:count]


def unique_contact_names(server: Any, count: int) -> list[str]:
    """Up to `count` names that one sandbox contact alone has (a contact's own name, ASCII so QTest can type it):
    typed at the intake, each finds one person."""
    from app.nexudus.resources import Resource

    seen: dict[str, int] = {}
    for r in server.state.records(Resource.CONTRACT_CONTACTS):
        name = r.get("FullName") or ""
        if r.get("ContractContactType") == 1 and not r.get("CoworkerId") and name.isascii():
            seen[name] = seen.get(name, 0) + 1
    return [n for n, c in seen.items() if c == 1 and n][:count]


def intake_for(engine: Any, session: DeskSession) -> Any:
    """E1's intake service with its matching index built, as the window builds it."""
    from app.desk.intake import IntakeService
    from app.desk.matching_service import MatchingService

    matching = MatchingService(engine)
    matching.ensure_loaded()
    return IntakeService(engine, matching, session.email, session.business_id)


_WAITING: list[dict[str, Any]] = []  # the answers when_modal is waiting to give, in this test


def when_modal(qtbot: Any, action: Any, timeout_ms: int = 5000) -> None:
    """Run `action(dialog)` on the next modal dialog once it is shown (modal dialogs block the test otherwise).

    Only a dialog that was not already open when this was called counts (a stale one left by an earlier step must
    not be answered instead). Whatever happens in `action`, the dialog is rejected after `timeout_ms` if it is still
    open, so a failing step fails the test instead of hanging it; an exception in `action` reaches pytest-qt.
    An answer never given fails the test at its end (modal_answers_given), and never outlives it: left waiting, it
    would answer the next test's dialog.
    """
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    stale = QApplication.activeModalWidget()
    deadline = time.monotonic() + timeout_ms / 1000
    waiting = {"action": getattr(action, "__name__", repr(action)), "given": False, "cancelled": False}
    _WAITING.append(waiting)

    def reject_if_open(dialog: QDialog) -> None:
        try:
            if dialog.isVisible() and not waiting["cancelled"]:
                dialog.reject()
        except RuntimeError:  # already deleted: it closed
            pass

    def poll() -> None:
        if waiting["cancelled"]:
            return
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog is not stale and dialog.isVisible():
            waiting["given"] = True
            if isinstance(dialog, QDialog):
                QTimer.singleShot(timeout_ms, lambda: reject_if_open(dialog))
            action(dialog)
        elif time.monotonic() < deadline:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def modal_answers_given() -> list[str]:
    """End of a test: stop every answer still waiting, and name those never given."""
    never = [w["action"] for w in _WAITING if not w["given"]]
    for waiting in _WAITING:
        waiting["cancelled"] = True
    _WAITING.clear()
    return never


def select_only_row(table: Any, row: int) -> None:
    """Make `row` of a list the one chosen. (QTableView.selectRow reads the keyboard modifiers of the last key event,
    which an earlier test may have left at Ctrl: the row was then toggled off instead of chosen.)"""
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().setCurrentIndex(table.model().index(row, 0), flags)
