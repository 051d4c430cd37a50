"""What text may be stored and sent: the one rule for text crossing a boundary, on both database engines.

PostgreSQL refuses NUL in text; SQLite and every JSON encoder refuse lone surrogates (`"x\\ud800y"` cannot be
encoded as UTF-8); other control characters break CSV exports, logs and screens; unbounded text makes every later
step unbounded. The rule, one function per direction:

- Incoming records (from Nexudus): `clean_incoming` makes any value storable and says whether it had to change it:
  NUL and other control characters (all of C0 except tab, line feed and carriage return, and DEL) are removed,
  each lone surrogate becomes U+FFFD, and text longer than MAX_INCOMING_LENGTH is cut. The caller logs one warning
  per record (its Id, never the text: it may be personal data); the record is kept.
- Outgoing writes (typed by staff, sent to Nexudus): `text_problem` names what is wrong and nothing is changed;
  the desk shows it at the field, the sandbox answers 400 with it, and `require_storable` refuses a whole draft
  (a typed error) when a caller skipped the form's checks.

Integers are bounded the same way: Nexudus Ids and references are 64-bit (`in_int64_range`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MAX_INCOMING_LENGTH = 20_000  # characters kept of one incoming field (Nexudus notes are the longest, ~2,000)
MAX_OUTGOING_LENGTH = 20_000  # a field without its own limit (validation_rules has the per-field ones)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# C0 controls except \t \n \r, DEL, and any surrogate code point (in a Python str they can only be lone ones).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")

NOT_STORABLE = "contains characters that cannot be stored (a control character or a broken symbol)"
TOO_LONG = "must be at most {max_length} characters long"
OUT_OF_RANGE = "is not a valid value"


class UnstorableValue(ValueError):
    """A value typed at the desk that cannot be stored or sent. `field` names it, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def is_storable(text: str) -> bool:
    return not _UNSTORABLE.search(text)


def clean_incoming(value: object, max_length: int = MAX_INCOMING_LENGTH) -> tuple[str, bool]:
    """(storable text, whether it had to be changed) for a text value of an incoming record (None -> "")."""
    if value is None:
        return "", False
    text = value if type(value) is str else str(value)
    if len(text) <= max_length and (text.isprintable() or not _UNSTORABLE.search(text)):
        return text, False  # the hot path: isprintable is one C loop, and False for every unstorable character
    cleaned = _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))[:max_length]
    return cleaned, cleaned != text


def text_problem(text: str, max_length: int | None = MAX_OUTGOING_LENGTH) -> str | None:
    """What is wrong with text staff typed (a message for the field), or None when it can be stored and sent."""
    if _UNSTORABLE.search(text):
        return NOT_STORABLE
    if max_length is not None and len(text) > max_length:
        return TOO_LONG.format(max_length=max_length)
    return None


def in_int64_range(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def require_storable(fields: Mapping[str, object]) -> None:
    """Raise UnstorableValue for the first text with a `text_problem` or integer outside 64 bits; the guard of
    every outgoing write in the store (the form's own checks should have caught it first)."""
    for name, value in fields.items():
        if isinstance(value, str):
            problem = text_problem(value)
            if problem is not None:
                raise UnstorableValue(name, problem)
        elif isinstance(value, int) and not isinstance(value, bool) and not in_int64_range(value):
            raise UnstorableValue(name, OUT_OF_RANGE)
