"""Label capture at the desk (issue 10), driven through the real window with the keyboard: a pasted image, dropped
files, the watched folder and the camera (the only double, fed a real image) are read by real OCR on the task
runner, matched against a directory synced over HTTP from the sandbox, recorded with their image, and the image
is shown in the deliveries list. Bad files give a plain message and store nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.config import Paths, Settings
from app.desk.session import SignInService, TokenVault
from app.sandbox.server import SandboxServer
from app.store import session_scope
from app.store.engine import open_database
from app.ui.camera import NO_CAMERA, QtCameraSource
from app.ui.intake_view import IntakeView
from app.ui.main import Desk, build_main_window
from app.ui.main_window import DELIVERIES, INTAKE
from app.ui.tasks import TaskRunner
from tests.support import desk_label_image as labels
from tests.ui.camera_double import StillCamera
from tests.ui.desk_fixtures import screenshot as save_screenshot
from tests.unit.test_desk_intake_directory import directory

JANE = ["Jane Doe", "Acme Trading Ltd", "Central House", "1 High Street"]
ROBERT = ["Robert Smith", "Acme Trading Ltd", "Central House", "1 High Street"]
READ_MS = 30_000  # OCR of one label on a loaded 2-core machine: about a second; generous for CI


@pytest.fixture
def srv(sandbox_factory: Any) -> SandboxServer:
    return sandbox_factory(data=directory())


def _build(qtbot: QtBot, srv: SandboxServer, db_url: str, paths: Paths, folder: Path, camera: Any) -> Iterator[Desk]:
    settings = Settings.load(paths)
    settings.shelf = "B2"
    settings.watched_folder = str(folder)
    settings.centre_address = ["Central House", "1 High Street"]
    service = SignInService(paths, settings, vault=TokenVault(enabled=False))
    session = service.sign_in(srv.url, "admin@sandbox.test", "sandbox")
    session = service.choose_location(session, session.business_id or session.locations[0].id)
    engine = open_database(db_url)
    runner = TaskRunner()
    desk = build_main_window(
        engine=engine,
        session=session,
        runner=runner,
        paths=paths,
        settings=settings,
        camera=camera,
        capture_poll_ms=150,
    )
    window = desk.window  # not qtbot.addWidget: pytest-qt would delete it before results still due arrive
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.sync_finished, timeout=30_000):
        window.sync_now(quiet=True)  # the directory, over HTTP from the sandbox
    desk.matching.reload()
    window.show_page(INTAKE)
    window.activateWindow()
    yield desk
    desk.capture.controller.shutdown()

    view = window.intake
    assert isinstance(view, IntakeView)

    def settled() -> bool:  # no typing pause pending, every result delivered while the window lives
        return not view._debounce.isActive() and not runner.is_busy()

    qtbot.waitUntil(settled, timeout=30_000)
    window.close()
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=30_000)
    runner.wait_for_done(30_000)
    window.deleteLater()
    QApplication.processEvents()
    engine.dispose()


@pytest.fixture
def camera() -> StillCamera:
    return StillCamera(_qimage(labels.label_png(ROBERT)))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "scans"
    f.mkdir()
    return f


@pytest.fixture
def desk(
    qtbot: QtBot, srv: SandboxServer, sqlite_url: str, pigeonhole_home: Paths, folder: Path, camera: StillCamera
) -> Iterator[Desk]:
    yield from _build(qtbot, srv, sqlite_url, pigeonhole_home, folder, camera)


def screenshot(widget: QWidget, name: str) -> Path:
    QApplication.processEvents()  # pending layout requests first, as a real screen would
    return save_screenshot(widget, name)


def _qimage(data: bytes) -> QImage:
    image = QImage.fromData(data)
    assert not image.isNull()
    return image


def intake(desk: Desk) -> Any:
    return desk.window.intake


def wait_shown(qtbot: QtBot, desk: Desk, first_line: str) -> None:
    view = intake(desk)
    qtbot.waitUntil(lambda: view.capture_active and first_line in view.addressee.toPlainText(), timeout=READ_MS)
    qtbot.waitUntil(lambda: view.match_view is not None and view.match_view.text == view.addressee.toPlainText())


def press_enter_and_wait(qtbot: QtBot, desk: Desk, keep_shelf: bool = False) -> int:
    """Enter records and clears the shelf; Ctrl+Enter (`keep_shelf`) keeps it for the next item of a pile."""
    view = intake(desk)
    mods = Qt.KeyboardModifier.ControlModifier if keep_shelf else Qt.KeyboardModifier.NoModifier
    with qtbot.waitSignal(view.delivery_recorded, timeout=10_000) as blocker:
        QTest.keyClick(QApplication.focusWidget() or view.addressee, Qt.Key.Key_Return, mods)
    return int(blocker.args[0])


def enter_stops_then_alt_y_records(qtbot: QtBot, desk: Desk, reason: str, shot: str = "") -> int:
    """A recipient with a reason to stop: Enter shows it in words and records nothing; Alt+Y records."""
    view = intake(desk)
    recorded: list[int] = []
    view.delivery_recorded.connect(recorded.append)
    before, typed = deliveries_count(desk), view.addressee.toPlainText()
    QTest.keyClick(QApplication.focusWidget() or view.addressee, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.stop_bar.isVisible(), timeout=10_000)
    assert reason.casefold() in view.stop_bar.text.text().casefold(), view.stop_bar.text.text()
    assert "Alt+Y" in view.stop_bar.text.text()
    if shot:
        screenshot(desk.window, shot)
    QTest.keyClick(QApplication.focusWidget() or view.addressee, Qt.Key.Key_Return)  # a second Enter: still not
    QApplication.processEvents()
    assert not recorded and deliveries_count(desk) == before and view.stop_bar.isVisible()
    assert view.addressee.toPlainText() == typed and view.capture_active  # nothing cleared, the image still there
    with qtbot.waitSignal(view.delivery_recorded, timeout=10_000) as blocker:
        QTest.keyClick(QApplication.focusWidget() or view.addressee, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    assert not view.stop_bar.isVisible()
    return int(blocker.args[0])


def stored_images(desk: Desk) -> dict[int, int]:
    """delivery id -> JPEG size, straight from the database."""
    with session_scope(desk.intake._engine) as session:
        rows = session.execute(text("SELECT delivery_row_id, LENGTH(jpeg) FROM delivery_images")).all()
    return {int(r[0]): int(r[1]) for r in rows}


def deliveries_count(desk: Desk) -> int:
    with session_scope(desk.intake._engine) as session:
        return int(session.execute(text("SELECT COUNT(*) FROM deliveries")).scalar() or 0)


def drop(widget: QWidget, mime: QMimeData) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    enter = QDragEnterEvent(
        pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the drop was refused"
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


# -- the tests ------------------------------------------------------------------------------------------------------


def test_pasted_image_read_checked_recorded_and_shown_in_deliveries(qtbot: QtBot, desk: Desk) -> None:
    view = intake(desk)
    panel = desk.capture.controller.panel
    screenshot(desk.window, "capture-idle-1366x768")
    QGuiApplication.clipboard().setImage(_qimage(labels.label_png(JANE)))
    view.addressee.setFocus()
    QTest.keyClick(view.addressee, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # Ctrl+V, keyboard only
    wait_shown(qtbot, desk, "Jane Doe")
    read = view.addressee.toPlainText()
    assert "Central House" not in read and "1 High Street" not in read  # the centre's own address is left out
    best = view.current_candidate()
    assert best is not None and best.contact_id == 1001, view.match_view
    assert panel.image_view.block is not None and not panel.image_view.image.isNull()
    assert "Enter" in panel.status.text()
    screenshot(desk.window, "capture-read-1366x768")
    narrow = view.width()
    desk.window.resize(1920, 1080)
    qtbot.waitUntil(lambda: view.width() > narrow, timeout=5_000)  # the page has taken the wider window
    screenshot(desk.window, "capture-read-1920x1080")
    desk.window.resize(1366, 768)

    delivery_id = press_enter_and_wait(qtbot, desk)
    assert stored_images(desk).get(delivery_id, 0) > 10_000  # the JPEG, recorded with the delivery
    assert not view.capture_active and panel.image_view.image.isNull()
    assert view.confirmation.text().startswith("✓ Parcel for Jane Doe")

    desk.window.show_page(DELIVERIES)
    deliveries = desk.window.deliveries
    qtbot.waitUntil(lambda: deliveries.model.rowCount() >= 1, timeout=10_000)
    deliveries.select_rows({delivery_id})
    preview = desk.capture.preview
    qtbot.waitUntil(
        lambda: preview.delivery_id == delivery_id and not preview.image_view.image.isNull(), timeout=10_000
    )
    assert preview.caption.text().startswith("Kept with the delivery since")
    screenshot(desk.window, "capture-deliveries-1366x768")


def test_text_with_a_picture_of_it_pastes_as_text(qtbot: QtBot, desk: Desk) -> None:
    """Word and Outlook copy a picture of the text too: Ctrl+V in the addressee field stays a text paste."""
    view = intake(desk)
    mime = QMimeData()
    mime.setText("Robert Smith")
    mime.setImageData(_qimage(labels.label_png(JANE)))
    QGuiApplication.clipboard().setMimeData(mime)
    view.addressee.setFocus()
    QTest.keyClick(view.addressee, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert view.addressee.toPlainText() == "Robert Smith"
    assert not view.capture_active and not desk.capture.controller.queue
    # The clipboard owns the mime data; left there, Qt frees it at exit after Python has (a crash at shutdown).
    QGuiApplication.clipboard().clear()


def test_scanned_barcode_then_photo_of_the_label(qtbot: QtBot, desk: Desk) -> None:
    """The common order at the desk: scan the barcode, then capture the label; the number stays with the item."""
    view = intake(desk)
    QTest.keyClicks(view.scan_field, "1Z999AA10123456784")
    QTest.keyClick(view.scan_field, Qt.Key.Key_Return)
    desk.capture.controller.add_bytes(labels.label_png(JANE), "parcel.png")
    wait_shown(qtbot, desk, "Jane Doe")
    assert view.scan_field.text() == "1Z999AA10123456784" and view.carrier_label.text().startswith("UPS")
    delivery_id = press_enter_and_wait(qtbot, desk)
    with session_scope(desk.intake._engine) as session:
        number = session.execute(text("SELECT tracking_number FROM deliveries WHERE id = :i"), {"i": delivery_id})
        assert number.scalar() == "1Z999AA10123456784"
    assert delivery_id in stored_images(desk)


def test_typing_is_never_overwritten_by_a_queued_image(qtbot: QtBot, desk: Desk) -> None:
    view = intake(desk)
    panel = desk.capture.controller.panel
    view.addressee.setFocus()
    QTest.keyClicks(view.addressee, "Sam Tay")
    desk.capture.controller.add_bytes(labels.label_png(JANE), "waiting.png")
    qtbot.waitUntil(lambda: "is ready" in panel.status.text(), timeout=READ_MS)
    assert view.addressee.toPlainText() == "Sam Tay" and not view.capture_active
    assert "1 waiting" in panel.queue_label.text()
    QTest.keyClick(view.addressee, Qt.Key.Key_F6)  # show it now (the typing is cleared)
    wait_shown(qtbot, desk, "Jane Doe")
    desk.capture.controller.add_bytes(labels.label_png(ROBERT), "later.png")
    QTest.keyClick(view.addressee, Qt.Key.Key_Escape)  # Jane set aside
    wait_shown(qtbot, desk, "Robert Smith")
    QTest.keyClick(view.addressee, Qt.Key.Key_Escape)
    view.addressee.setFocus()
    QTest.keyClicks(view.addressee, "Jane")
    desk.capture.controller.add_bytes(labels.label_png(ROBERT), "after-typing.png")
    qtbot.waitUntil(lambda: "is ready" in panel.status.text(), timeout=READ_MS)
    QTest.keyClick(view.addressee, Qt.Key.Key_Escape)  # the typing cleared: the waiting image comes up
    wait_shown(qtbot, desk, "Robert Smith")


def test_edited_text_is_matched_again(qtbot: QtBot, desk: Desk) -> None:
    view = intake(desk)
    desk.capture.controller.add_bytes(labels.label_jpeg(JANE), "envelope.jpg")
    wait_shown(qtbot, desk, "Jane Doe")
    view.addressee.selectAll()
    QTest.keyClicks(view.addressee, "Robert Smith")
    qtbot.waitUntil(lambda: view.match_view is not None and view.match_view.text == "Robert Smith", timeout=5000)
    assert view.match_view.candidates[0].contact_id == 1002
    assert view.capture_active  # still the same image, recorded with the edited text
    QTest.keyClick(view.addressee, Qt.Key.Key_Down)
    delivery_id = enter_stops_then_alt_y_records(qtbot, desk, "ID check")  # Robert's ID check is pending
    assert delivery_id in stored_images(desk)


def test_dropped_files_come_up_one_after_another_keyboard_only(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    view = intake(desk)
    controller = desk.capture.controller
    first, second = tmp_path / "jane.png", tmp_path / "robert.pdf"
    first.write_bytes(labels.label_png(JANE))
    second.write_bytes(labels.label_pdf(ROBERT))
    drop(view.addressee.viewport(), file_mime(first, second))  # onto the text field: taken as images, not text
    wait_shown(qtbot, desk, "Jane Doe")
    assert "1 waiting" in controller.panel.queue_label.text()
    assert view.addressee.toPlainText().count("file://") == 0
    screenshot(desk.window, "capture-queue-1366x768")
    one = press_enter_and_wait(qtbot, desk, keep_shelf=True)  # Ctrl+Enter: the pile goes to the same shelf
    wait_shown(qtbot, desk, "Robert Smith")  # the next item comes up by itself
    assert controller.panel.queue_label.text() == "Capture queue empty"
    assert view.shelf_field.text() == "B2"
    QTest.keyClick(view.addressee, Qt.Key.Key_Down)  # Robert's ID check warns: not auto; pick him
    qtbot.waitUntil(lambda: view.current_candidate() is not None)
    assert view.current_candidate().contact_id == 1002
    two = enter_stops_then_alt_y_records(qtbot, desk, "ID check", shot="capture-stop-1366x768")
    assert {one, two} <= set(stored_images(desk))


def test_watched_folder_files_become_queue_items(qtbot: QtBot, desk: Desk, folder: Path) -> None:
    view = intake(desk)
    controller = desk.capture.controller
    assert str(folder) in controller.panel.folder_label.text()
    (folder / "notes.txt").write_text("not a label")  # ignored: not an image
    (folder / "scan0001.jpg").write_bytes(labels.label_jpeg(JANE))
    wait_shown(qtbot, desk, "Jane Doe")
    delivery_id = press_enter_and_wait(qtbot, desk)
    assert delivery_id in stored_images(desk)
    qtbot.waitUntil(lambda: (folder / "Done" / "scan0001.jpg").exists(), timeout=5000)  # never queued twice
    assert (folder / "notes.txt").exists()
    (folder / "scan0002.jpg").write_bytes(labels.corrupt_jpeg())
    qtbot.waitUntil(lambda: controller.panel.problem.isVisible(), timeout=READ_MS)
    problem = controller.panel.problem.text()
    assert "scan0002.jpg" in problem and "Nothing was recorded" in problem
    qtbot.waitUntil(lambda: (folder / "Could not read" / "scan0002.jpg").exists(), timeout=5000)
    assert not view.capture_active


def test_camera_through_the_seam_preview_then_space(qtbot: QtBot, desk: Desk, camera: StillCamera) -> None:
    view = intake(desk)
    panel = desk.capture.controller.panel
    QTest.keyClick(view.scan_field, Qt.Key.Key_F4)  # camera on
    qtbot.waitUntil(lambda: camera.frames_sent > 0 and not panel.image_view.image.isNull(), timeout=5000)
    image_view: QWidget = panel.image_view
    assert QApplication.focusWidget() is image_view
    screenshot(desk.window, "capture-camera-1366x768")
    QTest.keyClick(image_view, Qt.Key.Key_Space)  # the photo
    wait_shown(qtbot, desk, "Robert Smith")
    assert camera.photos_taken == 1
    QTest.keyClick(view.addressee, Qt.Key.Key_Down)
    delivery_id = enter_stops_then_alt_y_records(qtbot, desk, "ID check")  # Robert's ID check is pending
    assert delivery_id in stored_images(desk)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.image_view)  # Space takes the next photo
    assert "Space" in panel.status.text()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.jpg", b"", "empty"),
        ("cut.jpg", labels.corrupt_jpeg(), "damaged"),
        ("invoice.png", labels.not_an_image(), "not a picture"),
        ("blank.pdf", labels.empty_pdf(), "PDF"),
        ("huge.png", labels.huge_png(), "too large"),
        ("report.docx", b"PK\x03\x04 a word document", "only photos and scans"),
    ],
)
def test_bad_files_say_why_and_store_nothing(
    qtbot: QtBot, desk: Desk, tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    view = intake(desk)
    panel = desk.capture.controller.panel
    bad = tmp_path / name
    bad.write_bytes(data)
    before = deliveries_count(desk)
    drop(panel.image_view, file_mime(bad))
    qtbot.waitUntil(lambda: panel.problem.isVisible(), timeout=READ_MS)
    assert name in panel.problem.text() and says.casefold() in panel.problem.text().casefold()
    assert "Nothing was recorded" in panel.problem.text()
    if name == "cut.jpg":
        screenshot(desk.window, "capture-bad-file-1366x768")
    assert not view.capture_active and view.addressee.toPlainText() == ""
    assert deliveries_count(desk) == before and stored_images(desk) == {}
    desk.capture.controller.add_bytes(labels.label_png(JANE), "next.png")  # the desk goes on
    wait_shown(qtbot, desk, "Jane Doe")
    assert not panel.problem.isVisible()


def test_no_camera_is_said_plainly_and_the_rest_works(
    qtbot: QtBot, srv: SandboxServer, sqlite_url: str, pigeonhole_home: Paths, folder: Path
) -> None:
    real = QtCameraSource()
    assert not real.available()  # no camera on this machine
    gen = _build(qtbot, srv, sqlite_url, pigeonhole_home, folder, real)
    desk = next(gen)
    try:
        view = intake(desk)
        panel = desk.capture.controller.panel
        QTest.keyClick(view.scan_field, Qt.Key.Key_F4)
        assert panel.problem.isVisible() and NO_CAMERA in panel.problem.text()
        desk.capture.controller.add_bytes(labels.label_png(JANE), "still-works.png")
        wait_shown(qtbot, desk, "Jane Doe")
        assert not panel.problem.isVisible()
    finally:
        next(gen, None)


def test_esc_sets_the_item_aside_and_stale_reads_are_dropped(qtbot: QtBot, desk: Desk) -> None:
    view = intake(desk)
    controller = desk.capture.controller
    controller.add_bytes(labels.label_png(JANE), "one.png")
    controller.add_bytes(labels.label_png(ROBERT), "two.png")
    wait_shown(qtbot, desk, "Jane Doe")
    QTest.keyClick(view.addressee, Qt.Key.Key_Escape)  # set aside: the next comes up, nothing recorded
    wait_shown(qtbot, desk, "Robert Smith")
    assert deliveries_count(desk) == 0
    controller.add_bytes(labels.label_png(JANE), "three.png")
    controller.queue.clear()  # removed while being read: its result is dropped when it comes
    controller._update_queue()
    QTest.keyClick(view.addressee, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: controller._reading is None, timeout=READ_MS)
    assert not view.capture_active and view.addressee.toPlainText() == ""


def test_settings_dialog_saves_centre_folder_and_retention(
    qtbot: QtBot, desk: Desk, tmp_path: Path, pigeonhole_home: Paths
) -> None:
    new_folder = tmp_path / "phone"
    new_folder.mkdir()
    dialog = desk.capture.open_settings()
    screenshot(dialog, "capture-settings-dialog")
    assert dialog.centre_address.toPlainText() == "Central House\n1 High Street"
    dialog.centre_address.setPlainText("Central House\n1 High Street\nLondon EC1A 1AA")
    dialog.folder.setText(str(tmp_path / "nowhere"))
    dialog._check()  # a folder that does not exist is refused, in words
    assert dialog.isVisible() and "does not exist" in dialog.error.text()
    dialog.folder.setText(str(new_folder))
    dialog.retention.setValue(30)
    dialog._check()
    assert not dialog.isVisible()
    saved = Settings.load(pigeonhole_home)
    assert saved.centre_address == ["Central House", "1 High Street", "London EC1A 1AA"]
    assert (saved.watched_folder, saved.image_retention_days) == (str(new_folder), 30)
    assert "London EC1A 1AA" in desk.capture.service.centre_lines()
    controller = desk.capture.controller
    assert controller.folder.folder == str(new_folder) and str(new_folder) in controller.panel.folder_label.text()
    (new_folder / "IMG_0001.png").write_bytes(labels.label_png(JANE))
    wait_shown(qtbot, desk, "Jane Doe")


def test_old_images_are_deleted_by_the_daily_purge(qtbot: QtBot, desk: Desk) -> None:
    desk.capture.controller.add_bytes(labels.label_png(JANE), "old.png")
    wait_shown(qtbot, desk, "Jane Doe")
    delivery_id = press_enter_and_wait(qtbot, desk)
    assert delivery_id in stored_images(desk)
    with session_scope(desk.intake._engine) as session:
        session.execute(
            text("UPDATE delivery_images SET created_at = :t"),
            {
                "t": "2000-01-01 00:00:00+00:00"
                if desk.intake._engine.dialect.name == "postgresql"
                else "2000-01-01 00:00:00.000000"
            },
        )
    assert desk.capture.purge_timer.isActive()
    desk.capture.purge_timer.timeout.emit()  # the daily run
    qtbot.waitUntil(lambda: delivery_id not in stored_images(desk), timeout=10_000)
    assert deliveries_count(desk) == 1  # the delivery itself stays
