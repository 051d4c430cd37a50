"""Capture at the desk: an image of the item -> the read addressee text -> candidates (stand-in use case)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.capture import LabelReading, read_label
from app.desk.carriers import recognise
from app.desk.matching_service import MatchingService
from app.matching import Decision, MatchResult

AUTO_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class CaptureMatch:
    reading: LabelReading
    result: MatchResult
    carrier: str | None


def read_and_match(
    matching: MatchingService, data: bytes, *, filename: str = "", centre_lines: Sequence[str] = ()
) -> CaptureMatch:
    reading = read_label(data, filename=filename, centre_lines=centre_lines)
    result = matching.match(reading.text) if reading.text.strip() else MatchResult(Decision.NONE, [])
    if result.decision == Decision.AUTO and reading.confidence < AUTO_MIN_CONFIDENCE:
        result = MatchResult(Decision.REVIEW, result.candidates)
    carrier = None
    if reading.tracking:
        info = recognise(reading.tracking)
        carrier = info.carrier.value if info.carrier else None
    return CaptureMatch(reading, result, carrier)


def rematch(matching: MatchingService, capture: CaptureMatch, edited_text: str) -> MatchResult:
    if not edited_text.strip():
        return MatchResult(Decision.NONE, [])
    return matching.match(edited_text)
