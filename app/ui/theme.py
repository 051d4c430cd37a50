"""Look and feel: the Fusion style with a clean light palette, or a dark one following the system; the app icon.

Text sizes are never fixed in pixels: everything follows the system font so the desk stays readable at 125-200%
scaling. Colours used for meaning (waiting, failed, ok) come from `tone_color` so they read well on both palettes.
"""

from __future__ import annotations

import importlib.resources
import logging
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QLabel

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


class ThemeMode(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


class Tone(StrEnum):
    OK = "ok"
    WAITING = "waiting"
    PROBLEM = "problem"
    MUTED = "muted"
    BANNER = "banner"


_TONES: dict[Tone, tuple[str, str]] = {  # (light palette, dark palette)
    Tone.OK: ("#1b7a3a", "#7fd49b"),
    Tone.WAITING: ("#8a5a00", "#f2c66d"),
    Tone.PROBLEM: ("#b3261e", "#ff9a8f"),
    Tone.MUTED: ("#5f6b76", "#a7b1bb"),
    Tone.BANNER: ("#fff4d6", "#4a3b12"),
}


def resources_dir() -> Path:
    """`app/resources/` (icons, style sheet, .desktop entry): package data, found through importlib.resources the
    same way in a source tree, an installed wheel and a PyInstaller bundle (which collects it as data under app/)."""
    return Path(str(importlib.resources.files("app") / "resources"))


def app_icon() -> QIcon:
    icon = QIcon()
    icons = resources_dir() / "icons"
    for size in ICON_SIZES:
        png = icons / f"pigeonhole-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    if icon.isNull():
        log.warning("App icon not found under %s", icons)
    return icon


def system_prefers_dark() -> bool:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(palette: QPalette | None = None) -> bool:
    pal = palette or QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def tone_color(tone: Tone, palette: QPalette | None = None) -> QColor:
    light, dark = _TONES[tone]
    return QColor(dark if is_dark(palette) else light)


def error_label() -> QLabel:
    """A hidden, word-wrapped label in the problem tone (object name "errorMessage"): what is wrong with a form or
    one of its fields, shown when there is something to say."""
    label = QLabel()
    label.setObjectName("errorMessage")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {tone_color(Tone.PROBLEM).name()};")
    label.hide()
    return label


def light_palette() -> QPalette:
    p = QPalette()
    c = QColor
    roles = QPalette.ColorRole
    p.setColor(roles.Window, c("#f4f6f8"))
    p.setColor(roles.WindowText, c("#1c2430"))
    p.setColor(roles.Base, c("#ffffff"))
    p.setColor(roles.AlternateBase, c("#eef2f6"))
    p.setColor(roles.ToolTipBase, c("#ffffff"))
    p.setColor(roles.ToolTipText, c("#1c2430"))
    p.setColor(roles.PlaceholderText, c("#6b7682"))
    p.setColor(roles.Text, c("#1c2430"))
    p.setColor(roles.Button, c("#e8ecf0"))
    p.setColor(roles.ButtonText, c("#1c2430"))
    p.setColor(roles.BrightText, c("#ffffff"))
    p.setColor(roles.Highlight, c("#1f5f8b"))
    p.setColor(roles.HighlightedText, c("#ffffff"))
    p.setColor(roles.Link, c("#1f5f8b"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.Text, c("#8c96a0"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, c("#8c96a0"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.WindowText, c("#8c96a0"))
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    c = QColor
    roles = QPalette.ColorRole
    p.setColor(roles.Window, c("#1e2329"))
    p.setColor(roles.WindowText, c("#e6e9ec"))
    p.setColor(roles.Base, c("#15191d"))
    p.setColor(roles.AlternateBase, c("#232a31"))
    p.setColor(roles.ToolTipBase, c("#2b323a"))
    p.setColor(roles.ToolTipText, c("#e6e9ec"))
    p.setColor(roles.PlaceholderText, c("#8a949e"))
    p.setColor(roles.Text, c("#e6e9ec"))
    p.setColor(roles.Button, c("#2b323a"))
    p.setColor(roles.ButtonText, c("#e6e9ec"))
    p.setColor(roles.BrightText, c("#ffffff"))
    p.setColor(roles.Highlight, c("#3d8bc4"))
    p.setColor(roles.HighlightedText, c("#ffffff"))
    p.setColor(roles.Link, c("#7cc0f0"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.Text, c("#6c757d"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, c("#6c757d"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.WindowText, c("#6c757d"))
    return p


def style_sheet() -> str:
    qss = resources_dir() / "style.qss"
    try:
        return qss.read_text(encoding="utf-8")
    except OSError:
        log.warning("Style sheet %s not found; using the plain style", qss)
        return ""


def apply_theme(app: QApplication, mode: ThemeMode = ThemeMode.SYSTEM) -> bool:
    """Style, palette and style sheet; returns True when the dark palette is in use."""
    app.setStyle("Fusion")
    dark = mode == ThemeMode.DARK or (mode == ThemeMode.SYSTEM and system_prefers_dark())
    app.setPalette(dark_palette() if dark else light_palette())
    app.setStyleSheet(style_sheet())
    return dark


def follow_system_theme(app: QApplication) -> None:
    """Switch palettes when the system does (only meaningful in ThemeMode.SYSTEM)."""
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app, ThemeMode.SYSTEM))


def emphasised(font: QFont, scale: float = 1.0, bold: bool = True) -> QFont:
    """A copy of the font, relatively larger (never a fixed pixel size) and optionally bold."""
    f = QFont(font)
    if f.pointSizeF() > 0:
        f.setPointSizeF(f.pointSizeF() * scale)
    f.setBold(bold)
    return f
