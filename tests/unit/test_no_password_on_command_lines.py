"""No database password on a command line: not in the README, and a warning when --db carries one
(issue 15, point 10)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from app.config import url_has_password

ROOT = Path(__file__).resolve().parents[2]
# `--db` (or any argument) given a URL with user:password@
_PASSWORD_ARG = re.compile(r"(?:--db|pigeonhole)\b[^\n]*://[^/\s:@]+:[^/\s@]+@")


def test_the_readme_and_docs_never_show_a_password_on_a_command_line() -> None:
    for path in [ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("packaging/**/*.md")]:
        text = path.read_text(encoding="utf-8")
        assert not _PASSWORD_ARG.search(text), f"{path.name}: {_PASSWORD_ARG.search(text)}"
    assert "PIGEONHOLE_DB" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_url_has_password() -> None:
    assert url_has_password("postgresql+psycopg://pigeonhole:secret@dbserver/pigeonhole")
    assert not url_has_password("postgresql+psycopg://pigeonhole@dbserver/pigeonhole")
    assert not url_has_password("sqlite:////tmp/x.sqlite3")
    assert not url_has_password("postgresql+psycopg://[broken")


def test_a_password_given_with_db_is_warned_about(tmp_path: Path) -> None:
    url = "postgresql+psycopg://pigeonhole:s3cret@127.0.0.1:1/pigeonhole"
    done = subprocess.run(
        [sys.executable, "-m", "app", "--db", url, "status"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "password is on the command line" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout
