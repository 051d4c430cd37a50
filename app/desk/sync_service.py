"""Sync for the desk: pull the directory, then send what is waiting; and the status the desk shows.

`SyncService.run(context, full=False)` runs on a background thread (the UI's TaskRunner, channel "sync"): it pulls
the directory (progress reported through `context.report(done, total)`, cancelled through `context.cancel`) and
then flushes the outbox. It returns a `SyncOutcome` with the pull's `SyncReport` (the desk hands it to the intake's
matching index) and the flush report. Being offline is not a bug: a `NetworkError` is remembered (the status bar
says "Offline") and re-raised for the caller to show in plain words.

`status()` is cheap (one store query) and safe from any thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

import app.store as store
from app.nexudus.errors import NetworkError, NexudusError
from app.sync.deliveries import pull_deliveries
from app.sync.directory import SyncReport, pull_directory
from app.sync.outbox import FlushReport, OutboxSender

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.nexudus.client import NexudusClient

log = logging.getLogger(__name__)


class JobContext(Protocol):
    """What a background job receives (app.ui.tasks.TaskContext satisfies it)."""

    @property
    def cancel(self) -> threading.Event: ...

    def report(self, done: int, total: int) -> None: ...


@dataclass
class PlainContext:
    """A JobContext for running a job on the calling thread (the demo's first sync, scripts, tests)."""

    cancel: threading.Event = field(default_factory=threading.Event)
    report: Callable[[int, int], None] = lambda done, total: None


@dataclass(frozen=True)
class DeskStatus:
    """Everything the status bar shows, as plain values."""

    online: bool | None  # None: not tried yet this run
    last_sync: datetime | None  # UTC
    pending: int
    failed: int
    paused: bool = False
    problem: str = ""  # plain words: why the last sync or send did not work
    contracts: int = 0
    contacts: int = 0


@dataclass(frozen=True)
class DirectoryChanges:
    """What changed for the matching index (the shape `IntakeService.apply_sync_report` reads)."""

    changed_contract_ids: frozenset[int] = frozenset()
    removed_contract_ids: frozenset[int] = frozenset()
    changed_contact_ids: frozenset[int] = frozenset()
    removed_contact_ids: frozenset[int] = frozenset()

    @property
    def changed(self) -> bool:
        return bool(self.changed_contract_ids or self.removed_contract_ids or self.changed_contact_ids
                    or self.removed_contact_ids)


@dataclass(frozen=True)
class SyncOutcome:
    report: SyncReport | None  # the directory pull (None for a send-only run)
    flush: FlushReport | None  # the outbox flush (None when the pull was cancelled)
    cancelled: bool = False

    @property
    def changes(self) -> DirectoryChanges:
        """Pull changes plus recipients Nexudus just accepted (their id changes from -local id to Nexudus Id)."""
        r = self.report
        accepted = self.flush.contact_ids if self.flush is not None else {}
        return DirectoryChanges(
            changed_contract_ids=frozenset(r.changed_contract_ids) if r else frozenset(),
            removed_contract_ids=frozenset(r.removed_contract_ids) if r else frozenset(),
            changed_contact_ids=(frozenset(r.changed_contact_ids) if r else frozenset()) | set(accepted.values()),
            removed_contact_ids=(frozenset(r.removed_contact_ids) if r else frozenset()) | set(accepted),
        )


def describe_last_sync(last: datetime | None, now: datetime | None = None) -> str:
    """'Synced just now' / 'Synced 2 min ago' / 'Synced 3 h ago' / 'Synced on 4 Mar' / 'Not synced yet'."""
    if last is None:
        return "Not synced yet"
    if last.tzinfo is not None:
        last = last.astimezone(UTC).replace(tzinfo=None)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    seconds = max(0, int((now - last).total_seconds()))
    if seconds < 60:
        return "Synced just now"
    if seconds < 3600:
        return f"Synced {seconds // 60} min ago"
    if seconds < 86400:
        return f"Synced {seconds // 3600} h ago"
    return f"Synced on {last.day} {last.strftime('%b')}"


class SyncService:
    def __init__(
        self, engine: Engine, client_factory: Callable[[], NexudusClient], *, online: bool | None = None
    ) -> None:
        """`online`: what is already known (True right after a sync that the caller ran itself)."""
        self._engine = engine
        self._client_factory = client_factory
        self._lock = threading.Lock()
        self._online: bool | None = online
        self._problem = ""

    @property
    def online(self) -> bool | None:
        return self._online

    def run(self, context: JobContext, full: bool = False, user_asked: bool = False) -> SyncOutcome:
        """Pull the directory, then send what is waiting (`user_asked`: someone pressed "Sync now", so entries
        waiting out a retry delay are tried at once). Raises NexudusError (user_message) when Nexudus
        cannot be reached or refuses the pull, LockBusyError when another sync holds this database."""
        try:
            with self._client_factory() as client:
                report = pull_directory(self._engine, client, full=full, progress=context.report,
                                        cancel=context.cancel)
                if report.cancelled or context.cancel.is_set():
                    self._remember(True, "")
                    return SyncOutcome(report, None, cancelled=True)
                pull_deliveries(self._engine, client, full=full, cancel=context.cancel)
                flush = self._sender(client, user_asked).flush(cancel=context.cancel)
        except NetworkError as exc:
            self._remember(False, exc.user_message)
            raise
        except NexudusError as exc:
            self._remember(True, exc.user_message)
            raise
        self._remember_flush(flush)
        return SyncOutcome(report, flush, cancelled=context.cancel.is_set())

    def send_waiting(self, context: JobContext) -> SyncOutcome:
        """Only send what is waiting (right after something was recorded), without pulling the directory."""
        try:
            with self._client_factory() as client:
                flush = self._sender(client, False).flush(cancel=context.cancel)
        except NetworkError as exc:
            self._remember(False, exc.user_message)
            raise
        self._remember_flush(flush)
        return SyncOutcome(None, flush, cancelled=context.cancel.is_set())

    def status(self) -> DeskStatus:
        with store.session_scope(self._engine, readonly=True) as session:
            s = store.status_summary(session)
        with self._lock:
            online, problem = self._online, self._problem
        return DeskStatus(
            online=online,
            last_sync=s.last_sync,
            pending=s.outbox_pending,
            failed=s.outbox_failed,
            paused=s.outbox_paused,
            problem=problem,
            contracts=s.contracts,
            contacts=s.contacts,
        )

    def _sender(self, client: NexudusClient, user_asked: bool) -> OutboxSender:
        # No waiting inside a desk flush (the timer tries again later); "Sync now" ignores the retry delays.
        return OutboxSender(self._engine, client, inline_retries=0, respect_backoff=not user_asked)

    def _remember_flush(self, flush: FlushReport) -> None:
        if flush.stopped == "network":
            self._remember(False, flush.message)
        elif flush.paused or flush.stopped in ("throttled", "server"):
            self._remember(True, flush.message)
        else:
            self._remember(True, "")

    def _remember(self, online: bool, problem: str) -> None:
        with self._lock:
            self._online = online
            self._problem = problem
