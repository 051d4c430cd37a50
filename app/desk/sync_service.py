"""Sync for the desk: pull the directory, then send what is waiting; and the status the desk shows.

`SyncService.run(context, full=False)` runs on a background thread (the UI's TaskRunner, channel "sync"): it pulls
the directory (progress reported through `context.report(done, total)`, cancelled through `context.cancel`) and
then flushes the outbox. It returns a `SyncOutcome` with the pull's `SyncReport` (the desk hands it to the intake's
matching index) and the flush report. Being offline is not a bug: a `NetworkError` is recorded in the connection
watch (app.desk.connection: the status bar says "Offline") and re-raised for the caller to show in plain words.

`send_waiting(context, now=False)` only sends; `now=True` (the connection or a sign-in just came back) ignores the
entries' retry delays. `check(context)` is the reachability check the desk runs while offline (one small read).
The desk's sender caps an entry's retry delay at `SEND_BACKOFF_MAX` (30 s), so waiting work goes out within 30 s.

`status()` is cheap (one store query) and safe from any thread.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

import app.store as store
from app.desk.connection import ConnectionView, ConnectionWatch, Link
from app.nexudus.errors import AuthenticationError, NetworkError, NexudusError, ServerError
from app.nexudus.resources import Resource
from app.store.locks import LockBusyError
from app.sync.deliveries import pull_deliveries
from app.sync.directory import SyncReport, pull_directory
from app.sync.outbox import FlushReport, OutboxSender

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.nexudus.client import NexudusClient

log = logging.getLogger(__name__)

SEND_BACKOFF_MAX = 30.0  # seconds: the longest an entry waits between tries at the desk


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
    connection: ConnectionView | None = None  # from evidence (app.desk.connection); None: use `online`
    sign_in_refused: bool = False


@dataclass(frozen=True)
class DirectoryChanges:
    """What changed for the matching index (the shape `IntakeService.apply_sync_report` reads)."""

    changed_contract_ids: frozenset[int] = frozenset()
    removed_contract_ids: frozenset[int] = frozenset()
    changed_contact_ids: frozenset[int] = frozenset()
    removed_contact_ids: frozenset[int] = frozenset()

    @property
    def changed(self) -> bool:
        return bool(
            self.changed_contract_ids
            or self.removed_contract_ids
            or self.changed_contact_ids
            or self.removed_contact_ids
        )


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
        self,
        engine: Engine,
        client_factory: Callable[..., NexudusClient],
        *,
        online: bool | None = None,
        watch: ConnectionWatch | None = None,
    ) -> None:
        """`online`: what is already known (True right after a sync that the caller ran itself). `watch`: the
        connection evidence shared with the client factory (DeskConnection); a private one when not given."""
        self._engine = engine
        self._client_factory = client_factory
        self.watch = watch or ConnectionWatch()
        if online:
            self.watch.answered()
        self._lock = threading.Lock()
        self._problem = ""
        self._resumed_for = self.watch.sign_ins

    @property
    def online(self) -> bool | None:
        link = self.watch.link()
        return True if link is Link.ONLINE else False if link in (Link.OFFLINE, Link.SIGNED_OUT) else None

    def run(self, context: JobContext, full: bool = False, user_asked: bool = False) -> SyncOutcome:
        """Pull the directory, then send what is waiting (`user_asked`: someone pressed "Sync now", so entries
        waiting out a retry delay are tried at once, and sending paused by a refusal is tried once more). Raises
        NexudusError (user_message) when Nexudus cannot be reached or refuses the pull, LockBusyError when another
        sync holds this database."""
        try:
            with self._client_factory() as client:
                try:
                    report = pull_directory(
                        self._engine, client, full=full, progress=context.report, cancel=context.cancel
                    )
                except (LockBusyError, AuthenticationError):
                    raise  # the outbox would meet the same refusal (or another sync is sending it)
                except Exception as exc:
                    # What the desk recorded never waits on the directory: send it, then report the pull's failure.
                    log.warning("Directory pull failed (%s); sending the outbox anyway", type(exc).__name__)
                    self._flush_after_failed_pull(client, user_asked, context)
                    raise
                self._answered()
                if report.cancelled or context.cancel.is_set():
                    return SyncOutcome(report, None, cancelled=True)
                pull_deliveries(self._engine, client, full=full, cancel=context.cancel)
                flush = self._send(client, context, now=user_asked, resume=user_asked)
        except NexudusError as exc:
            self._failed(exc)
            raise
        self._remember_flush(flush)
        return SyncOutcome(report, flush, cancelled=context.cancel.is_set())

    def _flush_after_failed_pull(self, client: NexudusClient, user_asked: bool, context: JobContext) -> None:
        try:
            self._sender(client, user_asked).flush(cancel=context.cancel)
        except Exception:  # the pull's error is the one reported; this one is only logged
            log.warning("Sending the outbox after a failed pull failed too", exc_info=True)

    def send_waiting(self, context: JobContext, now: bool = False, resume: bool = False) -> SyncOutcome:
        """Only send what is waiting, without pulling the directory. `now`: ignore the entries' retry delays (the
        connection just came back); `resume`: lift a pause first (someone just signed in)."""
        try:
            with self._client_factory() as client:
                flush = self._send(client, context, now=now, resume=resume)
        except NexudusError as exc:
            self._failed(exc)
            raise
        self._remember_flush(flush)
        return SyncOutcome(None, flush, cancelled=context.cancel.is_set())

    def check(self, context: JobContext | None = None) -> bool:
        """The reachability check: one small read (the first location). True when Nexudus answered; False when it
        could not be reached. Raises AuthenticationError when the sign-in no longer works (shown to staff)."""
        try:
            with self._quick_client() as client:
                next(iter(client.iter_pages(Resource.BUSINESSES, size=1)), None)
        except AuthenticationError as exc:
            self._failed(exc)
            raise
        except NexudusError as exc:  # no answer, a 5xx, or an answer that cannot be read: not reachable yet
            self._failed(exc)
            return False
        self._answered()
        return True

    def status(self) -> DeskStatus:
        with store.session_scope(self._engine, readonly=True) as session:
            s = store.status_summary(session)
        with self._lock:
            problem = self._problem
        view = self.watch.view()
        return DeskStatus(
            online=self.online,
            last_sync=s.last_sync,
            pending=s.outbox_pending,
            failed=s.outbox_failed,
            paused=s.outbox_paused,
            problem=view.problem or problem,
            contracts=s.contracts,
            contacts=s.contacts,
            connection=view,
            sign_in_refused=view.link is Link.SIGNED_OUT,
        )

    def _send(self, client: NexudusClient, context: JobContext, *, now: bool, resume: bool) -> FlushReport:
        """Send what waits; a pause is lifted first when `resume` or when someone signed in since the last send."""
        sender = self._sender(client, now)
        if resume or self._signed_in_since_last_send():
            sender.resume()
        return sender.flush(cancel=context.cancel)

    def _sender(self, client: NexudusClient, now: bool) -> OutboxSender:
        # No waiting inside a desk flush (the desk tries again on its own timer, at most SEND_BACKOFF_MAX later);
        # "Sync now" and a connection that just came back ignore the retry delays.
        return OutboxSender(
            self._engine, client, inline_retries=0, backoff_max=SEND_BACKOFF_MAX, respect_backoff=not now
        )

    def _quick_client(self) -> NexudusClient:
        """One attempt, short timeouts, when the factory offers it (DeskSession/DeskConnection.new_client)."""
        try:
            quick = "quick" in inspect.signature(self._client_factory).parameters
        except (TypeError, ValueError):  # a callable without a readable signature
            quick = False
        return self._client_factory(quick=True) if quick else self._client_factory()

    def _signed_in_since_last_send(self) -> bool:
        """Someone signed in since the last send: credentials work again, so a pause is lifted (whichever send
        comes first after the sign-in)."""
        sign_ins = self.watch.sign_ins
        with self._lock:
            changed, self._resumed_for = sign_ins != self._resumed_for, sign_ins
        return changed

    def _answered(self) -> None:
        self.watch.answered()
        with self._lock:
            self._problem = ""

    def _failed(self, exc: NexudusError) -> None:
        if isinstance(exc, AuthenticationError):
            self.watch.refused(exc.user_message)
        elif isinstance(exc, NetworkError | ServerError):
            self.watch.failed(exc.user_message, exc.detail)
        with self._lock:
            self._problem = exc.user_message

    def _remember_flush(self, flush: FlushReport) -> None:
        if flush.paused:
            # Refused: a sign-in that no longer works, or a missing role. Only signing in again helps.
            self.watch.refused(flush.message)
        elif flush.stopped in ("network", "server"):
            self.watch.failed(flush.message)
        elif flush.sent:
            self.watch.accepted()
        elif flush.failed:
            self.watch.answered()
        with self._lock:
            self._problem = flush.message if flush.stopped not in ("", "waiting", "cancelled") else ""
