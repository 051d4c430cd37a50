"""Label capture's desk helpers without OCR: reading files in plain words, the watched folder's listing and
settling, setting files aside, and the centre-lines learner restored from the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.capture import CaptureError
from app.desk import capture_intake
from app.desk.capture_intake import (
    DONE_FOLDER,
    centre_lines_from,
    is_capture_file,
    list_capture_files,
    read_file,
    set_aside,
)
from app.ui.tasks import SyncTaskRunner
from app.ui.watched_folder import FolderWatcher


def test_read_file_says_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok = tmp_path / "a.jpg"
    ok.write_bytes(b"\xff\xd8 data")
    assert read_file(ok) == b"\xff\xd8 data"
    with pytest.raises(CaptureError, match="no longer there"):
        read_file(tmp_path / "gone.jpg")
    with pytest.raises(CaptureError, match="is a folder"):
        read_file(tmp_path)
    monkeypatch.setattr(capture_intake, "MAX_FILE_BYTES", 4)
    with pytest.raises(CaptureError, match="too large"):
        read_file(ok)


def test_capture_files_are_pictures_and_pdfs_only() -> None:
    assert all(is_capture_file(n) for n in ("scan.PDF", "IMG_1.jpeg", "x.png", "y.tif", "z.webp", "b.bmp"))
    assert not any(is_capture_file(n) for n in ("notes.txt", ".hidden.jpg", "~lock.png", "scan.jpg.part"))


def test_folder_listing_and_set_aside(tmp_path: Path) -> None:
    (tmp_path / "b.jpg").write_bytes(b"12")
    (tmp_path / "a.txt").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    assert list_capture_files(tmp_path) == [(str(tmp_path / "b.jpg"), 2)]
    moved = set_aside(tmp_path / "b.jpg")
    assert moved == str(tmp_path / DONE_FOLDER / "b.jpg") and Path(moved).exists()
    (tmp_path / "b.jpg").write_bytes(b"34")  # the same name again: kept apart, never overwritten
    assert set_aside(tmp_path / "b.jpg") == str(tmp_path / DONE_FOLDER / "b (1).jpg")
    assert set_aside(tmp_path / "missing.jpg") == ""
    with pytest.raises(CaptureError, match="not there"):
        list_capture_files(tmp_path / "nowhere")


def test_watched_folder_takes_a_file_once_it_stops_growing(qtbot: QtBot, tmp_path: Path) -> None:
    watcher = FolderWatcher(SyncTaskRunner(), poll_ms=3_600_000)
    announced: list[list[str]] = []
    problems: list[str] = []
    watcher.files_ready.connect(announced.append)
    watcher.problem.connect(problems.append)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 part")
    watcher.watch(str(tmp_path))  # first listing: seen, not yet complete
    assert announced == []
    scan.write_bytes(b"%PDF-1.4 part and more")  # still being written
    watcher.scan()
    assert announced == []
    watcher.scan()  # same size twice: complete
    assert announced == [[str(scan)]]
    watcher.scan()
    assert announced == [[str(scan)]]  # once only
    set_aside(scan)
    watcher.scan()
    scan.write_bytes(b"%PDF-1.4 new")  # a new file of the same name later on is new
    watcher.scan()
    watcher.scan()
    assert announced[-1] == [str(scan)] and len(announced) == 2
    watcher.watch(str(tmp_path / "nowhere"))
    assert problems and "not there" in problems[-1]
    watcher.watch("")


def test_centre_lines_restored_from_settings_state() -> None:
    def folded(lines: tuple[str, ...]) -> set[str]:  # the reader may keep its lines in its own spelling
        return {" ".join(line.casefold().split()) for line in lines}

    learner = centre_lines_from(["Central House"], {"learnt": {"1 High Street": 9}, "seen": 10})
    assert folded(learner.lines()) == {"central house", "1 high street"}
    restored = centre_lines_from(["Central House"], learner.state())  # what the settings keep comes back
    assert folded(restored.lines()) == folded(learner.lines())
    for damaged in (None, {}, {"learnt": "x", "seen": 3}, {"learnt": {"a": 1}, "seen": "10"}):
        assert folded(centre_lines_from(["Central House"], damaged).lines()) == {"central house"}
