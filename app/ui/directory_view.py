"""The directory: search contracts by company, contact name or PO box; see one contract and its contacts.

Searches run on the task runner (channel "directory", latest only); the detail loads on channel
"directory-detail". Contacts Nexudus has not confirmed yet are badged "Waiting to send", refused ones
"Needs attention".
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.desk.directory import (
    AML_OK,
    ContactRow,
    ContractDetail,
    ContractSummary,
    DirectoryService,
    aml_label,
    contact_badge,
    contract_state,
    handling_label,
    kind_label,
    po_box_label,
)
from app.desk.intake import DeliveryType
from app.desk.register import refusal_text
from app.desk.vocabulary import delivery_type_word
from app.ui.list_keys import connect_filter_to_list
from app.ui.models import Column, RowTableModel, setup_table
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, tone_color

log = logging.getLogger(__name__)


def _contract_tone(c: ContractSummary) -> Tone | None:
    return Tone.PROBLEM if c.cancelled or c.gone else None


def _badge_tone(c: ContactRow) -> Tone | None:
    badge = contact_badge(c)
    if badge == "Waiting to send":
        return Tone.WAITING
    return Tone.PROBLEM if badge else None


def _aml_tone(c: ContactRow) -> Tone | None:
    return None if c.aml_check_status in AML_OK else Tone.WAITING


CONTRACT_COLUMNS: list[Column[ContractSummary]] = [
    Column("Company", lambda c: c.company_name or c.billing_name or c.holder_name),
    Column("Holder", lambda c: c.holder_name),
    Column("PO box", lambda c: c.po_box),
    Column("Plan", lambda c: c.tariff_name),
    Column("State", contract_state, tone=_contract_tone),
]

CONTACT_COLUMNS: list[Column[ContactRow]] = [
    Column("Name", lambda c: c.display_name or c.full_name),
    Column("Role", lambda c: kind_label(c.contact_type)),
    Column("E-mail", lambda c: c.email),
    Column("ID check", lambda c: aml_label(c.aml_check_status), tone=_aml_tone),
    Column(
        "Sync",
        lambda c: contact_badge(c) or "In Nexudus",
        tone=_badge_tone,
        tooltip=lambda c: refusal_text(c.field_errors),
    ),
]


class DirectoryView(QWidget):
    loaded = Signal(int)
    detail_shown = Signal(int)

    def __init__(
        self,
        service: DirectoryService,
        runner: TaskRunner,
        report_bug: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._report_bug = report_bug
        self.setAccessibleName("Directory")
        self.current: ContractDetail | None = None

        self.search = QLineEdit()
        self.search.setAccessibleName("Search the directory")
        self.search.setPlaceholderText("Search by company, person or PO box (Ctrl+F)")
        self.search.setClearButtonEnabled(True)

        self.contracts: RowTableModel[ContractSummary] = RowTableModel(CONTRACT_COLUMNS, self)
        self.contract_table = QTableView()
        self.contract_table.setAccessibleName("Contracts")
        self.contract_table.setModel(self.contracts)
        setup_table(self.contract_table)

        self.heading = QLabel("Choose a contract to see its contacts")
        self.heading.setAccessibleName("Contract details")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contacts: RowTableModel[ContactRow] = RowTableModel(CONTACT_COLUMNS, self)
        self.contact_table = QTableView()
        self.contact_table.setAccessibleName("Contacts of the contract")
        self.contact_table.setModel(self.contacts)
        setup_table(self.contact_table)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.heading)
        dl.addWidget(self.contact_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.contract_table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of contracts shown")

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        layout.addWidget(self.count_label)
        QWidget.setTabOrder(self.search, self.contract_table)
        QWidget.setTabOrder(self.contract_table, self.contact_table)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.contract_table.setFocus)
        connect_filter_to_list(self.search, self.contract_table)
        self.contract_table.selectionModel().currentRowChanged.connect(self._current_changed)

    # -- API ------------------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self) -> None:
        self._runner.submit(
            "directory",
            self._service.search,
            self.search.text(),
            latest_only=True,
            on_result=self._show_contracts,
            on_error=self._failed,
        )

    def show_contract(self, contract_id: int) -> None:
        self._runner.submit(
            "directory-detail",
            self._service.detail,
            contract_id,
            latest_only=True,
            on_result=self._show_detail,
            on_error=self._failed,
        )

    # -- internals ------------------------------------------------------------------------------------------

    def _show_contracts(self, rows: list[ContractSummary]) -> None:
        keep = self.current.contract_id if self.current else None
        self.contracts.set_rows(rows)
        self.count_label.setText(
            f"{len(rows)} contract{'s' if len(rows) != 1 else ''}"
            + (" (first 200; type more to narrow)" if len(rows) >= 200 else "")
        )
        self.contract_table.resizeColumnsToContents()
        if rows:
            row = next((i for i, r in enumerate(rows) if r.contract_id == keep), 0)
            self.contract_table.setCurrentIndex(self.contracts.index(row, 0))
        else:
            self._show_detail(None)
        self.loaded.emit(len(rows))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.show_contract(self.contracts.row_at(current.row()).contract_id)

    def _show_detail(self, detail: ContractDetail | None) -> None:
        self.current = detail
        if detail is None:
            self.heading.setText("No contract chosen")
            self.contacts.set_rows([])
            return
        e = html.escape
        state = contract_state(detail)
        state_html = (
            f"<span style='color:{tone_color(Tone.PROBLEM).name()}'>{e(state)}</span>"
            if state != "Active"
            else e(state)
        )
        parts = [
            f"<b>{e(detail.company_name or detail.billing_name or detail.holder_name)}</b> — {state_html}",
            f"Holder: {e(detail.holder_name)}" + (f" · {e(po_box_label(detail.po_box))}" if detail.po_box else ""),
            f"Mail: {e(handling_label(detail.handling_mail))} · Parcels: {e(handling_label(detail.handling_parcels))}"
            f" · Cheques: {e(handling_label(detail.handling_checks))}"
            f" · {e(delivery_type_word(DeliveryType.PUBLICITY))}: {e(handling_label(detail.handling_publicity))}",
        ]
        if detail.delivery_instructions:
            parts.append(f"Instructions: {e(detail.delivery_instructions)}")
        self.heading.setText("<br>".join(parts))
        self.contacts.set_rows(detail.contacts)
        self.contact_table.resizeColumnsToContents()
        self.detail_shown.emit(detail.contract_id)

    def _failed(self, exc: BaseException) -> None:
        self.count_label.setText("The directory could not be read. The details are in the log file.")
        if self._report_bug is not None:
            self._report_bug(exc)
        else:
            log.error("Directory query failed", exc_info=exc)
