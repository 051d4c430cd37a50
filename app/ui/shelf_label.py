"""Shelf labels: a small label for an item, printed through Qt's print system on any printer, with the label
roll's page size (e.g. 62 × 29 mm), or to a PDF when there is no printer.

The label shows a Code 128 barcode of the item's own number (python-barcode works out the bars; Qt draws them as
vectors, so they stay sharp on any printer), the number in words, the recipient and company, the shelf and the
date. Scanning that barcode at hand-over opens the item.

The printer is behind one seam, `LabelPrinter`: `QtLabelPrinter` is the real one (a named printer, the system's
default, or a PDF file); tests double only the printer. Problems a receptionist can fix (no such printer, the
printer out of labels or off) raise `PrinterError` with a plain message.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import barcode
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.desk.item_life import ShelfLabel
from app.errors import UserFacingError

log = logging.getLogger(__name__)

QUIET_ZONE_MODULES = 10  # blank modules each side of the bars (Code 128 asks for 10)


class PrinterError(UserFacingError):
    """The label printer could not print; `user_message` says what to check."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message, user_message=user_message)


class LabelPrinter(Protocol):
    def print_label(self, label: ShelfLabel) -> None: ...


def code128_modules(text: str) -> str:
    """The bars of `text` in Code 128 as '1'/'0' modules (1 = black), without the quiet zones."""
    return "".join(barcode.get("code128", text).build())


def label_date(when: datetime) -> str:
    local = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).astimezone()
    return f"{local.day} {local:%b %Y}"


def page_size(width_mm: float, height_mm: float) -> QPageSize:
    return QPageSize(
        QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter, "Label", QPageSize.SizeMatchPolicy.ExactMatch
    )


def draw_label(painter: QPainter, page: QRectF, label: ShelfLabel) -> None:
    """Draw the label into `page` (device units). Top: the barcode; below: number, recipient, company, shelf, date."""
    painter.save()
    painter.fillRect(page, Qt.GlobalColor.white)
    margin = page.height() * 0.05
    area = page.adjusted(margin, margin, -margin, -margin)
    modules = code128_modules(label.code)
    total = len(modules) + 2 * QUIET_ZONE_MODULES
    module = area.width() / total
    bars_height = area.height() * 0.42
    x = area.left() + QUIET_ZONE_MODULES * module
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(Qt.GlobalColor.black)
    run_start = None
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and run_start is None:
            run_start = i
        elif bit == "0" and run_start is not None:
            painter.drawRect(QRectF(x + run_start * module, area.top(), (i - run_start) * module, bars_height))
            run_start = None
    painter.setPen(Qt.GlobalColor.black)
    text_top = area.top() + bars_height + margin * 0.4
    line = (area.bottom() - text_top) / 3
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(1, int(line * 0.66)))
    bold = QFont(font)
    bold.setBold(True)
    shelf = f"Shelf {label.shelf}" if label.shelf else ""
    rows = [
        (bold, f"{label.recipient}", shelf),
        (font, label.company if label.company != label.recipient else "", label.code),
        (font, label.kind, label_date(label.received)),
    ]
    for n, (face, left, right) in enumerate(rows):
        painter.setFont(face)
        rect = QRectF(area.left(), text_top + n * line, area.width(), line)
        metrics = painter.fontMetrics()
        right_width = metrics.horizontalAdvance(right) + margin if right else 0
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
        left_rect = rect.adjusted(0, 0, -right_width, 0)
        painter.drawText(
            left_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(left, Qt.TextElideMode.ElideRight, int(left_rect.width())),
        )
    painter.restore()


def write_label_pdf(
    label: ShelfLabel, path: Path, width_mm: float = 62.0, height_mm: float = 29.0, resolution: int = 600
) -> Path:
    """The label as a one-page PDF of the label's own size (no printer needed)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution)
    writer.setPageLayout(
        QPageLayout(page_size(width_mm, height_mm), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise PrinterError(f"The label could not be written to {path}.")
    try:
        draw_label(painter, QRectF(writer.pageLayout().paintRectPixels(resolution)), label)
    finally:
        painter.end()
    return path


class QtLabelPrinter:
    """Prints through Qt's print system: the printer named in the settings ("" = the system default), or a PDF
    file when `pdf_path` is given (no printer needed)."""

    def __init__(
        self, printer_name: str = "", width_mm: float = 62.0, height_mm: float = 29.0, pdf_path: Path | None = None
    ) -> None:
        self.printer_name = printer_name
        self.width_mm = width_mm
        self.height_mm = height_mm
        self.pdf_path = pdf_path

    def print_label(self, label: ShelfLabel) -> None:
        if self.pdf_path is not None:
            write_label_pdf(label, self.pdf_path, self.width_mm, self.height_mm)
            return
        info = QPrinterInfo.printerInfo(self.printer_name) if self.printer_name else QPrinterInfo.defaultPrinter()
        if info.isNull():
            which = f"“{self.printer_name}”" if self.printer_name else "(no default printer is set up)"
            raise PrinterError(
                f"The label printer {which} is not connected to this computer. Check the cable or "
                "choose another printer in the settings."
            )
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(
            QPageLayout(
                page_size(self.width_mm, self.height_mm), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)
            )
        )
        printer.setDocName(f"Shelf label {label.code}")
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError(
                "The label printer did not start. It may be out of labels, open or switched off: "
                "check it and print the label again."
            )
        try:
            draw_label(painter, QRectF(printer.pageLayout().paintRectPixels(printer.resolution())), label)
        finally:
            painter.end()
        if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise PrinterError(
                "The label printer reported a problem (out of labels or jammed?). Check it and print the label again."
            )
        log.info("Printed shelf label %s on %s", label.code, info.printerName())
