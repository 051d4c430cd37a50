"""The cross-process locks of a SQLite database (app/store/locks.py): one holder at a time, and no lock file left
beside a database once nobody holds it (a database built under a temporary name and renamed left
`<name>.tmp.migrate.lock` behind)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store import open_database
from app.store.engine import create_database_engine, head_revision
from app.store.locks import LockBusyError, _same_file, _try_file_lock, database_lock

ROOT = Path(__file__).resolve().parents[2]
DESKS = 4
ROUNDS = 10


def test_opening_a_database_leaves_no_lock_file(tmp_path: Path) -> None:
    building = tmp_path / "cache" / "desk.sqlite3.tmp"
    engine = open_database(f"sqlite:///{building}")
    engine.dispose()
    building.rename(building.with_name("desk.sqlite3"))
    assert sorted(p.name for p in building.parent.iterdir()) == ["desk.sqlite3"]


def test_a_held_lock_refuses_another_holder_then_is_gone(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    lock_file = tmp_path / "desk.sqlite3.sync.lock"
    with database_lock(engine, "sync"):
        assert lock_file.exists()
        with pytest.raises(LockBusyError), database_lock(engine, "sync"):
            pass
    assert not lock_file.exists()
    with database_lock(engine, "sync"):  # free again
        pass
    engine.dispose()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows keeps the lock file (an open file cannot be removed)")
def test_a_lock_won_on_a_removed_lock_file_is_not_the_lock(tmp_path: Path) -> None:
    """A waiter opened the lock file just before the holder removed it: its OS lock on that file succeeds once the
    holder lets go, while a newcomer holds the new file; only the file at the path counts (`_same_file`)."""
    engine = create_database_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    lock_file = tmp_path / "desk.sqlite3.migrate.lock"
    with database_lock(engine, "migrate"):
        waiter = os.open(lock_file, os.O_RDWR)
    try:
        with database_lock(engine, "migrate"):  # the newcomer, on a new file
            assert _try_file_lock(waiter)  # the removed file is free: locking it proves nothing
            assert not _same_file(waiter, lock_file)
            with pytest.raises(LockBusyError), database_lock(engine, "migrate"):
                pass
    finally:
        os.close(waiter)
        engine.dispose()


def test_holders_never_overlap_while_lock_files_come_and_go(tmp_path: Path) -> None:
    """Threads hold separate descriptors, so they exclude each other as processes do. A waiter that opened the lock
    file just before the holder removed it must not count its lock on the removed file as the lock."""
    engine = create_database_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    inside = 0
    most = 0
    count = threading.Lock()
    errors: list[BaseException] = []

    def desk() -> None:
        nonlocal inside, most
        try:
            for _ in range(ROUNDS):
                with database_lock(engine, "migrate", wait=30.0):
                    with count:
                        inside += 1
                        most = max(most, inside)
                    (tmp_path / "work").write_text("x")  # a little work while holding it
                    with count:
                        inside -= 1
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=desk) for _ in range(DESKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    engine.dispose()
    assert not errors and not any(t.is_alive() for t in threads)
    assert most == 1
    assert not list(tmp_path.glob("*.lock"))


_START_DESK = """
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
sys.stdin.read()  # every desk is started, then released at once
from app.store import open_database
open_database(sys.argv[1]).dispose()
"""


def test_desks_starting_at_once_migrate_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", _START_DESK, url],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(DESKS)
    ]
    outputs = [desk.communicate(input="", timeout=120)[1] for desk in desks]
    assert [desk.returncode for desk in desks] == [0] * DESKS, outputs
    upgrades = [line for out in outputs for line in out.splitlines() if "Running upgrade" in line]
    engine = create_database_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()
    revisions = len(list((ROOT / "app" / "store" / "migrations" / "versions").glob("0*.py")))
    assert len(upgrades) == revisions, upgrades  # each revision ran once, in one of the desks
    assert not list(tmp_path.glob("*.lock"))
