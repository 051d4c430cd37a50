"""The work queues page: what waits to be handed over, forwarded, scanned, returned, shredded or recycled,
deposited, or decided, each a list staff work through by keyboard; plus the daily summary.

Keys: F6 "scan a shelf label or tracking number" (Enter opens the item: the hand-over for items on the shelves);
Up/Down in the queue list chooses a queue (Right or Tab goes to its items); in the items, Enter does the queue's
work on the current item, Ctrl+P prints its shelf label, Ctrl+Z undoes its last outcome (F5, the window's
"Sync now", refreshes the page after the sync).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.desk.deliveries import describe_age, type_label
from app.desk.item_life import (
    WORK_QUEUES,
    ForwardForm,
    ItemLifeService,
    Outcome,
    OutcomeRow,
    Queue,
    QueueItem,
    ShelfLabel,
    item_code,
)
from app.desk.vocabulary import LEVEL_LABELS, QUEUE_HINTS, QUEUE_LABELS, handling_wish
from app.errors import user_message_of
from app.ui.item_dialogs import (
    CHANNEL,
    ConflictDialog,
    DoneByDialog,
    ForwardDialog,
    HandOverDialog,
    UndoDialog,
    WorkDialog,
)
from app.ui.models import ROW_ROLE, SORT_ROLE, Column, RowTableModel, setup_table
from app.ui.shelf_label import LabelPrinter, PrinterError
from app.ui.summary_view import SummaryView
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, tone_color

log = logging.getLogger(__name__)

SUMMARY = "summary"  # the last entry of the queue list


def fit_columns(table: QTableView, widest: int = 280) -> None:
    """Columns as wide as their text (at most `widest` pixels); the last one takes the rest."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count() - 1):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)


def _note(item: QueueItem, service: ItemLifeService) -> str:
    parts = []
    if item.open_conflicts:
        parts.append("Nexudus disagrees: press Enter to decide")
    if item.reason:
        parts.append(item.reason[:1].upper() + item.reason[1:])
    warning = service.handover_warning(item) if item.queue is Queue.SHELF else ""
    if warning and "cancelled" not in warning:
        parts.append(warning.split(":")[0])
    level = service.thresholds.level(item.age) if item.queue is Queue.SHELF else ""
    if level:
        parts.append(LEVEL_LABELS[level])
    if item.requires_signature:
        parts.append("Signature needed")
    return " · ".join(parts)


def _tone(item: QueueItem, service: ItemLifeService) -> Tone | None:
    if item.open_conflicts or item.reason:
        return Tone.PROBLEM
    if item.queue is Queue.SHELF and service.thresholds.level(item.age):
        return Tone.WAITING
    return None


class QueuesView(QWidget):
    loaded = Signal(str, int)  # queue, rows
    changed = Signal()  # something was recorded (the window sends it)
    label_printed = Signal(str)
    found = Signal(int)  # the delivery found for a scanned code (0: none)
    label_problem = Signal(str)  # a label could not be printed (plain words)

    def __init__(
        self,
        service: ItemLifeService,
        runner: TaskRunner,
        *,
        printer: LabelPrinter | None = None,
        countries: list[str] | None = None,
        report_bug: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Work queues")
        self._service = service
        self._runner = runner
        self.printer = printer
        self._countries = countries or []
        self._report_bug = report_bug
        self.queue: Queue = Queue.SHELF
        self.last_dialog: WorkDialog | None = None
        # where a scan comes from: a file chosen by staff (capture can supply one instead)
        self.choose_scan_file: Callable[[], Path | None] = self._ask_scan_file

        self.finder = QLineEdit()
        self.finder.setAccessibleName("Scan a shelf label or tracking number")
        self.finder.setPlaceholderText("Scan a shelf label or tracking number to hand an item over  (F6)")
        self.finder.setClearButtonEnabled(True)
        self.finder.returnPressed.connect(self.find_item)
        self.find_message = QLabel()
        self.find_message.setObjectName("findMessage")
        self.find_message.setStyleSheet(f"color: {tone_color(Tone.PROBLEM).name()};")
        self.find_message.hide()

        self.queues = QListWidget()
        self.queues.setAccessibleName("Queues")
        for queue in WORK_QUEUES:
            entry = QListWidgetItem(QUEUE_LABELS[queue])
            entry.setData(Qt.ItemDataRole.UserRole, queue.value)
            self.queues.addItem(entry)
        summary = QListWidgetItem("Daily summary")
        summary.setData(Qt.ItemDataRole.UserRole, SUMMARY)
        self.queues.addItem(summary)
        self.queues.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 15)
        self.queues.currentItemChanged.connect(self._queue_chosen)

        self.title = QLabel()
        self.title.setObjectName("queueTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.model: RowTableModel[QueueItem] = RowTableModel(self._columns())
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName("Items")
        self.table.setModel(self.proxy)
        setup_table(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda _i: self.work_current())
        self.table.installEventFilter(self)  # Enter on an item does the queue's work
        self.queues.installEventFilter(self)  # Right goes from the queue list to its items
        self.work_button = QPushButton("Do it  (Enter)")
        self.work_button.clicked.connect(self.work_current)
        self.print_button = QPushButton("Print shelf &label  (Ctrl+P)")
        self.print_button.clicked.connect(self.print_label)
        self.undo_button = QPushButton("&Undo last  (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo_current)
        self.print_error = QLabel()
        self.print_error.setObjectName("printerError")
        self.print_error.setWordWrap(True)
        self.print_error.setStyleSheet(f"color: {tone_color(Tone.PROBLEM).name()};")
        self.print_error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.work_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        self.queue_page = QWidget()
        right = QVBoxLayout(self.queue_page)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.title)
        right.addWidget(self.hint)
        right.addWidget(self.table, 1)
        right.addLayout(buttons)
        right.addWidget(self.print_error)
        self.summary = SummaryView(service, runner, report_bug=report_bug)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.queue_page)
        self.stack.addWidget(self.summary)

        body = QHBoxLayout()
        body.addWidget(self.queues)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.finder)
        layout.addWidget(self.find_message)
        layout.addLayout(body, 1)

        for keys, slot in (("F6", self.focus_find), ("Ctrl+P", self.print_label), ("Ctrl+Z", self.undo_current)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self.queues.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier)
        ):
            if watched is self.table and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.work_current()
                return True
            if watched is self.queues and event.key() == Qt.Key.Key_Right:
                self.focus_items()
                return True
        return super().eventFilter(watched, event)

    # -- columns ------------------------------------------------------------------------------------------

    def _columns(self) -> list[Column[QueueItem]]:
        service = self._service
        return [
            Column("Item", lambda i: item_code(i.delivery.delivery_id)),
            Column(
                "Waiting", lambda i: describe_age(i.age), sort_key=lambda i: i.age.total_seconds(), align_right=True
            ),
            Column("Recipient", lambda i: i.delivery.recipient_name or i.delivery.name),
            Column("Company", lambda i: i.delivery.company_name),
            Column("Kind", lambda i: type_label(i.delivery.delivery_type)),
            Column("Shelf", lambda i: i.delivery.shelf or i.delivery.location),
            Column("Customer asked", lambda i: handling_wish(i.preference) or "Keep for collection"),
            Column("Note", lambda i: _note(i, service), tone=lambda i: _tone(i, service)),
        ]

    # -- navigation ----------------------------------------------------------------------------------------

    def focus_find(self) -> None:
        self.finder.setFocus()
        self.finder.selectAll()

    def focus_items(self) -> None:
        self.table.setFocus()
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    def show_queue(self, queue: Queue) -> None:
        for row in range(self.queues.count()):
            if self.queues.item(row).data(Qt.ItemDataRole.UserRole) == queue.value:
                self.queues.setCurrentRow(row)
                return

    def show_summary(self) -> None:
        self.queues.setCurrentRow(self.queues.count() - 1)

    def _queue_chosen(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        key = current.data(Qt.ItemDataRole.UserRole)
        if key == SUMMARY:
            self.stack.setCurrentWidget(self.summary)
            self.summary.refresh()
            return
        self.stack.setCurrentWidget(self.queue_page)
        self.queue = Queue(key)
        self.title.setText(QUEUE_LABELS[self.queue])
        self.hint.setText(QUEUE_HINTS[self.queue])
        self.print_error.hide()
        self.refresh()

    # -- loading -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        queue = self.queue
        self._runner.submit(
            "queues",
            lambda: (self._service.queue(queue), self._service.counts()),
            on_result=lambda result: self._loaded(queue, result),
            on_error=self._bug,
            latest_only=True,
        )

    def _loaded(self, queue: Queue, result: tuple[list[QueueItem], dict[Queue, int]]) -> None:
        items, counts = result
        for row in range(self.queues.count()):
            entry = self.queues.item(row)
            key = entry.data(Qt.ItemDataRole.UserRole)
            if key != SUMMARY:
                n = counts.get(Queue(key), 0)
                entry.setText(f"{QUEUE_LABELS[Queue(key)]}  ({n})")
        if queue is not self.queue:
            return
        current = self.current_item()
        self.model.set_rows(items)
        if self.queue is Queue.SHELF:
            self.proxy.sort(1, Qt.SortOrder.DescendingOrder)  # oldest first
        else:
            self.proxy.sort(-1)
        if self.proxy.rowCount():
            row = 0
            if current is not None:
                for r in range(self.proxy.rowCount()):
                    if self.proxy.index(r, 0).data(ROW_ROLE).delivery.delivery_id == current.delivery.delivery_id:
                        row = r
            self.table.setCurrentIndex(self.proxy.index(row, 0))
        fit_columns(self.table)
        self.work_button.setText(self._work_text())
        self.loaded.emit(queue.value, len(items))

    def _work_text(self) -> str:
        return {
            Queue.SHELF: "&Hand over  (Enter)",
            Queue.FORWARD: "&Forward…  (Enter)",
            Queue.SCAN: "&Attach scan…  (Enter)",
            Queue.RETURN: "&Returned…  (Enter)",
            Queue.DISPOSE: "&Shredded or recycled…  (Enter)",
            Queue.DEPOSIT: "&Deposited…  (Enter)",
            Queue.DECISION: "&Decide…  (Enter)",
        }.get(self.queue, "Do it  (Enter)")

    def current_item(self) -> QueueItem | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        item = index.data(ROW_ROLE)
        return item if isinstance(item, QueueItem) else None

    # -- work ----------------------------------------------------------------------------------------------

    def _open(self, dialog: WorkDialog) -> bool:
        self.last_dialog = dialog
        dialog.recorded.connect(lambda _r: self._recorded())
        accepted = dialog.exec() == WorkDialog.DialogCode.Accepted
        return accepted

    def _recorded(self) -> None:
        self.changed.emit()
        self.refresh()

    def work_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        self.work_on(item)

    def _then(self, fn: Callable[[], object], callback: Callable[[Any], object]) -> None:
        """Read in the background, then carry on here (no database work on the GUI thread)."""

        def carry_on(result: Any) -> None:
            callback(result)

        self._runner.submit(CHANNEL, fn, on_result=carry_on, on_error=self._show_problem)

    def work_on(self, item: QueueItem) -> None:
        """Open the work for this item's queue (a dialog, or the scan chooser)."""
        queue = item.queue
        service = self._service
        if item.open_conflicts:
            delivery_id = item.delivery.delivery_id
            self._then(
                lambda: [c for c in service.conflicts() if c.delivery_id == delivery_id],
                lambda found: self._open(ConflictDialog(found[0], service, self._runner, self)) if found else None,
            )
            return
        if queue is Queue.SHELF:
            self._open(HandOverDialog(item, service, self._runner, self))
            return
        if queue is Queue.FORWARD:
            delivery_id = item.delivery.delivery_id
            countries = self._countries

            def read() -> tuple[ForwardForm, list[str]]:
                return service.forward_form(delivery_id), countries or service.country_names()

            def ask(found: tuple[ForwardForm, list[str]]) -> None:
                self._countries = found[1]
                self._open(ForwardDialog(item, found[0], service, self._runner, found[1], self))

            self._then(read, ask)
            return
        if queue is Queue.SCAN:
            self._scan(item)
            return
        choices: dict[Queue, tuple[Outcome, ...]] = {
            Queue.RETURN: (Outcome.RETURN,),
            Queue.DISPOSE: (Outcome.SHRED, Outcome.RECYCLE),
            Queue.DEPOSIT: (Outcome.DEPOSIT,),
            Queue.DECISION: (Outcome.STORE, Outcome.RETURN, Outcome.SHRED, Outcome.RECYCLE),
        }
        if queue in choices:
            preselect = service.disposal_for(item) if queue is Queue.DISPOSE else None
            self._open(DoneByDialog(item, choices[queue], service, self._runner, preselect, self))

    def _ask_scan_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Attach the scan", "", "Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"
        )
        return Path(name) if name else None

    def _scan(self, item: QueueItem) -> None:
        path = self.choose_scan_file()
        if path is None:
            return
        delivery_id = item.delivery.delivery_id
        self._runner.submit(
            CHANNEL,
            lambda: self._service.scan(delivery_id, path),
            on_result=lambda _r: self._recorded(),
            on_error=self._show_problem,
        )

    def undo_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        delivery_id = item.delivery.delivery_id

        def undoable() -> list[OutcomeRow]:
            return [
                o for o in self._service.history(delivery_id) if o.kind is not Outcome.REVERSE and o.reversed_by is None
            ]

        def ask(history: list[OutcomeRow]) -> None:
            if not history:
                self._show_problem_text("Nothing to undo for this item.")
                return
            self._open(UndoDialog(item, history[-1], self._service, self._runner, self))

        self._then(undoable, ask)

    def find_item(self) -> None:
        """A scanned shelf label or tracking number: open the item (the hand-over for items on the shelves)."""
        code = self.finder.text().strip()
        if not code:
            return
        self.find_message.hide()
        self._then(lambda: self._service.find(code), lambda items: self._found(code, items))

    def _found(self, code: str, items: list[QueueItem]) -> None:
        waiting = [i for i in items if i.queue is not Queue.DONE]
        if not waiting:
            done = " (already handed over or sent on)" if items else ""
            self.find_message.setText(f"No item here for “{code}”{done}.")
            self.find_message.show()
            self.finder.selectAll()
            self.found.emit(0)
            return
        item = waiting[0]
        self.show_queue(item.queue)
        self.finder.clear()
        self.found.emit(item.delivery.delivery_id)
        self.work_on(item)

    # -- labels --------------------------------------------------------------------------------------------

    def print_label(self) -> None:
        item = self.current_item()
        if item is None:
            return
        self.print_error.hide()
        if self.printer is None:
            self._printer_problem("Label printing is switched off for this desk (see the settings).")
            return
        try:
            self.printer.print_label(self._service.label(item.delivery.delivery_id))
        except PrinterError as exc:
            self._printer_problem(exc.user_message)
            return
        self.label_printed.emit(item_code(item.delivery.delivery_id))

    def print_label_for(self, delivery_id: int) -> None:
        """Print an item's shelf label (at intake, when the desk prints labels); problems go to `label_problem`."""
        if self.printer is None:
            return
        self._then(lambda: self._service.label(delivery_id), self._print_read_label)

    def _print_read_label(self, label: ShelfLabel) -> None:
        if self.printer is None:
            return
        try:
            self.printer.print_label(label)
        except PrinterError as exc:
            self._printer_problem(exc.user_message)
            return
        self.label_printed.emit(label.code)

    def _printer_problem(self, message: str) -> None:
        self.print_error.setText(message)
        self.print_error.show()
        self.label_problem.emit(message)

    # -- problems ------------------------------------------------------------------------------------------

    def _show_problem(self, exc: BaseException) -> None:
        message = user_message_of(exc)
        if message:
            self._show_problem_text(message)
        else:
            self._bug(exc)

    def _show_problem_text(self, text: str) -> None:
        self.print_error.setText(text)
        self.print_error.show()

    def _bug(self, exc: BaseException) -> None:
        if self._report_bug is not None:
            self._report_bug(exc)
        else:
            log.error("Work queues failed", exc_info=exc)
