"""An item's outcome as Nexudus's flags and times on the CoworkerDelivery (used by the outbox sender).

Documented: each outcome has its flag and time (`Forwarded`/`ForwardedOn`, ...); an update is a PUT of the whole
record ("fields left out may be cleared"); real client code PUTs the outcome flag and its time after the create.
So the sender GETs the record, sets the flag and the desk's own time on it, and PUTs it back. That write is
idempotent, and it can be recognised afterwards: the record already carries the flag with the desk's time to the
second. After an unknown outcome (a drop, a kill) the sender looks first and sends only when it is not there, so
each outcome is applied exactly once.

Conflicts: before sending, a final flag already set in Nexudus that the desk did not set (collected in NexDelivery
while the desk forwarded it) is a disagreement: the entry is held and the conflict shown, never overwritten.

Files (INFERRED, nexudus-api.md: "How a file is uploaded is not documented beyond the New...Url fields"): sent as
`{Slot}FileName` + `New{Slot}Url` carrying a `data:` URL, in `file_fields()` only.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from app.nexudus.schemas import format_api_datetime, parse_api_datetime
from app.store.item_life import SIGNATURE_SLOT, OutcomeToSend, StoredFileRow
from app.store.routing import FINAL_FLAGS, FLAG, Outcome, conflict_text


def file_fields(file: StoredFileRow) -> dict[str, str]:
    """The one place a file is put into a write (INFERRED: a data: URL in New{Slot}Url)."""
    encoded = base64.b64encode(file.data).decode("ascii")
    return {f"{file.slot}FileName": file.file_name, f"New{file.slot}Url": f"data:{file.media_type};base64,{encoded}"}


def _flag_of(outcome: OutcomeToSend) -> tuple[str, bool]:
    """(flag, value) the outcome sets."""
    if outcome.kind is Outcome.REVERSE:
        assert outcome.reverses_kind is not None
        return FLAG[outcome.reverses_kind], False
    return FLAG[outcome.kind], True


def _same_second(text: Any, when: datetime) -> bool:
    try:
        parsed = parse_api_datetime(text)
    except ValueError:
        return False
    return parsed is not None and parsed == when.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def already_applied(record: dict[str, Any], outcome: OutcomeToSend) -> bool:
    flag, value = _flag_of(outcome)
    if not value:
        return record.get(flag) is not True
    if record.get(flag) is not True or not _same_second(record.get(f"{flag}On"), outcome.at):
        return False
    return all(record.get(f"{f.slot}FileName") == f.file_name for f in outcome.files)


def conflicting_flag(record: dict[str, Any], outcome: OutcomeToSend) -> str | None:
    """A final flag set in Nexudus that the desk did not set (None when there is none, or for a reversal)."""
    if outcome.kind is Outcome.REVERSE:
        return None
    mine, _ = _flag_of(outcome)
    for flag in sorted(FINAL_FLAGS):
        if flag != mine and record.get(flag) is True and flag not in outcome.desk_flags:
            return flag
    return None


def conflict_message(record: dict[str, Any], flag: str, outcome: OutcomeToSend) -> str:
    try:
        when = parse_api_datetime(record.get(f"{flag}On"))
    except ValueError:
        when = None
    desk_flag, _ = _flag_of(outcome)
    return conflict_text(flag, when, desk_flag)


def outcome_body(record: dict[str, Any], outcome: OutcomeToSend) -> dict[str, Any]:
    """The whole record as Nexudus sent it, with the outcome's flag and time (and files) set."""
    body = dict(record)
    flag, value = _flag_of(outcome)
    body[flag] = value
    body[f"{flag}On"] = format_api_datetime(outcome.at) if value else None
    if outcome.kind is Outcome.COLLECT and any(f.slot == SIGNATURE_SLOT for f in outcome.files):
        body["Signed"] = True
    if outcome.kind is Outcome.REVERSE and outcome.reverses_kind is Outcome.COLLECT:
        body["Signed"] = False
    for file in outcome.files:
        body.update(file_fields(file))
    return body


def server_time(record: dict[str, Any], flag: str) -> datetime | None:
    try:
        parsed = parse_api_datetime(record.get(f"{flag}On"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed is not None else None
