"""An optional date typed as text: the locale's short format, ISO, or with the month's name.

A plain line edit (not a QDateEdit, whose sections ate typed digits, showed "None" and trapped Tab): it keeps
exactly what was typed; `value()` reads it (None when empty) or raises `TypedDateError` with the words for the
field. Next to it, `reading` says how the typed text was understood ("4 May 2031") so a day/month mix-up shows.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from app.desk.dates import TypedDateError, parse_typed_date
from app.desk.intake import format_day
from app.ui.theme import Tone, tone_color


def _short_format(locale: QLocale) -> str:
    fmt = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy")
    return fmt


class DateField(QWidget):
    """The line edit (`edit`) and how it was read (`reading`)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, locale: QLocale | None = None) -> None:
        super().__init__(parent)
        self._locale = locale or QLocale()
        self._format = _short_format(self._locale)
        self._day_first = self._format.find("d") < self._format.find("M")
        self.example = self._locale.toString(QDate(2031, 5, 4), self._format)
        self._months = {
            self._locale.monthName(m, f): m
            for m in range(1, 13)
            for f in (QLocale.FormatType.LongFormat, QLocale.FormatType.ShortFormat)
        }
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(f"Optional, e.g. {self.example}")
        self.edit.setToolTip(f"Type it like {self.example}, 2031-05-04 or 4 May 2031; leave it empty if not known.")
        self.edit.setClearButtonEnabled(True)
        self.reading = QLabel("")
        self.reading.setAccessibleName("Date understood as")
        self.reading.setMinimumWidth(self.reading.fontMetrics().horizontalAdvance("Wed 30 Sep 2031 ") + 8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.reading)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_text)
        self._on_text()

    def value(self) -> date | None:
        """The date typed; None when the field is empty. Raises TypedDateError when it is not a date."""
        return parse_typed_date(
            self.edit.text(), day_first=self._day_first, example=self.example, month_names=self._months
        )

    def problem(self) -> str:
        try:
            self.value()
        except TypedDateError as exc:
            return exc.user_message
        return ""

    def set_value(self, day: date | None) -> None:
        self.edit.setText(self._locale.toString(QDate(day.year, day.month, day.day), self._format) if day else "")

    def _on_text(self) -> None:
        try:
            day = self.value()
        except TypedDateError:
            day = None
        self.reading.setText(f"= {format_day(day)}" if day else "")
        self.reading.setStyleSheet(f"color: {tone_color(Tone.MUTED, self.reading.palette()).name()};")
        self.changed.emit()
