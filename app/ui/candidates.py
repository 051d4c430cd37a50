"""The candidate list of the intake screen: who the label could be for, with the reasons."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.desk.intake import CandidateView
from app.desk.vocabulary import isolate
from app.ui.models import Column, RowTableModel
from app.ui.theme import Tone

MIN_ROWS = 5  # candidates always in view without scrolling


def _name(c: CandidateView) -> str:
    flags = []
    if c.gone:
        flags.append("removed in Nexudus")
    if c.pending:
        flags.append("new, waiting to send")
    suffix = f" ({', '.join(flags)})" if flags else ""
    return f"{c.name or c.company}{suffix}"


def _state_tone(c: CandidateView) -> Tone | None:
    return Tone.PROBLEM if c.cancelled else Tone.OK


def _state_text(c: CandidateView) -> str:
    return c.contract_state  # what to do about it is said under the table, for the selected one


def _aml_tone(c: CandidateView) -> Tone | None:
    if not c.aml_warning:
        return None
    return Tone.PROBLEM if c.id_check_serious else Tone.WAITING


def _confidence_text(c: CandidateView) -> str:
    percent = round(c.confidence * 100)
    return f"{percent}%" if percent >= 1 else "<1%"


def _confidence_tone(c: CandidateView) -> Tone | None:
    if c.confidence >= 0.9:
        return Tone.OK
    if c.confidence >= 0.5:
        return Tone.WAITING
    return Tone.MUTED


def _tooltip(c: CandidateView) -> str:
    lines = [c.recipient_label, f"{c.kind_label} · contract {c.contract_state.lower()}"]
    if c.handling:
        lines.append(f"Customer's wish for this item: {c.handling}")
    if c.delivery_instructions:
        lines.append(f"Delivery instructions: {c.delivery_instructions}")
    if c.aml_warning:
        lines.append(c.aml_warning)
    lines.append("Why: " + (c.reasons or "—"))
    return "\n".join(lines)


def candidate_summary(c: CandidateView) -> str:
    """The detail line under the table for the selected candidate: who and what (line 1), why it matched (2)."""
    state = c.contract_state
    parts = [f"{isolate(c.recipient_label)} — {c.kind_label}", f"contract {state[:1].lower()}{state[1:]}"]
    if c.handling:
        parts.append(f"customer wants: {c.handling}")
    if c.delivery_instructions:
        parts.append(f"instructions: {c.delivery_instructions}")
    reasons = " · ".join(w for w in c.why if not w.startswith("contract cancelled"))  # said on line 1
    why = f"Why this one: {reasons}" if reasons else ""
    return " · ".join(parts) + (f"\n{why}" if why else "")


CANDIDATE_COLUMNS: list[Column[CandidateView]] = [
    Column("Recipient", _name, tooltip=_tooltip),
    Column("Type", lambda c: c.kind_label, tooltip=_tooltip),
    Column("Company", lambda c: c.company, tooltip=_tooltip),
    Column("Contract", _state_text, tone=_state_tone, tooltip=_tooltip),
    Column(
        "Customer wants", lambda c: c.handling or "—", tooltip=_tooltip, header_tip="Handling for this type of item"
    ),
    Column("ID check", lambda c: c.aml_short or "—", tone=_aml_tone, tooltip=_tooltip),
    Column(
        "Match",
        _confidence_text,
        tone=_confidence_tone,
        sort_key=lambda c: c.confidence,
        align_right=True,
        tooltip=_tooltip,
    ),
]  # the reasons ("Why") are in the detail line under the table, for the selected candidate

NAME_COLUMN = 0
COMPANY_COLUMN = 2


class CandidateModel(RowTableModel[CandidateView]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(CANDIDATE_COLUMNS, parent)


class CandidateTable(QTableView):
    """Read-only, whole-row selection; keyboard focus stays in the addressee field (↑/↓ move the selection)."""

    def __init__(self, model: CandidateModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName("Possible recipients")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)  # one line a row: five candidates fit a 1280x720 screen
        self.setTabKeyNavigation(False)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.row_height())
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the name and the company share what is left: never pushed out of view by a long cell elsewhere
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COMPANY_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # Match never hides off-screen
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setMinimumHeight(self.height_for_rows(MIN_ROWS))

    def row_height(self) -> int:
        return int(self.fontMetrics().height() * 1.5)

    def height_for_rows(self, rows: int) -> int:
        return self.horizontalHeader().sizeHint().height() + rows * self.row_height() + 2 * self.frameWidth() + 2

    def selected_row(self) -> int:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def select_row(self, row: int) -> None:
        model = self.model()
        if 0 <= row < model.rowCount():
            self.selectRow(row)
            self.scrollTo(model.index(row, 0))
        else:
            self.clearSelection()
