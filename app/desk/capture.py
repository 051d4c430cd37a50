"""Label capture at the desk: read a label image and match who it is for, with decisions made safe for OCR text.

The UI and the CLI call only `read_and_match` and `rematch`. Rules on top of the matcher's own decision (it was
calibrated on typed text):
- only the addressee block's text is matched (app.capture sets aside the sender's block, postage and carrier
  marks, barcodes and the centre's own address), so a name seen only in the sender's block never decides; and when
  the best candidate is also named in the sender's block, the answer is `review`;
- `auto` needs a whole name (no line starting right of the block's edge, no wide gap inside a line: a faded
  streak that takes "Orbit" from "Orbit Vantage Consulting" must not make it Vantage Consulting's post),
  a confidently read block (mean word confidence >= MIN_BLOCK_CONFIDENCE, every word of the name
  >= MIN_WORD_CONFIDENCE), and each name line of a multi-line block must not point at a different contract (the
  clear lead over any other contract is the matcher's own: `auto` needs a 0.35 lead in probability);
- staff's edited text is matched as typed text (typed rules apply).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from rapidfuzz import fuzz

from app.capture import LabelReading, read_label
from app.capture.layout import fold
from app.desk.carriers import recognise
from app.matching import Decision, MatchResult

MIN_BLOCK_CONFIDENCE = 0.72  # mean word confidence of the addressee block for `auto` (every reviewed read
# between 0.72 and 0.80 on capture-dev and two generated sets was right; below 0.72 it is review)
MIN_WORD_CONFIDENCE = 0.60  # every word of the addressee text for `auto`
SENDER_NAME_SIMILARITY = 90  # the best candidate's name found this well in the sender's block: review
LIMIT = 5


class Matcher(Protocol):
    def match(self, text: str, limit: int = 5) -> MatchResult: ...


@dataclass(frozen=True)
class CaptureMatch:
    reading: LabelReading
    result: MatchResult  # decision already made safe for captured text
    carrier: str | None  # from app.desk.carriers.recognise(reading.tracking), None if unknown


def _pick_tracking(reading: LabelReading) -> tuple[str | None, str | None]:
    """The first read string that a carrier's format accepts (check digit verified first), else the first shape."""
    best: tuple[str | None, str | None] = (reading.tracking, None)
    for candidate in reading.tracking_candidates:
        info = recognise(candidate)
        if info.carrier is not None:
            return info.tracking_number, info.carrier.value
    return best


def _mentioned(name: str, text: str) -> bool:
    key = fold(name)
    return len(key) >= 4 and bool(text) and fuzz.partial_ratio(key, text) >= SENDER_NAME_SIMILARITY


def safe_decision(matching: Matcher, reading: LabelReading, result: MatchResult) -> tuple[Decision, str]:
    """The decision for captured text, and why it was lowered (empty when it was not)."""
    if result.decision != Decision.AUTO or not result.candidates:
        return result.decision, ""
    best = result.candidates[0]
    if reading.confidence < MIN_BLOCK_CONFIDENCE:
        return Decision.REVIEW, "the name was not read clearly"
    if not reading.complete:
        return Decision.REVIEW, "part of the name may be missing (faded or damaged)"
    addressee_words = [line for line in reading.lines if line.role == "addressee"]
    if any(line.confidence < MIN_WORD_CONFIDENCE for line in addressee_words):
        return Decision.REVIEW, "part of the name was not read clearly"
    sender = fold(reading.sender_text)
    if sender and (_mentioned(best.name, sender) or _mentioned(best.company, sender)):
        addressee = fold(reading.text)
        if not (_mentioned(best.name, addressee) or _mentioned(best.company, addressee)) or _mentioned(
            best.company, sender
        ):
            return Decision.REVIEW, "the best match is also named in the sender's address"
    name_lines = [t for t in reading.text.splitlines() if len(fold(t)) >= 4]
    if len(name_lines) >= 2:
        for line in name_lines:
            alone = matching.match(line, LIMIT)
            if (
                alone.decision == Decision.AUTO
                and alone.candidates
                and alone.candidates[0].contract_id != best.contract_id
            ):
                return Decision.REVIEW, "the lines of the address name two different contracts"
    return Decision.AUTO, ""


def match_reading(matching: Matcher, reading: LabelReading, limit: int = LIMIT) -> MatchResult:
    text = reading.text
    if not re.search(r"[A-Za-z]{2}", text):
        return MatchResult(Decision.NONE, [])
    result = matching.match(text, limit)
    decision, why = safe_decision(matching, reading, result)
    if decision != result.decision:
        candidates = list(result.candidates)
        if candidates and why:
            candidates[0] = replace(candidates[0], why=[*candidates[0].why, f"review: {why}"])
        reason = f"read from a picture: {why}" if why else result.reason
        result = MatchResult(decision, candidates, note=result.note, reason=reason)
    return result


def read_and_match(
    matching: Matcher, data: bytes, *, filename: str = "", centre_lines: Sequence[str] = (), limit: int = LIMIT
) -> CaptureMatch:
    """Read the label in `data` (raises app.capture.CaptureError on bad input) and match its addressee block."""
    reading = read_label(data, filename=filename, centre_lines=centre_lines)
    tracking, carrier = _pick_tracking(reading)
    if tracking != reading.tracking:
        reading = replace(reading, tracking=tracking)
    return CaptureMatch(reading=reading, result=match_reading(matching, reading, limit), carrier=carrier)


def rematch(matching: Matcher, capture: CaptureMatch, edited_text: str, limit: int = LIMIT) -> MatchResult:
    """Staff edited the read text: it is matched again as typed text (the typed rules apply)."""
    return matching.match(edited_text, limit)
