"""The one test double of label capture: a camera fed with a real image (no camera can run here).

It behaves like the Qt camera behind the `CameraSource` seam: while started it sends preview frames (the image,
on a timer), and `capture()` sends the still a moment later, as a real camera does."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage

from app.ui.camera import CameraSource


class StillCamera(CameraSource):
    def __init__(self, image: QImage, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.frames_sent = 0
        self.photos_taken = 0
        self._active = False
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._frame)

    def name(self) -> str:
        return "Test document camera"

    def available(self) -> bool:
        return True

    def is_active(self) -> bool:
        return self._active

    def start(self) -> None:
        self._active = True
        self._timer.start()

    def stop(self) -> None:
        self._active = False
        self._timer.stop()

    def capture(self) -> None:
        self.photos_taken += 1
        QTimer.singleShot(30, lambda: self.captured.emit(QImage(self.image)))

    def _frame(self) -> None:
        self.frames_sent += 1
        self.frame.emit(QImage(self.image))
