"""Benchmark: typing stays responsive while a 100,000-contact sync runs in the background, and candidates still
update (was tests/ui/test_main_responsive.py; a wall-clock assert, so out of the default run).

    .venv/bin/python -m pytest tests/bench/bench_typing_during_sync.py -s

The desk's database is first synced from a small sandbox (so the matching index has names to find); then a full
sync of a ~100,000-contact directory from a second sandbox runs on the task runner, into the same database, while
QTest types a name into the intake's addressee field. For each keystroke we measure how long the GUI thread takes
to deliver it and process what it queued (the event-loop turnaround). Baseline: the same name typed before the sync
starts, in the same run; the ratio of the p95s is printed. Targets: p95 < 100 ms and worst < 300 ms during the sync.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import Paths
from app.desk.session import DEMO_ADMIN, SignInService, TokenVault
from app.desk.sync_service import SyncOutcome, SyncService
from app.ui.main import build_main_window
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import contact_names, signed_in_desk

BIG_CONTRACTS = 22_000  # about 100,000 contacts with the generator's 4-5 per contract
TURNAROUND_LIMIT_S = 0.100


def _type(qtbot: QtBot, field: Any, text: str) -> list[float]:
    """Type `text` key by key; the event-loop turnaround of each keystroke, in seconds."""
    turnarounds: list[float] = []
    for ch in text:
        started = time.perf_counter()
        qtbot.keyClicks(field, ch)
        turned: list[float] = []  # a zero-timer fires once the event loop has handled everything queued before it
        QTimer.singleShot(0, lambda t=turned: t.append(time.perf_counter()))
        while not turned:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        turnarounds.append(turned[0] - started)
        qtbot.wait(15)  # typing speed of a fast typist; lets match jobs come back
    return turnarounds


@pytest.mark.slow
def test_typing_stays_responsive_during_a_big_sync(
    qtbot: QtBot, sandbox: Any, sandbox_factory: Any, sqlite_url: str, pigeonhole_home: Paths
) -> None:
    desk = signed_in_desk(sandbox, sqlite_url, pigeonhole_home)
    big = sandbox_factory(seed=8, contracts=BIG_CONTRACTS)
    contacts = big.state.count("ContractContact")
    assert contacts >= 95_000
    big_session = SignInService(pigeonhole_home, desk.settings, vault=TokenVault(enabled=False)).sign_in(
        big.url, *DEMO_ADMIN
    )
    big_sync = SyncService(desk.engine, big_session.new_client)

    runner = TaskRunner()
    built = build_main_window(
        engine=desk.engine, session=desk.session, runner=runner, paths=pigeonhole_home, settings=desk.settings
    )
    window = built.window
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    intake: Any = window.intake
    qtbot.waitUntil(lambda: built.matching.is_loaded, timeout=20_000)
    target = contact_names(sandbox, 1)[0]
    intake.addressee.setFocus()
    baseline = _type(qtbot, intake.addressee, target)
    intake.addressee.clear()

    done: list[object] = []
    progress: list[int] = []
    runner.submit(
        "sync",
        big_sync.run,
        True,
        with_context=True,
        on_result=done.append,
        on_error=done.append,
        on_progress=lambda d, _t: progress.append(d),
    )
    qtbot.waitUntil(lambda: len(progress) > 2, timeout=30_000)  # the big sync is under way

    intake.addressee.setFocus()
    turnarounds = _type(qtbot, intake.addressee, target)
    qtbot.waitUntil(
        lambda: (
            intake.match_view is not None
            and intake.match_view.text.strip() == target
            and any(c.name == target for c in intake.match_view.candidates)
        ),
        timeout=10_000,
    )
    still_syncing = not done
    assert intake.addressee.toPlainText() == target

    worst, p95 = max(turnarounds), statistics.quantiles(turnarounds, n=20)[-1]
    base_p95 = statistics.quantiles(baseline, n=20)[-1]
    print(
        f"\n{len(turnarounds)} keystrokes during a {contacts}-contact sync: median "
        f"{statistics.median(turnarounds) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, worst {worst * 1000:.1f} ms; "
        f"sync still running when candidates showed: {still_syncing}; before the sync p95 "
        f"{base_p95 * 1000:.1f} ms, ratio {p95 / base_p95:.2f}"
    )
    assert still_syncing, "the sync finished before we typed: the test measured nothing"
    assert p95 < TURNAROUND_LIMIT_S and worst < 3 * TURNAROUND_LIMIT_S

    runner.cancel("sync")
    qtbot.waitUntil(lambda: bool(done), timeout=120_000)
    assert isinstance(done[0], SyncOutcome)
    window.close()
    runner.wait_for_done()
