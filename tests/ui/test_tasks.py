"""The task runner: results on the GUI thread, stale results dropped, errors delivered, progress reported."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.tasks import SyncTaskRunner, TaskContext, TaskRunner


def test_result_arrives_on_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[Any, bool]] = []
    worker_threads: list[bool] = []

    def work(x: int) -> int:
        worker_threads.append(QThread.currentThread() is QApplication.instance().thread())  # type: ignore[union-attr]
        return x * 2

    runner.submit("calc", work, 21, on_result=lambda r: seen.append((r, QThread.currentThread().isMainThread())))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, True)]
    assert worker_threads == [False]
    assert runner.wait_for_done()


def test_stale_results_are_dropped(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    results: list[str] = []

    def slow(text: str) -> str:
        gate.wait(5)
        return text

    runner.submit("match", slow, "old", on_result=results.append, latest_only=True)
    runner.submit("match", lambda t: t, "new", on_result=results.append, latest_only=True)
    qtbot.waitUntil(lambda: results == ["new"])
    gate.set()
    assert runner.wait_for_done()
    QCoreApplication.sendPostedEvents()  # deliver whatever the finished jobs queued (a stale result included)
    QCoreApplication.processEvents()
    assert results == ["new"]


def test_errors_and_progress_are_delivered(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []
    progress: list[tuple[int, int]] = []

    def failing(ctx: TaskContext) -> None:
        for i in range(3):
            ctx.report(i + 1, 3)
        raise ValueError("boom")

    runner.submit(
        "sync", failing, on_error=errors.append, on_progress=lambda d, t: progress.append((d, t)), with_context=True
    )
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert not runner.is_busy()


def test_cancel_reaches_the_function(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    out: list[str] = []

    def loop(ctx: TaskContext) -> str:
        started.set()
        while not ctx.cancel.wait(0.01):
            pass
        return "stopped"

    runner.submit("sync", loop, on_result=out.append, with_context=True)
    assert started.wait(5)
    runner.cancel("sync")
    qtbot.waitUntil(lambda: out == ["stopped"])


def test_sync_runner_runs_inline() -> None:
    runner = SyncTaskRunner()
    out: list[int] = []
    errs: list[BaseException] = []
    runner.submit("x", lambda: 5, on_result=out.append)
    runner.submit("x", lambda: 1 / 0, on_error=errs.append)
    assert out == [5]
    assert isinstance(errs[0], ZeroDivisionError)
