"""The intake screen, driven by the keyboard against a real synced database (widget tests: synchronous runner)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from app.desk.intake import IntakeService
from app.desk.matching_service import MatchingService
from app.desk.register import RegisterService
from app.sandbox.server import SandboxServer
from app.store import list_aliases, list_deliveries, session_scope
from app.ui.intake_view import IntakeView
from app.ui.tasks import SyncTaskRunner
from tests.unit.test_desk_intake_directory import BUSINESS_ID, directory, synced_engine

ACTOR = "desk@centre.test"


def shot(widget: QWidget, name: str) -> Path:
    folder = Path(os.environ.get("PIGEONHOLE_SCREENSHOTS") or Path(tempfile.gettempdir()) / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"intake-{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture
def srv(sandbox_factory: Any) -> SandboxServer:
    return sandbox_factory(data=directory())


@pytest.fixture
def engine(sqlite_url: str, srv: SandboxServer) -> Iterator[Engine]:
    eng = synced_engine(sqlite_url, srv)
    yield eng
    eng.dispose()


@pytest.fixture
def view(qtbot: QtBot, engine: Engine) -> IntakeView:
    matching = MatchingService(engine)
    intake = IntakeService(engine, matching, ACTOR, BUSINESS_ID, shelf="B2")
    register = RegisterService(engine, matching, ACTOR)
    v = IntakeView(intake, register, SyncTaskRunner())
    qtbot.addWidget(v)
    v.resize(1100, 620)
    v.show()
    qtbot.waitExposed(v)
    v.activateWindow()
    v.focus_scan_field()
    return v


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    QTest.keyClicks(widget, text)


def key(widget: QWidget | None, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    assert widget is not None
    QTest.keyClick(widget, k, mods)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def wait_matches(qtbot: QtBot, view: IntakeView, text: str) -> None:
    qtbot.waitUntil(lambda: view.match_view is not None and view.match_view.text == text, timeout=5000)


def test_scan_then_name_then_enter_records(qtbot: QtBot, view: IntakeView, engine: Engine) -> None:
    shot(view, "empty")
    assert view.hint.text().startswith("Type or paste")
    type_into(qtbot, view.scan_field, "1Z999AA10123456784")
    key(view.scan_field, Qt.Key.Key_Return)
    assert view.carrier_label.text() == "UPS · 1Z999AA10123456784"
    qtbot.waitUntil(lambda: focused() is view.addressee)
    type_into(qtbot, view.addressee, "jane doe")
    wait_matches(qtbot, view, "jane doe")
    assert view.match_view is not None and view.match_view.decision == "auto"
    chosen = view.current_candidate()
    assert chosen is not None and chosen.contact_id == 1001  # auto: pre-selected
    assert "auto" not in view.hint.text() and "Enter" in view.hint.text()
    shot(view, "auto-match")
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000) as blocker:
        key(view.addressee, Qt.Key.Key_Return)
    delivery_id = blocker.args[0]
    assert view.confirmation.text() == "✓ Parcel for Jane Doe (Acme Trading Ltd) — shelf B2. Waiting to send"
    assert view.addressee.toPlainText() == "" and view.scan_field.text() == ""
    assert focused() is view.scan_field
    assert not view.alias_prompt.isVisible()  # the first candidate: nothing to learn
    shot(view, "confirmation")
    with session_scope(engine) as session:
        row = next(r for r in list_deliveries(session, "today") if r.delivery_id == delivery_id)
    assert (row.contact_id, row.tracking_number, row.location) == (1001, "1Z999AA10123456784", "B2")

    # the same parcel again: warned
    type_into(qtbot, view.scan_field, "1Z 999 AA1 0123 4567 84")
    key(view.scan_field, Qt.Key.Key_Return)
    assert view.scan_warning.isVisible()
    assert "already scanned today" in view.scan_warning.text()


def test_review_needs_a_choice_and_offers_an_alias(qtbot: QtBot, view: IntakeView, engine: Engine) -> None:
    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "Sam Taylor")  # on two contracts: a tie is never auto
    wait_matches(qtbot, view, "Sam Taylor")
    assert view.match_view is not None and view.match_view.decision != "auto"
    assert len(view.match_view.candidates) >= 2
    assert view.current_candidate() is None  # not auto: nothing pre-selected
    shot(view, "review-match")
    key(view.addressee, Qt.Key.Key_Return)  # Enter without a choice records nothing
    assert "↑/↓" in view.hint.text()
    key(view.addressee, Qt.Key.Key_Down)
    key(view.addressee, Qt.Key.Key_Down)
    second = view.current_candidate()
    assert second is not None and second.rank == 1
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        key(view.addressee, Qt.Key.Key_Return)
    assert view.alias_prompt.isVisible()
    assert "Remember “Sam Taylor”" in view.alias_prompt.text.text()
    key(focused(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not view.alias_prompt.isVisible()
    with session_scope(engine) as session:
        aliases = list_aliases(session)
    assert [(a.text, a.contract_id, a.contact_id) for a in aliases] == [
        ("Sam Taylor", second.contract_id, second.contact_id)
    ]


def test_escape_clears_and_ctrl_enter_keeps_type(qtbot: QtBot, view: IntakeView) -> None:
    view.type_combo.setCurrentIndex(view.type_combo.findText("Letter"))
    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "Mary Craig")
    wait_matches(qtbot, view, "Mary Craig")
    cand = view.current_candidate()
    assert cand is not None and cand.cancelled
    assert view.model.data(view.model.index(0, 3)) == "Cancelled on 1 Mar 2025"
    with qtbot.assertNotEmitted(view.delivery_recorded):  # a cancelled contract: Ctrl+Enter only asks
        key(view.addressee, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        key(view.addressee, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # yes, record anyway
    assert view.type_combo.currentText() == "Letter"  # save and next keeps the type
    assert view.confirmation.text().startswith("✓ Letter for Mary Craig (Beacon Labs Ltd)")
    type_into(qtbot, view.scan_field, "TBA123456789012")
    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "Jane")
    key(view.addressee, Qt.Key.Key_Escape)
    assert view.addressee.toPlainText() == "" and view.scan_field.text() == ""
    assert focused() is view.scan_field


def test_nobody_matches_then_register_then_deliver(qtbot: QtBot, view: IntakeView, engine: Engine) -> None:
    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "Xavier Quillfeather")
    wait_matches(qtbot, view, "Xavier Quillfeather")
    assert view.match_view is not None and view.match_view.nobody
    if view.match_view.candidates:  # weak ones, listed for a manual pick: not "nobody matches"
        assert view.hint.text().startswith("No sure match") and "(Ctrl+N)" in view.hint.text()
    else:
        assert view.hint.text() == "Nobody on the directory matches — register a new recipient? (Ctrl+N)"
    shot(view, "nobody-matches")
    key(view.addressee, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = view.register_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.full_name.text() == "Xavier Quillfeather"
    assert dialog.kind_combo.currentText() == "Director"
    qtbot.waitUntil(lambda: focused() is dialog.picker.search_field)
    type_into(qtbot, dialog.picker.search_field, "Zephyr")
    qtbot.waitUntil(lambda: dialog.picker.chosen() is not None, timeout=3000)
    chosen = dialog.picker.chosen()
    assert chosen is not None and chosen.contract_id == 300
    with qtbot.waitSignal(view.recipient_registered, timeout=5000):
        key(dialog.picker.search_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    wait_matches(qtbot, view, "Xavier Quillfeather")
    best = view.current_candidate()
    assert best is not None and best.contract_id == 300 and best.pending and best.contact_id is not None
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000) as blocker:
        key(view.addressee, Qt.Key.Key_Return)
    with session_scope(engine) as session:
        row = next(r for r in list_deliveries(session, "today") if r.delivery_id == blocker.args[0])
    assert (row.contract_id, row.contact_id, row.recipient_name) == (300, best.contact_id, "Xavier Quillfeather")


def test_register_dialog_shows_field_errors_inline(qtbot: QtBot, view: IntakeView) -> None:
    dialog = view.open_register_dialog("Olivia Newman c/o Acme Trading Ltd")
    qtbot.waitUntil(lambda: dialog.picker.chosen() is not None, timeout=3000)  # guessed from the label
    assert dialog.picker.chosen() is not None and dialog.picker.chosen().contract_id == 100  # type: ignore[union-attr]
    assert dialog.kind_combo.currentText() == "Nominated recipient"
    dialog.email.setFocus()
    qtbot.waitUntil(lambda: focused() is dialog.email)
    type_into(qtbot, dialog.email, "olivia.example.com")
    key(dialog.email, Qt.Key.Key_Tab)  # leaving the field checks it
    assert dialog.error_for("Email").startswith("That is not an e-mail address")
    dialog.resize(760, 900)
    shot(dialog, "register-field-error")
    with qtbot.assertNotEmitted(dialog.registered):
        dialog.submit()
    assert dialog.isVisible()
    dialog.email.setFocus()
    dialog.email.selectAll()
    type_into(qtbot, dialog.email, "olivia@example.com")
    assert dialog.error_for("Email") == ""
    with qtbot.waitSignal(dialog.registered, timeout=5000):
        dialog.submit()


def test_candidate_model(qtmodeltester: Any, qtbot: QtBot, view: IntakeView) -> None:
    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "Sam Taylor")
    wait_matches(qtbot, view, "Sam Taylor")
    assert view.model.rowCount() >= 2
    qtmodeltester.check(view.model)


def test_every_control_has_an_accessible_name(view: IntakeView) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTableView

    for cls in (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTableView):
        for w in view.findChildren(cls):
            if isinstance(w.parent(), QComboBox | QLineEdit | QTableView):
                continue  # Qt's own parts: a combo's line edit, a clear button, the table's corner button
            assert w.accessibleName(), f"{cls.__name__} {w.objectName()!r} without an accessible name"


def test_dark_palette_and_large_text(qtbot: QtBot, engine: Engine) -> None:
    """Readable in the dark palette at about 175% text size (screenshot to look at; layout must not clip)."""
    from PySide6.QtGui import QFont

    from app.ui.theme import dark_palette

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_palette, old_font = app.palette(), app.font()
    big = QFont(old_font)
    big.setPointSizeF(old_font.pointSizeF() * 1.75)
    app.setPalette(dark_palette())
    app.setFont(big)
    try:
        matching = MatchingService(engine)
        v = IntakeView(
            IntakeService(engine, matching, ACTOR, BUSINESS_ID, shelf="B2"),
            RegisterService(engine, matching, ACTOR),
            SyncTaskRunner(),
        )
        qtbot.addWidget(v)
        v.resize(1500, 900)
        v.show()
        qtbot.waitExposed(v)
        v.addressee.setFocus()
        QTest.keyClicks(v.addressee, "Robert Smith")
        wait_matches(qtbot, v, "Robert Smith")
        assert v.details_warning.isVisible()  # the ID-check warning for the selected recipient
        assert v.addressee.height() >= v.addressee.fontMetrics().lineSpacing() * 3
        shot(v, "dark-large-text")
    finally:
        app.setPalette(old_palette)
        app.setFont(old_font)


def test_register_dialog_links_a_customer_and_escape_cancels(qtbot: QtBot, view: IntakeView) -> None:
    view.addressee.setFocus()
    QTest.keyClicks(view.addressee, "Peter L")
    dialog = view.open_register_dialog()
    assert dialog.full_name.text() == "Peter L"
    dialog.coworker_search.setFocus()
    QTest.keyClicks(dialog.coworker_search, "Linked")
    qtbot.waitUntil(lambda: dialog.coworker_combo.currentData() == 504, timeout=3000)
    assert (dialog.full_name.text(), dialog.email.text()) == ("Peter Linked", "peter@linked.test")
    assert dialog.draft().coworker_id == 504
    qtbot.waitUntil(lambda: (f := focused()) is not None and f.window() is dialog)
    from tests.ui.desk_fixtures import when_modal

    # something was typed: Esc asks before throwing it away
    when_modal(qtbot, lambda box: next(b for b in box.buttons() if b.text() == "&Discard").click())
    with qtbot.assertNotEmitted(dialog.registered):
        key(focused(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert view.addressee.toPlainText() == "Peter L"  # Esc closed the dialog only


def test_missing_shelf_and_a_barcode_in_the_addressee_field(qtbot: QtBot, view: IntakeView) -> None:
    view.shelf_field.clear()
    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "Jane Doe")
    wait_matches(qtbot, view, "Jane Doe")
    with qtbot.assertNotEmitted(view.delivery_recorded):
        key(view.addressee, Qt.Key.Key_Return)
    assert "shelf" in view.hint.text()
    assert focused() is view.shelf_field
    type_into(qtbot, view.shelf_field, "C4")
    with qtbot.waitSignal(view.delivery_recorded, timeout=5000):
        key(view.shelf_field, Qt.Key.Key_Return)  # Enter in the shelf field records too
    assert view.shelf_field.text() == ""  # Enter clears everything (Ctrl+Enter keeps the shelf)

    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "1Z999AA10123456784")  # the scanner fired into the wrong field
    with qtbot.assertNotEmitted(view.delivery_recorded):
        key(view.addressee, Qt.Key.Key_Return)
    assert view.scan_field.text() == "1Z999AA10123456784"
    assert view.carrier_label.text().startswith("UPS")
    assert view.addressee.toPlainText() == ""


def test_a_pasted_label_shows_whole_and_shift_enter_adds_a_line(qtbot: QtBot, view: IntakeView) -> None:
    compact = view.addressee.height()
    view.addressee.setFocus()
    view.addressee.setPlainText("Deliver to:\nFAO Mary Craig\nBeacon Labs Ltd\n1 Main Street\nLondon EC1A 1BB")
    assert view.addressee.height() > compact
    wait_matches(qtbot, view, view.addressee.toPlainText())
    best = view.match_view.candidates[0] if view.match_view else None
    assert best is not None and best.contract_id == 200
    view.addressee.moveCursor(view.addressee.textCursor().MoveOperation.End)
    key(view.addressee, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.addressee.toPlainText().endswith("\n")  # a new line, nothing recorded


def test_registering_from_a_label_offers_the_label_as_an_alias(qtbot: QtBot, view: IntakeView, engine: Engine) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit

    view.addressee.setFocus()
    type_into(qtbot, view.addressee, "c/o OLIVIA NEWMAN")
    wait_matches(qtbot, view, "c/o OLIVIA NEWMAN")
    key(view.addressee, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = view.register_dialog
    assert dialog is not None
    for cls in (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit):
        for w in dialog.findChildren(cls):
            if not isinstance(w.parent(), QComboBox | QLineEdit) and w.isVisibleTo(dialog):
                assert w.accessibleName(), f"{cls.__name__} without an accessible name in the register dialog"
    assert (dialog.full_name.text(), dialog.kind_combo.currentText()) == ("Olivia Newman", "Nominated recipient")
    dialog.picker.search_field.setFocus()
    type_into(qtbot, dialog.picker.search_field, "123")  # the PO box of Acme
    qtbot.waitUntil(lambda: dialog.picker.chosen() is not None, timeout=3000)
    assert dialog.picker.chosen().contract_id == 100  # type: ignore[union-attr]
    with qtbot.waitSignal(view.recipient_registered, timeout=5000):
        dialog.submit()
    assert view.alias_prompt.isVisible()
    assert "Remember “c/o OLIVIA NEWMAN” as Olivia Newman" in view.alias_prompt.text.text()
    qtbot.waitUntil(lambda: focused() is view.addressee)  # back in the intake window after the dialog
    key(focused(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    with session_scope(engine) as session:
        assert [(a.text, a.contract_id) for a in list_aliases(session)] == [("c/o OLIVIA NEWMAN", 100)]


def test_the_qt_binding_keeps_reference_counts(qtbot: QtBot, view: IntakeView) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a Python override of a Qt virtual
    (keyPressEvent, eventFilter, a model's data() returning None...): after a few thousand events the process dies
    with "Fatal Python error: none_dealloc". pyproject excludes that release; this catches it in any environment."""
    import sys

    view.addressee.setFocus()
    before = sys.getrefcount(None)
    for _ in range(200):
        QTest.keyClick(view.addressee, Qt.Key.Key_A)
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 200 key presses: a broken Qt binding (PySide6 6.12.0?)"


def test_a_very_long_pasted_label_is_cut_and_says_so(qtbot: QtBot, view: IntakeView) -> None:
    """Issue 15 point 8: a huge paste is matched on its first part, quickly, and the hint says it was cut."""
    pasted = "Jane Doe\n" + "Smith " * 3_333
    view.addressee.setPlainText(pasted)
    wait_matches(qtbot, view, pasted)
    assert view.match_view is not None and view.match_view.note
    assert "only its first part was read" in view.hint.text()
    for width, height in ((1366, 768), (1920, 1080)):
        view.resize(width, height)
        shot(view, f"long-label-cut-{width}")


def test_a_review_says_why_in_the_hint(qtbot: QtBot, sandbox_factory: Any, sqlite_url: str) -> None:
    """The matcher's reason for asking ("another person with the short form of the name") is shown, not only
    'Not sure who this is'."""
    data = directory()
    data["ContractContacts"] += [
        {"Id": 1101, "CoworkerContractId": 100, "FullName": "Elizabeth Scott", "ContractContactType": 1},
        {"Id": 1301, "CoworkerContractId": 300, "FullName": "Beth Scott", "ContractContactType": 1},
    ]
    engine = synced_engine(sqlite_url, sandbox_factory(data=data))
    matching = MatchingService(engine, snapshot=False)
    v = IntakeView(
        IntakeService(engine, matching, ACTOR, BUSINESS_ID), RegisterService(engine, matching, ACTOR), SyncTaskRunner()
    )
    qtbot.addWidget(v)
    v.show()
    type_into(qtbot, v.addressee, "Elizabeth Scott")
    wait_matches(qtbot, v, "Elizabeth Scott")
    assert v.match_view is not None and v.match_view.decision == "review" and v.match_view.reason
    assert v.hint.text().startswith("Not sure: ") and "Beth Scott" in v.hint.text()
    engine.dispose()
