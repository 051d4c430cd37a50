"""The centre's own address: configured in the settings, and learnt from the lines seen on most items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.capture.layout import fold

if TYPE_CHECKING:
    from app.capture.reading import LabelReading

LEARN_SHARE = 0.6  # a line seen on at least 60% of readings ...
LEARN_MIN_ITEMS = 5  # ... once at least 5 items were read
MAX_TRACKED = 400  # distinct lines remembered (the rarest are forgotten first)


class CentreLines:
    """Learns lines seen on most items (the centre's own address). Only lines that are not the addressee's name
    are counted: the addressee block's address part and lines outside any block."""

    def __init__(self, configured: Sequence[str] = (), learnt: Mapping[str, int] | None = None, seen: int = 0) -> None:
        self._configured = tuple(s.strip() for s in configured if s and s.strip())
        self._counts: dict[str, int] = dict(learnt or {})
        self._seen = max(0, int(seen))

    def observe(self, reading: LabelReading) -> None:
        keys = {fold(line.text) for line in reading.lines if line.role in {"centre", "other", "addressee"}}
        keys.discard("")
        if not keys:
            return
        self._seen += 1
        for key in keys:
            if len(key) >= 3:
                self._counts[key] = self._counts.get(key, 0) + 1
        if len(self._counts) > MAX_TRACKED:
            keep = sorted(self._counts.items(), key=lambda kv: -kv[1])[: MAX_TRACKED // 2]
            self._counts = dict(keep)

    def lines(self) -> tuple[str, ...]:
        learnt: list[str] = []
        if self._seen >= LEARN_MIN_ITEMS:
            need = LEARN_SHARE * self._seen
            learnt = sorted((k for k, n in self._counts.items() if n >= need), key=lambda k: -self._counts[k])
        configured_keys = {fold(s) for s in self._configured}
        return self._configured + tuple(k for k in learnt if k not in configured_keys)

    def state(self) -> dict[str, Any]:
        return {"configured": list(self._configured), "learnt": dict(self._counts), "seen": self._seen}

    @classmethod
    def from_state(cls, state: Mapping[str, Any] | None, configured: Sequence[str] | None = None) -> CentreLines:
        state = state or {}
        return cls(
            configured if configured is not None else state.get("configured", ()),
            state.get("learnt") or {},
            int(state.get("seen") or 0),
        )
