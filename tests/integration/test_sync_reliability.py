"""Reliability of the directory pull, on SQLite and PostgreSQL:
- under fault injection (500s, 503s, timeouts, dropped connections, truncated JSON, throttling) a sync ends with
  the same database content as a clean sync;
- the `pigeonhole sync` process killed with SIGKILL at many points, then re-run, ends consistent, no duplicates.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.nexudus import errors
from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import open_database
from app.store.directory import local_server_ids
from app.store.tables import contacts_table
from app.sync import pull_directory
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import cli, cli_popen, client_for, directory, dump_directory, server_ids
from tests.support.waiting import wait_until

FAULTS = "seed=5,500=0.06,503=0.06,throttle=0.05,slow=0.04,drop=0.05,truncate=0.05,slow_seconds=1.5,retry_after=0"


def _clean_copy(
    srv: SandboxServer, tmp_path: Path, name: str, page_size: int = 1000
) -> dict[str, list[tuple[object, ...]]]:
    clean = open_database(f"sqlite:///{tmp_path / name}")
    with client_for(srv) as client:
        pull_directory(clean, client, page_size=page_size)
    return dump_directory(clean)


def test_sync_under_faults_matches_a_clean_sync(sandbox_factory: SandboxFactory, db_url: str, tmp_path: Path) -> None:
    srv = sandbox_factory(data=directory(21, 250))
    before = srv.request_count()
    expected = _clean_copy(srv, tmp_path, "clean.sqlite3", page_size=40)
    clean_requests = srv.request_count() - before
    engine = open_database(db_url)
    srv.set_faults(FAULTS)
    before = srv.request_count()
    attempts = 0
    with client_for(srv, timeout=(1, 1), max_read_retries=6) as client:
        while True:  # a sync that gives up (too many faults in a row) is simply run again, as the desk would
            attempts += 1
            try:
                pull_directory(engine, client, full=attempts == 1, page_size=40)
                break
            except errors.NexudusError:
                assert attempts < 10
    srv.set_faults(None)
    assert srv.request_count() - before > clean_requests + 5  # faults made the client retry
    assert dump_directory(engine) == expected


@pytest.mark.slow
def test_sync_killed_at_many_points_converges(sandbox_factory: SandboxFactory, db_url: str, tmp_path: Path) -> None:
    srv = sandbox_factory(data=directory(23, 900))
    kills = 0
    # kill after the server has seen N requests from this run, or after S seconds; `sync --full` every time so
    # each run has many pages (deletion reconciliation included) to be killed in
    # (a full sync of this directory makes 9 requests; request-count points are independent of machine load, so
    # they come twice — the second time the run starts from what the first left behind — and time points add more)
    points: list[tuple[str, float]] = [("req", float(n)) for n in (2, 3, 4, 5, 6, 7, 8)] * 2
    points += [("sec", s) for s in (0.4, 0.8, 1.2, 1.6, 2.0, 2.4, 2.8)]
    for attempt, (kind, at) in enumerate(points):
        if kills >= 14:
            break
        if attempt == 6:  # the directory moves on between runs: changes and deletions mid-way
            ids = sorted(server_ids(srv, Resource.CONTRACT_CONTACTS))
            for contact_id in ids[::97]:
                srv.state.update_record(Resource.CONTRACT_CONTACTS, contact_id, {"Notes": "moved on"})
            for contact_id in ids[5:12]:
                srv.state.delete_record(Resource.CONTRACT_CONTACTS, contact_id)
        start_count = srv.request_count()
        started = time.monotonic()
        proc = cli_popen(srv, db_url, "sync", "--full")

        def due(
            kind: str = kind,
            at: float = at,
            started: float = started,
            start_count: int = start_count,
            proc: subprocess.Popen[str] = proc,
        ) -> bool:
            elapsed = time.monotonic() - started
            seen = srv.request_count() - start_count
            return proc.poll() is not None or (kind == "req" and seen >= at) or (kind == "sec" and elapsed >= at)

        wait_until(due, timeout=120, interval=0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        proc.stdout and proc.stdout.close()
        proc.stderr and proc.stderr.close()
    assert kills >= 10

    done = cli(srv, db_url, "sync")
    assert done.returncode == 0, done.stderr
    engine = open_database(db_url)
    with engine.connect() as conn:
        held = local_server_ids(conn, Resource.CONTRACT_CONTACTS)
        rows = conn.execute(select(func.count()).select_from(contacts_table)).scalar()
        distinct = conn.execute(select(func.count(func.distinct(contacts_table.c.nexudus_id)))).scalar()
    assert held == server_ids(srv, Resource.CONTRACT_CONTACTS)
    assert rows == distinct == len(held)  # no duplicates, nothing extra
    assert dump_directory(engine) == _clean_copy(srv, tmp_path, "reference.sqlite3")
