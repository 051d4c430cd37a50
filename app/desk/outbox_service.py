"""What is waiting to be sent to Nexudus, and what Nexudus refused: list, retry, discard.

Editing a refused new recipient is done in the intake's register dialog (it resubmits through
`RegisterService.resubmit`); this service only says which entries can be edited that way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import app.store as store
from app.store.records import OutboxRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

STATE_LABELS = {
    "pending": "Waiting to send",
    "sending": "Sending…",
    "failed": "Needs attention",
    "paused": "Paused — sign in again",
    "sent": "Sent",
    "discarded": "Discarded",
}

KIND_LABELS = {
    "create_contact": "New recipient",
    "create_delivery": "Delivery",
    "collect_deliveries": "Hand-over",
    "void_delivery": "Voided delivery",
}


def state_label(row: OutboxRow) -> str:
    return STATE_LABELS.get(row.state, row.state)


def kind_label(row: OutboxRow) -> str:
    return KIND_LABELS.get(row.kind, row.kind)


def problem_text(row: OutboxRow) -> str:
    """The server's refusal in one line: per-field messages first, else the last error."""
    parts = [f"{field or 'Record'}: {'; '.join(msgs)}" for field, msgs in row.field_errors.items() if msgs]
    return " · ".join(parts) or row.last_error


def can_edit(row: OutboxRow) -> bool:
    """A refused new recipient can be corrected and sent again."""
    return row.kind == "create_contact" and row.state == "failed"


def can_retry(row: OutboxRow) -> bool:
    return row.state in ("failed", "paused", "pending")


class OutboxService:
    def __init__(self, engine: Engine, actor: str) -> None:
        self._engine = engine
        self.actor = actor

    def list(self) -> list[OutboxRow]:
        with store.session_scope(self._engine, readonly=True) as session:
            return list(store.list_outbox(session))

    def retry(self, outbox_id: int) -> None:
        with store.session_scope(self._engine) as session:
            store.retry_outbox_entry(session, outbox_id, self.actor)

    def discard(self, outbox_id: int) -> None:
        with store.session_scope(self._engine) as session:
            store.discard_outbox_entry(session, outbox_id, self.actor)
