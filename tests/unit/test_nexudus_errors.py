"""Typed errors and the pure helpers of the client (no network)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from app.nexudus import errors
from app.nexudus.client import (
    InsecureConnectionError,
    NexudusClient,
    Tokens,
    encode_filter_value,
    parse_retry_after,
)
from app.nexudus.enums import ContractContactType


def test_validation_error_groups_messages_by_field() -> None:
    err = errors.ValidationError(
        "x",
        field_errors=[
            errors.FieldError("FullName", "is a required field", None),
            errors.FieldError("Email", "is not a valid e-mail address", "a@"),
            errors.FieldError("FullName", "is too long", "x" * 300),
        ],
    )
    assert err.by_field() == {
        "FullName": ["is a required field", "is too long"],
        "Email": ["is not a valid e-mail address"],
    }
    assert err.user_message


def test_error_hierarchy_lets_callers_catch_broadly() -> None:
    assert issubclass(errors.UnknownOutcomeError, errors.NetworkError)
    assert issubclass(errors.PermissionDenied, errors.AuthenticationError)
    assert issubclass(errors.TwoFactorRequired, errors.AuthenticationError)
    assert errors.UnknownOutcomeError("dropped").outcome_unknown
    assert not errors.NetworkError("offline").outcome_unknown
    assert errors.ThrottledError("t", retry_after=12.0).retry_after == 12.0
    assert errors.AuthenticationError("a", role="ContractContact-Create").role == "ContractContact-Create"


@pytest.mark.parametrize("url", ["http://spaces.nexudus.com", "http://192.168.1.10:8080", "ftp://127.0.0.1"])
def test_plain_http_to_another_computer_is_refused(url: str) -> None:
    with pytest.raises(InsecureConnectionError) as info:
        NexudusClient(url, client_id="c")
    assert "https" in info.value.user_message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("url", ["https://spaces.nexudus.com", "http://127.0.0.1:5000", "http://localhost:8000/api/"])
def test_https_and_loopback_are_accepted(url: str) -> None:
    with NexudusClient(url, client_id="c") as client:
        assert "/api" not in client.base_url


def test_tokens_are_redacted_in_repr() -> None:
    tokens = Tokens(access_token="secret-access-123", refresh_token="secret-refresh-456", expires_at=1.0e9)
    text = repr(tokens) + str(tokens)
    assert "secret" not in text and "redacted" in text
    client = NexudusClient("http://127.0.0.1:1", client_id="c", tokens=tokens)
    assert "secret" not in repr(client)
    client.close()


def test_filter_values_are_encoded_as_the_api_expects() -> None:
    assert encode_filter_value(True) == "true"
    assert encode_filter_value(False) == "false"
    assert encode_filter_value(ContractContactType.COMPANY_ALIAS) == "2"
    assert encode_filter_value(123) == "123"
    assert encode_filter_value(datetime(2025, 1, 15, 10, 30, 59)) == "2025-01-15T10:30"
    aware = datetime(2025, 1, 15, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    assert encode_filter_value(aware) == "2025-01-15T10:30"
    assert encode_filter_value(date(2025, 1, 15)) == "2025-01-15T00:00"


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.25") == 0.25
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = parse_retry_after(later)
    assert seconds is not None and 25 <= seconds <= 31
