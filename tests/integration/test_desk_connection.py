"""Connection state from evidence (issue 11): "Online" only after Nexudus answered in the last minute, "Offline"
from the first failure until Nexudus answers again; the reachability check's backoff is capped (25 s). Real HTTP
to a sandbox that is stopped and restarted; a hand-moved clock for the minute and the backoff."""

from __future__ import annotations

from typing import Any

from app.config import Paths
from app.desk.connection import ConnectionWatch, DeskConnection, Link
from app.desk.sync_service import PlainContext, SyncService
from tests.support.clock import FakeClock
from tests.ui.desk_fixtures import contact_names, intake_for, record_parcel, signed_in_desk


def _desk(sandbox: Any, db_url: str, paths: Paths) -> tuple[Any, FakeClock, SyncService, Any]:
    desk = signed_in_desk(sandbox, db_url, paths)
    clock = FakeClock()
    connection = DeskConnection(desk.session, ConnectionWatch(clock=clock))
    return desk, clock, SyncService(desk.engine, connection.new_client, watch=connection.watch), connection


def test_offline_stays_until_nexudus_answers_and_online_needs_a_fresh_answer(
    sandbox: Any, db_url: str, pigeonhole_home: Paths
) -> None:
    desk, clock, sync, _ = _desk(sandbox, db_url, pigeonhole_home)
    assert sync.status().online is None, "nothing was asked of Nexudus by this desk yet"
    assert sync.check() is True
    assert sync.status().online is True

    intake = intake_for(desk.engine, desk.session)
    for name in contact_names(sandbox, 2):
        record_parcel(intake, name)
    sandbox.stop()
    outcome = sync.send_waiting(PlainContext())
    assert outcome.flush is not None and outcome.flush.stopped == "network"
    status = sync.status()
    assert status.online is False and status.pending == 2
    assert status.connection is not None and status.connection.link is Link.OFFLINE
    assert "cannot reach Nexudus" in status.problem

    # The entries now wait out their retry delay: a send makes no call. Before issue 11 this said "Online".
    clock.advance(1)
    again = sync.send_waiting(PlainContext())
    assert again.flush is not None and again.flush.sent == 0
    assert sync.status().online is False
    clock.advance(600)
    assert sync.status().online is False, "no answer came: still offline, however long"

    sandbox.restart()
    assert sync.check() is True
    assert sync.status().online is True
    clock.advance(59)
    assert sync.status().online is True
    clock.advance(2)  # the last answer is now more than a minute old: not claimed online any more
    assert sync.status().online is None
    assert sync.watch.check_due()


def test_reachability_check_backs_off_to_25_seconds(sandbox: Any, db_url: str, pigeonhole_home: Paths) -> None:
    _, clock, sync, _ = _desk(sandbox, db_url, pigeonhole_home)
    sandbox.stop()
    delays: list[float] = []
    for _ in range(8):
        assert sync.watch.check_due()
        assert sync.check() is False
        delay = sync.watch.retry_delay()
        delays.append(delay)
        clock.advance(delay - 0.5)
        assert not sync.watch.check_due(), "checked again before the backoff was over"
        clock.advance(0.5)
    assert delays == [1, 2, 4, 8, 16, 25, 25, 25]
    view = sync.watch.view()
    assert view.link is Link.OFFLINE and view.next_check_in == 0
    sandbox.restart()
    assert sync.check() is True
    assert sync.watch.retry_delay() == 0 and sync.watch.view().link is Link.ONLINE


def test_refused_sign_in_is_signed_out_until_someone_signs_in(
    sandbox: Any, db_url: str, pigeonhole_home: Paths
) -> None:
    desk, _, sync, connection = _desk(sandbox, db_url, pigeonhole_home)
    intake = intake_for(desk.engine, desk.session)
    record_parcel(intake, contact_names(sandbox, 1)[0])
    sandbox.auth.revoke()  # the sign-in expired (or an administrator signed everyone out)
    sandbox.token_expires_in = 0
    outcome = sync.send_waiting(PlainContext())
    assert outcome.flush is not None and outcome.flush.paused
    status = sync.status()
    assert status.sign_in_refused and status.connection is not None and status.connection.link is Link.SIGNED_OUT
    assert not sync.watch.check_due(), "checking cannot help a refused sign-in; only signing in does"
    assert status.pending == 1, "the work is kept"

    sandbox.token_expires_in = 3600
    from app.desk.session import SignInService, TokenVault

    fresh = SignInService(pigeonhole_home, desk.settings, vault=TokenVault(enabled=False)).sign_in(
        sandbox.url, desk.session.email, "sandbox"
    )
    connection.switch(fresh)
    assert sync.watch.view().link is Link.ONLINE
    sent = sync.send_waiting(PlainContext(), now=True, resume=True)
    assert sent.flush is not None and sent.flush.sent == 1 and sync.status().pending == 0
