"""Desk ▸ Settings… (issue 10): the centre's own address (never the addressee on a label), the watched folder a
scanner or phone drops its files in, and how long label images are kept."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings
from app.ui.theme import Tone, tone_color


@dataclass(frozen=True)
class CaptureSettings:
    centre_address: list[str]
    watched_folder: str
    image_retention_days: int


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Desk settings")
        self.setAccessibleName("Desk settings")
        self.centre_address = QPlainTextEdit("\n".join(settings.centre_address))
        self.centre_address.setAccessibleName("This centre's own address")
        self.centre_address.setPlaceholderText(
            "One line each, as printed on the post, e.g.\nCentral House\n1 High Street\nLondon EC1A 1AA"
        )
        self.centre_address.setTabChangesFocus(True)
        self.centre_address.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 16)
        centre_help = QLabel("Read on every label, never the addressee: photos and scans leave these lines out.")
        centre_help.setWordWrap(True)
        self.folder = QLineEdit(settings.watched_folder)
        self.folder.setAccessibleName("Watched folder")
        self.folder.setPlaceholderText("None — photos are pasted, dropped, opened or taken with the camera")
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose the watched folder")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        folder_help = QLabel(
            "Where a document scanner or a phone saves its files: each new file comes up to be "
            "checked. Done ones move to its “Done” folder."
        )
        folder_help.setWordWrap(True)
        self.retention = QSpinBox()
        self.retention.setAccessibleName("Keep label images for (days)")
        self.retention.setRange(0, 3650)
        self.retention.setSuffix(" days")
        self.retention.setSpecialValueText("for ever")
        self.retention.setValue(max(0, int(settings.image_retention_days)))
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {tone_color(Tone.PROBLEM).name()};")
        self.error.hide()
        retention_help = QLabel("Older label images are deleted each day; the deliveries themselves stay.")
        retention_help.setWordWrap(True)
        for help_label in (centre_help, folder_help, retention_help):
            help_label.setStyleSheet(f"color: {tone_color(Tone.MUTED).name()};")

        form = QFormLayout()
        form.addRow("This centre's &address", self.centre_address)
        form.addRow("", centre_help)
        folder_label = QLabel("&Watched folder")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        form.addRow("", folder_help)
        form.addRow("&Keep label images", self.retention)
        form.addRow("", retention_help)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 60)
        self.centre_address.setFocus()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder the scanner saves to", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _check(self) -> None:
        from pathlib import Path

        folder = self.folder.text().strip()
        if folder and not Path(folder).is_dir():
            self.error.setText("That folder does not exist. Choose one the scanner saves to, or leave it empty.")
            self.error.show()
            self.folder.setFocus()
            return
        self.accept()

    def values(self) -> CaptureSettings:
        lines = [ln.strip() for ln in self.centre_address.toPlainText().splitlines() if ln.strip()]
        return CaptureSettings(lines, self.folder.text().strip(), int(self.retention.value()))
