"""Random and hostile text through every path where text enters Pigeonhole (issue 15, the fuzz test), bounded to
60 s in all: label text to the matcher, search terms, every field of the register form (desk layer), and records
served by the sandbox, synced into SQLite and PostgreSQL.

Asserted for every example: no exception other than the typed ones meant for staff, nothing stored that cannot be
stored (app.nexudus.text.is_storable), and matching within its bound (50 ms of CPU time at this directory size;
tests/bench/bench_hostile_labels.py measures 100k contacts)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.desk.matching_service import MatchingService
from app.desk.register import RegisterService
from app.nexudus.enums import ContractContactType
from app.nexudus.resources import Resource
from app.nexudus.text import is_storable
from app.sandbox.server import SandboxServer
from app.store import ContactDraft, list_deliveries, session_scope
from app.store.errors import StoreError
from app.store.tables import contacts_table, contracts_table
from app.sync import pull_directory
from tests.integration.sync_support import client_for
from tests.integration.test_text_boundary import stored_text
from tests.unit.test_desk_intake_directory import directory, synced_engine

pytestmark = pytest.mark.timeout(120)  # the examples below add up to well under 60 s; this only stops a hang

MATCH_BOUND_MS = 50.0
ATOMS = [
    "\x00",
    "\ud800",
    "\udfff",
    "\x1b[2J",
    "\x7f",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "--",
    ";",
    "\u202e",
    "\ufeff",
    "\u200b",
    "🙂",
    "Müller",
    "c/o",
    "Attn:",
    "/",
    "\n",
    "\r\n",
    "\t",
    "Ltd",
    "Smith ",
    "O'Neil",
    "a" * 300,
    "Smith " * 200,
    "\n" * 100,
    "x" * 50_000,
    "Ω" * 1000,
    "12 High Street",
    "EC1A 1BB",
]
hostile = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=200),
    st.lists(st.sampled_from(ATOMS) | st.text(st.characters(exclude_categories=()), max_size=8), max_size=30).map(
        "".join
    ),
)
big_ints = st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from([0, 2**63, -1]))
FAST = settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SLOW = settings(FAST, max_examples=20)


@pytest.fixture(scope="module")
def srv() -> Iterator[SandboxServer]:
    with SandboxServer.start(data=directory()) as server:
        yield server


@pytest.fixture(scope="module")
def engine(srv: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    eng = synced_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'desk.sqlite3'}", srv)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def services(engine: Engine) -> tuple[MatchingService, RegisterService]:
    matching = MatchingService(engine)
    matching.ensure_loaded()
    return matching, RegisterService(engine, matching, "fuzz")


def test_label_text_to_the_matcher(services: tuple[MatchingService, RegisterService]) -> None:
    matching, _ = services
    slow: list[tuple[float, str]] = []

    @FAST
    @given(hostile)
    def check(text: str) -> None:
        started = time.thread_time()
        result = matching.match(text, 5)
        took = (time.thread_time() - started) * 1000
        if took > MATCH_BOUND_MS:
            slow.append((took, text[:80]))
        assert all(c.contract_id for c in result.candidates)
        result.to_json()

    check()
    assert not slow, slow[:3]


def test_search_terms(engine: Engine, services: tuple[MatchingService, RegisterService]) -> None:
    _, register = services

    @FAST
    @given(hostile)
    def check(term: str) -> None:
        assert isinstance(register.search_contracts(term), list)
        assert isinstance(register.search_coworkers(term), list)
        with session_scope(engine, readonly=True) as session:
            assert isinstance(list_deliveries(session, "all", term), list)

    check()


def test_every_field_of_the_register_form(engine: Engine, services: tuple[MatchingService, RegisterService]) -> None:
    _, register = services
    base = ContactDraft(contract_id=300, full_name="Fuzz Person", contact_type=ContractContactType.DIRECTOR)
    text_fields = ["full_name", "email", "address", "post_code", "city_name", "state", "phone_number", "notes"]

    @settings(FAST, max_examples=100)
    @given(
        st.sampled_from(text_fields),
        hostile,
        st.sampled_from(["contract_id", "coworker_id", "country_id"]),
        big_ints,
        st.one_of(st.none(), st.dates(min_value=date(1, 1, 1))),
    )
    def check(field: str, text: str, int_field: str, number: int | None, born: date | None) -> None:
        number = 0 if number is None and int_field == "contract_id" else number  # the form sends 0 for "none"
        changes: dict[str, Any] = {field: text, int_field: number, "date_of_birth": born}
        draft = replace(base, **changes)
        problems = register.validate(draft)
        assert isinstance(problems, dict)
        try:
            register.register_recipient(draft)
        except StoreError as exc:
            assert exc.user_message and is_storable(exc.user_message)

    check()
    with engine.connect() as conn:
        values = [v for row in conn.execute(select(contacts_table)) for v in row if isinstance(v, str)]
    assert all(is_storable(v) for v in values)


def test_records_served_by_the_sandbox_sync_into_both_engines(srv: SandboxServer, db_url: str) -> None:
    engine = synced_engine(db_url, srv)
    contact_ids = [int(r["Id"]) for r in srv.state.records(Resource.CONTRACT_CONTACTS)]
    contract_ids = [int(r["Id"]) for r in srv.state.records(Resource.COWORKER_CONTRACTS)]
    fields = ["FullName", "Email", "Notes", "Address", "PostCode", "CityName", "PhoneNumber", "SystemId"]

    @SLOW
    @given(
        st.lists(st.tuples(st.sampled_from(contact_ids), st.sampled_from(fields), hostile), min_size=1, max_size=6),
        st.tuples(st.sampled_from(contract_ids), hostile),
        st.one_of(st.none(), big_ints),
    )
    def check(edits: list[tuple[int, str, str]], contract_edit: tuple[int, str], country: Any) -> None:
        for contact_id, field, text in edits:
            srv.state.update_record(Resource.CONTRACT_CONTACTS, contact_id, {field: text})
        if country is not None:
            srv.state.update_record(Resource.CONTRACT_CONTACTS, edits[0][0], {"CountryId": country})
        srv.state.update_record(Resource.COWORKER_CONTRACTS, contract_edit[0], {"TariffName": contract_edit[1]})
        with client_for(srv) as client:
            pull_directory(engine, client)
        assert all(is_storable(v) for v in stored_text(engine))

    check()
    with engine.connect() as conn:
        assert conn.execute(select(contracts_table.c.id)).first() is not None
    engine.dispose()
