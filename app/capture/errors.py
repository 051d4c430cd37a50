"""The one error capture raises: a bad input, explained in plain words for reception staff."""

from __future__ import annotations

from app.errors import UserFacingError


class CaptureError(UserFacingError):
    """Bad input: corrupt, empty, too large, not an image, a PDF with no pages. `.user_message` is for staff."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message, user_message=user_message)
