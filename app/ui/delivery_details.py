"""The deliveries view's details pane: the selected item's whole story, in words (no more only in a tooltip)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.desk.deliveries import DeliveryRow, delivery_story
from app.desk.vocabulary import plural
from app.ui.theme import Tone, emphasised, tone_color


class DeliveryDetails(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Details of the selected delivery")
        self.title = QLabel("")
        self.title.setFont(emphasised(self.font(), 1.1))
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAccessibleName("Delivery")
        self.story = QLabel("")
        self.story.setWordWrap(True)
        self.story.setTextFormat(Qt.TextFormat.PlainText)
        self.story.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.story.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.story.setAccessibleName("What happened to it")
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setFont(emphasised(self.font()))
        self.warning.setAccessibleName("Check before handing over")
        self.warning.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.story)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 36)
        self.show_rows([])

    def show_rows(self, rows: list[DeliveryRow]) -> None:
        if not rows:
            self.title.setText("Nothing selected")
            self.story.setText("Choose a delivery (↓ from the filter, or click one) to see its whole story here.")
            self.warning.hide()
            return
        if len(rows) > 1:
            self.title.setText(f"{plural(len(rows), 'delivery')} selected")
            self.story.setText("\n".join(delivery_story(r)[0] for r in rows[:12]) + ("\n…" if len(rows) > 12 else ""))
            self.warning.hide()
            return
        lines = delivery_story(rows[0])
        warning = [line for line in lines if line.startswith("⚠")]
        self.title.setText(lines[0])
        self.story.setText("\n".join(line for line in lines[1:] if not line.startswith("⚠")))
        self.warning.setText("\n".join(warning))
        self.warning.setStyleSheet(f"color: {tone_color(Tone.PROBLEM, self.warning.palette()).name()};")
        self.warning.setVisible(bool(warning))

    def text(self) -> str:
        """Everything the pane says (for tests and screen readers)."""
        parts = [self.title.text(), self.story.text()]
        if not self.warning.isHidden():
            parts.append(self.warning.text())
        return "\n".join(parts)
