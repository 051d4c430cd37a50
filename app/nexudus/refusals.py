"""Nexudus's refusal of a record in the desk's words: its validation messages (`app.nexudus.validation_rules`, the
server's and the desk's own checks alike) reworded for staff and named by the field as the register form labels it.
The register dialog shows them at the fields; the outbox, the directory and `pigeonhole outbox list` show a refused
record's in one line (`refusal_text`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from app.nexudus import validation_rules as rules

# API property -> the label on the register form
FIELD_LABELS: dict[str, str] = {
    "CoworkerContractId": "Contract",
    "ContractContactType": "Type",
    "FullName": "Full name",
    "Email": "E-mail",
    "DateOfBirth": "Date of birth",
    "Address": "Address",
    "PostCode": "Post code",
    "CityName": "City",
    "State": "County / state",
    "CountryId": "Country",
    "PhoneNumber": "Phone",
    "Notes": "Notes",
    "CoworkerId": "Linked customer",
}


def plain_message(property_name: str, message: str) -> str:
    """A rule's (or the server's) message in words for the desk, without the property name."""
    text = message.strip()
    label = FIELD_LABELS.get(property_name, property_name)
    if text == rules.REQUIRED:
        if property_name == "CoworkerContractId":
            return "Choose the contract (the customer) this recipient belongs to."
        return f"{label} is needed."
    if text == rules.NOT_AN_EMAIL:
        return "That is not an e-mail address (it should look like name@example.com)."
    if text == rules.IN_THE_FUTURE:
        return "The date of birth cannot be in the future."
    if text == rules.NOT_A_DATE:
        return f"{label}: that is not a date."
    m = re.fullmatch(r"must be at most (\d+) characters long", text)
    if m:
        return f"Too long: at most {m.group(1)} characters."
    m = re.fullmatch(r"refers to an? (\w+) that does not exist", text)
    if m:
        return f"Nexudus does not know this {label.lower()} (any more): choose another one."
    if text == rules.NOT_STORABLE:
        return f"{label} has a character that cannot be stored (a control character or a broken symbol): retype it."
    if text in (rules.NOT_ALLOWED, rules.NOT_VALID):
        return f"{label}: that value is not allowed."
    return text[:1].upper() + text[1:] if text else f"{label} was refused."


def refusal_text(field_errors: Mapping[str, Sequence[str]]) -> str:
    """Nexudus's refusal of a record, in one line and the words the register dialog shows at the fields, each named
    by its field ("Contract: Nexudus does not know this contract (any more): choose another one.")."""
    parts = []
    for field, messages in field_errors.items():
        label = FIELD_LABELS.get(field, field)
        for message in messages:
            plain = plain_message(field, message)
            parts.append(plain if not label or plain.startswith(label) else f"{label}: {plain}")
    return " · ".join(parts)


def entry_problem(field_errors: Mapping[str, Sequence[str]], last_error: str) -> str:
    """Why an outbox entry is not in Nexudus yet, in one line: Nexudus's refusal (refusal_text), else the last error
    (what the desk's outbox and `pigeonhole outbox list` both say)."""
    return refusal_text(field_errors) or last_error
