"""Label images kept with deliveries (issue 10): what the intake records with a delivery, what the deliveries list
shows, and the retention purge (images older than the setting's days are deleted; the deliveries stay)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine

from app.store import session_scope
from app.store.audit import utcnow
from app.store.images import StoredImage as StoredImage  # re-exported for the UI
from app.store.images import deliveries_with_images, delivery_image, purge_delivery_images

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
PURGE_INTERVAL_HOURS = 24


@dataclass(frozen=True, slots=True)
class LabelImage:
    """The prepared label image (LabelReading.display_jpeg) recorded with a delivery."""

    jpeg: bytes
    width: int
    height: int


class DeliveryImagesService:
    """Thread-safe: every call opens its own session."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def image(self, delivery_id: int) -> StoredImage | None:
        with session_scope(self._engine, readonly=True) as session:
            return delivery_image(session, delivery_id)

    def with_images(self, delivery_ids: list[int]) -> set[int]:
        with session_scope(self._engine, readonly=True) as session:
            return deliveries_with_images(session, delivery_ids)

    def purge(self, retention_days: int) -> int:
        """Delete images kept longer than `retention_days` (0 or less: keep them for ever); returns how many."""
        if retention_days <= 0:
            return 0
        cutoff = utcnow() - timedelta(days=retention_days)
        with session_scope(self._engine) as session:
            gone = purge_delivery_images(session, cutoff)
        if gone:
            log.info("Deleted %d label images older than %d days", gone, retention_days)
        return gone
