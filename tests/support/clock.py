"""A clock the test moves on by hand (for app.desk.connection.ConnectionWatch), so backoffs of 30 s and a minute
of freshness are exercised without waiting for them."""

from __future__ import annotations


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FastClock:
    """Real time sped up `speed` times (a 60 s outage in 60/speed real seconds, on the real retry path)."""

    def __init__(self, speed: float) -> None:
        import time

        self._time = time.monotonic
        self._start = self._time()
        self.speed = speed

    def __call__(self) -> float:
        return (self._time() - self._start) * self.speed
