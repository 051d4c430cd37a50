"""The desk camera (issue 10): a USB document camera or webcam with a live preview, a still taken on Space.

`CameraSource` is the seam: the capture panel talks only to it. `QtCameraSource` is the real one, on Qt Multimedia
(PySide6-Addons: QMediaDevices, QCamera, QMediaCaptureSession, QVideoSink for the preview, QImageCapture for the
still). Qt Multimedia rather than OpenCV: it is the same toolkit as the rest of the desk (no second event loop or
frame-grabbing thread of our own, frames arrive as Qt signals on the GUI thread), it lists and hot-plugs devices
through the platform's own camera API (Media Foundation, AVFoundation, V4L2) with their names, it takes a full-
resolution still separately from the preview, and PyInstaller's PySide6 hooks already bundle it, whereas
opencv-python adds ~90 MB of its own Qt/FFmpeg copies that clash with PySide6's.

Qt Multimedia is imported only when the camera is first used, so a machine without its system libraries (or
without a camera) still runs every other part of the desk; the panel then says plainly that there is no camera.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

log = logging.getLogger(__name__)

NO_CAMERA = "No camera found. Plug in a document camera or webcam — or paste, drop or open a photo instead."
PREVIEW_INTERVAL_S = 0.08  # preview frames converted at most ~12 times a second (the GUI thread does it)


class CameraSource(QObject):
    """The camera seam (a protocol as a QObject, so it can carry signals).

    `frame` carries live preview images while started; `captured` a still after `capture()`; `problem` plain
    words for staff (no camera, camera busy or unplugged)."""

    frame = Signal(QImage)
    captured = Signal(QImage)
    problem = Signal(str)

    def name(self) -> str:
        raise NotImplementedError

    def available(self) -> bool:
        raise NotImplementedError

    def is_active(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def capture(self) -> None:
        raise NotImplementedError


class QtCameraSource(CameraSource):
    """The system's default camera through Qt Multimedia."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._camera: Any = None
        self._session: Any = None
        self._sink: Any = None
        self._still: Any = None
        self._last_frame = 0.0
        self.import_problem = ""  # why Qt Multimedia could not load (empty: it loads, or was not tried yet)

    def _multimedia(self) -> Any:
        try:
            from PySide6 import QtMultimedia
        except ImportError as exc:  # PySide6-Addons or its system libraries missing
            log.warning("Qt Multimedia is not available: %s", exc)
            self.import_problem = "The camera cannot be used on this computer (Qt Multimedia is missing)."
            return None
        return QtMultimedia

    def name(self) -> str:
        mm = self._multimedia()
        if mm is None or not mm.QMediaDevices.videoInputs():
            return ""
        return str(mm.QMediaDevices.defaultVideoInput().description())

    def available(self) -> bool:
        mm = self._multimedia()
        return mm is not None and bool(mm.QMediaDevices.videoInputs())

    def is_active(self) -> bool:
        return self._camera is not None and bool(self._camera.isActive())

    def start(self) -> None:
        mm = self._multimedia()
        if mm is None:
            self.problem.emit(self.import_problem)
            return
        if not mm.QMediaDevices.videoInputs():
            self.problem.emit(NO_CAMERA)
            return
        if self._camera is not None:
            self._camera.start()
            return
        device = mm.QMediaDevices.defaultVideoInput()
        self._camera = mm.QCamera(device, self)
        self._session = mm.QMediaCaptureSession(self)
        self._sink = mm.QVideoSink(self)
        self._still = mm.QImageCapture(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._session.setImageCapture(self._still)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._still.imageCaptured.connect(lambda _id, image: self.captured.emit(image))
        self._still.errorOccurred.connect(lambda _id, _err, text: self.problem.emit(f"The photo failed: {text}"))
        self._camera.errorOccurred.connect(lambda _err, text: self.problem.emit(f"The camera stopped: {text}"))
        log.info("Camera started: %s", device.description())
        self._camera.start()

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()

    def capture(self) -> None:
        if self._still is None or not self.is_active():
            self.problem.emit("Start the camera first (F4).")
            return
        if not self._still.isReadyForCapture():
            self.problem.emit("The camera is not ready yet — press Space again in a moment.")
            return
        self._still.capture()

    def _on_frame(self, frame: Any) -> None:
        now = time.monotonic()
        if now - self._last_frame < PREVIEW_INTERVAL_S:
            return
        self._last_frame = now
        image = frame.toImage()
        if not image.isNull():
            self.frame.emit(image)
