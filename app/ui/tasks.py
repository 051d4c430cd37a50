"""The task runner: the only place in the GUI where threads start.

Background functions take and return plain values (never widgets, never live ORM objects). Results come back on
the GUI thread through a queued signal into a slot of the runner, which then calls the caller's callbacks.

Jobs are submitted on a *channel*. With ``latest_only=True`` (e.g. the matches for the addressee field) only the
newest job of the channel delivers its result; results of older jobs are dropped as stale.

``SyncTaskRunner`` has the same interface and runs jobs at once on the calling thread, for widget unit tests.

The pool has at least `MIN_THREADS` threads: jobs mostly wait on the network or the database, and with the default
(one per core, two on a small desk PC) a hand-over waited seconds behind a send and a check retrying a dead
connection.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]
ProgressCallback = Callable[[int, int], None]
MIN_THREADS = 8


@dataclass
class TaskContext:
    """Handed to a background function that asks for it (``with_context=True``)."""

    cancel: threading.Event = field(default_factory=threading.Event)
    report: ProgressCallback = lambda done, total: None

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()


@dataclass
class _Job:
    job_id: int
    channel: str
    latest_only: bool
    on_result: ResultCallback | None
    on_error: ErrorCallback | None
    on_progress: ProgressCallback | None
    context: TaskContext


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit its signals (queued across threads)."""

    done = Signal(int, object, object)  # job id, result, error
    progress = Signal(int, int, int)  # job id, done, total


class _Runnable(QRunnable):
    def __init__(self, relay: _Relay, job: _Job, fn: Callable[..., Any], args: tuple[Any, ...], with_context: bool):
        super().__init__()
        self.setAutoDelete(True)
        self._relay = relay
        self._job = job
        self._fn = fn
        self._args = args
        self._with_context = with_context

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._fn(self._job.context, *self._args) if self._with_context else self._fn(*self._args)
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            error = exc
        self._relay.done.emit(self._job.job_id, result, error)


class TaskRunner(QObject):
    """Runs plain functions on a QThreadPool and delivers results on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(
        self, pool: QThreadPool | None = None, parent: QObject | None = None, *, own_threads: int | None = None
    ) -> None:
        """`own_threads`: run on a pool of exactly that many threads of this runner's own (a long job, such as the
        capture's reading loop, that must not hold one of the shared pool's threads); otherwise on `pool` (the
        global pool by default), grown to at least MIN_THREADS."""
        super().__init__(parent)
        if own_threads is not None:
            self._pool = QThreadPool(self)
            self._pool.setMaxThreadCount(own_threads)
        else:
            self._pool = pool or QThreadPool.globalInstance()
            if self._pool.maxThreadCount() < MIN_THREADS:
                self._pool.setMaxThreadCount(MIN_THREADS)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.progress.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        self._latest: dict[str, int] = {}

    def submit(
        self,
        channel: str,
        fn: Callable[..., Any],
        *args: Any,
        on_result: ResultCallback | None = None,
        on_error: ErrorCallback | None = None,
        on_progress: ProgressCallback | None = None,
        latest_only: bool = False,
        with_context: bool = False,
    ) -> int:
        """Run ``fn(*args)`` (or ``fn(context, *args)`` with ``with_context``) in the background; returns the job id."""
        job = self._new_job(channel, latest_only, on_result, on_error, on_progress)
        self._start(job, fn, args, with_context)
        return job.job_id

    def cancel(self, channel: str) -> None:
        """Ask every running job of a channel to stop (functions check ``context.cancelled``)."""
        for job in self._jobs.values():
            if job.channel == channel:
                job.context.cancel.set()

    def is_busy(self, channel: str | None = None) -> bool:
        return any(channel is None or j.channel == channel for j in self._jobs.values())

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until every job finished (teardown, application exit)."""
        for job in self._jobs.values():
            job.context.cancel.set()
        return bool(self._pool.waitForDone(msecs))

    # -- internals ------------------------------------------------------------------------------------------

    def _start(self, job: _Job, fn: Callable[..., Any], args: tuple[Any, ...], with_context: bool) -> None:
        self._pool.start(_Runnable(self._relay, job, fn, args, with_context))

    def _new_job(
        self,
        channel: str,
        latest_only: bool,
        on_result: ResultCallback | None,
        on_error: ErrorCallback | None,
        on_progress: ProgressCallback | None,
    ) -> _Job:
        job_id = next(self._ids)
        relay = self._relay
        context = TaskContext(report=lambda done, total: relay.progress.emit(job_id, done, total))
        job = _Job(job_id, channel, latest_only, on_result, on_error, on_progress, context)
        was_idle = not self._jobs
        self._jobs[job_id] = job
        if latest_only:
            self._latest[channel] = job_id
        if was_idle:
            self.busy_changed.emit(True)
        return job

    def _is_stale(self, job: _Job) -> bool:
        return job.latest_only and self._latest.get(job.channel) != job.job_id

    @Slot(int, int, int)
    def _on_progress(self, job_id: int, done: int, total: int) -> None:
        job = self._jobs.get(job_id)
        if job is not None and job.on_progress is not None and not self._is_stale(job):
            job.on_progress(done, total)

    @Slot(int, object, object)
    def _on_done(self, job_id: int, result: Any, error: BaseException | None) -> None:
        job = self._jobs.pop(job_id, None)
        if not self._jobs:
            self.busy_changed.emit(False)
        if job is None or self._is_stale(job):
            return
        if error is None:
            if job.on_result is not None:
                job.on_result(result)
        elif job.on_error is not None:
            job.on_error(error)
        else:
            log.error("Background job %s on %r failed", job_id, job.channel, exc_info=error)


class SyncTaskRunner(TaskRunner):
    """Same interface, runs each job immediately on the calling thread (widget unit tests)."""

    def _start(self, job: _Job, fn: Callable[..., Any], args: tuple[Any, ...], with_context: bool) -> None:
        job.context.report = lambda done, total: self._on_progress(job.job_id, done, total)
        result: Any = None
        error: BaseException | None = None
        try:
            result = fn(job.context, *args) if with_context else fn(*args)
        except Exception as exc:
            error = exc
        self._on_done(job.job_id, result, error)
