"""`pigeonhole --self-test`: an offscreen end-to-end check of an installed copy (a source tree or a bundle).

It uses the desk's own services exactly as the GUI builds them, against the embedded sandbox on 127.0.0.1:
start Qt offscreen, start the sandbox with a small generated directory, open a fresh database (runs the migrations),
sign in, sync, match a label, record a delivery through the intake service, send it and check the sandbox received
exactly that delivery, then open the main window once (proves the Qt plug-ins, icons and style load in a bundle).

Each step prints `[ OK ]` or `[FAIL]` with a short detail; the exit status is 0 only when every step passed.
Everything lives in a temporary folder (PIGEONHOLE_HOME points there while the test runs) and is removed after;
the user's settings, database and keyring are never touched.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.config import ENV_HOME, Paths, Settings, setup_logging
from app.errors import user_message_of

log = logging.getLogger(__name__)

SANDBOX_SEED = 11
SANDBOX_CONTRACTS = 25
SHELF = "SELF-TEST"
WINDOW_TIMEOUT_S = 20.0
# The label image the capture step reads (resources/; made by tests/support/make_self_test_label.py) and whom it
# is for: the step-match target of the seed-11 sandbox. Its centre lines are given as the settings would.
SAMPLE_LABEL = "samples/self-test-label.jpg"
SAMPLE_NAME = "Rachel Jennifer Davies"
SAMPLE_CENTRE = ("Pigeonhole Works", "14 Canal Street", "Manchester M1 3HE")


class StepFailed(Exception):
    """A check did not hold; the message says what was expected and what was found."""


@dataclass
class SelfTestState:
    """What the steps hand to each other."""

    paths: Paths
    settings: Settings
    app: Any = None  # QApplication
    server: Any = None  # app.sandbox.server.SandboxServer
    engine: Any = None  # sqlalchemy Engine
    session: Any = None  # app.desk.session.DeskSession
    sync: Any = None  # app.desk.sync_service.SyncService
    matching: Any = None  # app.desk.matching_service.MatchingService
    intake: Any = None  # app.desk.intake.IntakeService
    target: dict[str, Any] = field(default_factory=dict)  # the sandbox contact the label is for
    label: str = ""
    match: Any = None  # app.desk.intake.MatchView
    delivery_id: int | None = None
    captured: Any = None  # app.desk.capture_intake.CapturedLabel of the sample label image
    deliveries_before: set[int] = field(default_factory=set)
    cleanups: list[Callable[[], None]] = field(default_factory=list)


def _say(line: str) -> None:
    stream = sys.stdout
    if stream is None:  # a windowed Windows executable has no stdout
        return
    try:
        print(line, file=stream, flush=True)
    except UnicodeEncodeError:  # e.g. a Windows code page that has no "ł" for a generated name
        encoding = stream.encoding or "ascii"
        print(line.encode(encoding, "replace").decode(encoding), file=stream, flush=True)


# -- the steps ----------------------------------------------------------------------------------------------------


def step_qt(state: SelfTestState) -> str:
    from PySide6.QtWidgets import QApplication

    from app.ui.main import make_application
    from app.ui.theme import app_icon, style_sheet

    state.app = make_application(["pigeonhole", "--self-test"])
    icon = app_icon()
    if icon.isNull():
        raise StepFailed("the app icon (resources/icons) could not be loaded")
    if not style_sheet():
        raise StepFailed("the style sheet (resources/style.qss) could not be read")
    return f"platform {QApplication.platformName()}, icon and style sheet loaded"


def step_keyring(state: SelfTestState) -> str:
    """The keyring backends are found (they are registered through package metadata, easy to lose in a bundle)."""
    from importlib.metadata import entry_points

    names = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not names:
        raise StepFailed("no keyring backends registered (package metadata for keyring is missing)")
    return "backends: " + ", ".join(names)


def step_sandbox(state: SelfTestState) -> str:
    from app.sandbox.server import SandboxServer

    server = SandboxServer.start(seed=SANDBOX_SEED, contracts=SANDBOX_CONTRACTS)
    state.server = server
    state.cleanups.append(server.stop)
    contacts = server.state.count("ContractContact")
    if contacts == 0:
        raise StepFailed("the generated directory has no contract contacts")
    return f"{server.url}, {server.state.count('CoworkerContract')} contracts, {contacts} contacts"


def step_database(state: SelfTestState) -> str:
    from app.desk.database import open_desk_database, schema_revisions

    url = f"sqlite:///{state.paths.data_dir / 'self-test.sqlite3'}"
    engine = open_desk_database(url)
    state.engine = engine
    state.cleanups.append(engine.dispose)
    revision, head = schema_revisions(engine)
    if revision != head:
        raise StepFailed(f"database at revision {revision}, expected the newest ({head})")
    return f"new SQLite database migrated to {head}"


def step_sign_in(state: SelfTestState) -> str:
    from app.desk.session import DEMO_ADMIN, SignInService, TokenVault

    service = SignInService(state.paths, state.settings, vault=TokenVault(enabled=False))
    session = service.sign_in(state.server.url, *DEMO_ADMIN)
    if not session.locations:
        raise StepFailed("signed in, but no locations (businesses) were listed")
    session = service.choose_location(session, session.business_id or session.locations[0].id)
    state.session = session
    return f"{session.email} at {session.location_name or session.business_id}"


def step_sync(state: SelfTestState) -> str:
    from app.desk.sync_service import PlainContext, SyncService

    state.sync = SyncService(state.engine, state.session.new_client)
    outcome = state.sync.run(PlainContext(), full=True)
    if outcome.cancelled:
        raise StepFailed("the sync stopped before the end")
    status = state.sync.status()
    expected = state.server.state.count("ContractContact")
    if status.contacts != expected:
        raise StepFailed(f"{status.contacts} contacts stored locally, the sandbox has {expected}")
    if status.last_sync is None:
        raise StepFailed("the sync finished but no sync time was recorded")
    return f"{status.contracts} contracts, {status.contacts} contacts stored"


def _pick_target(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A director, not linked to a coworker, whose full name (two words or more) is unique in the directory."""
    counts: dict[str, int] = {}
    for rec in records:
        name = " ".join(str(rec.get("FullName") or "").lower().split())
        counts[name] = counts.get(name, 0) + 1
    for rec in sorted(records, key=lambda r: int(r["Id"])):
        name = " ".join(str(rec.get("FullName") or "").split())
        director = int(rec.get("ContractContactType") or 0) == 1 and not rec.get("CoworkerId")
        if director and len(name.split()) >= 2 and counts[name.lower()] == 1:
            return rec
    raise StepFailed("the generated directory has no director with a unique name")


def step_match(state: SelfTestState) -> str:
    from app.desk.intake import IntakeService
    from app.desk.matching_service import MatchingService

    state.matching = MatchingService(state.engine)
    state.matching.ensure_loaded()
    state.intake = IntakeService(state.engine, state.matching, state.session.email, state.session.business_id)
    state.target = _pick_target(state.server.state.records("ContractContact"))
    name = " ".join(str(state.target["FullName"]).split())
    state.label = f"FAO {name.upper()}"
    view = state.intake.match(state.label)
    state.match = view
    if not view.candidates:
        raise StepFailed(f"nobody found for {state.label!r}")
    best = view.candidates[0]
    if best.contact_id != int(state.target["Id"]):
        raise StepFailed(
            f"{state.label!r} matched {best.recipient_label} (contact {best.contact_id}), "
            f"expected contact {state.target['Id']} ({name})"
        )
    return f"{state.label!r} -> {best.recipient_label}, {view.decision}, confidence {best.confidence:.2f}"


def step_capture(state: SelfTestState) -> str:
    """OCR in the bundle: the engine, its model (tessdata) and the sample label image are found and read."""
    from app.capture import CentreLines
    from app.capture.engine_paths import tessdata_dir
    from app.desk.capture_intake import CaptureService, read_file
    from app.ui.theme import resources_dir

    target = " ".join(str(state.target["FullName"]).split())
    if target != SAMPLE_NAME:
        raise StepFailed(
            f"the sample label is for {SAMPLE_NAME}, but the sandbox's target is {target}: "
            "run tests/support/make_self_test_label.py for the new target"
        )
    path = resources_dir() / SAMPLE_LABEL
    if not path.is_file():
        raise StepFailed(f"the sample label image {path} is missing")
    started = time.perf_counter()
    service = CaptureService(state.intake, CentreLines(SAMPLE_CENTRE))
    label = service.read(read_file(path), path.name)
    seconds = time.perf_counter() - started
    state.captured = label
    best = label.view.candidates[0] if label.view.candidates else None
    if best is None or best.contact_id != int(state.target["Id"]):
        found = best.recipient_label if best else "nobody"
        raise StepFailed(f"the label image read {label.read_text!r} and matched {found}, expected {target}")
    from app.ui.camera import QtCameraSource

    camera = QtCameraSource()
    cameras = "a camera" if camera.available() else "no camera"
    if camera.import_problem:
        raise StepFailed(f"Qt Multimedia (the desk camera) does not load: {camera.import_problem}")
    return (
        f"{path.name} read in {seconds:.1f} s ({' / '.join(label.read_text.splitlines())}) -> "
        f"{best.recipient_label}, {label.view.decision}; OCR model in {tessdata_dir()}; "
        f"Qt Multimedia loads, {cameras} found"
    )


def step_record(state: SelfTestState) -> str:
    from app.desk.intake import DeliveryType, IntakeDraft

    state.deliveries_before = {int(r["Id"]) for r in state.server.state.records("CoworkerDelivery")}
    draft = IntakeDraft(
        candidate=state.match.candidates[0],
        label_text=state.label,
        delivery_type=DeliveryType.PARCEL,
        shelf=SHELF,
        notes="pigeonhole --self-test",
        tracking=state.intake.recognise("SELFTEST-0001"),
        decision=state.match.decision,
        image=state.captured.image if state.captured is not None else None,
    )
    state.delivery_id = state.intake.record(draft)
    if state.captured is not None:
        from app.desk.delivery_images import DeliveryImagesService

        if DeliveryImagesService(state.engine).image(state.delivery_id) is None:
            raise StepFailed("the delivery was recorded without its label image")
    status = state.sync.status()
    if status.pending < 1:
        raise StepFailed("the delivery was recorded but nothing is waiting to be sent")
    return f"local delivery {state.delivery_id}, {status.pending} waiting to send"


def step_send(state: SelfTestState) -> str:
    from app.desk.intake import DeliveryType
    from app.desk.sync_service import PlainContext

    for attempt in ("first", "second"):  # sending again must not create a second record
        state.sync.send_waiting(PlainContext())
        status = state.sync.status()
        if status.pending or status.failed:
            raise StepFailed(f"after sending: {status.pending} still waiting, {status.failed} need attention")
        new = [r for r in state.server.state.records("CoworkerDelivery") if int(r["Id"]) not in state.deliveries_before]
        if len(new) != 1:
            raise StepFailed(f"after the {attempt} send the sandbox has {len(new)} new deliveries, expected 1")
    got = new[0]
    expected = {
        "ContractContactId": int(state.target["Id"]),
        "Location": SHELF,
        "BusinessId": state.session.business_id,
        "DeliveryType": int(DeliveryType.PARCEL),
    }
    wrong = {k: got.get(k) for k, v in expected.items() if got.get(k) != v}
    if wrong:
        raise StepFailed(f"the sandbox's delivery differs: got {wrong}, expected {expected}")
    return f"sandbox delivery {got['Id']} for contact {got['ContractContactId']} on shelf {got['Location']}"


def _wait_until(
    state: SelfTestState, condition: Callable[[], bool], what: str, timeout: float = WINDOW_TIMEOUT_S
) -> None:
    """Run the Qt event loop until `condition()` holds (no sleeping through it: events are processed meanwhile)."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise StepFailed(f"{what} did not happen within {timeout:.0f} s")
        state.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, QDeadlineTimer(50))


def step_main_window(state: SelfTestState) -> str:
    """The real composition (app.ui.main.build_main_window), shown offscreen, with one background sync."""
    from app.ui.main import build_main_window
    from app.ui.tasks import TaskRunner

    runner = TaskRunner()

    def wait_for_jobs() -> None:
        if not runner.wait_for_done(10_000):
            log.warning("Self-test: background jobs still running at exit")

    state.cleanups.append(wait_for_jobs)
    desk = build_main_window(
        engine=state.engine, session=state.session, runner=runner, paths=state.paths, settings=state.settings
    )
    window = desk.window
    outcomes: list[object] = []
    window.sync_finished.connect(outcomes.append)
    try:
        window.show()
        _wait_until(
            state,
            lambda: window.windowHandle() is not None and window.windowHandle().isExposed(),
            "showing the main window",
        )
        window.start(first_sync=True)  # a background sync through the task runner, as at the desk
        _wait_until(state, lambda: bool(outcomes), "the window's background sync")
        if isinstance(outcomes[0], BaseException):
            raise StepFailed(f"the window's background sync failed: {outcomes[0]}")
        shot = window.grab()
        if shot.isNull() or shot.width() < 100:
            raise StepFailed("the main window could not be drawn")
        shot.save(str(state.paths.log_dir / "self-test-window.png"))
        return f"{window.windowTitle()!r} shown at {shot.width()}x{shot.height()}, background sync done"
    finally:
        window.close()
        window.deleteLater()
        state.app.processEvents()


STEPS: tuple[tuple[str, Callable[[SelfTestState], str]], ...] = (
    ("Start Qt offscreen", step_qt),
    ("Keyring backends", step_keyring),
    ("Start the sandbox", step_sandbox),
    ("Open a new database", step_database),
    ("Sign in", step_sign_in),
    ("Sync the directory", step_sync),
    ("Match a label", step_match),
    ("Capture a label image", step_capture),
    ("Record a delivery", step_record),
    ("Send it to Nexudus (sandbox)", step_send),
    ("Open the main window", step_main_window),
)


# -- running ------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _temporary_home() -> Iterator[Paths]:
    """PIGEONHOLE_HOME in a temporary folder for the duration of the test; restored afterwards."""
    previous = os.environ.get(ENV_HOME)
    with tempfile.TemporaryDirectory(prefix="pigeonhole-self-test-") as tmp:
        os.environ[ENV_HOME] = tmp
        try:
            paths = Paths.under(Path(tmp))
            paths.ensure()
            yield paths
        finally:
            if previous is None:
                os.environ.pop(ENV_HOME, None)
            else:
                os.environ[ENV_HOME] = previous


def run_steps(state: SelfTestState) -> bool:
    ok = True
    for name, step in STEPS:
        if not ok:
            _say(f"[SKIP] {name}")
            continue
        started = time.monotonic()
        try:
            detail = step(state)
        except Exception as exc:
            ok = False
            message = user_message_of(exc) or str(exc) or type(exc).__name__
            _say(f"[FAIL] {name}: {message} ({time.monotonic() - started:.1f} s)")
            if not isinstance(exc, StepFailed):
                log.error("Self-test step %r failed", name, exc_info=True)
                if sys.stderr is not None:
                    traceback.print_exc(file=sys.stderr)
        else:
            _say(f"[ OK ] {name}: {detail} ({time.monotonic() - started:.1f} s)")
    return ok


def run(args: argparse.Namespace | None = None) -> int:
    """Run every step; 0 when all passed, 1 otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()
    from app import __version__

    _say(f"Pigeonhole {__version__} self-test ({'bundle' if getattr(sys, 'frozen', False) else 'source'})")
    with _temporary_home() as paths:
        setup_logging(paths)
        state = SelfTestState(paths=paths, settings=Settings.load(paths))
        try:
            ok = run_steps(state)
        finally:
            for cleanup in reversed(state.cleanups):
                try:
                    cleanup()
                except Exception:
                    log.warning("Self-test clean-up failed", exc_info=True)
    verdict = "passed" if ok else "FAILED"
    _say(f"Self-test {verdict} in {time.monotonic() - started:.1f} s")
    return 0 if ok else 1
