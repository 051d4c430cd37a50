"""Opening the database: SQLite (default) or PostgreSQL, migrated to the newest schema on open.

SQLite: WAL, foreign keys on, a busy timeout, and the file created readable by its owner only (0600, the folder
0700). Write sessions start with BEGIN IMMEDIATE so two processes never dead-lock upgrading a read to a write;
`session_scope(engine, readonly=True)` uses a plain BEGIN for reads that must not wait for a writer.

Migrations are run with a programmatic Alembic configuration (no alembic.ini); the scripts are package data next
to this file, so the same code works from a source checkout, a wheel and a PyInstaller bundle (which must ship
app/store/migrations/ as data).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlmodel import Session

from app.errors import UserFacingError
from app.store.locks import database_lock, sqlite_file

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
_READONLY = "pigeonhole_readonly"


class DatabaseError(UserFacingError, RuntimeError):
    """The database cannot be opened; `user_message` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message, user_message=message)


class DatabaseUrlError(DatabaseError):
    """The database address cannot be read (a settings problem, not an outage). The message never repeats the
    address: it may hold a password."""


def parse_database_url(url: str) -> URL:
    """The parsed address, or DatabaseUrlError with a plain message."""
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        _ = parsed.port  # a port that is not a number fails here, not at connect time
    except Exception as exc:  # ArgumentError, ValueError: whatever SQLAlchemy makes of it
        log.warning("Unreadable database address (%s)", type(exc).__name__)
        raise DatabaseUrlError(
            "The database address (--db or PIGEONHOLE_DB) could not be read. It should look like "
            "sqlite:////path/to/pigeonhole.sqlite3 or postgresql+psycopg://user@host/database."
        ) from None
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(f"Unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://")
    return parsed


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def first_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    bases = script.get_bases()
    assert len(bases) == 1
    return bases[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _prepare_sqlite_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    try:
        os.chmod(path, 0o600)
    except OSError as exc:  # pragma: no cover - e.g. a file owned by someone else
        log.warning("Could not restrict permissions of %s: %s", path, exc)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get(_READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def create_database_engine(url: str) -> Engine:
    """An engine with Pigeonhole's connection settings, without migrating (tests use this to build old schemas)."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        db_file = sqlite_file(engine)
        if db_file is not None:
            _prepare_sqlite_file(db_file)
        _install_sqlite_hooks(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    raise DatabaseUrlError(
        f"Unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql+psycopg://"
    )


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to `revision` (one process at a time)."""
    with database_lock(engine, "migrate", wait=60.0), engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def open_database(url: str) -> Engine:
    """Open (creating if needed) and migrate the database at `url` to the newest schema."""
    safe = parse_database_url(url).render_as_string(hide_password=True)
    try:
        engine = create_database_engine(url)
        migrate(engine)
    except DatabaseError:
        raise
    except Exception as exc:
        log.exception("Could not open database %s", safe)
        raise DatabaseError(f"Could not open the database {safe}: {exc}") from exc
    return engine


class DatabaseMissing(DatabaseError):
    """A command that only reads was pointed at a database that does not exist (or holds no Pigeonhole data)."""


def open_existing_database(url: str) -> Engine:
    """Like `open_database`, but never creates one: a missing SQLite file, or a PostgreSQL database without
    Pigeonhole's tables, raises DatabaseMissing (for commands that only read: status, outbox, match). An address
    that cannot be read raises DatabaseUrlError, as `open_database` does."""
    parsed = parse_database_url(url)
    safe = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or not Path(database).is_file():
            raise DatabaseMissing(
                f"There is no Pigeonhole database at {database or safe} yet. Run `pigeonhole "
                "sync` (or open the desk) first."
            )
        return open_database(url)
    engine = create_database_engine(url)
    try:
        revision = current_revision(engine)
    except Exception as exc:
        engine.dispose()
        raise DatabaseError(f"Could not open the database {safe}: {exc}") from exc
    if revision is None:
        engine.dispose()
        raise DatabaseMissing(f"The database {safe} holds no Pigeonhole data yet. Run `pigeonhole sync` first.")
    engine.dispose()
    return open_database(url)


@contextmanager
def session_scope(engine: Engine, *, readonly: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on an exception.

    Objects stay readable after commit (expire_on_commit=False); store functions return plain dataclasses anyway.
    """
    bind = engine.execution_options(**{_READONLY: True}) if readonly else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
