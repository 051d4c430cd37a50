"""Label capture at the intake screen (issue 10): the image beside the candidates, and where images come from.

Sources: paste (Ctrl+V: an image on the clipboard, or copied files), drop or open (Ctrl+O) an image or PDF file, the
watched folder (app.ui.watched_folder) and the camera (app.ui.camera, live preview, a photo on Space or F4). Every
image becomes an item of the capture queue; items come up one after another, each when the intake form is free:
the read text goes into the addressee field (editable: edits are matched again), the tracking number into the
barcode field, the candidates below, the image with the addressee block outlined beside them. Enter records the
delivery with its image and the next item comes up; Esc sets the item aside. The queue's count is shown.

Reading runs on the task runner (channel "capture-read", one item at a time, the next item read ahead while staff
check the current one); a result for an item no longer queued is dropped. A bad file gives a plain message in the
panel and stores nothing.
"""

from __future__ import annotations

import itertools
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEvent,
    QIODevice,
    QMimeData,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QDropEvent, QGuiApplication, QImage, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.capture import CaptureError
from app.desk.capture_intake import (
    DONE_FOLDER,
    UNREADABLE_FOLDER,
    CapturedLabel,
    CaptureService,
    is_capture_file,
    read_file,
    set_aside,
)
from app.desk.intake import DeliveryType, MatchView
from app.ui.camera import NO_CAMERA, CameraSource
from app.ui.intake_view import IntakeView
from app.ui.label_image import LabelImageView
from app.ui.tasks import TaskContext, TaskRunner
from app.ui.theme import Tone, emphasised, tone_color
from app.ui.watched_folder import FolderWatcher

log = logging.getLogger(__name__)

IDLE_TEXT = "Paste (Ctrl+V), drop or open (Ctrl+O) a photo or scan of the label — or use the camera (F4)."
OPEN_FILTER = "Images and PDF (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.pdf);;All files (*)"


@dataclass
class CaptureItem:
    """One image waiting to be read and checked."""

    item_id: int
    name: str  # for staff: the file name, "Pasted image", "Camera photo 3"
    path: str = ""  # a file (opened, dropped, from the watched folder)
    data: bytes | None = None
    image: QImage | None = None  # pasted or from the camera (encoded on the task runner)
    from_folder: bool = False
    label: CapturedLabel | None = None  # read
    shown: QImage | None = field(default=None, repr=False)  # the prepared image, decoded
    problem: str = ""  # could not be read: why, in plain words


def encode_image(image: QImage) -> bytes:
    """A pasted or photographed QImage as file bytes (PNG for screenshots, JPEG for large photos)."""
    big = image.width() * image.height() > 4_000_000
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    saved = image.save(buffer, "JPG" if big else "PNG", 92 if big else -1)  # type: ignore[call-overload]
    if not saved:
        raise CaptureError("The picture could not be taken over (it is empty or in an unknown format).")
    data = bytes(QByteArray(buffer.data()).data())
    buffer.close()
    return data


def read_item(service: CaptureService, item: CaptureItem, delivery_type: DeliveryType) -> tuple[CapturedLabel, QImage]:
    """Background job: the item's bytes -> read and matched, plus the prepared image decoded for the screen."""
    if item.data is not None:
        data = item.data
    elif item.image is not None:
        if item.image.isNull():
            raise CaptureError("The clipboard's picture is empty.")
        data = encode_image(item.image)
    else:
        data = read_file(item.path)
    label = service.read(data, item.name, delivery_type)
    shown = QImage.fromData(label.image.jpeg)
    return label, shown


READER_IDLE_S = 300.0  # the reading thread ends after this long without work (and at shutdown)


class _ReadRelay(QObject):
    """Lives on the GUI thread; the reading thread emits its results through it (queued across threads)."""

    done = Signal(int, object, object)  # item id, result, error


def reading_loop(context: TaskContext, requests: queue.Queue[Any], relay: _ReadRelay) -> None:
    """One long task-runner job that reads item after item.

    Python thread state (and with it any per-thread cache of the OCR engine, threading.local) does not survive from
    one task-runner job to the next: PySide gives every QRunnable.run a fresh one, so a reader caching its engine
    per thread loaded it again for every image (~0.5-0.9 s here). Reading a pile in one job keeps it warm."""
    while not context.cancelled:
        try:
            request = requests.get(timeout=READER_IDLE_S)
        except queue.Empty:
            return
        if request is None:
            return
        item_id, fn, args = request
        try:
            result = fn(*args)
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            relay.done.emit(item_id, None, exc)
        else:
            relay.done.emit(item_id, result, None)


def _local_files(mime: QMimeData) -> list[str]:
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def _capture_urls(mime: QMimeData) -> list[str]:
    return [f for f in _local_files(mime) if is_capture_file(f)]


def mime_has_capture(mime: QMimeData | None, prefer_text: bool = False) -> bool:
    """Image files, or a picture. With `prefer_text` (pasting into a text field) a picture that comes with text is
    not taken: Word, Outlook and browsers put a picture of the copied text on the clipboard beside the text."""
    if mime is None:
        return False
    if _capture_urls(mime):
        return True
    return mime.hasImage() and not (prefer_text and mime.hasText() and mime.text().strip())


class CapturePanel(QWidget):
    """The image (addressee block outlined), what is happening, the queue's count, the capture buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Label image")
        title = QLabel("Label image")
        title.setFont(emphasised(self.font()))
        self.queue_label = QLabel("")
        self.queue_label.setAccessibleName("Capture queue")
        self.queue_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.image_view = LabelImageView(IDLE_TEXT)
        self.image_view.setAccessibleName("Label image (Space takes a photo while the camera is on)")
        self.image_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.status = QLabel("")
        self.status.setAccessibleName("Capture status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.problem = QLabel("")
        self.problem.setAccessibleName("Capture problem")
        self.problem.setWordWrap(True)
        self.problem.setFont(emphasised(self.font()))
        self.problem.setStyleSheet(f"color: {tone_color(Tone.PROBLEM, self.palette()).name()};")
        self.problem.hide()
        self.folder_label = QLabel("")
        self.folder_label.setAccessibleName("Watched folder")
        self.folder_label.setWordWrap(True)
        self.folder_label.hide()
        self.open_button = QPushButton("Open image… (Ctrl+O)")
        self.open_button.setAccessibleName("Open an image or PDF of the label")
        self.camera_button = QPushButton("Camera (F4)")
        self.camera_button.setAccessibleName("Start the camera, or take a photo")
        self.next_button = QPushButton("Next image (F6)")
        self.next_button.setAccessibleName("Show the next image of the capture queue")
        for b in (self.open_button, self.camera_button, self.next_button):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.queue_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.camera_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.image_view, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.problem)
        layout.addWidget(self.folder_label)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)

    def set_compact(self, compact: bool) -> None:
        """Idle (no image, no camera): narrow, so typed intake keeps the candidates' columns as before."""
        self.next_button.setVisible(not compact)
        if compact:
            buttons = self.open_button.sizeHint().width() + self.camera_button.sizeHint().width()
            self.setMaximumWidth(buttons + 24)
        else:
            self.setMaximumWidth(16_777_215)  # QWIDGETSIZE_MAX

    def say(self, text: str, tone: Tone | None = Tone.MUTED) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.status.setStyleSheet(f"color: {tone_color(tone, self.palette()).name()};" if tone else "")

    def show_problem(self, text: str) -> None:
        self.problem.setText(f"⚠ {text}" if text else "")
        self.problem.setVisible(bool(text))


class _InputFilter(QObject):
    """Ctrl+V with a picture or files on the clipboard, and dropped files or pictures, anywhere on the intake page
    (text fields keep their own text pasting and dropping). Space on the image takes a photo."""

    def __init__(self, controller: CaptureController) -> None:
        super().__init__(controller)
        self._c = controller

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            clipboard = QGuiApplication.clipboard().mimeData()
            in_text = isinstance(obj, QLineEdit | QPlainTextEdit)
            if event.matches(QKeySequence.StandardKey.Paste) and mime_has_capture(clipboard, prefer_text=in_text):
                self._c.paste()
                return True
            if (
                event.key() == Qt.Key.Key_Space
                and obj is self._c.panel.image_view
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            ):
                self._c.take_photo()
                return True
        elif kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(event, QDropEvent):
            if mime_has_capture(event.mimeData()) or _local_files(event.mimeData()):  # files: ours to judge
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            mime = event.mimeData()
            others = [Path(f).name for f in _local_files(mime) if not is_capture_file(f)]
            if mime_has_capture(mime) or others:
                event.acceptProposedAction()
                if mime_has_capture(mime):
                    self._c.add_mime(mime, "Dropped image")
                if others:
                    self._c.panel.show_problem(
                        f"{', '.join(others)}: only photos and scans (JPEG, PNG, TIFF, BMP, WebP) or PDF files can "
                        "be read. Nothing was recorded."
                    )
                return True
        return False


class CaptureController(QObject):
    """Owns the capture queue and its sources; feeds the intake view one item at a time."""

    queue_changed = Signal(int)  # items waiting (not counting the one being checked)
    item_shown = Signal(str)  # its name
    item_failed = Signal(str)  # the plain-words problem
    centre_learnt = Signal(dict)  # the centre-lines learner's state, to save in the settings

    def __init__(
        self,
        service: CaptureService,
        intake: IntakeView,
        runner: TaskRunner,
        *,
        camera: CameraSource | None = None,
        watched_folder: str = "",
        poll_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or intake)
        self._service = service
        self.intake = intake
        self._runner = runner
        # Reading runs as one long job (reading_loop) on its own one-thread pool of the task runner: the OCR engine
        # stays warm between images, and a second or two of OCR never holds one of the shared pool's threads that
        # matching and the database use.
        self._reader = TaskRunner(parent=self, own_threads=1)
        self._requests: queue.Queue[Any] = queue.Queue()
        self._relay = _ReadRelay(self)
        self._relay.done.connect(self._read_done)
        requests = self._requests
        self.destroyed.connect(lambda *_a: requests.put(None))  # never leave the reading thread waiting
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(lambda: requests.put(None))
        self.camera = camera
        self.panel = CapturePanel()
        intake.attach_side_panel(self.panel)
        self._ids = itertools.count(1)
        self._photos = itertools.count(1)
        self.queue: list[CaptureItem] = []  # waiting, oldest first; the head may be read already
        self.current: CaptureItem | None = None
        self._reading: int | None = None  # the item whose read job is running
        self.folder = FolderWatcher(runner, poll_ms) if poll_ms is not None else FolderWatcher(runner)
        self.folder.setParent(self)
        self.folder.files_ready.connect(self._folder_files)
        self.folder.problem.connect(self._folder_problem)
        self._build_actions()
        self._filter = _InputFilter(self)
        self.install_input_filter()
        intake.capture_finished.connect(self._finished)
        intake.delivery_recorded.connect(lambda _id: QTimer.singleShot(0, self._pump))
        intake.addressee.textChanged.connect(self._addressee_changed)  # cleared by hand or Esc: the next may come
        intake.setAcceptDrops(True)
        self.panel.open_button.clicked.connect(lambda: self.open_dialog())
        self.panel.camera_button.clicked.connect(self.camera_key)
        self.panel.next_button.clicked.connect(self.next_item)
        if camera is not None:
            camera.frame.connect(self._camera_frame)
            camera.captured.connect(self._camera_photo)
            camera.problem.connect(self._camera_problem)
        self._update_queue()
        self._update_compact()
        self.watch_folder(watched_folder)

    # -- set-up ----------------------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(text: str, keys: str, slot: Callable[[], Any]) -> QAction:
            a = QAction(text, self.intake)
            a.setShortcut(QKeySequence(keys))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(lambda _checked=False: slot())
            self.intake.addAction(a)
            return a

        self.open_action = action("&Open image or PDF…", "Ctrl+O", lambda: self.open_dialog())
        self.camera_action = action("&Camera: start, or take a photo", "F4", self.camera_key)
        self.next_action = action("&Next image in the capture queue", "F6", self.next_item)

    def install_input_filter(self) -> None:
        """Watch paste and drop on every widget of the intake page (call again after widgets were added)."""
        for widget in [self.intake, *self.intake.findChildren(QWidget)]:
            widget.removeEventFilter(self._filter)
            widget.installEventFilter(self._filter)

    def watch_folder(self, folder: str) -> None:
        self.folder.watch(folder)
        if folder.strip():
            self.panel.folder_label.setText(f"Watching {folder.strip()} for scans")
            _tone(self.panel.folder_label, Tone.MUTED)
        self.panel.folder_label.setVisible(bool(folder.strip()))

    # -- sources ------------------------------------------------------------------------------------------------

    def add_files(self, paths: list[str], from_folder: bool = False) -> None:
        for p in paths:
            self._enqueue(CaptureItem(next(self._ids), Path(p).name, path=p, from_folder=from_folder))

    def add_bytes(self, data: bytes, name: str) -> None:
        self._enqueue(CaptureItem(next(self._ids), name, data=data))

    def add_image(self, image: QImage, name: str) -> None:
        self._enqueue(CaptureItem(next(self._ids), name, image=QImage(image)))

    def add_mime(self, mime: QMimeData, name: str) -> None:
        files = _capture_urls(mime)
        if files:
            self.add_files(files)
        elif mime.hasImage():
            self.add_image(QImage(mime.imageData()), name)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime_has_capture(mime):
            self.add_mime(mime, "Pasted image")
        else:
            self.panel.show_problem("There is no picture on the clipboard. Copy a photo or an image file first.")

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.intake, "Open a photo or scan of the label", "", OPEN_FILTER)
        if paths:
            self.add_files(paths)

    # -- camera ---------------------------------------------------------------------------------------------

    def camera_key(self) -> None:
        """F4: start the camera (preview), or take a photo when it is on."""
        if self.camera is None:
            self.panel.show_problem(NO_CAMERA)
            return
        if self.camera.is_active():
            self.take_photo()
            return
        if not self.camera.available():
            self.panel.show_problem(NO_CAMERA)
            return
        self.panel.show_problem("")
        self.camera.start()
        self.panel.camera_button.setText("Take photo (Space)")
        self._update_compact()
        if self.current is None:
            self.panel.say("Camera on — put the item under it and press Space (or F4) to take the photo.")
            self.panel.image_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def take_photo(self) -> None:
        if self.camera is None or not self.camera.is_active():
            self.camera_key()
            return
        self.camera.capture()

    def _camera_frame(self, image: QImage) -> None:
        if self.current is None and self._reading is None:
            self.panel.image_view.set_image(image)

    def _camera_photo(self, image: QImage) -> None:
        self.add_image(image, f"Camera photo {next(self._photos)}")

    def _camera_problem(self, text: str) -> None:
        self.panel.show_problem(text)

    # -- the queue ---------------------------------------------------------------------------------------------

    def _enqueue(self, item: CaptureItem) -> None:
        self.queue.append(item)
        self.panel.show_problem("")
        self._update_queue()
        self._pump()

    def _folder_files(self, paths: list[str]) -> None:
        known = {i.path for i in self.queue} | ({self.current.path} if self.current else set())
        self.add_files([p for p in paths if p not in known], from_folder=True)

    def _folder_problem(self, text: str) -> None:
        self.panel.folder_label.setText(text or f"Watching {self.folder.folder} for scans")
        _tone(self.panel.folder_label, Tone.PROBLEM if text else Tone.MUTED)

    @property
    def waiting(self) -> int:
        return len(self.queue)

    def _update_queue(self) -> None:
        n = len(self.queue)
        self.panel.queue_label.setText(f"{n} waiting in the capture queue" if n else "Capture queue empty")
        self.panel.queue_label.setToolTip("\n".join(i.name for i in self.queue))
        _tone(self.panel.queue_label, Tone.WAITING if n else Tone.MUTED)
        self.panel.next_button.setEnabled(bool(n))
        self.queue_changed.emit(n)

    def next_item(self) -> None:
        """F6: show the next item now (sets the one on screen aside if it was not recorded)."""
        if not self.queue:
            self.panel.say("The capture queue is empty.")
            return
        if self.current is not None:
            self.intake.clear()  # emits capture_finished(False), which sets it aside and pumps
            return
        if not self.intake.is_idle():
            self.intake.clear()
        self._pump()

    def _addressee_changed(self) -> None:
        if self.queue and self.current is None and self.intake.is_idle():
            QTimer.singleShot(0, self._pump)

    def _pump(self) -> None:
        """Read the head of the queue if nobody is reading; show it when read and the form is free."""
        while self.queue and self.current is None and self.intake.is_idle():
            head = self.queue[0]
            if head.label is None and not head.problem:
                break
            self.queue.pop(0)
            self._update_queue()
            if head.problem:
                self._failed(head)
                continue
            self._show(head)
        if self.queue and self.current is None and not self.intake.is_idle() and self.queue[0].label is not None:
            self.panel.say(
                f"{self.queue[0].name} is ready: record or clear (Esc) what you are typing, or press F6 "
                "to show it now.",
                Tone.WAITING,
            )
        if self.queue and self._reading is None:
            unread = next((i for i in self.queue if i.label is None and not i.problem), None)
            if unread is not None:
                self._start_reading(unread)
        elif self.current is None and self._reading is None and not self.queue and not self._camera_on():
            self.panel.image_view.set_placeholder(IDLE_TEXT)
            self.panel.image_view.clear()
        self._update_compact()

    def _update_compact(self) -> None:
        self.panel.set_compact(
            self.current is None and self._reading is None and not self.queue and not self._camera_on()
        )

    def _camera_on(self) -> bool:
        return self.camera is not None and self.camera.is_active()

    def _start_reading(self, item: CaptureItem) -> None:
        self._reading = item.item_id
        if self.current is None:
            self.panel.say(f"Reading {item.name}…", Tone.WAITING)
            self.panel.image_view.set_placeholder(f"Reading {item.name}…")
            if self.camera is None or not self.camera.is_active():
                self.panel.image_view.clear()
        delivery_type = DeliveryType(int(self.intake.type_combo.currentData()))
        if not self._reader.is_busy():  # (re)start the reading job; it ends by itself when idle
            self._start_reader()
        self._requests.put((item.item_id, read_item, (self._service, item, delivery_type)))

    def _start_reader(self) -> None:
        self._reader.submit(
            "capture-reader",
            reading_loop,
            self._requests,
            self._relay,
            with_context=True,
            on_result=lambda _r: self._reader_ended(),
            on_error=lambda exc: log.error("The reading thread failed", exc_info=exc),
        )

    def _reader_ended(self) -> None:
        """The reading job ended when idle; a request put in just then still gets read."""
        if not self._requests.empty() and not self._reader.is_busy():
            self._start_reader()

    def _read_done(self, item_id: int, result: Any, error: BaseException | None) -> None:
        if error is None:
            self._read(item_id, result)
        else:
            self._read_failed(item_id, error)

    def _queued(self, item_id: int) -> CaptureItem | None:
        return next((i for i in self.queue if i.item_id == item_id), None)

    def _read(self, item_id: int, result: tuple[CapturedLabel, QImage]) -> None:
        if self._reading == item_id:
            self._reading = None
        item = self._queued(item_id)
        if item is not None:  # else: set aside meanwhile, the result is stale
            item.label, item.shown = result
            self.centre_learnt.emit(self._service.centre_state())
        self._pump()

    def _read_failed(self, item_id: int, exc: BaseException) -> None:
        if self._reading == item_id:
            self._reading = None
        item = self._queued(item_id)
        if item is not None:
            if isinstance(exc, CaptureError):
                item.problem = exc.user_message
            else:  # not the file's fault: logged with its traceback, the desk goes on
                log.error("Reading %s failed unexpectedly", item.name, exc_info=exc)
                item.problem = "This image could not be read (an unexpected problem, written to the log file)."
        self._pump()

    def _failed(self, item: CaptureItem) -> None:
        self.panel.show_problem(f"{item.name}: {item.problem} Nothing was recorded.")
        self.panel.say("")
        self.item_failed.emit(item.problem)
        if item.from_folder and item.path:
            self._set_aside(item.path, UNREADABLE_FOLDER)

    def _show(self, item: CaptureItem) -> None:
        label = item.label
        assert label is not None
        self.current = item
        service = self._service

        def matcher(text: str, delivery_type: DeliveryType) -> MatchView:
            return service.match(label, text, delivery_type)

        reading = label.capture.reading
        self.panel.image_view.set_image(item.shown or QImage(), reading.block, reading.image_size)
        if reading.text.strip():
            self.panel.say(
                f"Read: {item.name}. Check who it is for, then press Enter to record it (Ctrl+Enter "
                "keeps the shelf for the next item; Esc sets it aside).",
                Tone.OK,
            )
        else:
            self.panel.say(
                f"No name could be read on {item.name}: type who it is for, or press Esc to set it aside.", Tone.WAITING
            )
        self.intake.show_capture(reading.text, label.view, label.tracking, label.image, matcher)
        self.item_shown.emit(item.name)
        self._pump()  # read the next one ahead

    def _finished(self, recorded: bool) -> None:
        item, self.current = self.current, None
        if item is not None:
            if item.from_folder and item.path:
                self._set_aside(item.path, DONE_FOLDER)
            if not recorded:
                self.panel.say(f"{item.name} set aside, nothing recorded.")
            else:
                self.panel.say("")
        self.panel.image_view.clear()
        self._pump()
        if self.current is None and self.camera is not None and self.camera.is_active():
            self.panel.image_view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.panel.say("Camera on — Space takes the next photo.")

    def _set_aside(self, path: str, subfolder: str) -> None:
        def moved(_new_path: object) -> None:
            self.folder.forget(path)

        self._runner.submit("capture-file", set_aside, path, subfolder, on_result=moved)

    def busy(self) -> bool:
        return self._reading is not None

    def shutdown(self) -> None:
        self._requests.put(None)
        self._reader.wait_for_done(60_000)
        self.folder.watch("")
        if self.camera is not None:
            self.camera.stop()
        self.panel.camera_button.setText("Camera (F4)")


def _tone(label: QLabel, tone: Tone) -> None:
    label.setStyleSheet(f"color: {tone_color(tone, label.palette()).name()};")
