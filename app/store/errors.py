"""Errors the desk can show as they are (`user_message`); their root is app.errors.UserFacingError."""

from __future__ import annotations

from app.errors import UserFacingError


class StoreError(UserFacingError):
    def __init__(self, message: str) -> None:
        super().__init__(message, user_message=message)


class RecordNotFound(StoreError):
    """The contract, contact, delivery or outbox entry does not exist (any more)."""


class OutcomeUnknown(StoreError):
    """A create whose last send got no clear answer: Nexudus may have the record. It cannot be discarded as
    "never sent" until Nexudus was asked (app.desk.outbox_service.OutboxService.settle_unknown)."""


class InvalidOperation(StoreError):
    """The action does not apply to the record in its current state (e.g. collecting a voided delivery)."""
