"""Pull deliveries from Nexudus (incrementally, `from_CoworkerDelivery_UpdatedOn`), so items recorded, collected
or changed elsewhere (NexDelivery, the admin panel) appear on the desk. Runs with the directory pull (after it, so
recipients are known) and before the outbox flush.

- The first pull reads every delivery; later pulls read those updated since the last completed pull's largest
  UpdatedOn minus the directory's overlap (app.sync.directory.OVERLAP). INFERRED: deletions of deliveries in
  Nexudus are not reconciled (they are invisible to the filter); the desk keeps its log.
- Each page is written in its own transaction; the mark moves only when the pull completes.
- What each record means for the desk (new, the desk's own by SystemId, outcomes taken, conflicts) is decided in
  app.store.pulled_deliveries.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from app.nexudus.client import NexudusClient
from app.nexudus.resources import MAX_PAGE_SIZE, Resource
from app.nexudus.schemas import CoworkerDelivery
from app.store.directory import read_sync_state, write_sync_state
from app.store.engine import session_scope
from app.store.pulled_deliveries import apply_pulled_delivery
from app.sync.directory import OVERLAP

log = logging.getLogger(__name__)

STATE = Resource.COWORKER_DELIVERIES.name


@dataclass(frozen=True)
class DeliveryPullReport:
    received: int
    created: int
    adopted: int
    changed: int  # outcomes taken from Nexudus
    conflicts: int
    cancelled: bool = False

    def summary(self) -> str:
        return (
            f"deliveries: {self.received} received, {self.created} new from Nexudus, {self.changed} changed "
            f"there, {self.conflicts} conflicts"
        )


def pull_deliveries(
    engine: Engine,
    client: NexudusClient,
    *,
    full: bool = False,
    cancel: threading.Event | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> DeliveryPullReport:
    with engine.connect() as conn:
        state = read_sync_state(conn, STATE)
    since = None if full or state.high_water is None else state.high_water - OVERLAP
    received = created = adopted = changed = conflicts = 0
    high: datetime | None = None
    cancelled = False
    for page in client.iter_pages(Resource.COWORKER_DELIVERIES, updated_since=since, size=page_size):
        records = [CoworkerDelivery.model_validate(r) for r in page.records]
        with session_scope(engine) as session:
            for rec in records:
                result = apply_pulled_delivery(session, rec)
                received += 1
                created += result.created
                adopted += result.adopted
                changed += bool(result.outcomes)
                conflicts += result.conflicts
                if rec.updated_on is not None and (high is None or rec.updated_on > high):
                    high = rec.updated_on
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
    if not cancelled:
        with engine.begin() as conn:
            values: dict[str, object] = {"last_run_at": datetime.now(UTC), "last_status": "ok"}
            if high is not None:
                values["high_water"] = high.replace(tzinfo=UTC)
            if since is None:
                values["last_full_sync"] = datetime.now(UTC)
            write_sync_state(conn, STATE, **values)
    report = DeliveryPullReport(received, created, adopted, changed, conflicts, cancelled)
    log.info("%s", report.summary())
    return report
