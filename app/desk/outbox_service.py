"""What is waiting to be sent to Nexudus, and what Nexudus refused: list, retry, discard.

Editing a refused new recipient is done in the intake's register dialog (it resubmits through
`RegisterService.resubmit`); this service only says which entries can be edited that way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import app.store as store
from app.nexudus.refusals import entry_problem
from app.store import outbox as store_outbox
from app.store.errors import RecordNotFound
from app.store.locks import database_lock
from app.store.records import OutboxRow
from app.store.writes import may_be_on_server
from app.sync.outbox import LOCK_NAME, delete_server_copy, find_server_copy

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.nexudus.client import NexudusClient

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
    """Why the entry is not in Nexudus yet, in one line (refusals.entry_problem)."""
    return entry_problem(row.field_errors, row.last_error)


def can_edit(row: OutboxRow) -> bool:
    """A refused new recipient can be corrected and sent again."""
    return row.kind == "create_contact" and row.state == "failed"


def can_retry(row: OutboxRow) -> bool:
    return row.state in ("failed", "paused", "pending")


def needs_server_check(row: OutboxRow) -> bool:
    """Nexudus may already have what this entry creates (a send without a clear answer): before it can be
    discarded, Nexudus is asked (OutboxService.check_server), and staff choose between the true options."""
    return may_be_on_server(row.kind, row.state, row.outcome_unknown)


@dataclass(frozen=True)
class ServerCheck:
    outbox_id: int
    server_id: int | None  # the record Nexudus has, found by the entry's marker; None: Nexudus does not have it


class OutboxService:
    def __init__(self, engine: Engine, actor: str, client_factory: Callable[[], NexudusClient] | None = None) -> None:
        self._engine = engine
        self.actor = actor
        self._client_factory = client_factory

    # -- an entry whose outcome is unknown: ask Nexudus, then keep its copy or delete it there ----------------

    def check_server(self, outbox_id: int) -> ServerCheck:
        """Ask Nexudus whether it has the record this entry creates (by its SystemId marker). NexudusError when
        Nexudus cannot be asked."""
        entry = self._entry(outbox_id)
        with self._client() as client:
            return ServerCheck(outbox_id, find_server_copy(client, entry))

    def keep_server_copy(self, outbox_id: int) -> ServerCheck:
        """Nexudus has it: the entry is done (sent), and the local record takes the server's Id. If Nexudus turns
        out not to have it after all, the entry is discarded: it was never received."""
        with database_lock(self._engine, LOCK_NAME, wait=10.0), self._client() as client:
            entry = self._entry(outbox_id)
            server_id = find_server_copy(client, entry)
            if server_id is None:
                self._discard(outbox_id, absent_on_server=True)
            else:
                with self._engine.begin() as conn:
                    store_outbox.mark_sent(conn, entry, server_id)
        return ServerCheck(outbox_id, server_id)

    def delete_server_copy(self, outbox_id: int) -> ServerCheck:
        """Delete the record in Nexudus (if it has it), then discard the entry: now it truly never arrived."""
        with database_lock(self._engine, LOCK_NAME, wait=10.0), self._client() as client:
            entry = self._entry(outbox_id)
            server_id = find_server_copy(client, entry)
            if server_id is not None:
                delete_server_copy(client, entry, server_id)
            self._discard(outbox_id, absent_on_server=True)
        return ServerCheck(outbox_id, server_id)

    def _entry(self, outbox_id: int) -> store_outbox.QueuedEntry:
        with self._engine.connect() as conn:
            entry = store_outbox.entry_by_id(conn, outbox_id)
        if entry is None:
            raise RecordNotFound(f"Outbox entry {outbox_id} does not exist.")
        return entry

    def _client(self) -> NexudusClient:
        if self._client_factory is None:
            raise RuntimeError("this OutboxService was built without a Nexudus client")
        return self._client_factory()

    def _discard(self, outbox_id: int, *, absent_on_server: bool) -> None:
        with store.session_scope(self._engine) as session:
            store.discard_outbox_entry(session, outbox_id, self.actor, absent_on_server=absent_on_server)

    def list(self) -> list[OutboxRow]:
        with store.session_scope(self._engine, readonly=True) as session:
            return list(store.list_outbox(session))

    def retry(self, outbox_id: int) -> None:
        with store.session_scope(self._engine) as session:
            store.retry_outbox_entry(session, outbox_id, self.actor)

    def discard(self, outbox_id: int) -> None:
        with store.session_scope(self._engine) as session:
            store.discard_outbox_entry(session, outbox_id, self.actor)
