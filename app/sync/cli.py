"""Headless commands: `pigeonhole sync [--full]`, `status [--json]`, `outbox [list | retry ID | discard ID]`.

Connection settings come from app.config (settings file, then PIGEONHOLE_API_URL / _USERNAME / _PASSWORD / _TOTP);
the database from `--db`, PIGEONHOLE_DB or the settings. `sync` signs in with the password grant on every run.

Exit codes: 0 done; 1 a data problem: Nexudus sent records or answers Pigeonhole could not read (the readable
rest was synced and the outbox sent; details in the log), or an unexpected error (logged with its traceback, a
one-line message here); 2 bad usage or settings (a plain http:// address to another computer, a redirect to
another address, an unreadable --db address, missing credentials); 3 cannot reach Nexudus (network, server
trouble, throttled: try again later); 4 sign-in refused; 5 another sync is running; 6 the outbox has entries
refused by the server (needs attention); 7 the database cannot be opened, or (status, outbox) there is no
database yet: the commands that only read never create one (nor the settings file). Never a traceback on the
terminal.

`sync` sends the outbox even when the directory pull failed (a bad answer, an outage mid-pull): what the desk
recorded never waits on the directory.

`pigeonhole --demo status|outbox|sync` work on the demo workspace (app.cli passes its database and, for sync, the
demo sandbox's address and administrator as `connection`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from typing import Any, TextIO

from sqlalchemy.engine import Engine

from app.config import Connection, Paths, Settings, resolve_connection, resolve_db_url, setup_logging
from app.nexudus import errors
from app.nexudus.client import InsecureConnectionError, NexudusClient
from app.nexudus.refusals import entry_problem
from app.store import engine as store_engine
from app.store import queries, writes
from app.store.errors import StoreError
from app.store.locks import LockBusyError
from app.sync.deliveries import pull_deliveries
from app.sync.directory import pull_directory
from app.sync.outbox import OutboxSender

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_OFFLINE, EXIT_AUTH, EXIT_BUSY, EXIT_NEEDS_ATTENTION, EXIT_DATABASE = range(8)
EXIT_DATA = EXIT_BUG  # a data problem: something from Nexudus could not be read (see the docstring)


def _out(text: str, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout, flush=True)


def _open(args: argparse.Namespace, *, existing: bool = False) -> tuple[Paths, Settings, Engine]:
    """`existing`: the command only reads, so a missing database is an error (DatabaseMissing), not created."""
    paths = Paths.default()
    if existing:
        settings = Settings.load(paths)
        if paths.log_dir.is_dir():
            setup_logging(paths)
    else:
        paths.ensure()
        setup_logging(paths)
        settings = Settings.load(paths)
        settings.keep_client_id(paths)
    url = resolve_db_url(paths, settings, getattr(args, "db", None))
    opener = store_engine.open_existing_database if existing else store_engine.open_database
    return paths, settings, opener(url)


def _actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # pragma: no cover - no user name in this environment
        return "cli"


class _Progress:
    """Progress lines on stderr, at most one per 10% (and the last)."""

    def __init__(self) -> None:
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        step = int(done * 10 / total) if total else 10
        if step != self._last:
            self._last = step
            _out(f"  {done}/{total} records", sys.stderr)


def _open_or_exit(args: argparse.Namespace, *, existing: bool = False) -> tuple[Settings, Engine] | int:
    """(settings, engine), or the exit code after a one-line message."""
    try:
        _, settings, engine = _open(args, existing=existing)
    except store_engine.DatabaseUrlError as exc:
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_USAGE
    except store_engine.DatabaseError as exc:
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_DATABASE
    return settings, engine


def sync_command(args: argparse.Namespace, connection: Connection | None = None) -> int:
    """`connection`: where and as whom (the demo workspace's sandbox); else from the settings and environment."""
    try:
        return _sync(args, connection)
    except Exception as exc:  # a bug: the traceback goes to the log, a message to the terminal
        log.exception("sync failed")
        _out(
            f"Error: the sync stopped on an unexpected problem ({type(exc).__name__}); details are in the log "
            f"file {Paths.default().log_file}.",
            sys.stderr,
        )
        return EXIT_BUG


def _sync(args: argparse.Namespace, connection: Connection | None) -> int:
    opened = _open_or_exit(args)
    if isinstance(opened, int):
        return opened
    settings, engine = opened
    conn = connection or resolve_connection(settings)
    if not conn.username or not conn.password:
        _out(
            "Error: set PIGEONHOLE_USERNAME and PIGEONHOLE_PASSWORD (and PIGEONHOLE_API_URL) to sync from the "
            "command line.",
            sys.stderr,
        )
        return EXIT_USAGE
    cancel = threading.Event()
    report = None
    try:
        with NexudusClient(conn.api_url, client_id=conn.client_id) as client:
            client.login(conn.username, conn.password, conn.totp or None)
            _out(
                f"Signed in to {client.base_url} as {conn.username}; pulling the directory"
                f"{' (full)' if args.full else ''}..."
            )
            pull_error: Exception | None = None
            try:
                report = pull_directory(engine, client, full=bool(args.full), progress=_Progress(), cancel=cancel)
                _out(report.summary())
                _out(pull_deliveries(engine, client, full=bool(args.full), cancel=cancel).summary())
            except (LockBusyError, errors.AuthenticationError, InsecureConnectionError):
                raise  # the outbox would meet the same refusal (or another sync is sending it)
            except Exception as exc:  # the pull failed: what the desk recorded is still sent, then this is raised
                log.warning("Directory pull failed (%s); sending the outbox anyway", type(exc).__name__)
                pull_error = exc
            sender = OutboxSender(engine, client, respect_backoff=False)
            sender.resume()  # we just signed in: credentials work again
            flush = sender.flush(cancel=cancel)
            _out(flush.summary())
            if pull_error is not None:
                raise pull_error
    except KeyboardInterrupt:
        cancel.set()
        _out("Cancelled.", sys.stderr)
        return EXIT_USAGE
    except LockBusyError as exc:
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_BUSY
    except InsecureConnectionError as exc:  # plain http to another computer, or a redirect elsewhere: settings
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_USAGE
    except errors.AuthenticationError as exc:
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_AUTH
    except errors.ResponseFormatError as exc:  # a data problem: retrying will not help
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_DATA
    except errors.NexudusError as exc:
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_OFFLINE
    except StoreError as exc:
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_DATA
    with store_engine.session_scope(engine, readonly=True) as session:
        summary = queries.status_summary(session)
    _out(
        f"Directory: {summary.contracts} contracts, {summary.contacts} contacts. Outbox: "
        f"{summary.outbox_pending} waiting, {summary.outbox_failed} need attention."
    )
    if flush.paused:
        return EXIT_AUTH
    if flush.stopped in ("network", "server", "throttled"):
        return EXIT_OFFLINE
    if summary.outbox_failed:
        return EXIT_NEEDS_ATTENTION
    if report is not None and report.skipped:
        _out(
            f"Error: {sum(report.skipped.values())} record(s) from Nexudus could not be read and were left out; "
            "the log names them. Correct them in Nexudus.",
            sys.stderr,
        )
        return EXIT_DATA
    return EXIT_OK


def status_command(args: argparse.Namespace) -> int:
    opened = _open_or_exit(args, existing=True)
    if isinstance(opened, int):
        return opened
    _, engine = opened
    with store_engine.session_scope(engine, readonly=True) as session:
        summary = queries.status_summary(session)
    if getattr(args, "json", False):
        _out(json.dumps(summary.to_json()))
        return EXIT_OK
    last = summary.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if summary.last_sync else "never"
    _out(f"Contracts:        {summary.contracts}")
    _out(f"Contacts:         {summary.contacts}")
    _out(f"Last sync:        {last}")
    _out(f"Waiting to send:  {summary.outbox_pending}{' (paused: sign in again)' if summary.outbox_paused else ''}")
    _out(f"Need attention:   {summary.outbox_failed}")
    return EXIT_OK


def outbox_command(args: argparse.Namespace) -> int:
    opened = _open_or_exit(args, existing=True)
    if isinstance(opened, int):
        return opened
    _, engine = opened
    action = args.action or "list"
    if action == "list":
        with store_engine.session_scope(engine, readonly=True) as session:
            rows = queries.list_outbox(session)
        if getattr(args, "json", False):
            _out(json.dumps([_row_json(r) for r in rows]))
            return EXIT_OK
        if not rows:
            _out("Nothing waiting to be sent.")
        for r in rows:
            _out(f"{r.outbox_id:>6}  {r.state:<8}  {r.summary}")
            problem = entry_problem(r.field_errors, r.last_error)  # as the desk's outbox says it
            if problem:
                _out(f"        {problem}")
        return EXIT_OK
    if args.entry_id is None:
        _out(f"Error: say which entry: pigeonhole outbox {action} ID", sys.stderr)
        return EXIT_USAGE
    try:
        with store_engine.session_scope(engine) as session:
            if action == "retry":
                writes.retry_outbox_entry(session, args.entry_id, _actor())
            else:
                writes.discard_outbox_entry(session, args.entry_id, _actor())
    except StoreError as exc:
        _out(f"Error: {exc.user_message}", sys.stderr)
        return EXIT_USAGE
    _out(f"Entry {args.entry_id}: {'will be sent at the next sync' if action == 'retry' else 'discarded'}.")
    return EXIT_OK


def _row_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.outbox_id,
        "kind": r.kind,
        "state": r.state,
        "summary": r.summary,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "field_errors": r.field_errors,
        "problem": entry_problem(r.field_errors, r.last_error),
    }
