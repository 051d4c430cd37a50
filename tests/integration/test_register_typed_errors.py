"""The register path answers every unstorable text or out-of-range integer with a typed error at the field, on
SQLite and PostgreSQL, and `register_recipient` checks on its own (issue 15, point 7).

Before: `"x\\ud800y"` raised UnicodeEncodeError, a CountryId of 2**63 OverflowError (SQLite) or
NumericValueOutOfRange (PostgreSQL), `validate()` caught neither, and `register_recipient` did not call it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.desk.matching_service import MatchingService
from app.desk.register import RecipientRefused, RegisterService
from app.nexudus.enums import ContractContactType
from app.sandbox.server import SandboxServer
from app.store import ContactDraft, DeliveryDraft, InvalidOperation, record_delivery, register_contact, session_scope
from app.store.errors import StoreError
from app.store.tables import contacts_table
from tests.unit.test_desk_intake_directory import BUSINESS_ID, directory, synced_engine

CONTRACT = 300

BAD_DRAFTS: dict[str, tuple[str, dict[str, Any]]] = {
    "lone surrogate in the name": ("FullName", {"full_name": "x\ud800y"}),
    "NUL in the name": ("FullName", {"full_name": "Ann\x00 Smith"}),
    "control character in the notes": ("Notes", {"notes": "call\x1b[2J first"}),
    "lone surrogate in the e-mail": ("Email", {"email": "a\udc00@b.example"}),
    "CountryId 2**63": ("CountryId", {"country_id": 2**63}),
    "CoworkerId 2**64": ("CoworkerId", {"coworker_id": 2**64}),
    "contract 2**63": ("CoworkerContractId", {"contract_id": 2**63}),
    "over-long notes": ("Notes", {"notes": "n" * 100_000}),
}


@pytest.fixture
def engine(db_url: str, sandbox_factory: Any) -> Iterator[Engine]:
    srv: SandboxServer = sandbox_factory(data=directory())
    eng = synced_engine(db_url, srv)
    yield eng
    eng.dispose()


def _draft(**changes: Any) -> ContactDraft:
    values: dict[str, Any] = {
        "contract_id": CONTRACT,
        "full_name": "Quentin Blackwood",
        "contact_type": ContractContactType.DIRECTOR,
    }
    values.update(changes)
    return ContactDraft(**values)


def _pending(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(contacts_table.c.nexudus_id.is_(None))).scalar() or 0)


@pytest.mark.parametrize("case", list(BAD_DRAFTS))
def test_every_bad_field_is_a_typed_error_at_that_field(engine: Engine, case: str) -> None:
    field, changes = BAD_DRAFTS[case]
    register = RegisterService(engine, MatchingService(engine), "jo")
    draft = _draft(**changes)
    problems = register.validate(draft)
    assert field in problems, problems
    assert problems[field] and "\ud800" not in problems[field]
    with pytest.raises(RecipientRefused) as info:
        register.register_recipient(draft)  # checks on its own, whoever calls it
    assert field in info.value.field_errors
    assert isinstance(info.value, StoreError) and info.value.user_message
    with pytest.raises(InvalidOperation), session_scope(engine) as session:
        register_contact(session, draft, "jo")  # the store's own guard, for callers that skip the desk
    assert _pending(engine) == 0


def test_a_delivery_with_unstorable_text_is_refused_before_the_database(engine: Engine) -> None:
    for changes in ({"notes": "a\x00b"}, {"label_text": "x\ud800"}, {"business_id": 2**63}):
        draft = DeliveryDraft(contract_id=CONTRACT, business_id=BUSINESS_ID, name="Parcel", location="A1")
        draft = DeliveryDraft(**{**draft.__dict__, **changes})
        with pytest.raises(InvalidOperation), session_scope(engine) as session:
            record_delivery(session, draft, "jo")


def test_a_good_draft_still_registers(engine: Engine) -> None:
    register = RegisterService(engine, MatchingService(engine), "jo")
    recipient = register.register_recipient(_draft(notes="line one\nline two\twith a tab"))
    assert recipient.contact_id < 0
