"""Typed errors from the Nexudus client.

Every error carries `user_message`: plain language a receptionist can act on. `str(error)` is the technical detail
for the log. Errors never contain tokens, passwords or two-factor codes. The root is app.errors.UserFacingError,
and `FieldError` is app.errors.FieldError (re-exported here).

    NexudusError
    ├── AuthenticationError          sign-in refused, or a second 401 (wrong password, API access off, missing role)
    │   ├── TwoFactorRequired        the token endpoint wants a (new) two-factor code
    │   └── PermissionDenied         signed in fine, but the user may not do this (missing role / API access)
    ├── ValidationError              400 with per-field errors (`field_errors`, `by_field()`)
    ├── NotFoundError                404
    ├── ConflictError                409 without Retry-After (a real conflict)
    ├── ThrottledError               still throttled after the bounded waits (`retry_after`)
    ├── ServerError                  5xx after the bounded retries (reads) or at once (writes)
    ├── ResponseFormatError          an answer Pigeonhole cannot read (not the documented shape)
    └── NetworkError                 no answer: offline, DNS, refused, timeout, TLS
        └── UnknownOutcomeError      a write that may have reached the server: look it up by SystemId before re-sending
"""

from __future__ import annotations

from typing import Any

from app.errors import FieldError, UserFacingError

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "FieldError",
    "NetworkError",
    "NexudusError",
    "NotFoundError",
    "PermissionDenied",
    "ResponseFormatError",
    "ServerError",
    "ThrottledError",
    "TwoFactorRequired",
    "UnknownOutcomeError",
    "ValidationError",
]


class NexudusError(UserFacingError):
    """Base class. `status` is the HTTP status when there was an answer."""

    default_user_message = "Nexudus could not complete the request. Please try again in a moment."

    def __init__(
        self,
        detail: str,
        *,
        user_message: str | None = None,
        status: int | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(detail, user_message=user_message)
        self.status = status
        #: True when a write may or may not have been applied: look for its SystemId marker before re-sending.
        self.outcome_unknown = outcome_unknown


class AuthenticationError(NexudusError):
    """Sign-in refused, or access refused after one refresh-and-retry. `role` names the role the call needed."""

    default_user_message = (
        "Nexudus refused the sign-in. Check the e-mail address and password, and that “API access” is switched on "
        "for this Nexudus user."
    )

    def __init__(self, detail: str, *, role: str | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.role = role


class TwoFactorRequired(AuthenticationError):
    """The account has two-factor authentication on: ask for the code from the authenticator app."""

    default_user_message = (
        "This Nexudus account uses two-step verification. Enter the 6-digit code from your authenticator app."
    )


class PermissionDenied(AuthenticationError):
    """The sign-in works, but Nexudus refused this action: most likely a missing role or API access switched off."""

    default_user_message = (
        "Nexudus refused this action for your user. Ask a Nexudus administrator to check your roles and that "
        "“API access” is switched on."
    )


class ValidationError(NexudusError):
    """Nexudus rejected the data (HTTP 400, or 200 with WasSuccessful false)."""

    default_user_message = "Nexudus did not accept the data. Please check the highlighted fields."

    def __init__(self, detail: str, *, field_errors: list[FieldError] | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.field_errors: list[FieldError] = list(field_errors or [])

    def by_field(self) -> dict[str, list[str]]:
        """Messages grouped by property name ("" for errors that name no field), in the server's order."""
        grouped: dict[str, list[str]] = {}
        for err in self.field_errors:
            grouped.setdefault(err.property_name, []).append(err.message)
        return grouped


class NotFoundError(NexudusError):
    default_user_message = "Nexudus has no such record. It may have been deleted; refresh the directory."


class ConflictError(NexudusError):
    default_user_message = "Nexudus reported a conflict with another change to the same record. Refresh and try again."


class ThrottledError(NexudusError):
    """Nexudus asked us to slow down for longer than we are willing to wait in one call."""

    default_user_message = (
        "Nexudus is limiting how fast Pigeonhole may send requests. Your work is kept; it will be sent shortly."
    )

    def __init__(self, detail: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after


class ServerError(NexudusError):
    default_user_message = "Nexudus had a problem on its side. Your work is kept; Pigeonhole will try again later."


class ResponseFormatError(NexudusError):
    default_user_message = (
        "Nexudus sent an answer Pigeonhole could not read. Try again later; if it keeps happening, send the log "
        "file to support."
    )


class NetworkError(NexudusError):
    default_user_message = (
        "Pigeonhole cannot reach Nexudus. Check the internet connection; your work is kept and will be sent when "
        "the connection is back."
    )


class UnknownOutcomeError(NetworkError):
    """The connection failed after the write was sent: it may or may not have been applied."""

    default_user_message = (
        "The connection to Nexudus failed while saving. Pigeonhole will check whether it was saved before "
        "sending it again."
    )

    def __init__(self, detail: str, **kwargs: Any) -> None:
        kwargs.setdefault("outcome_unknown", True)
        super().__init__(detail, **kwargs)
