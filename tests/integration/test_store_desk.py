"""The desk's writes and reads, on SQLite and PostgreSQL: each write is one transaction with its audit entry and
its outbox entry; reads return plain dataclasses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from app.nexudus.enums import ContractContactType, DeliveryType
from app.store import (
    ContactDraft,
    DeliveryDraft,
    InvalidOperation,
    LocalState,
    OutboxKind,
    OutboxState,
    RecordNotFound,
    collect_deliveries,
    contract_detail,
    discard_outbox_entry,
    learn_alias,
    list_aliases,
    list_businesses,
    list_countries,
    list_deliveries,
    list_outbox,
    match_directory_rows,
    open_database,
    record_delivery,
    register_contact,
    resubmit_contact,
    retry_outbox_entry,
    scanned_today,
    search_contracts,
    search_coworkers,
    session_scope,
    status_summary,
    void_delivery,
)
from app.store.tables import (
    audit_table,
    businesses_table,
    contacts_table,
    contracts_table,
    countries_table,
    coworkers_table,
    outbox_table,
)

NOW = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(businesses_table), [{"id": 1, "name": "Soho"}, {"id": 2, "name": "Leeds"}])
        conn.execute(
            insert(countries_table),
            [
                {"id": 1, "name": "United Kingdom", "two_digits_code": "GB", "culture": "en-GB"},
                {"id": 2, "name": "Ireland", "two_digits_code": "IE", "culture": "en-IE"},
            ],
        )
        conn.execute(
            insert(coworkers_table),
            [
                {
                    "id": 9_000_000_001,
                    "full_name": "Robert Smith",
                    "email": "rob@acme.test",
                    "company_name": "Acme",
                    "billing_name": "",
                    "nick_name": "",
                    "active": True,
                },
                {
                    "id": 9_000_000_002,
                    "full_name": "Ana García",
                    "email": "ana@x.test",
                    "company_name": "",
                    "billing_name": "",
                    "nick_name": "",
                    "active": True,
                },
            ],
        )
        base = {
            "email": "",
            "tariff_name": "Virtual office",
            "active": True,
            "cancelled": False,
            "delivery_instructions": "",
            "handling_mail": 1,
            "handling_parcels": 1,
            "handling_checks": 10,
            "handling_publicity": 7,
            "gone": False,
            "billing_name": "",
            "holder_name": "",
            "cancellation_date": None,
        }
        conn.execute(
            insert(contracts_table),
            [
                {
                    **base,
                    "id": 8_000_000_001,
                    "coworker_id": 9_000_000_001,
                    "company_name": "Acme Trading Ltd",
                    "business_id": 1,
                    "po_box": "PO 12",
                    "holder_name": "Bob Smith (old)",
                },
                {
                    **base,
                    "id": 8_000_000_002,
                    "coworker_id": None,
                    "company_name": "Beacon Labs LLP",
                    "business_id": 2,
                    "po_box": "",
                    "cancelled": True,
                    "cancellation_date": NOW,
                },
            ],
        )
        contact = {
            "email": "",
            "address": "",
            "post_code": "",
            "city_name": "",
            "state": "",
            "phone_number": "",
            "notes": "",
            "coworker_full_name": "",
            "aml_check_status": 2,
            "aml_notes": "",
            "aml_cleared_by": "",
            "unique_id": "",
            "system_id": "",
            "updated_by": "",
            "local_state": "synced",
            "gone": False,
            "coworker_id": None,
        }
        conn.execute(
            insert(contacts_table),
            [
                {
                    **contact,
                    "nexudus_id": 7_000_000_001,
                    "contract_id": 8_000_000_001,
                    "contact_type": 1,
                    "full_name": "Rob Smith",
                    "coworker_id": 9_000_000_001,
                },
                {
                    **contact,
                    "nexudus_id": 7_000_000_002,
                    "contract_id": 8_000_000_001,
                    "contact_type": 2,
                    "full_name": "Acme Widgets",
                },
                {
                    **contact,
                    "nexudus_id": 7_000_000_003,
                    "contract_id": 8_000_000_002,
                    "contact_type": 3,
                    "full_name": "Claire Craig",
                },
            ],
        )


@pytest.fixture
def engine(db_url: str) -> Engine:
    e = open_database(db_url)
    seed(e)
    return e


def count(engine: Engine, table: object, *where: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar() or 0)  # type: ignore[arg-type]


def test_match_directory_shows_linked_coworker_names_and_pending_contacts(engine: Engine) -> None:
    with session_scope(engine) as s:
        row = register_contact(s, ContactDraft(contract_id=8_000_000_001, full_name="Jane Doe"), actor="jo")
    assert row.contact_id < 0 and row.local_state == LocalState.PENDING and row.outbox_id is not None
    with session_scope(engine, readonly=True) as s:
        contracts, contacts = match_directory_rows(s)
        _none, local = match_directory_rows(s, local_only=True)
    names = {contact_id: name for contact_id, _contract, _type, name, _gone in contacts}
    assert names[7_000_000_001] == "Robert Smith"  # linked: the coworker's current name
    assert names[row.contact_id] == "Jane Doe"
    assert [c[0] for c in local] == [row.contact_id]  # read again on top of a saved index
    by_id = {c[0]: c for c in contracts}
    # (id, company, billing, holder, cancelled, cancellation day, location, PO box)
    assert by_id[8_000_000_001][3:] == ("Robert Smith", False, None, 1, "PO 12")
    assert by_id[8_000_000_002][4:6] == (True, NOW.date())


def test_register_writes_row_audit_and_outbox_in_one_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        register_contact(s, ContactDraft(contract_id=8_000_000_001, full_name="Jane Doe"), actor="jo")
        raise RuntimeError("power cut")
    assert count(engine, contacts_table) == 3
    assert count(engine, outbox_table) == 0 and count(engine, audit_table) == 0
    with session_scope(engine) as s:
        register_contact(
            s,
            ContactDraft(contract_id=8_000_000_001, full_name="Jane Doe", contact_type=ContractContactType.DIRECTOR),
            actor="jo",
        )
    assert count(engine, contacts_table) == 4
    assert count(engine, outbox_table, outbox_table.c.kind == OutboxKind.CREATE_CONTACT) == 1
    assert count(engine, audit_table, audit_table.c.action == "contact.register") == 1
    with pytest.raises(RecordNotFound), session_scope(engine) as s:
        register_contact(s, ContactDraft(contract_id=1, full_name="Nobody"), actor="jo")


def test_failed_contact_resubmit_discard_and_retry(engine: Engine) -> None:
    with session_scope(engine) as s:
        row = register_contact(s, ContactDraft(contract_id=8_000_000_001, full_name="Jane Doe"), actor="jo")
    assert row.outbox_id is not None
    with engine.begin() as conn:  # what the sender does on a 400
        conn.execute(
            outbox_table.update()
            .where(outbox_table.c.id == row.outbox_id)
            .values(state=OutboxState.FAILED, field_errors=json.dumps({"Email": ["is not valid"]}))
        )
    with session_scope(engine) as s:
        failed = list_outbox(s)
    assert failed[0].state == OutboxState.FAILED and failed[0].field_errors == {"Email": ["is not valid"]}
    assert failed[0].summary == "New recipient Jane Doe for Acme Trading Ltd"
    with session_scope(engine) as s:
        fixed = resubmit_contact(
            s,
            row.outbox_id,
            ContactDraft(contract_id=8_000_000_001, full_name="Jane Doe", email="jane@acme.test"),
            actor="jo",
        )
    assert fixed.email == "jane@acme.test" and fixed.field_errors == {} and fixed.contact_id == row.contact_id
    with session_scope(engine) as s:
        assert list_outbox(s)[0].state == OutboxState.PENDING
        discard_outbox_entry(s, row.outbox_id, actor="jo")
    with session_scope(engine) as s:
        assert list_outbox(s) == []
        assert list_outbox(s, include_done=True)[0].state == OutboxState.DISCARDED
        detail = contract_detail(s, 8_000_000_001)
        jane = next(c for c in detail.contacts if c.full_name == "Jane Doe")
        assert jane.gone and jane.local_state == LocalState.FAILED
        with pytest.raises(InvalidOperation):
            retry_outbox_entry(s, row.outbox_id, actor="jo")


def test_deliveries_record_collect_void_and_lists(engine: Engine) -> None:
    with session_scope(engine) as s:
        pending = register_contact(s, ContactDraft(contract_id=8_000_000_001, full_name="Jane Doe"), actor="jo")
        a = record_delivery(
            s,
            DeliveryDraft(
                contract_id=8_000_000_001,
                business_id=1,
                name="Letter",
                location="A1",
                contact_id=pending.contact_id,
                tracking_number="TRK1",
                match_decision="auto",
                match_confidence=0.97,
                match_reasons=("surname exact",),
            ),
            actor="jo",
        )
        b = record_delivery(
            s,
            DeliveryDraft(
                contract_id=None,
                business_id=1,
                name="Parcel",
                location="Shelf B",
                delivery_type=DeliveryType.PARCEL,
                contact_id=7_000_000_001,
            ),
            actor="jo",
        )
    assert a.recipient_name == "Jane Doe" and a.company_name == "Acme Trading Ltd"
    assert a.match_reasons == ("surname exact",) and a.contact_id == pending.contact_id
    assert b.contract_id == 8_000_000_001 and b.recipient_name == "Robert Smith"
    with session_scope(engine) as s:
        assert scanned_today(s, "TRK1") and not scanned_today(s, "TRK2") and not scanned_today(s, "")
        assert [d.delivery_id for d in list_deliveries(s, "today")] == [b.delivery_id, a.delivery_id]
        assert [d.name for d in list_deliveries(s, "all", text="shelf")] == []
        assert [d.name for d in list_deliveries(s, "all", text="parc")] == ["Parcel"]
        collected = collect_deliveries(s, [a.delivery_id], "Jane Doe", "Acme", actor="jo")
    assert collected[0].collected_by == "Jane Doe"
    with session_scope(engine) as s:
        assert [d.name for d in list_deliveries(s, "uncollected")] == ["Parcel"]
        with pytest.raises(InvalidOperation):
            collect_deliveries(s, [a.delivery_id], "Jane Doe", "Acme", actor="jo")
    with session_scope(engine) as s:
        voided = void_delivery(s, b.delivery_id, "wrong recipient", actor="jo")
    assert voided.void_reason == "wrong recipient" and voided.voided_by == "jo"
    with session_scope(engine) as s:
        kinds = [(e.kind, e.state) for e in list_outbox(s, include_done=True)]
        assert list_deliveries(s, "uncollected") == []
        assert len(list_deliveries(s, "all")) == 2  # voided deliveries are kept
    # the never-sent create of the voided delivery is discarded instead of sending a create and a delete
    assert (OutboxKind.CREATE_DELIVERY, OutboxState.DISCARDED) in kinds
    assert OutboxKind.VOID_DELIVERY not in [k for k, _ in kinds]
    assert count(engine, audit_table) == 5


def test_void_after_send_queues_a_delete(engine: Engine) -> None:
    with session_scope(engine) as s:
        d = record_delivery(
            s, DeliveryDraft(contract_id=8_000_000_001, business_id=1, name="Letter", location="A1"), actor="jo"
        )
    with engine.begin() as conn:  # what the sender does after a successful create
        conn.execute(outbox_table.update().values(state=OutboxState.SENT, attempts=1))
    with session_scope(engine) as s:
        void_delivery(s, d.delivery_id, "double scan", actor="jo")
        entries = list_outbox(s)
    assert [(e.kind, e.delivery_id) for e in entries] == [(OutboxKind.VOID_DELIVERY, d.delivery_id)]


def test_aliases_search_and_lookups(engine: Engine) -> None:
    with session_scope(engine) as s:
        first = learn_alias(s, "ACME  widgets", 8_000_000_001, 7_000_000_002, actor="jo")
        again = learn_alias(s, "acme widgets", 8_000_000_001, 7_000_000_002, actor="jo")
        company = learn_alias(s, "Acme", 8_000_000_001, None, actor="jo")
    assert first == again and first.contact_id == 7_000_000_002 and company.contact_id is None
    with session_scope(engine) as s:
        assert len(list_aliases(s)) == 2
        assert [c.contract_id for c in search_contracts(s, "beacon")] == [8_000_000_002]
        assert [c.contract_id for c in search_contracts(s, "claire")] == [8_000_000_002]
        assert [c.contract_id for c in search_contracts(s, "po 1")] == [8_000_000_001]
        assert [c.contract_id for c in search_contracts(s, "100%")] == []
        assert [c.full_name for c in search_coworkers(s, "garc", 5)] == ["Ana García"]
        assert [c.code for c in list_countries(s)] == ["IE", "GB"]
        assert [b.name for b in list_businesses(s)] == ["Leeds", "Soho"]
        detail = contract_detail(s, 8_000_000_001)
        assert detail.handling_checks.name == "DEPOSIT_CHECK" and len(detail.contacts) == 2
        assert {c.aml_check_status.name for c in detail.contacts} == {"CLEAR"}
        summary = status_summary(s)
    assert (summary.contracts, summary.contacts, summary.outbox_pending, summary.outbox_failed) == (2, 3, 0, 0)
    assert set(summary.to_json()) == {"contracts", "contacts", "outbox_pending", "outbox_failed", "last_sync"}


def test_a_delivery_stays_waiting_while_its_hand_over_is_queued(engine: Engine) -> None:
    """Logged and handed over while offline: once the delivery itself reaches Nexudus, the hand-over is still
    waiting, and the list must say so until that is sent too."""
    from app.store.outbox import mark_sent, queue

    with session_scope(engine) as s:
        d = record_delivery(
            s, DeliveryDraft(contract_id=8_000_000_001, business_id=1, name="Letter", location="A1"), actor="jo"
        )
        other = record_delivery(
            s, DeliveryDraft(contract_id=8_000_000_001, business_id=1, name="Box", location="A1"), actor="jo"
        )
        collect_deliveries(s, [d.delivery_id, other.delivery_id], "Rob Smith", "", actor="jo")
    with engine.begin() as conn:
        create, create_other, collect = queue(conn)
        mark_sent(conn, create, server_id=123)
    with session_scope(engine) as s:
        row = next(r for r in list_deliveries(s, "all") if r.delivery_id == d.delivery_id)
    assert row.nexudus_id == 123 and row.local_state == LocalState.PENDING
    with engine.begin() as conn:
        mark_sent(conn, create_other, server_id=124)
        mark_sent(conn, collect, delivery_ids=[d.delivery_id, other.delivery_id])
    with session_scope(engine) as s:
        assert {r.local_state for r in list_deliveries(s, "all")} == {LocalState.SYNCED}
