"""Pick the contract (the customer) a new recipient belongs to: search by company, contact name or PO box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.desk.directory import po_box_label
from app.desk.intake import format_day
from app.desk.register import ContractSummary
from app.ui.models import Column, RowTableModel
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone

SEARCH_DELAY_MS = 120


def contract_title(c: ContractSummary) -> str:
    return c.company_name or c.billing_name or c.holder_name or f"Contract {c.contract_id}"


def _state(c: ContractSummary) -> str:
    if c.gone:
        return "Removed in Nexudus"
    if c.cancelled:
        day = format_day(c.cancellation_date)
        return f"Cancelled on {day}" if day else "Cancelled"
    return "Active"


CONTRACT_COLUMNS: list[Column[ContractSummary]] = [
    Column("Company", contract_title),
    Column("Account holder", lambda c: c.holder_name),
    Column("PO box", lambda c: c.po_box),
    Column("Plan", lambda c: c.tariff_name),
    Column("State", _state, tone=lambda c: Tone.PROBLEM if (c.cancelled or c.gone) else None),
]


class ContractModel(RowTableModel[ContractSummary]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(CONTRACT_COLUMNS, parent)


class ContractPicker(QWidget):
    """A search field over a short result table; ↑/↓ in the field move the selection."""

    contract_changed = Signal(object)  # ContractSummary | None

    def __init__(
        self,
        runner: TaskRunner,
        search: Callable[[str], list[ContractSummary]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._search = search
        self._chosen: ContractSummary | None = None
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Search by company, a contact's name or PO box")
        self.search_field.setAccessibleName("Search contracts")
        self.search_field.setClearButtonEnabled(True)
        self.model = ContractModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Contracts found")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        rows = 5
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * (rows + 1))
        self.chosen_label = QLabel("No contract chosen yet")
        self.chosen_label.setAccessibleName("Chosen contract")
        self.chosen_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_field)
        layout.addWidget(self.table)
        layout.addWidget(self.chosen_label)
        self.setFocusProxy(self.search_field)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.search_field.textEdited.connect(lambda _t: self._timer.start())
        self.search_field.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())

    # -- API -------------------------------------------------------------------------------------------------

    def chosen(self) -> ContractSummary | None:
        return self._chosen

    def set_contract(self, contract: ContractSummary | None) -> None:
        """Show this contract as the chosen one (it is put at the top of the list)."""
        if contract is None:
            return
        rows = [contract] + [c for c in self.model.rows() if c.contract_id != contract.contract_id]
        self.model.set_rows(rows)
        self.table.selectRow(0)

    def search_now(self) -> None:
        self._timer.stop()
        text = self.search_field.text()
        self._runner.submit("contract-search", self._search, text, on_result=self._on_results, latest_only=True)

    # -- internals ------------------------------------------------------------------------------------------

    def _on_results(self, rows: list[ContractSummary]) -> None:
        keep = self._chosen.contract_id if self._chosen else None
        self.model.set_rows(rows)
        for i, row in enumerate(rows):
            if row.contract_id == keep:
                self.table.selectRow(i)
                return
        if rows and (self.search_field.text().strip() or len(rows) == 1):  # a lone row is the one meant
            self.table.selectRow(0)
        else:
            self.table.clearSelection()
            self._on_selection()

    def _on_selection(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        chosen = self.model.row_at(selected[0].row()) if selected else None
        self._chosen = chosen
        if chosen is None:
            self.chosen_label.setText("No contract chosen yet")
        else:
            extra = f" · {po_box_label(chosen.po_box)}" if chosen.po_box else ""
            self.chosen_label.setText(f"Chosen: {contract_title(chosen)} ({_state(chosen).lower()}){extra}")
        self.contract_changed.emit(chosen)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.search_field and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                rows = self.model.rowCount()
                if rows:
                    selected = self.table.selectionModel().selectedRows()
                    current = selected[0].row() if selected else -1
                    step = -1 if key == Qt.Key.Key_Up else 1
                    self.table.selectRow(max(0, min(rows - 1, current + step)))
                    self.table.scrollTo(self.model.index(self.table.selectionModel().selectedRows()[0].row(), 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                if self._timer.isActive():
                    self.search_now()
                self.focusNextChild()
                return True
        return False
