"""Fault injection: a spec string such as
  seed=7,500=0.05,503=0.05,slow=0.02,drop=0.02,truncate=0.02,throttle=0.03,slow_seconds=3

Comma-separated key=value items (spaces ignored):
  seed=N          random seed (default 0). The same seed and the same sequence of requests give the same faults.
  500=P           probability of HTTP 500 with {"Message": "An error has occurred."}
  503=P           probability of HTTP 503 Service Unavailable
  throttle=P      probability of a spurious 409 with Retry-After and an empty body
  slow=P          probability of an answer delayed by slow_seconds (meant to exceed a client's timeout)
  drop=P          probability of a dropped connection: status and headers with the full Content-Length, part of
                  the body, then the connection is closed
  truncate=P      probability of a complete HTTP answer whose JSON is cut short (Content-Length matches the cut)
  slow_seconds=S  the delay of a slow answer (default 3)
  retry_after=S   the Retry-After of a spurious 409 (default 1)
  applied=P       for a write (POST/PUT/DELETE) hit by slow, drop or truncate: the probability that the write was
                  applied before the failure (default 0.5). The client cannot tell which, so it must look the
                  record up (by SystemId) before sending it again. A slow write that was not applied answers 503
                  after the delay. Writes hit by 500, 503 or throttle are never applied.
  auth=1          also inject faults into the token endpoint (default 0: sign-in is never faulted)
  methods=GET     only requests with these methods are faulted, joined by "+" (e.g. methods=POST+PUT; default all)
The probabilities must add up to at most 1. Each request draws its fault in this order: 500, 503, throttle, slow,
drop, truncate.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

FAULTS_HELP = __doc__ or ""
KINDS = ("500", "503", "throttle", "slow", "drop", "truncate")
WRITE_UNCERTAIN = frozenset({"slow", "drop", "truncate"})


@dataclass(frozen=True)
class FaultSpec:
    seed: int = 0
    probabilities: dict[str, float] = field(default_factory=dict)
    slow_seconds: float = 3.0
    retry_after: int = 1
    applied: float = 0.5
    auth: bool = False
    methods: frozenset[str] = frozenset()  # empty: every method

    def applies_to(self, method: str) -> bool:
        return not self.methods or method.upper() in self.methods

    @classmethod
    def parse(cls, spec: str) -> FaultSpec:
        """Parse the grammar above; a ValueError says what is wrong."""
        values: dict[str, str] = {}
        for item in spec.replace(" ", "").split(","):
            if not item:
                continue
            key, sep, value = item.partition("=")
            if not sep or not value:
                raise ValueError(f"fault spec: {item!r} is not key=value")
            values[key.lower()] = value
        probabilities: dict[str, float] = {}
        for kind in KINDS:
            if kind in values:
                probabilities[kind] = _probability(kind, values.pop(kind))
        if sum(probabilities.values()) > 1.0 + 1e-9:
            raise ValueError("fault spec: the probabilities add up to more than 1")
        try:
            spec_obj = cls(
                seed=int(values.pop("seed", "0")),
                probabilities=probabilities,
                slow_seconds=float(values.pop("slow_seconds", "3")),
                retry_after=int(values.pop("retry_after", "1")),
                applied=_probability("applied", values.pop("applied", "0.5")),
                auth=values.pop("auth", "0").lower() in ("1", "true", "yes", "on"),
                methods=frozenset(m.upper() for m in values.pop("methods", "").split("+") if m),
            )
        except ValueError as exc:
            raise ValueError(f"fault spec: {exc}") from None
        if values:
            raise ValueError(f"fault spec: unknown key(s) {', '.join(sorted(values))}; see `pigeonhole sandbox --help`")
        return spec_obj


def _probability(name: str, text: str) -> float:
    try:
        p = float(text)
    except ValueError:
        raise ValueError(f"fault spec: {name}={text} is not a number") from None
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"fault spec: {name}={text} is not a probability between 0 and 1")
    return p


@dataclass(frozen=True)
class Fault:
    kind: str
    applied: bool  # for writes hit by slow/drop/truncate: was the write applied before the failure?
    cut: float  # where a dropped or truncated body is cut, as a fraction of its length (0 < cut < 1)


class FaultInjector:
    """Draws one fault (or none) per request from a seeded generator. Thread-safe."""

    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._rng = random.Random(spec.seed)
        self._lock = threading.Lock()

    def applies_to_token_endpoint(self) -> bool:
        return self.spec.auth

    def draw(self, is_write: bool) -> Fault | None:
        with self._lock:
            roll, applied_roll, cut_roll = self._rng.random(), self._rng.random(), self._rng.random()
        threshold = 0.0
        for kind in KINDS:
            threshold += self.spec.probabilities.get(kind, 0.0)
            if roll < threshold:
                applied = (not is_write) or (kind in WRITE_UNCERTAIN and applied_roll < self.spec.applied)
                return Fault(kind, applied, 0.1 + 0.8 * cut_roll)
        return None
