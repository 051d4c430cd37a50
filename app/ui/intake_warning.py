"""The intake's stop: a warning that must be read before an item is recorded, answered with a deliberate key.

Enter on a recipient with a reason to stop (a duplicate scan, a cancelled contract, a pending or failed ID check,
"return to sender") does not record: this bar says why, in words, and only Alt+Y ("Yes, record anyway") records; Esc
goes back. A second Enter does not record, so a double press cannot slip through.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui.theme import Tone, emphasised, tone_color

RECORD_ANYWAY_KEY = "Alt+Y"


class StopBar(QFrame):
    record_anyway = Signal()
    go_back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Check before recording")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setFont(emphasised(self.font()))
        self.text.setAccessibleName("Why this needs a second look")
        self.anyway = QPushButton(f"Yes, record anyway ({RECORD_ANYWAY_KEY})")
        self.anyway.setAccessibleName("Record anyway")
        self.back = QPushButton("Go back (Esc)")
        self.back.setAccessibleName("Go back without recording")
        for b in (self.anyway, self.back):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.anyway.clicked.connect(self.record_anyway)
        self.back.clicked.connect(self.go_back)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.anyway)
        row.addWidget(self.back)
        self.reasons: list[str] = []
        self.hide()

    def ask(self, reasons: list[str], what: str) -> None:
        """`what`: "Parcel for Jane Doe (Acme Ltd)"."""
        self.reasons = list(reasons)
        said = "; ".join(reasons)
        self.text.setText(
            f"⚠ Not recorded yet — {said[:1].upper()}{said[1:]}. "
            f"To record the {what} anyway press {RECORD_ANYWAY_KEY}; Esc goes back."
        )
        self.text.setStyleSheet(f"color: {tone_color(Tone.PROBLEM, self.text.palette()).name()};")
        self.show()

    def dismiss(self) -> None:
        self.reasons = []
        self.hide()
