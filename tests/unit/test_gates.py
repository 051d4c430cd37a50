"""The suite's gates can fail: a leaked non-daemon thread, a Python warning and a Qt warning each fail a test
(tests/conftest.py and [tool.pytest.ini_options] in pyproject.toml), checked on throw-away tests in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BAD_TESTS = """
import threading
import warnings

from PySide6.QtCore import qWarning


def test_leaves_a_thread_running() -> None:
    stop = threading.Event()
    threading.Thread(target=stop.wait, args=(8,), name="leaked-by-test").start()


def test_warns() -> None:
    warnings.warn("something is deprecated", DeprecationWarning, stacklevel=1)


def test_qt_warns(qtbot: object) -> None:
    qWarning("a Qt warning in a test")


def test_is_fine() -> None:
    assert True
"""


def test_each_gate_fails_its_test(tmp_path: Path) -> None:
    bad = tmp_path / "test_bad.py"
    bad.write_text(BAD_TESTS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(bad),
            "-p",
            "tests.conftest",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(ROOT),
            "-q",
            "-p",
            "no:cacheprovider",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "ERROR" in out and "test_leaves_a_thread_running" in out and "leaked-by-test" in out, out
    assert "FAILED" in out and "test_warns" in out, out
    assert "test_qt_warns" in out and "a Qt warning in a test" in out, out
    assert "2 failed, 2 passed, 1 error" in out, out  # the leaking test passes its body, then errors
