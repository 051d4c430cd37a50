"""Intake and register use cases on a real synced database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from app.desk.carriers import recognise
from app.desk.intake import IntakeDraft, IntakeService, confirmation_text
from app.desk.matching_service import MatchingService
from app.desk.register import RegisterService, guess_kind, guess_name
from app.nexudus.enums import ContractContactType, DeliveryType
from app.sandbox.server import SandboxServer
from app.store import ContactDraft, InvalidOperation, list_deliveries, list_outbox, session_scope
from tests.unit.test_desk_intake_directory import BUSINESS_ID, directory, sync, synced_engine

ACTOR = "desk@centre.test"


@pytest.fixture
def srv(sandbox_factory: Any) -> SandboxServer:
    return sandbox_factory(data=directory())


@pytest.fixture
def engine(db_url: str, srv: SandboxServer) -> Iterator[Engine]:
    eng = synced_engine(db_url, srv)
    yield eng
    eng.dispose()


@pytest.fixture
def services(engine: Engine) -> tuple[IntakeService, RegisterService]:
    matching = MatchingService(engine)
    return IntakeService(engine, matching, ACTOR, BUSINESS_ID), RegisterService(engine, matching, ACTOR)


def test_match_carries_contract_state_handling_and_id_check(services: tuple[IntakeService, RegisterService]) -> None:
    intake, _ = services
    view = intake.match("Jane Doe", DeliveryType.PARCEL)
    assert view.decision == "auto"
    best = view.candidates[0]
    assert (best.contract_id, best.contact_id, best.company) == (100, 1001, "Acme Trading Ltd")
    assert best.contract_state == "Active"
    assert best.handling == "Forward"  # parcels
    assert best.aml_warning == ""  # clear
    assert best.delivery_instructions == "Ring twice"
    assert best.why
    assert intake.match("Jane Doe", DeliveryType.MAIL).candidates[0].handling == "Keep for collection"

    robert = intake.match("Robert Smith").candidates[0]
    assert robert.contact_id == 1002
    assert "possible match" in robert.aml_warning

    mary = intake.match("Mary Craig").candidates[0]
    assert mary.cancelled
    assert mary.contract_state == "Cancelled on 1 Mar 2025"

    assert intake.match("   ").candidates == ()
    stranger = intake.match("Xavier Quillfeather")
    assert stranger.decision != "auto"


def test_record_stores_locally_and_queues(services: tuple[IntakeService, RegisterService], engine: Engine) -> None:
    intake, _ = services
    view = intake.match("Jane Doe")
    tracking = recognise("1Z999AA10123456784")
    draft = IntakeDraft(view.candidates[0], "Jane Doe", DeliveryType.PARCEL, "B2", "fragile", tracking, view.decision)
    assert not intake.already_scanned_today(tracking.tracking_number)
    delivery_id = intake.record(draft)
    assert intake.already_scanned_today(tracking.tracking_number)
    assert intake.shelf == "B2"
    with session_scope(engine) as session:
        rows = list_deliveries(session, "today")
        outbox = list_outbox(session)
    row = next(r for r in rows if r.delivery_id == delivery_id)
    assert (row.contract_id, row.contact_id, row.business_id) == (100, 1001, BUSINESS_ID)
    assert (row.location, row.tracking_number, row.carrier) == ("B2", "1Z999AA10123456784", "UPS")
    assert row.received_by == ACTOR
    assert row.match_decision == "auto"
    assert row.name == "Parcel (UPS)"
    assert [e.delivery_id for e in outbox] == [delivery_id]
    assert confirmation_text(draft) == "Parcel for Jane Doe (Acme Trading Ltd) — shelf B2. Waiting to send"


def test_record_needs_a_shelf(services: tuple[IntakeService, RegisterService]) -> None:
    intake, _ = services
    cand = intake.match("Jane Doe").candidates[0]
    with pytest.raises(InvalidOperation, match="shelf"):
        intake.record(IntakeDraft(cand, "Jane Doe", shelf=" "))


def test_learned_alias_is_used_at_once(services: tuple[IntakeService, RegisterService]) -> None:
    intake, _ = services
    label = "Spindlewick Imports"
    assert all(c.contract_id != 300 for c in intake.match(label).candidates[:1])
    intake.learn_alias(label, 300, 3001)
    best = intake.match(label).candidates[0]
    assert (best.contract_id, best.contact_id) == (300, 3001)
    # a new service on the same database (the next start) reads the alias back from the store
    fresh = IntakeService(intake.matching._engine, MatchingService(intake.matching._engine), ACTOR, BUSINESS_ID)
    assert fresh.match(label).candidates[0].contract_id == 300


def test_register_is_matchable_at_once_and_deliverable(
    services: tuple[IntakeService, RegisterService], engine: Engine
) -> None:
    intake, register = services
    intake.matching.ensure_loaded()
    draft = ContactDraft(
        contract_id=300,
        full_name="Quentin Blackwood",
        contact_type=ContractContactType.DIRECTOR,
        email="quentin@zephyr.test",
    )
    assert register.validate(draft) == {}
    recipient = register.register_recipient(draft)
    assert recipient.contact_id < 0  # pending: Nexudus does not have it yet
    best = intake.match("Quentin Blackwood").candidates[0]
    assert (best.contract_id, best.contact_id) == (300, recipient.contact_id)
    assert best.pending
    delivery_id = intake.record(IntakeDraft(best, "Quentin Blackwood", DeliveryType.MAIL, "A1"))
    with session_scope(engine) as session:
        kinds = [(e.kind, e.delivery_id) for e in list_outbox(session)]
    assert kinds == [("create_contact", None), ("create_delivery", delivery_id)]


def test_validate_uses_the_servers_rules(services: tuple[IntakeService, RegisterService]) -> None:
    _, register = services
    bad = ContactDraft(
        contract_id=0,
        full_name="",
        email="not-an-email",
        date_of_birth=date.today() + timedelta(days=2),
        post_code="X" * 21,
    )
    errors = register.validate(bad)
    assert set(errors) == {"CoworkerContractId", "FullName", "Email", "DateOfBirth", "PostCode"}
    assert "contract" in errors["CoworkerContractId"].lower()
    assert errors["Email"].startswith("That is not an e-mail address")
    assert "future" in errors["DateOfBirth"]
    assert "20" in errors["PostCode"]
    good = replace(
        bad, contract_id=100, full_name="A B", email="a@b.co", date_of_birth=date(1980, 1, 2), post_code="EC1A 1BB"
    )
    assert register.validate(good) == {}


def test_prefill_guesses_name_kind_and_contract(services: tuple[IntakeService, RegisterService]) -> None:
    _, register = services
    draft = register.prefill("FAO Olivia Newman\nAcme Trading Ltd\n12 High Street\nLondon EC1A 1BB")
    assert draft.full_name == "Olivia Newman"
    assert draft.contact_type == ContractContactType.NOMINATED_RECIPIENT
    assert draft.contract_id == 100


def test_sync_report_updates_the_index_incrementally(engine: Engine, srv: SandboxServer) -> None:
    intake = IntakeService(engine, MatchingService(engine, batch=2), ACTOR, BUSINESS_ID)  # tiny chunks: many queries
    intake.matching.ensure_loaded()
    index = intake.matching._index
    srv.state.update_record("ContractContact", 3001, {"FullName": "Janina Smithson-Ortega"})
    srv.state.delete_record("ContractContact", 2001)
    report = sync(engine, srv, full=True)
    assert 3001 in report.changed_contact_ids
    intake.apply_sync_report(report)
    assert intake.matching._index is index  # no rebuild
    best = intake.match("Janina Smithson-Ortega").candidates[0]
    assert (best.contract_id, best.contact_id) == (300, 3001)
    assert all(c.contact_id != 2001 for c in intake.match("Mary Craig").candidates)


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Jane Doe", "Jane Doe", ContractContactType.DIRECTOR),
        ("c/o Mark Twain, Acme Trading Ltd", "Mark Twain", ContractContactType.NOMINATED_RECIPIENT),
        ("Attn: SARAH CONNOR", "Sarah Connor", ContractContactType.NOMINATED_RECIPIENT),
        ("Widget Works Ltd", "Widget Works Ltd", ContractContactType.COMPANY_ALIAS),
        (
            "Deliver to: Bright Ideas Consulting\n1 Main St",
            "Bright Ideas Consulting",
            ContractContactType.COMPANY_ALIAS,
        ),
        ("", "", ContractContactType.DIRECTOR),
    ],
)
def test_guess_name_and_kind(text: str, name: str, kind: ContractContactType) -> None:
    assert guess_name(text) == name
    assert guess_kind(text) == kind
