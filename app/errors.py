"""The one root of errors meant for the person at the desk, and the one per-field error.

Every error whose message reception staff should read derives from `UserFacingError`: `user_message` is plain
language they can act on, `str(error)` the technical detail for the log. Anything else that reaches a screen is a
bug (logged with its traceback, shown by the crash reporter). Screens ask `user_message_of(exc)`; nobody guesses
with getattr. This module is the bottom layer: every package may import it, it imports nothing of the app.

    UserFacingError
    ├── app.nexudus.errors.NexudusError     what Nexudus answered (or did not); see that module for the tree
    ├── app.store.errors.StoreError         RecordNotFound, InvalidOperation
    ├── app.store.engine.DatabaseError      the database cannot be opened
    ├── app.store.locks.LockBusyError       another desk holds the lock
    ├── app.desk.deliveries.DeskInputError  something to fill in or correct at the desk
    ├── app.desk.dates.TypedDateError       a typed date that is not one
    ├── app.capture.errors.CaptureError     a picture that cannot be read
    └── app.ui.shelf_label.PrinterError     the label printer could not print

`FieldError` is one field's problem, as Nexudus reports it (`Errors[]` of a write's answer) and as the sandbox's
validation rules produce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class UserFacingError(Exception):
    """An error whose `user_message` is written for reception staff. `str(error)` is the detail for the log."""

    default_user_message = "That could not be done. Please try again in a moment."

    def __init__(self, detail: str, *, user_message: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.user_message: str = user_message or self.default_user_message


@dataclass(frozen=True)
class FieldError:
    """One field's problem: the API property name ("" when it names none), the message, the value sent."""

    property_name: str
    message: str
    attempted_value: Any = None

    def as_text(self) -> str:
        return f"{self.property_name}: {self.message}"


def user_message_of(exc: BaseException) -> str | None:
    """The plain-words message of an error the person at the desk can act on; None for a bug."""
    return exc.user_message if isinstance(exc, UserFacingError) else None
