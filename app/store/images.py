"""Label images kept with deliveries: written in the delivery's own transaction, read for the deliveries list,
deleted after the retention period (the delivery stays)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from app.store.audit import utcnow
from app.store.errors import InvalidOperation
from app.store.tables import DeliveryImage

MAX_IMAGE_BYTES = 4_000_000  # a display JPEG (long side <= 1600 px) is a few hundred kB


@dataclass(frozen=True, slots=True)
class StoredImage:
    delivery_id: int
    jpeg: bytes
    width: int
    height: int
    created_at: datetime


def keep_delivery_image(session: Session, delivery_id: int, jpeg: bytes, width: int, height: int) -> None:
    """Keep the label image of a delivery just recorded in this session (same transaction)."""
    if not jpeg or jpeg[:2] != b"\xff\xd8":
        raise InvalidOperation("The label image is not a JPEG; the delivery was not recorded.")
    if len(jpeg) > MAX_IMAGE_BYTES:
        raise InvalidOperation("The label image is too large to keep; the delivery was not recorded.")
    session.add(
        DeliveryImage(delivery_row_id=delivery_id, jpeg=jpeg, width=int(width), height=int(height), created_at=utcnow())
    )
    session.flush()


def delivery_image(session: Session, delivery_id: int) -> StoredImage | None:
    row = session.exec(  # type: ignore[call-overload]
        select(DeliveryImage).where(DeliveryImage.delivery_row_id == delivery_id)  # type: ignore[arg-type]
    ).first()
    if row is None:
        return None
    image: DeliveryImage = row[0] if not isinstance(row, DeliveryImage) else row
    return StoredImage(delivery_id, bytes(image.jpeg), image.width, image.height, image.created_at)


_images = DeliveryImage.__table__.c  # type: ignore[attr-defined]


def deliveries_with_images(session: Session, delivery_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    ids = list(delivery_ids)
    for start in range(0, len(ids), 500):  # bounded IN lists on both engines
        chunk = ids[start : start + 500]
        rows = session.execute(select(_images.delivery_row_id).where(_images.delivery_row_id.in_(chunk)))
        found.update(int(r[0]) for r in rows)
    return found


def purge_delivery_images(session: Session, older_than: datetime) -> int:
    """Delete the images kept before `older_than` (UTC); returns how many went."""
    result: Any = session.execute(delete(DeliveryImage).where(_images.created_at < older_than))
    return int(result.rowcount or 0)
