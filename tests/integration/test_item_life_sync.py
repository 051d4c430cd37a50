"""Deliveries pulled from the sandbox over HTTP (SQLite and PostgreSQL): recorded elsewhere -> on the desk and in
their queue; collected in Nexudus -> done on the desk; the desk's own recognised by SystemId (no duplicate);
collected in Nexudus after the desk forwarded it -> a conflict shown, nothing overwritten; incremental pulls."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import session_scope
from app.store.item_life import ForwardDraft, conflicts, outcome_rows, queue_item, record_outcome
from app.store.routing import Outcome, Queue
from app.store.tables import deliveries_table
from app.sync.deliveries import pull_deliveries
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.item_life_support import (
    contact_id,
    contract_id,
    desk_database,
    flush,
    item_life_directory,
    record,
    server_record,
)
from tests.integration.sync_support import client_for


@pytest.fixture
def srv(sandbox_factory: SandboxFactory) -> SandboxServer:
    return sandbox_factory(data=item_life_directory())


@pytest.fixture
def engine(db_url: str, srv: SandboxServer) -> Engine:
    return desk_database(db_url, srv)


def _pull(engine: Engine, srv: SandboxServer) -> object:
    with client_for(srv) as client:
        return pull_deliveries(engine, client)


def _local_id(engine: Engine, nexudus_id: int) -> int:
    with engine.connect() as conn:
        found = conn.execute(select(deliveries_table.c.id).where(deliveries_table.c.nexudus_id == nexudus_id)).scalar()
    assert found is not None
    return int(found)


def _add_elsewhere(srv: SandboxServer, index: int, **extra: object) -> int:
    return srv.state.add_record(
        Resource.COWORKER_DELIVERIES,
        {
            "BusinessId": srv.state.records(Resource.BUSINESSES)[0]["Id"],
            "Name": "Parcel - DHL",
            "Location": "Shelf 4",
            "DeliveryType": 2,
            "ContractContactId": contact_id(srv, index),
            **extra,
        },
    )


def test_recorded_elsewhere_appears_on_the_desk_in_its_queue(srv: SandboxServer, engine: Engine) -> None:
    forward = _add_elsewhere(srv, 1)
    shelf = _add_elsewhere(srv, 0, RequiresSignature=True)
    report = _pull(engine, srv)
    assert report.created == srv.state.count(Resource.COWORKER_DELIVERIES)  # type: ignore[attr-defined]
    forward_id, shelf_id = _local_id(engine, forward), _local_id(engine, shelf)
    with session_scope(engine) as s:
        item = queue_item(s, forward_id)
        assert item.queue is Queue.FORWARD and item.delivery.contract_id == contract_id(srv, 1)
        assert item.delivery.name == "Parcel - DHL" and item.delivery.created_by == "Nexudus"
        on_shelf = queue_item(s, shelf_id)
        assert on_shelf.queue is Queue.SHELF and on_shelf.requires_signature


def test_collected_in_nexudus_shows_on_the_desk_after_a_sync(srv: SandboxServer, engine: Engine) -> None:
    nexudus_id = _add_elsewhere(srv, 0)
    _pull(engine, srv)
    local = _local_id(engine, nexudus_id)
    srv.state.update_record(
        Resource.COWORKER_DELIVERIES, nexudus_id, {"Collected": True, "CollectedOn": "2026-02-03T10:20:00Z"}
    )
    report = _pull(engine, srv)
    assert report.changed == 1 and report.created == 0  # type: ignore[attr-defined]
    with session_scope(engine) as s:
        item = queue_item(s, local)
        assert item.queue is Queue.DONE and item.delivery.collected_at is not None
        [outcome] = outcome_rows(s, local)
        assert outcome.kind is Outcome.COLLECT and outcome.source == "nexudus"
    # an unchanged second pull changes nothing
    assert _pull(engine, srv).changed == 0  # type: ignore[attr-defined]


def test_the_desks_own_delivery_is_recognised_by_its_marker(srv: SandboxServer, engine: Engine) -> None:
    delivery_id = record(engine, srv, 0)
    with engine.connect() as conn:
        marker = conn.execute(select(deliveries_table.c.system_id).where(deliveries_table.c.id == delivery_id)).scalar()
    # the POST arrived but its answer was lost: the sandbox has it, the desk does not know its Id
    nexudus_id = _add_elsewhere(srv, 0, SystemId=marker, Name="Letter")
    report = _pull(engine, srv)
    assert report.adopted == 1  # type: ignore[attr-defined]
    assert _local_id(engine, nexudus_id) == delivery_id
    flush(engine, srv)
    ours = [r for r in srv.state.records(Resource.COWORKER_DELIVERIES) if r.get("SystemId") == marker]
    assert len(ours) == 1
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(deliveries_table).where(deliveries_table.c.system_id == marker)
            ).scalar()
            == 1
        )


def test_collected_elsewhere_after_the_desk_forwarded_is_a_conflict(srv: SandboxServer, engine: Engine) -> None:
    delivery_id = record(engine, srv, 1)
    flush(engine, srv)
    with session_scope(engine) as s:
        record_outcome(
            s,
            delivery_id,
            Outcome.FORWARD,
            "jo",
            forward=ForwardDraft(sent_to_name="Jane", address_lines=("1 Road",), country_name="France"),
        )
    flush(engine, srv)
    nexudus_id = int(server_record(srv, engine, delivery_id)["Id"])
    srv.state.update_record(
        Resource.COWORKER_DELIVERIES, nexudus_id, {"Collected": True, "CollectedOn": "2026-02-03T10:20:00Z"}
    )
    report = _pull(engine, srv)
    assert report.conflicts == 1  # type: ignore[attr-defined]
    with session_scope(engine) as s:
        [conflict] = conflicts(s)
        assert conflict.delivery_id == delivery_id and conflict.desk_outcome is Outcome.FORWARD
        on = datetime(2026, 2, 3, 10, 20, tzinfo=UTC).astimezone().strftime("%d %b %Y %H:%M")  # the desk's time
        assert conflict.message == (
            f"Nexudus says this item was collected on {on}, but the desk recorded it as forwarded. "
            "Decide which is right in “Needs a decision”."
        )
        assert [o.kind for o in outcome_rows(s, delivery_id)] == [Outcome.FORWARD]  # nothing taken over
        assert queue_item(s, delivery_id).open_conflicts == 1
    assert _pull(engine, srv).conflicts == 0  # type: ignore[attr-defined]  # shown once


def test_pulls_are_incremental(srv: SandboxServer, engine: Engine) -> None:
    first = _pull(engine, srv)
    assert first.received == srv.state.count(Resource.COWORKER_DELIVERIES)  # type: ignore[attr-defined]
    _add_elsewhere(srv, 0)
    second = _pull(engine, srv)
    assert second.created == 1 and second.received < first.received  # type: ignore[attr-defined]
