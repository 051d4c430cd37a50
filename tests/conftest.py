"""Shared test set-up. Tests never touch the user's real folders, keyring or network.

Gates for every test: a warning is an error and a Qt warning fails the test (pyproject.toml, [tool.pytest.ini_options],
with the listed exceptions), and a test must not leave a non-daemon thread running (`_no_leaked_threads`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from tests.support.waiting import wait_until

# Before anything imports Qt or keyring.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
_CONNECTION_VARS = ("PIGEONHOLE_API_URL", "PIGEONHOLE_USERNAME", "PIGEONHOLE_PASSWORD", "PIGEONHOLE_TOTP")
for _var in (*_CONNECTION_VARS, "PIGEONHOLE_DB"):
    os.environ.pop(_var, None)

pytest_plugins = [
    "tests.fixtures.home",
    "tests.fixtures.databases",
    "tests.fixtures.sandbox",
]

THREAD_GRACE_S = 5.0  # a thread told to stop at teardown may take a moment to return


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a non-daemon thread running (it would keep the process, or the app, from exiting).
    Autouse and defined here, so it is set up first and torn down last: after every other fixture has stopped
    what it started."""
    before = set(threading.enumerate())
    yield

    def leaked() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]

    if not wait_until(lambda: not leaked(), timeout=THREAD_GRACE_S, interval=0.02):
        pytest.fail("the test left non-daemon threads running: " + ", ".join(t.name for t in leaked()))
