"""Locks that work across processes, released by the operating system when the holder dies.

- SQLite: an OS file lock on `<database>.<name>.lock` next to the database file (fcntl on POSIX, msvcrt on
  Windows). Every desk sharing a SQLite file is on the same computer, so a file lock is enough, and a process
  killed with SIGKILL never leaves a stale lock behind. The lock file is removed when the lock is let go (on
  POSIX), so none is left beside a database that is moved or deleted afterwards.
- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a dedicated connection; several
  desks on one database exclude each other, and the server releases it when the connection drops.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.errors import UserFacingError

log = logging.getLogger(__name__)


class LockBusyError(UserFacingError, RuntimeError):
    """Another process holds the lock."""

    def __init__(self, name: str) -> None:
        message = f"Another Pigeonhole is already doing this ({name}); try again when it has finished."
        super().__init__(message, user_message=message)
        self.name = name


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _try_file_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release_file_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_file_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release_file_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


@contextmanager
def _file_lock(path: Path, name: str, wait: float) -> Iterator[None]:
    """Hold an OS lock on the file at `path`; the file is removed when the lock is let go (a lock file is left
    behind only by a process that died holding it, and the next holder removes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire_file_lock(path, name, time.monotonic() + wait)
    try:
        yield
    finally:
        try:
            if sys.platform != "win32":  # Windows cannot remove an open file: the lock file stays there
                path.unlink(missing_ok=True)  # still held: whoever opened this file before finds it gone
        finally:
            _release_file_lock(fd)
            os.close(fd)


def _acquire_file_lock(path: Path, name: str, deadline: float) -> int:
    """The descriptor of `path`, locked. A lock won on a file the previous holder removed meanwhile (it was opened
    before the removal) does not count: another process may hold the new file at `path`, so try again there."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        locked = _try_file_lock(fd)
        if locked and _same_file(fd, path):
            return fd
        if locked:
            _release_file_lock(fd)
        os.close(fd)
        if time.monotonic() >= deadline:
            raise LockBusyError(name)
        if not locked:
            time.sleep(0.05)


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


@contextmanager
def _advisory_lock(engine: Engine, name: str, wait: float) -> Iterator[None]:
    key = zlib.crc32(f"pigeonhole:{name}".encode())
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + wait
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            if time.monotonic() >= deadline:
                raise LockBusyError(name)
            time.sleep(0.05)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


@contextmanager
def database_lock(engine: Engine, name: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the named lock for this database (all processes, all desks), waiting up to `wait` seconds."""
    db_file = sqlite_file(engine)
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name, wait):
            yield
    elif db_file is not None:
        with _file_lock(db_file.with_name(f"{db_file.name}.{name}.lock"), name, wait):
            yield
    else:  # in-memory SQLite: one process by definition
        yield
