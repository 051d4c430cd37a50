"""The desk's item-life use cases on a real database pulled from the sandbox: field-by-field refusals, ID-check
warnings at hand-over, the forwarding address pre-filled, reminders at each threshold with a controllable clock,
the daily summary and the forwarding log exported."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app.desk.deliveries import DeskInputError
from app.desk.item_life import ForwardForm, ItemInputError, ItemLifeService, Thresholds
from app.desk.vocabulary import LEVEL_ESCALATE, LEVEL_NONE, LEVEL_REMIND, LEVEL_RETURN
from app.sandbox.server import SandboxServer
from app.store.routing import Outcome, Queue
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.item_life_support import FAILED_ID, desk_database, item_life_directory, record


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def srv(sandbox_factory: SandboxFactory) -> SandboxServer:
    return sandbox_factory(data=item_life_directory())


@pytest.fixture
def engine(db_url: str, srv: SandboxServer) -> Engine:
    return desk_database(db_url, srv)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(engine: Engine, clock: Clock) -> ItemLifeService:
    return ItemLifeService(engine, "jo", thresholds=Thresholds(3, 14, 30), clock=clock)


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (2.9, LEVEL_NONE),
        (3, LEVEL_REMIND),
        (13.9, LEVEL_REMIND),
        (14, LEVEL_ESCALATE),
        (30, LEVEL_RETURN),
        (45, LEVEL_RETURN),
    ],
)
def test_reminders_at_each_threshold(
    srv: SandboxServer, engine: Engine, desk: ItemLifeService, clock: Clock, days: float, level: str
) -> None:
    record(engine, srv, 0)
    clock.now = datetime.now(UTC) + timedelta(days=days, minutes=1)
    [aged] = desk.on_the_shelves()
    assert aged.level == level
    summary = desk.daily_summary()
    assert [a.item.delivery.delivery_id for a in summary.over.get(level, [])] == (
        [] if level == LEVEL_NONE else [aged.item.delivery.delivery_id]
    )


def test_on_the_shelves_sorted_by_age_and_summary_exported(
    srv: SandboxServer, engine: Engine, desk: ItemLifeService, clock: Clock, tmp_path: Path
) -> None:
    first = record(engine, srv, 0, name="Old letter")
    clock.now = datetime.now(UTC) + timedelta(days=20)
    record(engine, srv, 0, name="New letter")
    record(engine, srv, 1)
    shelves = desk.on_the_shelves()
    assert shelves[0].item.delivery.delivery_id == first and shelves[0].level == LEVEL_ESCALATE
    summary = desk.daily_summary()
    assert summary.counts[Queue.SHELF] == 2 and summary.counts[Queue.FORWARD] == 1
    assert sum(summary.by_age.values()) == 3
    path = tmp_path / "summary.csv"
    desk.export_summary_csv(summary, path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert ["On the shelves", "2"] in rows and any(r and r[0] == LEVEL_ESCALATE for r in rows)


def test_forward_refused_field_by_field_then_logged(
    srv: SandboxServer, engine: Engine, desk: ItemLifeService, tmp_path: Path
) -> None:
    delivery_id = record(engine, srv, 1)
    form = desk.forward_form(delivery_id)
    assert form.sent_to_name  # pre-filled from the contract
    for bad, field_name in [
        (ForwardForm(sent_to_name="Jane", country_name="France", carrier="DHL"), "address"),
        (ForwardForm(sent_to_name="Jane", address_lines=("1 Road",), carrier="DHL"), "country"),
        (ForwardForm(sent_to_name="Jane", address_lines=("1 Road",), country_name="France"), "carrier"),
    ]:
        with pytest.raises(ItemInputError) as err:
            desk.forward(delivery_id, bad)
        assert err.value.field == field_name
    assert desk.history(delivery_id) == []
    desk.forward(
        delivery_id,
        ForwardForm(
            sent_to_name="Jane",
            address_lines=("1 Road", ""),
            country_name="France",
            carrier="DHL",
            tracking_number="JD0001",
        ),
    )
    assert desk.item(delivery_id).queue is Queue.DONE
    path = tmp_path / "log.csv"
    assert desk.export_forwarding_log(desk.forwarding_log(), path) == 1
    with path.open(encoding="utf-8-sig", newline="") as fh:
        [header, row] = list(csv.reader(fh))
    assert row[header.index("Sent to")] == "Jane" and row[header.index("Tracking number")] == "JD0001"


def test_hand_over_checks_id_and_signature(srv: SandboxServer, engine: Engine, desk: ItemLifeService) -> None:
    blocked = record(engine, srv, FAILED_ID)
    assert desk.handover_warning(desk.item(blocked)).startswith("ID check found a match")
    with pytest.raises(ItemInputError) as err:
        desk.hand_over(blocked, "Jane", "Acme", None)
    assert err.value.field == "id_check"
    signed = record(engine, srv, 0, requires_signature=True)
    with pytest.raises(ItemInputError) as err:
        desk.hand_over(signed, "Jane", "Acme", b"")
    assert err.value.field == "signature"
    with pytest.raises(ItemInputError) as err:
        desk.hand_over(signed, " ", "Acme", b"png")
    assert err.value.field == "collected_by"
    row = desk.hand_over(signed, "Jane Doe", "Acme Ltd", b"\x89PNG signature")
    assert row.kind is Outcome.COLLECT and row.details["for_whom"] == "Acme Ltd"
    assert desk.signature(signed) == b"\x89PNG signature"
    with pytest.raises(DeskInputError):
        desk.hand_over(signed, "Jane Doe", "Acme Ltd", b"png")  # already handed over
    assert [i.delivery.delivery_id for i in desk.find(desk.label(signed).code)] == [signed]
