"""Exit codes as documented in app.sync.cli: bad settings 2, outage 3, data problem 1; a message, never a
traceback (issue 15, point 6). Real subprocesses of `python -m app`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PIGEONHOLE_USERNAME": "admin@sandbox.test", "PIGEONHOLE_PASSWORD": "sandbox", **env}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=full_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_plain_http_to_another_computer_is_bad_settings_not_an_outage(tmp_path: Path) -> None:
    done = run("--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "sync", PIGEONHOLE_API_URL="http://127.0.0.1.nip.io")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "https://" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [("sync",), ("status", "--json"), ("outbox", "list"), ("match", "Jane Doe")])
@pytest.mark.parametrize("url", ["postgresql+psycopg://pigeonhole:s3cret@dbhost:notaport/x", "not a url at all"])
def test_an_unreadable_db_address_is_bad_settings_with_a_message(command: tuple[str, ...], url: str) -> None:
    done = run("--db", url, *command, PIGEONHOLE_API_URL="http://127.0.0.1:9")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "database address" in done.stderr
    assert "Traceback" not in done.stderr
    assert "s3cret" not in done.stderr + done.stdout


def test_nexudus_down_is_an_outage(tmp_path: Path) -> None:
    done = run("--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "sync", PIGEONHOLE_API_URL="http://127.0.0.1:9")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
