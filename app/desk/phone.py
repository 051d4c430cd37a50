"""Phone numbers typed at the desk, checked with Google's libphonenumber rules (the `phonenumbers` package).

A number with + and a country code is checked for that country; one without is checked for the country chosen on
the form, else refused with a message saying to add the country code.
"""

from __future__ import annotations

import re

import phonenumbers

_ALLOWED = re.compile(r"[\d\s+().\-/]+(?:\s*(?:ext\.?|x)\s*\d{1,6})?", re.IGNORECASE)


def phone_problem(text: str, region: str = "") -> str:
    """ "" when the number is fine (or empty); otherwise what to fix, in words for the field."""
    raw = text.strip()
    if not raw:
        return ""
    if not _ALLOWED.fullmatch(raw) or not any(ch.isdigit() for ch in raw):
        return "That is not a phone number: use digits, spaces and + only (like +44 20 7946 0018)."
    region = region.upper() if len(region) == 2 else ""
    if not raw.startswith(("+", "00")) and not region:
        return "Start with + and the country code (like +44 20 7946 0018), or choose the country below."
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        return "That is not a phone number: check the digits (like +44 20 7946 0018)."
    if not phonenumbers.is_valid_number(number):
        return "That number has too few or too many digits for its country: check it."
    return ""
