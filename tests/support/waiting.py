"""Waiting on a condition, outside Qt (in Qt tests use `qtbot.waitUntil` / `waitSignal`).

The one place a test pauses: it polls a real condition until it holds or a deadline passes, so a test never sleeps
for a guessed time and never passes by merely waiting (tests/unit/test_code_quality.py checks no other test
calls time.sleep).
"""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, interval: float = 0.01) -> bool:
    """Poll `condition` every `interval` seconds: True as soon as it holds, False once `timeout` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def assert_eventually(condition: Callable[[], bool], what: str, timeout: float = 10.0, interval: float = 0.01) -> None:
    """wait_until, failing the test with `what` when the condition never holds."""
    assert wait_until(condition, timeout, interval), f"{what}: not within {timeout:g} s"
