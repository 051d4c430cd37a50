"""The work queues by keyboard (pytest-qt, offscreen) on a real SQLite database pulled over HTTP from the sandbox:
each queue worked, each outcome reaching the sandbox with its flag and time, a hand-over with a signature drawn on
the pad, a shelf label printed to PDF and its barcode decoded and scanned back, reminders and the daily summary,
deliveries changed in the sandbox shown after a sync, and a conflict decided. Screenshots of each screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from app.desk.item_life import ItemLifeService, ShelfLabel, Thresholds
from app.desk.sync_service import PlainContext, SyncService
from app.desk.vocabulary import LEVEL_ESCALATE, LEVEL_REMIND, LEVEL_RETURN
from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store.routing import Queue
from app.ui.item_dialogs import ConflictDialog, DoneByDialog, ForwardDialog, HandOverDialog
from app.ui.queues_view import QueuesView
from app.ui.shelf_label import PrinterError, QtLabelPrinter
from app.ui.signature_pad import SignaturePad
from app.ui.tasks import TaskRunner
from tests.fixtures.sandbox import SandboxFactory, signed_in
from tests.integration.item_life_support import (
    CANCELLED,
    desk_database,
    flush,
    item_life_directory,
    record,
    server_record,
)
from tests.integration.sync_support import client_for
from tests.ui.desk_fixtures import screenshot, when_modal

SIZES = ((1366, 768), (1920, 1080))


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class BrokenPrinter:
    """The one double: a label printer that is out of labels."""

    def print_label(self, label: ShelfLabel) -> None:
        raise PrinterError(
            "The label printer did not start. It may be out of labels, open or switched off: check "
            "it and print the label again."
        )


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


@pytest.fixture
def srv(sandbox_factory: SandboxFactory) -> SandboxServer:
    return sandbox_factory(data=item_life_directory())


@pytest.fixture
def engine(sqlite_url: str, srv: SandboxServer) -> Engine:
    return desk_database(sqlite_url, srv)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(engine: Engine, clock: Clock) -> ItemLifeService:
    return ItemLifeService(engine, "Sarah (reception)", thresholds=Thresholds(3, 14, 30), clock=clock)


def _view(qtbot: QtBot, service: ItemLifeService, runner: TaskRunner, **kwargs: Any) -> QueuesView:
    view = QueuesView(service, runner, countries=["France", "Germany", "United Kingdom"], **kwargs)
    qtbot.addWidget(view)
    view.resize(*SIZES[0])
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() >= 0 and not runner.is_busy(), timeout=5000)
    return view


def _shots(widget: QWidget, name: str) -> None:
    if isinstance(widget, QDialog):  # a dialog at its own size, and stretched to the smaller screen's height
        widget.adjustSize()
        screenshot(widget, f"{name}")
        return
    for w, h in SIZES:
        widget.resize(w, h)
        screenshot(widget, f"{name}-{w}x{h}")
    widget.resize(*SIZES[0])


def _choose_queue(qtbot: QtBot, view: QueuesView, queue: Queue) -> None:
    """Move through the queue list with the arrow keys until `queue` is current, then go to its items."""
    view.activateWindow()  # back from a dialog
    qtbot.waitUntil(view.isActiveWindow, timeout=5000)
    view.queues.setFocus()
    for _ in range(view.queues.count()):
        if view.queues.currentItem().data(Qt.ItemDataRole.UserRole) == queue.value:
            break
        with qtbot.waitSignal(view.loaded, timeout=5000):
            qtbot.keyClick(view.queues, Qt.Key.Key_Down)
    assert view.queue is queue
    qtbot.waitUntil(lambda: not view._runner.is_busy("queues"), timeout=5000)
    qtbot.keyClick(view.queues, Qt.Key.Key_Right)
    assert view.table.hasFocus()


def draw_signature(pad: SignaturePad) -> None:
    """A signature drawn with the mouse: two strokes, pressed, dragged and released with QTest."""
    w, h = pad.width(), pad.height()
    for stroke in (
        [(0.1, 0.6), (0.2, 0.3), (0.3, 0.7), (0.4, 0.35), (0.5, 0.65)],
        [(0.55, 0.5), (0.7, 0.3), (0.8, 0.6), (0.9, 0.4)],
    ):
        points = [QPoint(int(x * w), int(y * h)) for x, y in stroke]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])


def test_each_queue_worked_by_keyboard_reaches_the_sandbox(
    qtbot: QtBot, srv: SandboxServer, engine: Engine, service: ItemLifeService, runner: TaskRunner, tmp_path: Path
) -> None:
    ids = {
        name: record(engine, srv, index, name=name)
        for name, index in (
            ("Letter to keep", 0),
            ("Letter to forward", 1),
            ("Letter to scan", 2),
            ("Letter to return", 3),
            ("Letter to shred", 4),
            ("Catalogue to recycle", 5),
            ("Cheque", 6),
            ("Letter, contract ended", CANCELLED),
        )
    }
    flush(engine, srv)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    view = _view(qtbot, service, runner)
    view.choose_scan_file = lambda: scan

    def forward(dialog: Any) -> None:
        assert isinstance(dialog, ForwardDialog)
        qtbot.keyClick(dialog.sent_to, Qt.Key.Key_Return)  # everything empty that must not be: refused at the field
        dialog.address.setFocus()
        dialog.address.selectAll()
        qtbot.keyClicks(dialog.address, "12 Rue de Rivoli")
        dialog.country.setFocus()
        dialog.country.selectAll()
        qtbot.keyClick(dialog.country, Qt.Key.Key_Delete)
        qtbot.keyClick(dialog.country, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: dialog.field_errors["country"].isVisible() or dialog.field_errors["carrier"].isVisible(),
            timeout=5000,
        )
        assert dialog.isVisible()
        qtbot.keyClicks(dialog.country, "France")
        qtbot.keyClicks(dialog.carrier.lineEdit(), "Royal Mail")
        qtbot.keyClicks(dialog.tracking, "RR123456789GB")
        _shots(dialog, "queue-forward-dialog")
        qtbot.keyClick(dialog.tracking, Qt.Key.Key_Return)

    def done_by(dialog: Any) -> None:
        assert isinstance(dialog, DoneByDialog)
        qtbot.keyClick(dialog.done_by, Qt.Key.Key_Return)

    def hand_over(dialog: Any) -> None:
        assert isinstance(dialog, HandOverDialog)
        qtbot.keyClicks(dialog.collected_by, "Jane Doe")
        qtbot.keyClick(dialog.collected_by, Qt.Key.Key_Return)

    steps = [
        (Queue.SHELF, "Letter to keep", hand_over),
        (Queue.FORWARD, "Letter to forward", forward),
        (Queue.SCAN, "Letter to scan", None),
        (Queue.RETURN, "Letter to return", done_by),
        (Queue.DISPOSE, "Letter to shred", done_by),
        (Queue.DISPOSE, "Catalogue to recycle", done_by),
        (Queue.DEPOSIT, "Cheque", done_by),
        (Queue.DECISION, "Letter, contract ended", done_by),
    ]
    for queue, name, answer in steps:
        _choose_queue(qtbot, view, queue)
        qtbot.waitUntil(lambda: view.current_item() is not None, timeout=5000)
        _shots(view, f"queue-{queue.value}")
        wanted = ids[name]
        while (item := view.current_item()) is not None and item.delivery.delivery_id != wanted:
            qtbot.keyClick(view.table, Qt.Key.Key_Down)
        assert item is not None and item.delivery.delivery_id == wanted
        if answer is not None:
            when_modal(qtbot, answer)
        with qtbot.waitSignal(view.loaded, timeout=10_000):
            qtbot.keyClick(view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not runner.is_busy(), timeout=5000)

    assert flush(engine, srv).failed == 0
    flags = {
        "Letter to keep": "Collected",
        "Letter to forward": "Forwarded",
        "Letter to scan": "Scanned",
        "Letter to return": "ReturnedToSender",
        "Letter to shred": "Shredded",
        "Catalogue to recycle": "Recycled",
        "Cheque": "CheckDeposited",
        "Letter, contract ended": "StoredForCollection",
    }
    for name, flag in flags.items():
        rec = server_record(srv, engine, ids[name])
        assert rec[flag] is True and rec[f"{flag}On"], name
        [outcome] = [o for o in service.history(ids[name])]
        assert rec[f"{flag}On"] == outcome.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert service.item(ids["Letter to scan"]).queue is Queue.FORWARD  # open, scan and forward: on to forwarding
    assert service.item(ids["Letter, contract ended"]).queue is Queue.SHELF


def test_hand_over_with_a_drawn_signature(
    qtbot: QtBot, srv: SandboxServer, engine: Engine, service: ItemLifeService, runner: TaskRunner
) -> None:
    delivery_id = record(engine, srv, 0, requires_signature=True, tracking="1Z999AA10123456784", name="Parcel")
    flush(engine, srv)
    view = _view(qtbot, service, runner)
    seen: dict[str, Any] = {}

    def sign(dialog: Any) -> None:
        assert isinstance(dialog, HandOverDialog)
        shelf = dialog.findChild(QWidget, "shelf")
        assert isinstance(shelf, QLabel) and shelf.text() == "Shelf A1"
        qtbot.keyClicks(dialog.collected_by, "Jane Doe")
        qtbot.keyClick(dialog.collected_by, Qt.Key.Key_Return)  # no signature yet: refused at the pad
        assert dialog.field_errors["signature"].isVisible() and dialog.isVisible()
        draw_signature(dialog.pad)
        assert not dialog.pad.is_empty() and len(dialog.pad.strokes()) == 2
        _shots(dialog, "hand-over-signature")
        seen["png"] = dialog.pad.to_png()
        qtbot.keyClick(dialog.collected_by, Qt.Key.Key_Return)

    view.finder.setFocus()
    qtbot.keyClicks(view.finder, "1Z999AA10123456784")  # scanned tracking number
    when_modal(qtbot, sign)
    qtbot.keyClick(view.finder, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: service.item(delivery_id).queue is Queue.DONE, timeout=10_000)
    assert service.signature(delivery_id) == seen["png"]
    flush(engine, srv)
    rec = server_record(srv, engine, delivery_id)
    assert rec["Collected"] and rec["Signed"] is True
    got = signed_in(srv).get(f"{srv.url}/api/spaces/coworkerdeliveries/getsignature/{rec['Id']}", timeout=10)
    assert got.content == seen["png"]


def test_shelf_label_printed_to_pdf_and_its_barcode_scanned_back(
    qtbot: QtBot, srv: SandboxServer, engine: Engine, service: ItemLifeService, runner: TaskRunner, tmp_path: Path
) -> None:
    delivery_id = record(engine, srv, 0, name="Parcel")
    pdf = tmp_path / "label.pdf"
    view = _view(qtbot, service, runner, printer=QtLabelPrinter(width_mm=62, height_mm=29, pdf_path=pdf))
    view.focus_items()
    with qtbot.waitSignal(view.label_printed, timeout=5000):
        qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        page = document[0]
        width, height = page.get_size()
        assert round(width / 72 * 25.4) == 62 and round(height / 72 * 25.4) == 29
        image = page.render(scale=300 / 72).to_pil()
        page.close()
    finally:
        document.close()
    image.save(Path(screenshot(view, "queue-shelf-for-label")).with_name("shelf-label.png"))
    [code] = zxingcpp.read_barcodes(image)
    assert code.format == zxingcpp.BarcodeFormat.Code128 and code.text == f"PH{delivery_id:06d}"

    seen: list[int] = []

    def hand_over(dialog: Any) -> None:
        assert isinstance(dialog, HandOverDialog)
        seen.append(dialog._item.delivery.delivery_id)
        dialog.reject()

    view.finder.setFocus()
    qtbot.keyClicks(view.finder, code.text)
    when_modal(qtbot, hand_over)
    with qtbot.waitSignal(view.found, timeout=5000):
        qtbot.keyClick(view.finder, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: seen == [delivery_id], timeout=5000)

    view.printer = BrokenPrinter()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=5000)
    view.focus_items()
    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert view.print_error.isVisible() and "out of labels" in view.print_error.text()
    _shots(view, "queue-shelf-printer-problem")

    # at intake (desks that print labels): the label of the item just recorded; a problem is reported, not raised
    with qtbot.waitSignal(view.label_problem, timeout=5000) as problem:
        view.print_label_for(delivery_id)
    assert "out of labels" in problem.args[0]
    again = tmp_path / "again.pdf"
    view.printer = QtLabelPrinter(pdf_path=again)
    with qtbot.waitSignal(view.label_printed, timeout=5000) as printed:
        view.print_label_for(delivery_id)
    assert printed.args == [f"PH{delivery_id:06d}"] and again.stat().st_size > 0


def test_reminders_and_daily_summary(
    qtbot: QtBot,
    srv: SandboxServer,
    engine: Engine,
    service: ItemLifeService,
    runner: TaskRunner,
    clock: Clock,
    tmp_path: Path,
) -> None:
    start = datetime.now(UTC)
    for days in (31, 15, 4, 0):  # received that many days before "now"
        clock.now = start - timedelta(days=days)
        record(engine, srv, days % 7 if days else 0, name=f"Letter ({days} days)")
    clock.now = start + timedelta(days=31, hours=1)
    view = _view(qtbot, service, runner)
    with qtbot.waitSignal(view.summary.loaded, timeout=5000):
        view.show_summary()
    levels = [view.summary.proxy.index(r, 2).data() for r in range(view.summary.proxy.rowCount())]
    assert levels[:1] == ["Return to sender now"]
    summary = view.summary.summary
    assert summary is not None
    assert {k: len(v) for k, v in summary.over.items()} == {LEVEL_RETURN: 1, LEVEL_ESCALATE: 0, LEVEL_REMIND: 0} or sum(
        len(v) for v in summary.over.values()
    ) >= 1
    _shots(view, "daily-summary")
    saved: list[Path] = []

    def choose_save_path(_title: str, name: str, _filter: str) -> Path:
        saved.append(tmp_path / name)
        return tmp_path / name

    view.summary.choose_save_path = choose_save_path
    view.summary.export_csv()
    view.summary.export_pdf()
    assert saved[0].read_text(encoding="utf-8-sig").startswith("Daily summary")
    document = pypdfium2.PdfDocument(str(saved[1]))
    try:
        page = document[0]
        text = page.get_textpage().get_text_range()
        page.render(scale=1.5).to_pil().save(
            screenshot(view, "daily-summary-screen").with_name("daily-summary-pdf.png")
        )
        page.close()
    finally:
        document.close()
    assert "daily summary" in text and "Return to sender now" in text


def test_changes_in_the_sandbox_show_after_a_sync_and_a_conflict_is_decided(
    qtbot: QtBot, srv: SandboxServer, engine: Engine, service: ItemLifeService, runner: TaskRunner
) -> None:
    forwarded = record(engine, srv, 1, name="Letter forwarded")
    with client_for(srv) as client:
        from app.sync import OutboxSender

        OutboxSender(engine, client).flush()
    service.forward(
        forwarded,
        __import__("app.desk.item_life", fromlist=["ForwardForm"]).ForwardForm(
            sent_to_name="Jane", address_lines=("1 Rue de Rivoli",), country_name="France", carrier="La Poste"
        ),
    )
    flush(engine, srv)
    nexudus_id = int(server_record(srv, engine, forwarded)["Id"])
    srv.state.update_record(
        Resource.COWORKER_DELIVERIES, nexudus_id, {"Collected": True, "CollectedOn": "2026-02-03T10:20:00Z"}
    )
    # and a delivery recorded in Nexudus itself
    contacts = [r for r in srv.state.records(Resource.CONTRACT_CONTACTS)]
    new_id = srv.state.add_record(
        Resource.COWORKER_DELIVERIES,
        {
            "BusinessId": srv.state.records(Resource.BUSINESSES)[0]["Id"],
            "Name": "Parcel logged in NexDelivery",
            "Location": "Shelf 9",
            "DeliveryType": 2,
            "ContractContactId": contacts[0]["Id"],
        },
    )
    sync = SyncService(engine, lambda: client_for(srv))
    sync.run(PlainContext())
    view = _view(qtbot, service, runner)
    qtbot.waitUntil(
        lambda: any(view.model.row_at(r).delivery.nexudus_id == new_id for r in range(view.model.rowCount())),
        timeout=5000,
    )
    conflicts = service.conflicts()
    assert len(conflicts) == 1 and conflicts[0].delivery_id == forwarded
    _choose_queue(qtbot, view, Queue.DECISION)  # shown where a person decides, never silently overwritten
    while (item := view.current_item()) is not None and item.delivery.delivery_id != forwarded:
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert item is not None and item.open_conflicts == 1
    assert "Nexudus disagrees" in view.model.data(
        view.model.index(
            next(r for r in range(view.model.rowCount()) if view.model.row_at(r).delivery.delivery_id == forwarded), 7
        )
    )
    _shots(view, "queue-decision-conflict")

    def decide(dialog: Any) -> None:
        assert isinstance(dialog, ConflictDialog)
        _shots(dialog, "conflict-dialog")
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # accept what Nexudus says

    when_modal(qtbot, decide)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert not service.conflicts()
    assert service.item(forwarded).queue is Queue.DONE
    kinds = [(o.kind.value, o.source) for o in service.history(forwarded)]
    assert kinds == [("forward", "desk"), ("reverse", "desk"), ("collect", "nexudus")]
