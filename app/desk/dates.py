"""Dates typed at the desk: the locale's short format (day first or month first), ISO, or with the month's name.

`parse_typed_date("04/05/2031", day_first=True)` is 4 May 2031; "2031-05-04", "4 May 2031", "04-May-2031" and
"May 4, 2031" are too. Anything else raises `TypedDateError` with a message for the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from app.errors import UserFacingError

MONTHS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{2}|\d{4})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[-./ ]+([^\W\d_]+)\.?[-./ ,]+(\d{2}|\d{4})")
_MONTH_NAME_DAY = re.compile(r"([^\W\d_]+)\.?[-./ ]+(\d{1,2})(?:st|nd|rd|th)?[-./ ,]+(\d{2}|\d{4})")


class TypedDateError(UserFacingError, ValueError):
    """A typed date that is not one; `user_message` says so in words for the field."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message, user_message=user_message)


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:  # a birth date: 31 is 1931 unless 2031 is not in the future
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def parse_typed_date(
    text: str,
    *,
    day_first: bool = True,
    example: str = "04/05/2031",
    month_names: Mapping[str, int] | None = None,
    today: date | None = None,
) -> date | None:
    """The date typed, or None when nothing was typed. Raises TypedDateError (with words for the field)."""
    raw = " ".join(text.split())
    if not raw:
        return None
    today = today or date.today()
    names = {**MONTHS, **{k.casefold(): v for k, v in (month_names or {}).items()}}
    parts: tuple[int, int, int] | None = None  # year, month, day
    if m := _ISO.fullmatch(raw):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := _NUMERIC.fullmatch(raw):
        a, b = int(m[1]), int(m[2])
        day, month = (a, b) if day_first else (b, a)
        parts = (_year(m[3], today), month, day)
    elif (m := _DAY_MONTH_NAME.fullmatch(raw)) and m[2].casefold() in names:
        parts = (_year(m[3], today), names[m[2].casefold()], int(m[1]))
    elif (m := _MONTH_NAME_DAY.fullmatch(raw)) and m[1].casefold() in names:
        parts = (_year(m[3], today), names[m[1].casefold()], int(m[2]))
    if parts is None:
        raise TypedDateError(f"That is not a date: type it like {example} or 2031-05-04, or leave it empty.")
    try:
        return date(*parts)
    except ValueError:
        raise TypedDateError(f"There is no such day: check the day and the month (like {example}).") from None
