"""Waiting to send / Needs attention: what Nexudus has not received yet, and what it refused.

Retry puts an entry back in the queue (the next send picks it up), Edit opens the intake's register dialog for a
refused new recipient, Discard (after a confirmation that defaults to "No") drops it — the audit trail keeps it.
An entry whose last send got no clear answer is not simply discarded: Nexudus is asked first (in the background),
then staff choose what is true: keep Nexudus's copy, or delete it there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.desk.deliveries import desk_time
from app.desk.outbox_service import (
    OutboxRow,
    OutboxService,
    ServerCheck,
    can_edit,
    can_retry,
    kind_label,
    needs_server_check,
    problem_text,
    state_label,
)
from app.ui.crash import user_message_of
from app.ui.models import Column, RowTableModel, setup_table
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, tone_color

log = logging.getLogger(__name__)


def _state_tone(row: OutboxRow) -> Tone | None:
    if row.state in ("failed", "paused"):
        return Tone.PROBLEM
    return Tone.WAITING


OUTBOX_COLUMNS: list[Column[OutboxRow]] = [
    Column("Recorded", lambda r: desk_time(r.created_at), sort_key=lambda r: r.outbox_id),
    Column("What", kind_label),
    Column("Details", lambda r: r.summary),
    Column("Status", state_label, tone=_state_tone),
    Column("Tries", lambda r: str(r.attempts), align_right=True, sort_key=lambda r: r.attempts),
    # last: it takes the width left, cut short if need be; whole in its tooltip and under the table when selected
    Column("Problem", problem_text, tooltip=problem_text, tone=lambda r: Tone.PROBLEM if r.state == "failed" else None),
]


class OutboxDialog(QDialog):
    changed = Signal()
    loaded = Signal(int)

    def __init__(
        self,
        service: OutboxService,
        runner: TaskRunner,
        edit_contact: Callable[[OutboxRow], None] | None = None,
        report_bug: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._edit_contact = edit_contact
        self._report_bug = report_bug
        self.confirm_discard: Callable[[OutboxRow], bool] = self._ask_discard
        self.choose_server_copy: Callable[[OutboxRow, ServerCheck], str] = self._ask_server_copy  # keep/delete/""
        self.setWindowTitle("Waiting to send to Nexudus")
        self.setAccessibleName("Waiting to send")

        intro = QLabel(
            "Everything recorded at this desk is kept here until Nexudus has it. Items that need "
            "attention were refused by Nexudus: fix them, try again, or discard them."
        )
        intro.setWordWrap(True)
        self.model: RowTableModel[OutboxRow] = RowTableModel(OUTBOX_COLUMNS, self)
        self.table = QTableView()
        self.table.setAccessibleName("Items waiting to send")
        self.table.setModel(self.model)
        setup_table(self.table)

        self.retry_button = QPushButton("&Try again (Ctrl+R)")
        self.retry_button.setAccessibleName("Try sending the selected item again")
        self.edit_button = QPushButton("&Fix… (Ctrl+O)")
        self.edit_button.setAccessibleName("Fix the selected recipient")
        self.edit_button.setVisible(edit_contact is not None)
        self.discard_button = QPushButton("&Discard… (Ctrl+Del)")
        self.discard_button.setAccessibleName("Discard the selected item")
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.problem = QLabel()
        self.problem.setAccessibleName("What Nexudus said about the selected item")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setAccessibleName("Outbox message")
        self.message.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 92, em * 32)

        self.retry_button.clicked.connect(self.retry_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        self.close_button.clicked.connect(self.accept)
        for keys, slot in (
            ("Ctrl+R", self.retry_selected),
            ("Ctrl+O", self.edit_selected),
            ("Ctrl+Del", self.discard_selected),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # -- API ------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._runner.submit(
            "outbox", self._service.list, latest_only=True, on_result=self._show_rows, on_error=self._failed
        )

    def selected(self) -> OutboxRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_entry(self, outbox_id: int) -> None:
        for r in range(self.model.rowCount()):
            if self.model.row_at(r).outbox_id == outbox_id:
                self.table.selectRow(r)
                return

    def retry_selected(self) -> None:
        row = self.selected()
        if row is None or not can_retry(row):
            self._say("Choose an item that is waiting or needs attention.", Tone.WAITING)
            return
        self._runner.submit(
            "outbox-write",
            self._service.retry,
            row.outbox_id,
            on_result=lambda _r: self._written("It will be sent with the next sync."),
            on_error=self._failed,
        )

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None or self._edit_contact is None or not can_edit(row):
            self._say("Only a refused new recipient can be fixed here.", Tone.WAITING)
            return
        self._edit_contact(row)
        self.refresh()

    def discard_selected(self) -> None:
        row = self.selected()
        if row is None:
            self._say("Choose the item to discard.", Tone.WAITING)
            return
        if needs_server_check(row):
            self._say("Asking Nexudus whether it already has this…", Tone.WAITING)
            self._runner.submit(
                "outbox-write",
                self._service.check_server,
                row.outbox_id,
                on_result=lambda check: self._on_server_checked(row, check),
                on_error=self._failed,
            )
            return
        if not self.confirm_discard(row):
            return
        self._runner.submit(
            "outbox-write",
            self._service.discard,
            row.outbox_id,
            on_result=lambda _r: self._written("Discarded. It will not be sent to Nexudus."),
            on_error=self._failed,
        )

    def _on_server_checked(self, row: OutboxRow, check: ServerCheck) -> None:
        choice = self.choose_server_copy(row, check)
        if choice == "keep":
            self._settle_server_copy(
                self._service.keep_server_copy, row, "Kept: Nexudus has it, so it is marked as sent."
            )
        elif choice == "delete":
            self._settle_server_copy(self._service.delete_server_copy, row, "Deleted in Nexudus and discarded here.")
        else:
            self._say("Nothing changed.", Tone.MUTED)

    def _settle_server_copy(self, action: Callable[[int], ServerCheck], row: OutboxRow, when_there: str) -> None:
        """Run staff's choice about Nexudus's copy; `when_there` is said when Nexudus had it."""
        self._runner.submit(
            "outbox-write",
            action,
            row.outbox_id,
            on_result=lambda c: self._written(
                when_there if c.server_id is not None else "Nexudus does not have it: discarded, it will not be sent."
            ),
            on_error=self._failed,
        )

    # -- internals ------------------------------------------------------------------------------------------

    def _ask_discard(self, row: OutboxRow) -> bool:
        answer = QMessageBox.question(
            self,
            "Discard this item?",
            f"{kind_label(row)}: {row.summary}\n\nNexudus will never receive it. This cannot be undone. Discard it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_server_copy(self, row: OutboxRow, check: ServerCheck) -> str:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        if check.server_id is None:
            box.setWindowTitle("Discard this item?")
            box.setText(
                f"{row.summary}\n\nPigeonhole just checked: Nexudus does not have it. "
                "Discard it? It will not be sent. This cannot be undone."
            )
            discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole))
            box.exec()
            return "delete" if box.clickedButton() is discard else ""
        box.setWindowTitle("Nexudus already has this")
        box.setText(
            f"{row.summary}\n\nThe last attempt to send it got no clear answer, and "
            "Pigeonhole just found it in Nexudus. What should happen?"
        )
        box.setInformativeText(
            "Keep: Nexudus keeps it, and it is marked as sent here.\n"
            "Delete: it is deleted in Nexudus and discarded here."
        )
        keep = box.addButton("&Keep Nexudus's copy", QMessageBox.ButtonRole.AcceptRole)
        delete = box.addButton("De&lete it in Nexudus", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return "keep" if clicked is keep else "delete" if clicked is delete else ""

    def _show_rows(self, rows: list[OutboxRow]) -> None:
        keep = self.selected()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        problem = len(OUTBOX_COLUMNS) - 1
        header = self.table.horizontalHeader()
        room = self.table.viewport().width() - header.sectionPosition(problem)
        if header.sectionSize(problem) > room > 0:  # no sideways scrolling for one long message
            header.resizeSection(problem, room)
        if keep is not None:
            self.select_entry(keep.outbox_id)
        elif rows:
            self.table.selectRow(0)
        if not rows:
            self._say("Nothing is waiting: Nexudus has everything.", Tone.OK)
        self._update_buttons()
        self.loaded.emit(len(rows))

    def _written(self, text: str) -> None:
        self._say(text, Tone.OK)
        self.changed.emit()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        message = user_message_of(exc)
        if message is not None:
            self._say(message)
            self.refresh()
            return
        self._say("That did not work. The details are in the log file.")
        if self._report_bug is not None:
            self._report_bug(exc)
        else:
            log.error("Outbox action failed", exc_info=exc)

    def _say(self, text: str, tone: Tone = Tone.PROBLEM) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {tone_color(tone).name()};")

    def _update_buttons(self) -> None:
        row = self.selected()
        problem = problem_text(row) if row is not None else ""
        if problem and row is not None and row.state == "failed":
            problem = f"Nexudus refused it. {problem}"
        elif problem:
            problem = f"Last try: {problem}"  # not sent yet (no connection, Nexudus busy, sign-in needed)
        self.problem.setText(problem)
        self.problem.setStyleSheet(f"color: {tone_color(Tone.PROBLEM).name()};")
        self.problem.setVisible(bool(problem))
        self.retry_button.setEnabled(row is not None and can_retry(row))
        self.edit_button.setEnabled(row is not None and can_edit(row))
        self.discard_button.setEnabled(row is not None)
