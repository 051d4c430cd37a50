"""Wiring label capture into the desk (issue 10), called once by the composition root (app.ui.main): the capture
service and controller beside the intake screen, File ▸ Open image… and the camera keys, Desk ▸ Settings…, the
label image beside the deliveries list, and the image retention purge (at start, then daily)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from app.config import Paths, Settings
from app.desk.capture_intake import CaptureService, centre_lines_from
from app.desk.delivery_images import PURGE_INTERVAL_HOURS, DeliveryImagesService
from app.desk.intake import IntakeService
from app.ui.camera import CameraSource, QtCameraSource
from app.ui.capture_panel import CaptureController
from app.ui.delivery_image_preview import DeliveryImagePreview, attach_to_deliveries
from app.ui.intake_view import IntakeView
from app.ui.settings_dialog import SettingsDialog
from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass
class CaptureDesk:
    controller: CaptureController
    service: CaptureService
    images: DeliveryImagesService
    preview: DeliveryImagePreview | None
    purge_timer: QTimer
    open_settings: Callable[[], SettingsDialog]


def _menu(window: QMainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == title:
            return menu
    return None


def install_capture(
    *,
    window: QMainWindow | None,
    intake_view: IntakeView,
    intake: IntakeService,
    engine: Any,
    runner: TaskRunner,
    paths: Paths,
    settings: Settings,
    demo: bool = False,
    camera: CameraSource | None = None,
    poll_ms: int | None = None,
) -> CaptureDesk:
    if isinstance(settings.centre_address, str):  # a hand-edited settings file: one string of lines
        settings.centre_address = [ln.strip() for ln in settings.centre_address.splitlines() if ln.strip()]
    if not isinstance(settings.centre_lines_state, dict):
        settings.centre_lines_state = {}
    try:
        retention = int(settings.image_retention_days)
    except (TypeError, ValueError):
        retention = 90
    settings.image_retention_days = retention
    service = CaptureService(intake, centre_lines_from(settings.centre_address, settings.centre_lines_state))
    controller = CaptureController(
        service,
        intake_view,
        runner,
        camera=camera or QtCameraSource(),
        watched_folder=settings.watched_folder,
        poll_ms=poll_ms,
    )
    images = DeliveryImagesService(engine)

    def save() -> None:
        if not demo:  # the demo workspace never writes the user's settings
            settings.save(paths)

    def learnt(state: dict[str, object]) -> None:
        settings.centre_lines_state = state
        save()

    controller.centre_learnt.connect(learnt)

    def purge() -> None:
        runner.submit(
            "images-purge",
            images.purge,
            int(settings.image_retention_days),
            on_error=lambda exc: log.error("Deleting old label images failed", exc_info=exc),
        )

    owner: QObject = window if window is not None else intake_view
    timer = QTimer(owner)
    timer.setInterval(PURGE_INTERVAL_HOURS * 3_600_000)
    timer.timeout.connect(purge)
    timer.start()
    QTimer.singleShot(0, purge)

    def open_settings() -> SettingsDialog:
        dialog = SettingsDialog(settings, parent=window or intake_view)

        def accepted() -> None:
            values = dialog.values()
            changed_folder = values.watched_folder != settings.watched_folder
            settings.centre_address = values.centre_address
            settings.watched_folder = values.watched_folder
            settings.image_retention_days = values.image_retention_days
            service.set_centre(centre_lines_from(values.centre_address, service.centre_state()))
            save()
            if changed_folder:
                controller.watch_folder(values.watched_folder)
            purge()

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    preview: DeliveryImagePreview | None = None
    if window is not None:
        preview = _install_window_parts(window, controller, images, runner, open_settings)
    return CaptureDesk(controller, service, images, preview, timer, open_settings)


def _install_window_parts(
    window: QMainWindow,
    controller: CaptureController,
    images: DeliveryImagesService,
    runner: TaskRunner,
    open_settings: Callable[[], SettingsDialog],
) -> DeliveryImagePreview:
    pages = getattr(window, "pages", None)

    def on_intake(slot: Callable[[], None]) -> Callable[[bool], None]:
        def run(_checked: bool = False) -> None:
            if pages is not None:
                pages.setCurrentWidget(controller.intake)
            slot()

        return run

    bar = window.menuBar()
    file_menu = QMenu("&File", window)
    entries: list[tuple[str, str, Callable[[], None]]] = [
        ("&Open image or PDF…", "Ctrl+O", controller.open_dialog),
        ("&Paste image", "Ctrl+V", controller.paste),
        ("&Camera: start, or take a photo", "F4  /  Space", controller.camera_key),
        ("&Next image in the capture queue", "F6", controller.next_item),
    ]
    for text, keys, slot in entries:
        # The keys themselves belong to the intake page (no ambiguity with text fields); the menu shows them and,
        # used from another page, goes to the intake page first.
        item = QAction(f"{text}\t{keys}", window)
        item.triggered.connect(on_intake(slot))
        file_menu.addAction(item)
    actions = bar.actions()
    if actions:
        bar.insertMenu(actions[0], file_menu)
    else:
        bar.addMenu(file_menu)
    desk_menu = _menu(window, "Desk")
    settings_action = QAction("&Settings…", window)
    settings_action.setStatusTip("This centre's address, the watched folder, how long label images are kept")
    settings_action.triggered.connect(lambda _c=False: open_settings())
    if desk_menu is not None and desk_menu.actions():
        quit_action = desk_menu.actions()[-1]
        desk_menu.insertAction(quit_action, settings_action)
        desk_menu.insertSeparator(quit_action)
    elif desk_menu is not None:
        desk_menu.addAction(settings_action)
    window.settings_action = settings_action  # type: ignore[attr-defined]

    preview = DeliveryImagePreview(images, runner)
    deliveries = getattr(window, "deliveries", None)
    if deliveries is not None:
        attach_to_deliveries(deliveries, deliveries.table, preview)

        def selection() -> None:
            rows = deliveries.selected_rows()
            preview.show_delivery(rows[0].delivery_id if len(rows) == 1 else None)

        def any_images(found: set[int]) -> None:
            preview.setVisible(bool(found))  # a list of typed deliveries keeps its full width

        def listed() -> None:
            selection()
            ids = [deliveries.model.row_at(r).delivery_id for r in range(deliveries.model.rowCount())]
            runner.submit("delivery-images-listed", images.with_images, ids, latest_only=True, on_result=any_images)

        preview.hide()
        deliveries.table.selectionModel().selectionChanged.connect(lambda *_a: selection())
        deliveries.model.modelReset.connect(listed)
    return preview
