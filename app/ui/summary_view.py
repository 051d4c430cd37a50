"""The daily summary: what is on the shelves by age (oldest first, with the reminder due), counts by queue and by
age, and the items over each threshold with their customers. Exportable to CSV and PDF (Qt's PDF writer), with the
forwarding log as CSV too.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.desk.deliveries import describe_age, local_time
from app.desk.item_life import WORK_QUEUES, AgedItem, DailySummary, ItemLifeService, item_code
from app.desk.vocabulary import LEVEL_ESCALATE, LEVEL_LABELS, LEVEL_REMIND, LEVEL_RETURN, QUEUE_LABELS
from app.ui.models import SORT_ROLE, Column, RowTableModel, setup_table
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone

log = logging.getLogger(__name__)

_LEVEL_TONE = {LEVEL_REMIND: Tone.WAITING, LEVEL_ESCALATE: Tone.PROBLEM, LEVEL_RETURN: Tone.PROBLEM}


def summary_html(summary: DailySummary, thresholds_text: str) -> str:
    """The summary as a small HTML document (shown on screen and printed to PDF)."""
    e = html.escape
    parts = [
        f"<h2>Mail room — daily summary, {e(local_time(summary.at))}</h2>",
        f"<p>{e(thresholds_text)}</p>",
        "<h3>Waiting, by queue</h3><table cellpadding='3'>",
    ]
    for queue in WORK_QUEUES:
        parts.append(
            f"<tr><td>{e(QUEUE_LABELS[queue])}</td><td align='right'><b>{summary.counts.get(queue, 0)}</b></td></tr>"
        )
    parts.append("</table><h3>Waiting, by age</h3><table cellpadding='3'>")
    for label, n in summary.by_age.items():
        parts.append(f"<tr><td>{e(label)}</td><td align='right'><b>{n}</b></td></tr>")
    parts.append("</table>")
    if summary.conflicts:
        parts.append(
            f"<p><b>{summary.conflicts} item(s) where Nexudus disagrees with the desk</b> (see “Needs a decision”).</p>"
        )
    for level in (LEVEL_RETURN, LEVEL_ESCALATE, LEVEL_REMIND):
        items = summary.over.get(level, [])
        parts.append(f"<h3>{e(LEVEL_LABELS[level])} ({len(items)})</h3>")
        if not items:
            parts.append("<p>None.</p>")
            continue
        parts.append(
            "<table cellpadding='3'><tr><th align='left'>Item</th><th align='left'>Customer</th>"
            "<th align='left'>Company</th><th align='left'>Shelf</th><th align='right'>Waiting</th></tr>"
        )
        for aged in items:
            d = aged.item.delivery
            parts.append(
                f"<tr><td>{item_code(d.delivery_id)}</td><td>{e(d.recipient_name or d.name)}</td>"
                f"<td>{e(d.company_name)}</td><td>{e(d.shelf or d.location)}</td>"
                f"<td align='right'>{e(describe_age(aged.item.age))}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


def write_summary_pdf(summary: DailySummary, thresholds_text: str, path: Path) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle("Mail room — daily summary")
    document = QTextDocument()
    document.setHtml(summary_html(summary, thresholds_text))
    document.print_(writer)
    return path


class SummaryView(QWidget):
    loaded = Signal(int)  # items on the shelves
    exported = Signal(str)  # path

    def __init__(
        self,
        service: ItemLifeService,
        runner: TaskRunner,
        report_bug: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Daily summary")
        self._service = service
        self._runner = runner
        self._report_bug = report_bug
        self.summary: DailySummary | None = None
        # where an export goes (a save dialog; tests give a path)
        self.choose_save_path: Callable[[str, str, str], Path | None] = self._ask_save_path

        title = QLabel("On the shelves, oldest first")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.model: RowTableModel[AgedItem] = RowTableModel(
            [
                Column("Item", lambda a: item_code(a.item.delivery.delivery_id)),
                Column(
                    "Waiting",
                    lambda a: describe_age(a.item.age),
                    sort_key=lambda a: a.item.age.total_seconds(),
                    align_right=True,
                ),
                Column("Reminder", lambda a: LEVEL_LABELS[a.level], tone=lambda a: _LEVEL_TONE.get(a.level)),
                Column("Recipient", lambda a: a.item.delivery.recipient_name or a.item.delivery.name),
                Column("Company", lambda a: a.item.delivery.company_name),
                Column("Shelf", lambda a: a.item.delivery.shelf or a.item.delivery.location),
            ]
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName("On the shelves")
        self.table.setModel(self.proxy)
        setup_table(self.table)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Summary")
        self.csv_button = QPushButton("Export &CSV…")
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = QPushButton("Export P&DF…")
        self.pdf_button.clicked.connect(self.export_pdf)
        self.log_button = QPushButton("Export &forwarding log…")
        self.log_button.clicked.connect(self.export_forwarding_log)
        buttons = QHBoxLayout()
        for b in (self.csv_button, self.pdf_button, self.log_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(title)
        top_layout.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.text)
        splitter.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def thresholds_text(self) -> str:
        t = self._service.thresholds
        return (
            f"Reminders: remind the customer after {t.remind_days} days on the shelf, call them after "
            f"{t.escalate_days}, return to sender after {t.return_days}."
        )

    def refresh(self) -> None:
        service = self._service
        self._runner.submit(
            "summary",
            lambda: (service.on_the_shelves(), service.daily_summary()),
            on_result=self._loaded,
            on_error=self._bug,
            latest_only=True,
        )

    def _loaded(self, result: tuple[list[AgedItem], DailySummary]) -> None:
        shelves, summary = result
        self.summary = summary
        self.model.set_rows(shelves)
        self.proxy.sort(1, Qt.SortOrder.DescendingOrder)
        self.table.resizeColumnsToContents()
        self.text.setHtml(summary_html(summary, self.thresholds_text()))
        self.loaded.emit(len(shelves))

    def _ask_save_path(self, title: str, name: str, pattern: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), pattern)
        return Path(chosen) if chosen else None

    def export_csv(self) -> None:
        if self.summary is None:
            return
        path = self.choose_save_path("Export the daily summary", "daily-summary.csv", "CSV (*.csv)")
        if path is not None:
            self._service.export_summary_csv(self.summary, path)
            self.exported.emit(str(path))

    def export_pdf(self) -> None:
        if self.summary is None:
            return
        path = self.choose_save_path("Export the daily summary", "daily-summary.pdf", "PDF (*.pdf)")
        if path is not None:
            write_summary_pdf(self.summary, self.thresholds_text(), path)
            self.exported.emit(str(path))

    def export_forwarding_log(self) -> None:
        path = self.choose_save_path("Export the forwarding log", "forwarding-log.csv", "CSV (*.csv)")
        if path is not None:
            self._service.export_forwarding_log(self._service.forwarding_log(), path)
            self.exported.emit(str(path))

    def _bug(self, exc: BaseException) -> None:
        if self._report_bug is not None:
            self._report_bug(exc)
        else:
            log.error("Daily summary failed", exc_info=exc)
