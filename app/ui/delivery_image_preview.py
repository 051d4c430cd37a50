"""The label image of the selected delivery, beside the deliveries list (issue 10). Loaded on the task runner
(channel "delivery-image", latest only: moving quickly through the list shows only the last one)."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.desk.deliveries import desk_time
from app.desk.delivery_images import DeliveryImagesService, StoredImage
from app.ui.label_image import LabelImageView
from app.ui.tasks import TaskRunner
from app.ui.theme import emphasised

NONE_SELECTED = "Select a delivery to see its label image."
NO_IMAGE = "No label image for this delivery (typed, or deleted after the retention period)."


def _load(service: DeliveryImagesService, delivery_id: int) -> tuple[int, StoredImage | None, QImage]:
    stored = service.image(delivery_id)
    return delivery_id, stored, QImage.fromData(stored.jpeg) if stored is not None else QImage()


class DeliveryImagePreview(QWidget):
    def __init__(self, service: DeliveryImagesService, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Label image of the selected delivery")
        self._service = service
        self._runner = runner
        self.delivery_id: int | None = None
        title = QLabel("Label image")
        title.setFont(emphasised(self.font()))
        self.image_view = LabelImageView(NONE_SELECTED)
        self.caption = QLabel("")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.image_view, 1)
        layout.addWidget(self.caption)

    def show_delivery(self, delivery_id: int | None) -> None:
        self.delivery_id = delivery_id
        self.image_view.clear()
        self.caption.setText("")
        if delivery_id is None:
            self.image_view.set_placeholder(NONE_SELECTED)
            return
        self.image_view.set_placeholder("Loading…")
        self._runner.submit(
            "delivery-image", _load, self._service, delivery_id, latest_only=True, on_result=self._loaded
        )

    def _loaded(self, result: tuple[int, StoredImage | None, QImage]) -> None:
        delivery_id, stored, image = result
        if delivery_id != self.delivery_id:
            return
        if stored is None or image.isNull():
            self.image_view.set_placeholder(NO_IMAGE)
            return
        self.image_view.set_image(image)
        self.caption.setText(f"Kept with the delivery since {desk_time(stored.created_at)}.")


def attach_to_deliveries(view: QWidget, table: QWidget, preview: DeliveryImagePreview) -> None:
    """Put the preview to the right of the deliveries table (without touching the deliveries view's code)."""
    layout = view.layout()
    assert isinstance(layout, QVBoxLayout)
    index = layout.indexOf(table)
    layout.removeWidget(table)
    row = QHBoxLayout()
    row.addWidget(table, 3)
    row.addWidget(preview, 1)
    layout.insertLayout(index, row, 1)
