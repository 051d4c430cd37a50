"""One root for errors meant for staff (app.errors.UserFacingError), one FieldError, one way to ask for the message."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import app.errors
from app.desk.deliveries import DeskInputError
from app.errors import FieldError, UserFacingError, user_message_of
from app.nexudus import errors as nexudus_errors
from app.nexudus import validation_rules
from app.store.engine import DatabaseError
from app.store.errors import InvalidOperation, RecordNotFound, StoreError
from app.store.locks import LockBusyError

APP = Path(app.errors.__file__).resolve().parent


@pytest.mark.parametrize(
    "error",
    [
        nexudus_errors.NetworkError("offline"),
        nexudus_errors.ValidationError("400", user_message="Nexudus did not accept the data."),
        StoreError("No such delivery."),
        RecordNotFound("That contact is gone."),
        InvalidOperation("Already collected."),
        DatabaseError("The database folder cannot be written."),
        LockBusyError("sync"),
        DeskInputError("Type who the item is for."),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_error_for_staff_has_the_one_root(error: Exception) -> None:
    assert isinstance(error, UserFacingError)
    message = user_message_of(error)
    assert message and message == error.user_message
    assert "Traceback" not in message


def test_old_bases_still_catch_what_they_caught() -> None:
    assert isinstance(DatabaseError("x"), RuntimeError)
    assert isinstance(LockBusyError("x"), RuntimeError)
    assert isinstance(DeskInputError("x"), ValueError)
    assert str(nexudus_errors.NetworkError("detail for the log")) == "detail for the log"
    assert nexudus_errors.NetworkError("d").user_message == nexudus_errors.NetworkError.default_user_message


def test_a_bug_has_no_user_message() -> None:
    assert user_message_of(KeyError("x")) is None
    assert user_message_of(ValueError("x")) is None


def test_one_field_error_type() -> None:
    assert nexudus_errors.FieldError is FieldError
    assert validation_rules.FieldError is FieldError
    assert FieldError("FullName", "is a required field").as_text() == "FullName: is a required field"


def _classes_setting_user_message() -> list[str]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "user_message" and isinstance(node.ctx, ast.Store):
                found.append(str(path.relative_to(APP.parent)))
    return found


def test_only_the_root_sets_user_message_and_nobody_guesses_with_getattr() -> None:
    assert _classes_setting_user_message() == ["app/errors.py"]
    guesses = [
        str(p.relative_to(APP.parent))
        for p in APP.rglob("*.py")
        if 'getattr(exc, "user_message"' in p.read_text(encoding="utf-8")
        or "getattr(exc, 'user_message'" in p.read_text(encoding="utf-8")
    ]
    assert guesses == []


def test_the_crash_dialog_asks_the_root() -> None:
    from app.ui import crash

    assert crash.user_message_of is user_message_of
    assert "isinstance(exc, UserFacingError)" in inspect.getsource(user_message_of)
