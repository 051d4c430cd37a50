"""An on-screen signature pad: sign with a pen (tablet events), a finger (touch) or the mouse.

`strokes()` are the lines drawn (lists of points in the pad's coordinates); `is_empty()` says whether anything
was drawn at all (a tap without movement does not count); `to_png()` gives the signature as a PNG (black ink on
white, the pad's size), or None when empty. `changed` fires after every stroke and on `clear()`.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

MIN_STROKE_LENGTH = 3.0  # pixels of movement for a stroke to count as ink
INK_WIDTH = 2.2


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Signature")
        self.setAccessibleDescription("Sign here with a pen, a finger or the mouse")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(480, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._strokes: list[list[QPointF]] = []
        self._current: list[QPointF] | None = None

    # -- API ------------------------------------------------------------------------------------------------

    def strokes(self) -> list[list[tuple[float, float]]]:
        return [[(p.x(), p.y()) for p in stroke] for stroke in self._strokes]

    def is_empty(self) -> bool:
        return not any(_length(stroke) >= MIN_STROKE_LENGTH for stroke in self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def to_png(self) -> bytes | None:
        if self.is_empty():
            return None
        image = QImage(self.size(), QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        self._draw_ink(painter, QColor("black"))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())

    # -- input ----------------------------------------------------------------------------------------------

    def _begin(self, point: QPointF) -> None:
        self._current = [point]
        self._strokes.append(self._current)
        self.update()

    def _extend(self, point: QPointF) -> None:
        if self._current is None:
            return
        self._current.append(point)
        self.update()

    def _end(self) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove and event.pressure() > 0:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:
                position = points[0].position()
                if event.type() == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif event.type() == QEvent.Type.TouchUpdate:
                    self._extend(position)
                else:
                    self._extend(position)
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # -- drawing --------------------------------------------------------------------------------------------

    def _draw_ink(self, painter: QPainter, color: QColor) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color, INK_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for stroke in self._strokes:
            if len(stroke) == 1:
                painter.drawPoint(stroke[0])
                continue
            path = QPainterPath(stroke[0])
            for point in stroke[1:]:
                path.lineTo(point)
            painter.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        frame = self.palette().highlight().color() if self.hasFocus() else QColor("#9aa0a6")
        painter.setPen(QPen(frame, 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        base = self.height() * 0.75
        painter.setPen(QPen(QColor("#c0c4c8"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(16, base), QPointF(self.width() - 16, base))
        if self.is_empty() and not self._strokes:
            painter.setPen(QColor("#80868b"))
            painter.drawText(
                QRectF(16, base + 4, self.width() - 32, self.height() - base - 4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                "Sign above the line (pen, finger or mouse)",
            )
        self._draw_ink(painter, QColor("black"))
        painter.end()


def _length(stroke: list[QPointF]) -> float:
    total = 0.0
    for a, b in itertools.pairwise(stroke):
        total += ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5
    return total
