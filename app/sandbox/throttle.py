"""Nexudus's documented rate limits, per user, as sliding windows (used with `--realistic-limits`).

Writes (POST/PUT/DELETE): 60 a minute and 5,000 a day. All calls: 1 per 100 ms, 120 a minute, 5,000 an hour,
200,000 a day. A throttled call answers 409 with `Retry-After: <whole seconds>` and an empty body, and does not
count against the limits.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    calls: int
    seconds: float
    writes_only: bool = False


DOCUMENTED_LIMITS: tuple[Limit, ...] = (
    Limit(60, 60, writes_only=True),
    Limit(5_000, 86_400, writes_only=True),
    Limit(1, 0.1),
    Limit(120, 60),
    Limit(5_000, 3_600),
    Limit(200_000, 86_400),
)


class Throttle:
    def __init__(
        self, limits: tuple[Limit, ...] = DOCUMENTED_LIMITS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, int], deque[float]] = {}

    def check(self, key: str, is_write: bool, now: float | None = None) -> float | None:
        """Record a call and return None, or return the seconds to wait when a limit is reached."""
        t = self._clock() if now is None else now
        with self._lock:
            applicable = [(i, lim) for i, lim in enumerate(self.limits) if is_write or not lim.writes_only]
            wait = 0.0
            for i, lim in applicable:
                calls = self._calls.setdefault((key, i), deque())
                while calls and calls[0] <= t - lim.seconds:
                    calls.popleft()
                if len(calls) >= lim.calls:
                    wait = max(wait, calls[0] + lim.seconds - t)
            if wait > 0:
                return wait
            for i, _ in applicable:
                self._calls[(key, i)].append(t)
            return None


def retry_after_header(wait: float) -> str:
    """Retry-After in whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
