"""Label images kept with deliveries (issue 10): recorded in the delivery's transaction, read back, purged after the
retention period (SQLite and PostgreSQL, over a directory synced from the sandbox)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import Engine

from app.desk.delivery_images import DeliveryImagesService, LabelImage
from app.desk.intake import IntakeDraft, IntakeService
from app.desk.matching_service import MatchingService
from app.sandbox.server import SandboxServer
from app.store import InvalidOperation, list_deliveries, session_scope
from app.store.audit import utcnow
from app.store.tables import DeliveryImage
from tests.support.desk_label_image import encode, label_image
from tests.unit.test_desk_intake_directory import BUSINESS_ID, directory, synced_engine

ACTOR = "desk@centre.test"


@pytest.fixture
def engine(db_url: str, sandbox_factory: Any) -> Iterator[Engine]:
    srv: SandboxServer = sandbox_factory(data=directory())
    eng = synced_engine(db_url, srv)
    yield eng
    eng.dispose()


def _jpeg() -> LabelImage:
    image = label_image(["Jane Doe", "Acme Trading Ltd"], size=(800, 533))
    return LabelImage(encode(image, "JPEG", quality=80), 800, 533)


def _draft(intake: IntakeService, image: LabelImage | None) -> IntakeDraft:
    view = intake.match("Jane Doe")
    return IntakeDraft(
        candidate=view.candidates[0], label_text="Jane Doe", shelf="B2", decision=view.decision, image=image
    )


def test_image_recorded_with_the_delivery_and_purged_after_retention(engine: Engine) -> None:
    intake = IntakeService(engine, MatchingService(engine), ACTOR, BUSINESS_ID)
    images = DeliveryImagesService(engine)
    kept = _jpeg()
    with_image = intake.record(_draft(intake, kept))
    without = intake.record(_draft(intake, None))
    stored = images.image(with_image)
    assert stored is not None and stored.jpeg == kept.jpeg and (stored.width, stored.height) == (800, 533)
    assert images.image(without) is None
    assert images.with_images([with_image, without]) == {with_image}

    assert images.purge(90) == 0  # a fresh image stays
    with session_scope(engine) as session:  # as if it were kept 91 days ago
        session.execute(update(DeliveryImage).values(created_at=utcnow() - timedelta(days=91)))
    assert images.purge(0) == 0  # 0: keep for ever
    assert images.purge(90) == 1
    assert images.image(with_image) is None
    with session_scope(engine) as session:  # the deliveries themselves stay
        ids = {r.delivery_id for r in list_deliveries(session, "today")}
    assert {with_image, without} <= ids


def test_a_bad_image_records_nothing(engine: Engine) -> None:
    intake = IntakeService(engine, MatchingService(engine), ACTOR, BUSINESS_ID)
    with session_scope(engine) as session:
        before = session.execute(text("SELECT COUNT(*) FROM deliveries")).scalar()
    with pytest.raises(InvalidOperation):
        intake.record(_draft(intake, LabelImage(b"not a jpeg", 1, 1)))
    with session_scope(engine) as session:
        assert session.execute(text("SELECT COUNT(*) FROM deliveries")).scalar() == before
        assert session.execute(text("SELECT COUNT(*) FROM outbox")).scalar() == 0
        assert session.execute(text("SELECT COUNT(*) FROM delivery_images")).scalar() == 0
