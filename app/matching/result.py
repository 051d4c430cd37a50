"""What a match returns: ranked candidates with reasons, and a decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.matching.records import ContactKind


class Decision(StrEnum):
    AUTO = "auto"  # safe to accept with one keystroke
    REVIEW = "review"  # show the candidates
    NONE = "none"  # nobody on the directory


@dataclass(slots=True)
class Candidate:
    contract_id: int
    contact_id: int | None
    kind: ContactKind
    name: str
    company: str
    confidence: float
    why: list[str] = field(default_factory=list)
    cancelled: bool = False
    gone: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "contact_id": self.contact_id,
            "kind": str(self.kind),
            "name": self.name,
            "company": self.company,
            "confidence": round(self.confidence, 4),
            "why": list(self.why),
        }


@dataclass(slots=True)
class MatchResult:
    decision: Decision
    candidates: list[Candidate] = field(default_factory=list)
    note: str = ""  # for staff, e.g. that a very long label was cut before it was read
    # Why a label that is not decided "auto" needs a look, in words for the desk ("3 people named J. Smith").
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"decision": str(self.decision), "candidates": [c.to_json() for c in self.candidates]}
        if self.reason:
            out["reason"] = self.reason
        if self.note:
            out["note"] = self.note
        return out

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None
