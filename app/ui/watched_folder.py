"""The watched folder (issue 10): a document scanner or a phone drops files there; each new file, once it has
stopped growing, is announced once (`files_ready`) and becomes an item of the capture queue.

QFileSystemWatcher says when the folder changed; a slow poll catches what it misses (network shares, some
scanners' SMB writes). Listing runs on the task runner (a network folder may stall), never on the GUI thread.
A file counts as complete when two listings in a row give it the same size.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.capture import CaptureError
from app.desk.capture_intake import list_capture_files
from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

POLL_MS = 2000
SETTLE_MS = 400  # a change seen by the watcher is listed again after this, to see the size settle


class FolderWatcher(QObject):
    files_ready = Signal(list)  # [path, ...] new complete files, oldest first
    problem = Signal(str)  # the folder is missing or unreadable (plain words); "" when it is fine again

    def __init__(self, runner: TaskRunner, poll_ms: int = POLL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._folder = ""
        self._sizes: dict[str, int] = {}  # last listing
        self._announced: set[str] = set()
        self._problem = ""
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.scan)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(lambda _p: self._settle.start())
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.scan)

    @property
    def folder(self) -> str:
        return self._folder

    def watch(self, folder: str) -> None:
        """Watch this folder ("" stops watching). Files already there are queued too."""
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())
        self._folder = folder.strip()
        self._sizes.clear()
        self._announced.clear()
        self._problem = ""
        if not self._folder:
            self._poll.stop()
            return
        self._watcher.addPath(self._folder)
        self._poll.start()
        self.scan()

    def forget(self, path: str) -> None:
        """A file was moved away: if one of that name comes again, it is new."""
        self._announced.discard(path)

    def scan(self) -> None:
        if not self._folder:
            return
        folder = self._folder
        self._runner.submit(
            "capture-folder",
            list_capture_files,
            folder,
            latest_only=True,
            on_result=lambda files: self._listed(folder, files),
            on_error=lambda exc: self._failed(folder, exc),
        )

    def _listed(self, folder: str, files: list[tuple[str, int]]) -> None:
        if folder != self._folder:
            return  # the setting changed meanwhile
        if self._problem:
            self._problem = ""
            self.problem.emit("")
        if not self._watcher.directories():
            self._watcher.addPath(folder)  # the folder came (back)
        previous, self._sizes = self._sizes, dict(files)
        ready = [p for p, size in files if p not in self._announced and size > 0 and previous.get(p) == size]
        present = set(self._sizes)
        self._announced &= present  # moved away: forgotten
        if any(p not in self._announced and previous.get(p) != s for p, s in files):
            self._settle.start()  # something still growing or just arrived: look again soon
        if ready:
            self._announced.update(ready)
            log.info("Watched folder: %d new file(s)", len(ready))
            self.files_ready.emit(ready)

    def _failed(self, folder: str, exc: BaseException) -> None:
        if folder != self._folder:
            return
        message = exc.user_message if isinstance(exc, CaptureError) else f"The watched folder cannot be read: {exc}"
        if message != self._problem:
            self._problem = message
            self.problem.emit(message)
