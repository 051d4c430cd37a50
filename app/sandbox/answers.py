"""The sandbox's answers: a transport-free Response and the documented bodies (command envelope, 400, 404, 500)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.nexudus.validation_rules import FieldError, join_messages
from app.sandbox.variants import THROTTLE_BODY, Variants

JSON_TYPE = "application/json; charset=utf-8"
SERVER_ERROR_BODY = {"Message": "An error has occurred."}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Sequence[tuple[str, str]]
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = JSON_TYPE


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_ASCII_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (one shared encoder: json.dumps with options builds a new one per call).

    Text that cannot be UTF-8 (a lone surrogate, only ever loaded from a --data file or put in by a test) goes out
    as a `\ud800` escape, as a .NET server writes it: every other record of the page still arrives."""
    text = _ENCODER.encode(value)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _ASCII_ENCODER.encode(value).encode()


def json_response(status: int, value: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, dumps(value), headers)


def raw_json(status: int, body: bytes) -> Response:
    return Response(status, body)


def not_found() -> Response:
    return json_response(404, "Not found")


def server_error() -> Response:
    return json_response(500, SERVER_ERROR_BODY)


def bad_request(message: str) -> Response:
    return json_response(400, {"Message": message})


def throttled(retry_after: str, variants: Variants | None = None) -> Response:
    """409 + Retry-After and an empty body (documented), or with `throttle=429-body` a 429 whose body says how long
    to wait and no header (app.sandbox.variants)."""
    if variants is not None and variants.throttle == "429-body":
        return json_response(429, {"Message": THROTTLE_BODY.format(seconds=retry_after)})
    return Response(409, b"", (("Retry-After", retry_after),), content_type=None)


def error_items(errors: Sequence[FieldError]) -> list[dict[str, Any]]:
    return [
        {"AttemptedValue": e.attempted_value, "Message": e.message, "PropertyName": e.property_name} for e in errors
    ]


def validation_failed(errors: Sequence[FieldError]) -> Response:
    body = {"Message": join_messages(errors), "Value": None, "Errors": error_items(errors), "WasSuccessful": False}
    return json_response(400, body)


def command_envelope(
    message: str,
    value: Any,
    *,
    updated_on: str | None,
    updated_by: str | None,
    ok: bool = True,
    errors: Sequence[FieldError] | None = None,
) -> dict[str, Any]:
    return {
        "Status": 200,
        "Message": message,
        "Value": value,
        "OpenInDialog": False,
        "OpenInWindow": False,
        "RedirectURL": None,
        "JavaScript": None,
        "UpdatedOn": updated_on,
        "UpdatedBy": updated_by,
        "Errors": error_items(errors) if errors else None,
        "WasSuccessful": ok,
    }
