"""Outcomes recorded at the desk reach the sandbox as Nexudus's flags and times, over HTTP, on SQLite and
PostgreSQL: routing at intake, each outcome, files, reversal by a new entry, bad input refused with nothing
half-done, exactly once under faults, and a conflict held instead of overwritten."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.nexudus.enums import DeliveryType
from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import InvalidOperation, session_scope
from app.store.item_life import (
    ACCEPT_NEXUDUS,
    KEEP_DESK,
    SCAN_SLOT,
    SIGNATURE_SLOT,
    FileDraft,
    ForwardDraft,
    conflicts,
    forwarding_log,
    outcome_rows,
    queue_item,
    record_outcome,
    resolve_conflict,
    reverse_outcome,
)
from app.store.routing import Outcome, Queue
from app.store.tables import delivery_outcomes_table, forwarding_log_table, outbox_table
from tests.fixtures.sandbox import SandboxFactory, signed_in
from tests.integration.item_life_support import (
    CANCELLED,
    FAILED_ID,
    desk_database,
    flush,
    item_life_directory,
    record,
    server_record,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
ADDRESS = ForwardDraft(
    sent_to_name="Jane Doe",
    address_lines=("12 Long Lane", "Flat 3"),
    country_name="France",
    post_code="75001",
    city="Paris",
    carrier="Royal Mail",
    tracking_number="RR123456789GB",
)


@pytest.fixture
def srv(sandbox_factory: SandboxFactory) -> SandboxServer:
    return sandbox_factory(data=item_life_directory())


@pytest.fixture
def engine(db_url: str, srv: SandboxServer) -> Engine:
    return desk_database(db_url, srv)


def _queue(engine: Engine, delivery_id: int) -> Queue:
    with session_scope(engine) as s:
        return queue_item(s, delivery_id).queue


def test_intake_routes_by_the_contracts_preference(srv: SandboxServer, engine: Engine) -> None:
    expected = {
        0: Queue.SHELF,
        1: Queue.FORWARD,
        2: Queue.SCAN,
        3: Queue.RETURN,
        4: Queue.DISPOSE,
        5: Queue.DISPOSE,
        6: Queue.DEPOSIT,
        7: Queue.SCAN,
        CANCELLED: Queue.DECISION,
        FAILED_ID: Queue.DECISION,
    }
    for index, queue in expected.items():
        assert _queue(engine, record(engine, srv, index)) is queue, index
    with session_scope(engine) as s:
        item = queue_item(s, record(engine, srv, CANCELLED))
        assert item.reason == "contract cancelled" and item.contract_cancelled


def _outcome(engine: Engine, delivery_id: int, kind: Outcome, **kwargs: Any) -> int:
    with session_scope(engine) as s:
        return record_outcome(s, delivery_id, kind, "jo", **kwargs).outcome_id


def _at(engine: Engine, outcome_id: int, delivery_id: int) -> str:
    with session_scope(engine) as s:
        row = next(o for o in outcome_rows(s, delivery_id) if o.outcome_id == outcome_id)
    return row.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_each_outcome_reaches_the_sandbox_with_its_flag_and_time(srv: SandboxServer, engine: Engine) -> None:
    cases: list[tuple[int, Outcome, str, dict[str, Any]]] = [
        (1, Outcome.FORWARD, "Forwarded", {"forward": ADDRESS}),
        (3, Outcome.RETURN, "ReturnedToSender", {"done_by": "Tom"}),
        (4, Outcome.SHRED, "Shredded", {"done_by": "Tom"}),
        (5, Outcome.RECYCLE, "Recycled", {}),
        (6, Outcome.DEPOSIT, "CheckDeposited", {}),
        (CANCELLED, Outcome.STORE, "StoredForCollection", {}),
        (2, Outcome.SCAN, "Scanned", {"files": [FileDraft(SCAN_SLOT, "scan.pdf", "application/pdf", PDF)]}),
        (
            0,
            Outcome.COLLECT,
            "Collected",
            {
                "files": [FileDraft(SIGNATURE_SLOT, "signature.png", "image/png", PNG)],
                "details": {"collected_by": "Jane Doe", "for_whom": "Acme"},
            },
        ),
    ]
    done = []
    for index, kind, flag, kwargs in cases:
        delivery_id = record(engine, srv, index)
        done.append((delivery_id, _outcome(engine, delivery_id, kind, **kwargs), flag))
    report = flush(engine, srv)
    assert report.failed == 0 and report.waiting == 0, report
    for delivery_id, outcome_id, flag in done:
        rec = server_record(srv, engine, delivery_id)
        assert rec[flag] is True and rec[f"{flag}On"] == _at(engine, outcome_id, delivery_id), flag
        others = {"Collected", "Forwarded", "ReturnedToSender", "Shredded", "Recycled", "CheckDeposited"} - {flag}
        assert not any(rec[o] for o in others), flag
    scanned = server_record(srv, engine, done[6][0])
    assert scanned["ScannedFileDataFileName"] == "scan.pdf"
    collected = server_record(srv, engine, done[7][0])
    assert collected["Signed"] is True and collected["SignatureFileName"] == "signature.png"
    http = signed_in(srv)
    got = http.get(f"{srv.url}/api/spaces/coworkerdeliveries/getsignature/{collected['Id']}", timeout=10)
    assert got.status_code == 200 and got.content == PNG
    got = http.get(f"{srv.url}/api/spaces/coworkerdeliveries/getscannedfiledata/{scanned['Id']}", timeout=10)
    assert got.content == PDF
    # the scanned item (open, scan and forward) moves on to "to forward"; the others are done
    assert _queue(engine, done[6][0]) is Queue.FORWARD
    assert _queue(engine, done[0][0]) is Queue.DONE
    with session_scope(engine) as s:
        log = forwarding_log(s)
    assert [(r.sent_to_name, r.address_lines, r.country_name, r.carrier, r.tracking_number) for r in log] == [
        ("Jane Doe", ("12 Long Lane", "Flat 3"), "France", "Royal Mail", "RR123456789GB")
    ]


def test_a_mistaken_outcome_is_reversed_by_a_new_entry(srv: SandboxServer, engine: Engine) -> None:
    delivery_id = record(engine, srv, 1)
    outcome_id = _outcome(engine, delivery_id, Outcome.FORWARD, forward=ADDRESS)
    flush(engine, srv)
    assert server_record(srv, engine, delivery_id)["Forwarded"] is True
    with session_scope(engine) as s:
        reverse_outcome(s, outcome_id, "jo", "wrong item")
    assert _queue(engine, delivery_id) is Queue.FORWARD
    flush(engine, srv)
    rec = server_record(srv, engine, delivery_id)
    assert rec["Forwarded"] is False and rec["ForwardedOn"] is None
    with session_scope(engine) as s:
        rows = outcome_rows(s, delivery_id)
        assert [r.kind for r in rows] == [Outcome.FORWARD, Outcome.REVERSE]
        assert rows[0].reversed_by == rows[1].outcome_id
        assert forwarding_log(s)[0].reversed  # the log row stays, marked reversed
        with pytest.raises(InvalidOperation):
            reverse_outcome(s, outcome_id, "jo", "again")


@pytest.mark.parametrize(
    "bad",
    [
        ForwardDraft(sent_to_name="Jane", address_lines=(" ", ""), country_name="France"),
        ForwardDraft(sent_to_name="Jane", address_lines=("1 Road",), country_name=" "),
    ],
)
def test_bad_forwarding_address_records_nothing(srv: SandboxServer, engine: Engine, bad: ForwardDraft) -> None:
    delivery_id = record(engine, srv, 1)
    with session_scope(engine) as s:
        before = s.execute(select(func.count()).select_from(outbox_table)).scalar()
    with pytest.raises(InvalidOperation), session_scope(engine) as s:
        record_outcome(s, delivery_id, Outcome.FORWARD, "jo", forward=bad)
    with session_scope(engine) as s:
        assert s.execute(select(func.count()).select_from(delivery_outcomes_table)).scalar() == 0
        assert s.execute(select(func.count()).select_from(forwarding_log_table)).scalar() == 0
        assert s.execute(select(func.count()).select_from(outbox_table)).scalar() == before
    assert _queue(engine, delivery_id) is Queue.FORWARD


def test_signature_required_and_empty_signature_refused(srv: SandboxServer, engine: Engine) -> None:
    delivery_id = record(engine, srv, 0, kind=DeliveryType.PARCEL, requires_signature=True)
    with pytest.raises(InvalidOperation, match="signature"), session_scope(engine) as s:
        record_outcome(s, delivery_id, Outcome.COLLECT, "jo")
    with pytest.raises(InvalidOperation, match="signature is empty"), session_scope(engine) as s:
        record_outcome(
            s, delivery_id, Outcome.COLLECT, "jo", files=[FileDraft(SIGNATURE_SLOT, "s.png", "image/png", b"")]
        )
    assert _queue(engine, delivery_id) is Queue.SHELF


def test_collected_in_nexudus_while_the_desk_forwarded_is_a_conflict(srv: SandboxServer, engine: Engine) -> None:
    delivery_id = record(engine, srv, 1)
    flush(engine, srv)
    nexudus_id = int(server_record(srv, engine, delivery_id)["Id"])
    srv.state.update_record(
        Resource.COWORKER_DELIVERIES, nexudus_id, {"Collected": True, "CollectedOn": "2026-01-05T09:00:00Z"}
    )
    _outcome(engine, delivery_id, Outcome.FORWARD, forward=ADDRESS)
    report = flush(engine, srv)
    assert report.failed == 1
    rec = server_record(srv, engine, delivery_id)
    assert rec["Forwarded"] is False and rec["Collected"] is True  # not overwritten
    with session_scope(engine) as s:
        [conflict] = conflicts(s)
        assert conflict.server_flag == "Collected" and conflict.desk_outcome is Outcome.FORWARD
        on = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).astimezone().strftime("%d %b %Y %H:%M")  # the desk's time
        assert conflict.message == (  # the words of a conflict found by a pull (test_item_life_sync)
            f"Nexudus says this item was collected on {on}, but the desk recorded it as forwarded. "
            "Decide which is right in “Needs a decision”."
        )
        resolve_conflict(s, conflict.conflict_id, KEEP_DESK, "manager")
    assert flush(engine, srv).sent == 1
    rec = server_record(srv, engine, delivery_id)
    assert rec["Forwarded"] is True and rec["Collected"] is True


def test_accepting_nexudus_reverses_the_desk_outcome(srv: SandboxServer, engine: Engine) -> None:
    delivery_id = record(engine, srv, 1)
    flush(engine, srv)
    nexudus_id = int(server_record(srv, engine, delivery_id)["Id"])
    srv.state.update_record(
        Resource.COWORKER_DELIVERIES, nexudus_id, {"Collected": True, "CollectedOn": "2026-01-05T09:00:00Z"}
    )
    _outcome(engine, delivery_id, Outcome.FORWARD, forward=ADDRESS)
    flush(engine, srv)
    with session_scope(engine) as s:
        [conflict] = conflicts(s)
        resolve_conflict(s, conflict.conflict_id, ACCEPT_NEXUDUS, "manager")
        kinds = [(r.kind, r.source) for r in outcome_rows(s, delivery_id)]
        assert kinds == [(Outcome.FORWARD, "desk"), (Outcome.REVERSE, "desk"), (Outcome.COLLECT, "nexudus")]
        assert queue_item(s, delivery_id).queue is Queue.DONE
        assert queue_item(s, delivery_id).delivery.collected_at == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    flush(engine, srv)
    rec = server_record(srv, engine, delivery_id)
    assert rec["Forwarded"] is False and rec["Collected"] is True
