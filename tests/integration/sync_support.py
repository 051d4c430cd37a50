"""Helpers for the store/sync/outbox integration tests: run the real CLI as a subprocess, build a client with short
timeouts, and dump the synced directory in a comparable form."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.nexudus.client import NexudusClient
from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store.tables import businesses_table, contacts_table, contracts_table, countries_table, coworkers_table

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin@sandbox.test", "sandbox")

# local bookkeeping columns that legitimately differ between two databases holding the same directory
_VOLATILE = {"id", "synced_at"}


def cli_env(srv: SandboxServer, user: tuple[str, str] = ADMIN) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PIGEONHOLE_API_URL=srv.url, PIGEONHOLE_USERNAME=user[0], PIGEONHOLE_PASSWORD=user[1])
    return env


def cli(srv: SandboxServer, db_url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", db_url, *args],
        env=cli_env(srv),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cli_popen(srv: SandboxServer, db_url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--db", db_url, *args],
        env=cli_env(srv),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def client_for(srv: SandboxServer, user: tuple[str, str] = ADMIN, **kwargs: Any) -> NexudusClient:
    options: dict[str, Any] = {"timeout": (2, 2), "backoff_base": 0.01, "backoff_max": 0.05, "max_read_retries": 8}
    options.update(kwargs)
    client = NexudusClient(srv.url, client_id="tests", **options)
    client.login(*user)
    return client


def dump_directory(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced directory row without local bookkeeping columns, sorted: equal dumps = equal content."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in (businesses_table, countries_table, coworkers_table, contracts_table, contacts_table):
            cols = [c for c in table.c if c.name not in _VOLATILE]
            rows = conn.execute(select(*cols)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def server_ids(srv: SandboxServer, resource: Resource) -> set[int]:
    return {int(r["Id"]) for r in srv.state.records(resource)}


def directory(seed: int, contracts: int) -> dict[str, Any]:
    """The sandbox's generated directory with UpdatedOn spread over 2020-2024, one distinct minute per record
    (as a real account looks), so incremental pulls have something to tell apart."""
    import random
    from datetime import datetime, timedelta

    from app.sandbox.generate import generate_directory

    data = generate_directory(seed, contracts)
    rng = random.Random(seed)
    start = datetime(2020, 1, 1)
    for key in ("Coworkers", "CoworkerContracts", "ContractContacts"):
        for record in data.get(key, []):
            stamp = start + timedelta(minutes=rng.randrange(0, 5 * 365 * 24 * 60))
            record["UpdatedOn"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return data
