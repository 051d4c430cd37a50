"""Directory search refuses NUL and caps the pattern; the desk's matching says when a label was cut; a delivery
keeps its label text bounded and clean (issue 15, point 8), on SQLite and PostgreSQL.

Before: a search for "\\x00" returned every contract on SQLite, and a 100,000-character search raised
"LIKE or GLOB pattern too complex"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from app.desk.intake import IntakeDraft, IntakeService
from app.desk.matching_service import LABEL_CUT_NOTE, MatchingService
from app.desk.register import RegisterService
from app.matching.label import MAX_LABEL_CHARS
from app.nexudus.enums import DeliveryType
from app.store import list_deliveries, search_contracts, search_coworkers, session_scope
from tests.unit.test_desk_intake_directory import BUSINESS_ID, directory, synced_engine


@pytest.fixture
def engine(db_url: str, sandbox_factory: Any) -> Iterator[Engine]:
    eng = synced_engine(db_url, sandbox_factory(data=directory()))
    yield eng
    eng.dispose()


@pytest.mark.parametrize("term", ["\x00", "\x00\x00\x01", "\x1b", "x\ud800", "%", "_", "\\"])
def test_a_search_of_only_unusable_characters_finds_nothing(engine: Engine, term: str) -> None:
    register = RegisterService(engine, MatchingService(engine), "jo")
    assert register.search_contracts(term) == []
    assert register.search_coworkers(term) == []
    with session_scope(engine, readonly=True) as session:
        assert list_deliveries(session, "all", term) == []


def test_a_huge_search_is_cut_and_answers(engine: Engine) -> None:
    with session_scope(engine, readonly=True) as session:
        everything = search_contracts(session, "")
        assert everything
        name = everything[0].company_name or everything[0].holder_name
        assert search_contracts(session, name + "x" * 100_000) == []  # no "pattern too complex"
        assert search_coworkers(session, "y" * 100_000) == []
        assert list_deliveries(session, "all", "z" * 100_000) == []
        found = search_contracts(session, name[:5] + "\x00")  # the NUL is dropped, the rest searched
        assert found and len(found) < len(everything) + 1


def test_a_cut_label_says_so_and_is_stored_bounded(engine: Engine) -> None:
    matching = MatchingService(engine)
    intake = IntakeService(engine, matching, "jo", BUSINESS_ID)
    assert matching.match("Sam Taylor").note == ""
    huge = "Sam Taylor\n" + "\x00noise " * 20_000
    view = intake.match(huge)
    assert view.note == LABEL_CUT_NOTE and matching.match(huge).to_json()["note"] == LABEL_CUT_NOTE
    assert view.candidates
    delivery_id = intake.record(IntakeDraft(view.candidates[0], huge, DeliveryType.MAIL, "A1"))
    with session_scope(engine, readonly=True) as session:
        row = next(d for d in list_deliveries(session, "all") if d.delivery_id == delivery_id)
    assert len(row.label_text) <= MAX_LABEL_CHARS and "\x00" not in row.label_text
