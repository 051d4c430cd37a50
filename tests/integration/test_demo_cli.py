"""Headless commands on the demo workspace, and commands that only read never create a database (issue 11:
`pigeonhole --demo status --json` read an empty real database and created one as a side effect)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ENV_HOME, Paths
from app.desk.session import DEMO_CONTRACTS

ROOT = Path(__file__).resolve().parents[2]
EXIT_DATABASE = 7


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, ENV_HOME: str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _files(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file()) if home.exists() else []


def test_reading_commands_create_nothing(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    for args, code in (
        (("status", "--json"), EXIT_DATABASE),
        (("status",), EXIT_DATABASE),
        (("outbox",), EXIT_DATABASE),
        (("match", "Jane Smith"), 1),
        (("--demo", "status", "--json"), EXIT_DATABASE),
        (("--demo", "outbox"), EXIT_DATABASE),
        (("--demo", "match", "Jane Smith"), 1),
    ):
        done = _run(home, *args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert done.stdout == "", "no counts of a database that does not exist"
        assert "pigeonhole" in done.stderr and ("sync" in done.stderr), done.stderr  # says what to do
        assert _files(home) == [], f"{args} left {_files(home)}"


@pytest.mark.slow
def test_demo_commands_read_the_demo_workspace(tmp_path: Path) -> None:
    home = tmp_path / "demo-home"
    paths = Paths.under(home)
    synced = _run(home, "--demo", "sync")
    assert synced.returncode == 0, synced.stderr
    assert paths.demo_db_file.is_file()
    assert not (paths.data_dir / "pigeonhole.sqlite3").exists(), "the demo never touches the real database"

    status = _run(home, "--demo", "status", "--json")
    assert status.returncode == 0, status.stderr
    counts = json.loads(status.stdout)
    assert counts["contracts"] == DEMO_CONTRACTS and counts["contacts"] > 0 and counts["last_sync"]

    outbox = _run(home, "--demo", "outbox", "--json")
    assert outbox.returncode == 0 and json.loads(outbox.stdout) == []

    state = json.loads((paths.demo_dir / "sandbox-state.json").read_text(encoding="utf-8"))
    name = next(c["FullName"] for c in state["ContractContacts"] if c.get("FullName") and c["FullName"].isascii())
    match = _run(home, "--demo", "match", name, "--json")
    assert match.returncode == 0, match.stderr
    assert any(c["name"] == name for c in json.loads(match.stdout)["candidates"])

    real = _run(home, "status", "--json")  # the real workspace is still not there
    assert real.returncode == EXIT_DATABASE
    assert not (paths.data_dir / "pigeonhole.sqlite3").exists()
    assert _run(home, "--demo", "--db", "sqlite:///x.sqlite3", "status").returncode == 2


def test_open_existing_database_never_creates_one(db_url: str) -> None:
    from sqlalchemy.engine import make_url

    from app.store import DatabaseMissing, open_database, open_existing_database

    with pytest.raises(DatabaseMissing):
        open_existing_database(db_url)
    if make_url(db_url).get_backend_name() == "sqlite":
        assert not Path(str(make_url(db_url).database)).exists()
    else:  # the PostgreSQL database exists but holds no Pigeonhole tables: still none made
        from sqlalchemy import create_engine, inspect

        probe = create_engine(db_url)
        try:
            assert inspect(probe).get_table_names() == []
        finally:
            probe.dispose()
    open_database(db_url).dispose()
    open_existing_database(db_url).dispose()
