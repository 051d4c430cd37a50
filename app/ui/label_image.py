"""A label image on screen: scaled to fit, with the addressee block outlined (capture panel, camera preview,
deliveries list). Painting only; images are decoded off the GUI thread by whoever hands them in."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.theme import Tone, tone_color


class LabelImageView(QWidget):
    """Shows a QImage scaled to fit (aspect kept), the addressee block outlined; a message when there is none."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self._block: tuple[int, int, int, int] | None = None
        self._source_size: tuple[int, int] | None = None
        self._placeholder = placeholder
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 48)  # never makes the intake page taller than before

    def sizeHint(self) -> QSize:
        return QSize(480, 320)

    @property
    def image(self) -> QImage:
        return self._image

    @property
    def block(self) -> tuple[int, int, int, int] | None:
        return self._block

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def set_image(
        self, image: QImage, block: tuple[int, int, int, int] | None = None, source_size: tuple[int, int] | None = None
    ) -> None:
        """`block` (x, y, w, h) is in `source_size` coordinates (the image's own size when not given)."""
        self._image = image
        self._block = block
        self._source_size = source_size
        self.setAccessibleDescription("Label image, addressee outlined" if block else "Label image")
        self.update()

    def clear(self) -> None:
        self.set_image(QImage())

    def image_rect(self) -> QRectF:
        """Where the image is drawn inside the widget."""
        if self._image.isNull():
            return QRectF()
        w, h = self._image.width(), self._image.height()
        scale = min(self.width() / w, self.height() / h)
        dw, dh = w * scale, h * scale
        return QRectF((self.width() - dw) / 2, (self.height() - dh) / 2, dw, dh)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self._image.isNull():
            painter.setPen(tone_color(Tone.MUTED, self.palette()))
            painter.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._placeholder,
            )
            painter.end()
            return
        target = self.image_rect()
        painter.drawImage(target, self._image)
        if self._block is not None:
            sw, sh = self._source_size or (self._image.width(), self._image.height())
            x, y, w, h = self._block
            sx, sy = target.width() / max(sw, 1), target.height() / max(sh, 1)
            rect = QRectF(target.left() + x * sx, target.top() + y * sy, w * sx, h * sy).adjusted(-4, -4, 4, 4)
            colour = QColor("#1565c0")
            painter.setPen(QPen(colour, 3))
            painter.drawRect(rect)
            fill = QColor(colour)
            fill.setAlpha(28)
            painter.fillRect(rect, fill)
        painter.end()
