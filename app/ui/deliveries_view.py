"""Deliveries: today, not collected yet (with how long they have waited), all; filter; hand over; void; export.

Lists load on the task runner (channel "deliveries", latest only). Hand-over and void ask for the few words they
need in a small dialog, record locally at once and are sent by the next sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.desk.deliveries import (
    VIEW_LABELS,
    DeliveriesService,
    DeliveryRow,
    DeliveryView,
    describe_age,
    desk_time,
    handover_warnings,
    recipient_label,
    status_label,
    type_label,
)
from app.desk.vocabulary import plural
from app.ui.crash import user_message_of
from app.ui.delivery_details import DeliveryDetails
from app.ui.list_keys import connect_filter_to_list, select_first_if_none
from app.ui.models import SORT_ROLE, Column, RowTableModel, setup_table
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, error_label, tone_color

log = logging.getLogger(__name__)


def _status_tone(row: DeliveryRow) -> Tone | None:
    if row.voided_at is not None:
        return Tone.MUTED
    if row.local_state == "failed":
        return Tone.PROBLEM
    if row.local_state == "pending":
        return Tone.WAITING
    return Tone.OK if row.collected_at is not None else None


def _age_tone(row: DeliveryRow) -> Tone | None:
    if row.collected_at is None and row.voided_at is None and row.age.days >= 7:
        return Tone.PROBLEM
    return None


def _details(row: DeliveryRow) -> str:
    lines = [f"Label: {row.label_text}" if row.label_text else "", f"Notes: {row.notes}" if row.notes else ""]
    if row.collected_at:
        lines.append(
            f"Collected {desk_time(row.collected_at)} by {row.collected_by}"
            + (f" for {row.collected_for}" if row.collected_for else "")
        )
    if row.voided_at:
        lines.append(f"Voided {desk_time(row.voided_at)} by {row.voided_by}: {row.void_reason}")
    return "\n".join(x for x in lines if x)


DELIVERY_COLUMNS: list[Column[DeliveryRow]] = [
    Column("Received", lambda r: desk_time(r.created_at), sort_key=lambda r: r.created_at.timestamp()),
    Column(
        "Waiting",
        lambda r: "" if r.collected_at or r.voided_at else describe_age(r.age),
        tone=_age_tone,
        sort_key=lambda r: r.age.total_seconds(),
        align_right=True,
        header_tip="How long it has been here",
    ),
    Column("Recipient", recipient_label, tooltip=_details),
    Column("Company", lambda r: r.company_name),
    Column("Type", lambda r: type_label(r.delivery_type)),
    Column("Shelf", lambda r: r.shelf or r.location),
    Column("Tracking", lambda r: f"{r.carrier} {r.tracking_number}".strip()),
    Column("Status", status_label, tone=_status_tone, tooltip=_details),
]


class _AskDialog(QDialog):
    """A small dialog asking for a few words: an error line, OK (under its own name) and Cancel; OK checks first."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(name)
        self.error = error_label()

    def _ok_cancel(self, ok_text: str) -> QDialogButtonBox:
        """The buttons, made where the dialog lays them out (the keyboard focus order follows creation)."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setAccessibleName(ok_text.replace("&", ""))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        return buttons

    def _refuse(self, message: str, field: QWidget) -> None:
        self.error.setText(message)
        self.error.show()
        field.setFocus()

    def _check(self) -> None:
        raise NotImplementedError


class CollectDialog(_AskDialog):
    """Who is collecting, and for whom."""

    def __init__(self, rows: list[DeliveryRow], parent: QWidget | None = None) -> None:
        super().__init__("Hand over", "Hand over deliveries", parent)
        names = sorted({recipient_label(r) for r in rows})
        summary = QLabel(f"Handing over {plural(len(rows), 'item')} for {', '.join(names)}.")
        summary.setWordWrap(True)
        warnings = handover_warnings(rows)
        self.id_warning = QLabel("⚠ Check their identity before handing over:\n" + "\n".join(warnings))
        self.id_warning.setWordWrap(True)
        self.id_warning.setAccessibleName("ID check warning")
        self.id_warning.setStyleSheet(f"color: {tone_color(Tone.PROBLEM).name()};")
        self.id_warning.setVisible(bool(warnings))
        self.id_checked = QCheckBox("I have &checked their identity (Alt+C)")
        self.id_checked.setAccessibleName("I have checked their identity")
        self.id_checked.setVisible(bool(warnings))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 44)
        self.collected_by = QLineEdit()
        self.collected_by.setAccessibleName("Collected by")
        self.collected_by.setPlaceholderText("Name of the person taking it")
        self.for_whom = QLineEdit(", ".join(names))
        self.for_whom.setAccessibleName("Collected for")
        form = QFormLayout()
        form.addRow("Collected &by", self.collected_by)
        form.addRow("&For", self.for_whom)
        buttons = self._ok_cancel("&Hand over")
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.id_warning)
        layout.addLayout(form)
        layout.addWidget(self.id_checked)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(max(self.minimumWidth(), self.fontMetrics().horizontalAdvance("M") * 36))
        self.collected_by.setFocus()

    def _check(self) -> None:
        if not self.collected_by.text().strip():
            self._refuse("Write the name of the person collecting.", self.collected_by)
        elif self.id_checked.isVisible() and not self.id_checked.isChecked():
            self._refuse("The ID check is not clear: check their identity, then tick the box (Alt+C).", self.id_checked)
        else:
            self.accept()


class VoidDialog(_AskDialog):
    """Why this delivery is voided (kept, with the reason, never deleted)."""

    def __init__(self, row: DeliveryRow, parent: QWidget | None = None) -> None:
        super().__init__("Void delivery", "Void delivery", parent)
        info = QLabel(
            f"Void the {type_label(row.delivery_type).lower()} for {recipient_label(row)}"
            f"{' (' + row.company_name + ')' if row.company_name else ''}? It stays in the list, "
            "marked void, with your reason."
        )
        info.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. logged twice, wrong recipient")
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        buttons = self._ok_cancel("&Void")
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        self.reason.setFocus()

    def _check(self) -> None:
        if not self.reason.text().strip():
            self._refuse("Say why this delivery is voided.", self.reason)
        else:
            self.accept()


class DeliveriesView(QWidget):
    changed = Signal()  # something was recorded (the window refreshes the status bar and sends soon)
    loaded = Signal(int)  # rows shown

    def __init__(
        self,
        service: DeliveriesService,
        runner: TaskRunner,
        report_bug: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._report_bug = report_bug
        self.setAccessibleName("Deliveries")

        self.view_choice = QComboBox()
        self.view_choice.setAccessibleName("Which deliveries")
        for view, label in VIEW_LABELS.items():
            self.view_choice.addItem(label, view.value)
        self.view_choice.setCurrentIndex(self.view_choice.findData(DeliveryView.UNCOLLECTED.value))
        show_label = QLabel("&Show")
        show_label.setBuddy(self.view_choice)
        self.filter = QLineEdit()
        self.filter.setAccessibleName("Filter by company or recipient")
        self.filter.setPlaceholderText("Filter by company or recipient (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)

        self.model: RowTableModel[DeliveryRow] = RowTableModel(DELIVERY_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName("Deliveries list")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        setup_table(self.table, multi_select=True)

        self.collect_button = QPushButton("&Hand over… (Ctrl+H)")
        self.collect_button.setAccessibleName("Hand over the selected deliveries")
        self.void_button = QPushButton("&Void… (Ctrl+Del)")
        self.void_button.setAccessibleName("Void the selected delivery")
        self.export_button = QPushButton("&Export CSV… (Ctrl+E)")
        self.export_button.setAccessibleName("Export the list as CSV")
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of deliveries shown")
        self.message = QLabel()
        self.message.setAccessibleName("Deliveries message")
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(show_label)
        top.addWidget(self.view_choice)
        top.addWidget(self.filter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.collect_button)
        bottom.addWidget(self.void_button)
        bottom.addWidget(self.export_button)
        self.details = DeliveryDetails()
        middle = QHBoxLayout()
        middle.addWidget(self.table, 3)
        middle.addWidget(self.details, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)

        QWidget.setTabOrder(self.view_choice, self.filter)
        QWidget.setTabOrder(self.filter, self.table)
        QWidget.setTabOrder(self.table, self.collect_button)
        QWidget.setTabOrder(self.collect_button, self.void_button)
        QWidget.setTabOrder(self.void_button, self.export_button)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.refresh)
        self.view_choice.currentIndexChanged.connect(lambda _i: self.refresh())
        self.filter.textChanged.connect(lambda _t: self._debounce.start())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        connect_filter_to_list(self.filter, self.table)
        self.table.activated.connect(lambda _i: self.collect_selected())  # Enter or double-click
        self.collect_button.clicked.connect(self.collect_selected)
        self.void_button.clicked.connect(self.void_selected)
        self.export_button.clicked.connect(self.export_csv)
        for keys, slot in (
            ("Ctrl+H", self.collect_selected),
            ("Ctrl+Del", self.void_selected),
            ("Ctrl+E", self.export_csv),
        ):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self._update_buttons()

    # -- API ------------------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def set_view(self, view: DeliveryView) -> None:
        self.view_choice.setCurrentIndex(self.view_choice.findData(view.value))

    def refresh(self) -> None:
        view = DeliveryView(self.view_choice.currentData())
        self._runner.submit(
            "deliveries",
            self._service.list,
            view,
            self.filter.text(),
            latest_only=True,
            on_result=self._show_rows,
            on_error=self._failed,
        )

    def selected_rows(self) -> list[DeliveryRow]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(r) for r in sorted(rows)]

    def select_rows(self, delivery_ids: set[int]) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        for r in range(self.model.rowCount()):
            if self.model.row_at(r).delivery_id in delivery_ids:
                idx = self.proxy.mapFromSource(self.model.index(r, 0))
                sel.select(idx, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
                self.table.setCurrentIndex(idx)

    def collect_selected(self) -> None:
        rows = [r for r in self.selected_rows() if r.collected_at is None and r.voided_at is None]
        if not rows:
            self._say("Choose deliveries that have not been collected yet.", Tone.WAITING)
            return
        dialog = CollectDialog(rows, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.collect(rows, dialog.collected_by.text(), dialog.for_whom.text())

    def collect(self, rows: list[DeliveryRow], collected_by: str, for_whom: str) -> None:
        ids = [r.delivery_id for r in rows]
        self._runner.submit(
            "deliveries-write",
            self._service.collect,
            ids,
            collected_by,
            for_whom,
            on_result=lambda _r: self._written(f"Handed over {plural(len(ids), 'item')} to {collected_by}."),
            on_error=self._failed,
        )

    def void_selected(self) -> None:
        rows = [r for r in self.selected_rows() if r.voided_at is None]
        if len(rows) != 1:
            self._say("Choose one delivery to void.", Tone.WAITING)
            return
        dialog = VoidDialog(rows[0], self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.void(rows[0], dialog.reason.text())

    def void(self, row: DeliveryRow, reason: str) -> None:
        self._runner.submit(
            "deliveries-write",
            self._service.void,
            row.delivery_id,
            reason,
            on_result=lambda _r: self._written(f"Voided the delivery for {recipient_label(row)}."),
            on_error=self._failed,
        )

    def export_csv(self, path: str | Path | None = None) -> None:
        if not isinstance(path, (str, Path)):
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export deliveries", str(Path.home() / "deliveries.csv"), "CSV files (*.csv)"
            )
            if not chosen:
                return
            path = chosen
        rows = [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(i, 0)).row())
            for i in range(self.proxy.rowCount())
        ]
        try:
            count = self._service.export_csv(rows, Path(path))
        except OSError as exc:
            self._say(f"Could not write {path}: {exc.strerror or exc}")
            return
        self._say(f"Exported {plural(count, 'delivery')} to {path}.", Tone.OK)

    # -- internals ------------------------------------------------------------------------------------------

    def _show_rows(self, rows: list[DeliveryRow]) -> None:
        selected = {r.delivery_id for r in self.selected_rows()}
        self.model.set_rows(rows)
        self.count_label.setText(f"{len(rows)} shown")
        if selected:
            self.select_rows(selected)
        if len(rows) == 1:
            select_first_if_none(self.table)  # a lone row is the one meant
        self._update_buttons()
        self.table.resizeColumnsToContents()
        self.loaded.emit(len(rows))

    def _written(self, text: str) -> None:
        self._say(text, Tone.OK)
        self.changed.emit()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        message = user_message_of(exc)
        if message is not None:
            self._say(message)
            return
        self._say("That did not work. The details are in the log file.")
        if self._report_bug is not None:
            self._report_bug(exc)
        else:
            log.error("Deliveries action failed", exc_info=exc)

    def _say(self, text: str, tone: Tone = Tone.PROBLEM) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {tone_color(tone).name()};")

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        self.details.show_rows(rows)
        self.collect_button.setEnabled(any(r.collected_at is None and r.voided_at is None for r in rows))
        self.void_button.setEnabled(len(rows) == 1 and rows[0].voided_at is None)
