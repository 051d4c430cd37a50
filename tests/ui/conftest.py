"""What every desk-widget test shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.desk_fixtures import modal_answers_given


@pytest.fixture(autouse=True)
def _every_modal_answer_given() -> Iterator[None]:
    """A dialog a test prepared an answer for (when_modal) must have come; an answer left waiting is cancelled, so
    it cannot answer the next test's dialog (it did: a hand-over answer closed a later test's forward dialog)."""
    yield
    never = modal_answers_given()
    assert not never, f"these dialogs never came: {never}"
