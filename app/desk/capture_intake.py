"""Label capture at the intake desk (issue 10): an image of the item becomes the intake's addressee text, its
candidates and its tracking number; the image goes with the delivery when it is recorded.

The UI calls `CaptureService` from background jobs (reading takes up to a second or two) and gets plain frozen
values back. It builds on the capture use case `app.desk.capture` (read_and_match, rematch) and on the intake
service's candidate view, so what is shown for a captured label is exactly what is shown for a typed one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.capture import CaptureError, CentreLines
from app.desk.capture import CaptureMatch, read_and_match, rematch
from app.desk.carriers import TrackingInfo, recognise
from app.desk.delivery_images import LabelImage
from app.desk.intake import IntakeService, MatchView
from app.nexudus.enums import DeliveryType

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 80_000_000  # larger files are refused before they are read into memory
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".pdf")


@dataclass(frozen=True)
class CapturedLabel:
    """One image read and matched: what the intake screen shows and records."""

    name: str  # where it came from, for staff: "scan0042.pdf", "Pasted image", "Camera"
    capture: CaptureMatch
    view: MatchView  # the candidates for the read text
    tracking: TrackingInfo | None  # a tracking number read off the label, recognised like a scanned one
    image: LabelImage  # the prepared image, kept with the delivery

    @property
    def read_text(self) -> str:
        return self.capture.reading.text


def read_file(path: str | Path) -> bytes:
    """A file's bytes, or a CaptureError in plain words (missing, unreadable, far too large)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CaptureError(f"“{path.name}” is too large ({size / 1e6:.0f} MB) to be a photo of a label.")
        return path.read_bytes()
    except CaptureError:
        raise
    except FileNotFoundError:
        raise CaptureError(f"“{path.name}” is no longer there (moved or deleted).") from None
    except IsADirectoryError:
        raise CaptureError(f"“{path.name}” is a folder, not a picture.") from None
    except OSError as exc:
        raise CaptureError(f"“{path.name}” could not be opened ({exc.strerror or 'no access'}).") from None


def is_capture_file(path: str | Path) -> bool:
    name = Path(path).name
    return not name.startswith((".", "~")) and Path(name).suffix.lower() in IMAGE_SUFFIXES


def centre_lines_from(configured: Sequence[str], state: Mapping[str, Any] | None) -> CentreLines:
    """The learner as it was saved in the settings (a damaged state starts afresh)."""
    state = state or {}
    learnt = state.get("learnt")
    seen = state.get("seen")
    if not isinstance(learnt, Mapping) or not isinstance(seen, int):
        return CentreLines(configured)
    clean = {str(k): int(v) for k, v in learnt.items() if isinstance(v, int)}
    return CentreLines(configured, clean, seen)


class CaptureService:
    """Thread-safe: the centre-lines learner is guarded by a lock; reading and matching open their own sessions."""

    def __init__(self, intake: IntakeService, centre: CentreLines | None = None) -> None:
        self._intake = intake
        self._centre = centre or CentreLines()
        self._lock = threading.Lock()

    def set_centre(self, centre: CentreLines) -> None:
        with self._lock:
            self._centre = centre

    def centre_state(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._centre.state())

    def centre_lines(self) -> tuple[str, ...]:
        with self._lock:
            return self._centre.lines()

    def read(self, data: bytes, name: str = "", delivery_type: DeliveryType = DeliveryType.PARCEL) -> CapturedLabel:
        """Read the label and match what was read. Raises CaptureError (plain words) for bad input."""
        capture = read_and_match(self._intake.matching, data, filename=name, centre_lines=self.centre_lines())
        reading = capture.reading
        with self._lock:
            self._centre.observe(reading)
        view = self._intake.view_of(reading.text, capture.result, delivery_type)
        tracking = recognise(reading.tracking) if reading.tracking else None
        image = LabelImage(reading.display_jpeg, reading.image_size[0], reading.image_size[1])
        log.info("Label read from %s: %d lines, decision %s", name or "an image", len(reading.lines), view.decision)
        return CapturedLabel(name, capture, view, tracking, image)

    def read_path(self, path: str | Path, delivery_type: DeliveryType = DeliveryType.PARCEL) -> CapturedLabel:
        return self.read(read_file(path), Path(path).name, delivery_type)

    def match(self, label: CapturedLabel, text: str, delivery_type: DeliveryType = DeliveryType.PARCEL) -> MatchView:
        """Candidates for the addressee text of a captured label: the capture's own (OCR-safe) decision while the
        text is as read, matched again as typed once staff edit it."""
        if text == label.read_text:
            return self._intake.view_of(text, label.capture.result, delivery_type)
        return self._intake.view_of(text, rematch(self._intake.matching, label.capture, text), delivery_type)


# -- the watched folder (a scanner's or phone's drop folder) ------------------------------------------------------

DONE_FOLDER = "Done"  # a file recorded (or set aside by staff) moves here, so it is never queued twice
UNREADABLE_FOLDER = "Could not read"


def list_capture_files(folder: str | Path) -> list[tuple[str, int]]:
    """(path, size) of the image and PDF files directly in the folder, oldest first. Missing folder: CaptureError."""
    root = Path(folder)
    try:
        entries = [(p, p.stat()) for p in root.iterdir() if p.is_file() and is_capture_file(p)]
    except FileNotFoundError:
        raise CaptureError(f"The watched folder {root} is not there (check Desk ▸ Settings).") from None
    except OSError as exc:
        raise CaptureError(f"The watched folder {root} cannot be read ({exc.strerror or 'no access'}).") from None
    entries.sort(key=lambda e: (e[1].st_mtime, e[0].name))
    return [(str(p), st.st_size) for p, st in entries]


def set_aside(path: str | Path, subfolder: str = DONE_FOLDER) -> str:
    """Move a processed file into a subfolder of its folder (a name already there gets a number); returns the new
    path, or "" when it could not be moved (it is then only remembered for this session)."""
    source = Path(path)
    target_dir = source.parent / subfolder
    try:
        target_dir.mkdir(exist_ok=True)
        target = target_dir / source.name
        number = 1
        while target.exists():
            target = target_dir / f"{source.stem} ({number}){source.suffix}"
            number += 1
        source.rename(target)
        return str(target)
    except OSError as exc:
        log.warning("Could not move %s into %s: %s", source, subfolder, exc)
        return ""
