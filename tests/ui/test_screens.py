"""The screenshot tour: every main state of the desk as PNG files in PIGEONHOLE_SCREENSHOTS (default
<tmp>/screenshots) for people to look at — light palette, dark palette, and 150% scaling (a subprocess with
QT_SCALE_FACTOR=1.5, since the scale factor is fixed when Qt starts)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import Paths, Settings
from app.desk.session import DemoWorkspace, start_demo_workspace
from app.ui.intake_view import IntakeView
from app.ui.main import build_main_window
from app.ui.main_window import DELIVERIES, DIRECTORY, INTAKE, QUEUES
from app.ui.queues_view import QueuesView
from app.ui.tasks import TaskRunner
from app.ui.theme import ThemeMode, apply_theme
from tests.support.waiting import assert_eventually
from tests.ui.desk_fixtures import contact_names, record_parcel, screenshot, screenshot_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(pigeonhole_home: Paths) -> Iterator[DemoWorkspace]:
    workspace = start_demo_workspace(pigeonhole_home, contracts=30)
    yield workspace
    workspace.stop()


def tour(qtbot: QtBot | None, demo: DemoWorkspace, paths: Paths, prefix: str) -> list[Path]:
    """Open the window on the demo, record a few parcels, and save each page and the outbox dialog."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    runner = TaskRunner()
    built = build_main_window(
        engine=demo.engine, session=demo.session, runner=runner, paths=paths, settings=Settings.load(paths), demo=True
    )
    window = built.window
    window.resize(1100, 680)
    window.show()
    built.matching.ensure_loaded()
    for name in contact_names(demo.server, 3):
        record_parcel(built.intake, name)

    def settle(condition: Callable[[], object], what: str) -> None:
        """Let timers (the typing debounce) and background jobs run until `condition` holds; fail after 10 s."""

        def ready() -> bool:
            app.processEvents()  # runs due timers and delivers results from the task runner
            return bool(condition())

        assert_eventually(ready, f"{prefix}: {what}", timeout=10, interval=0.025)

    # Nexudus refuses writes for the tour (503): the desk sends what waits as soon as it starts, and the outbox
    # dialog is to be photographed with entries in it (waiting, with the problem shown), not empty
    demo.server.set_faults("503=1,methods=POST+PUT+DELETE")
    window.start(first_sync=False)
    # (the dark tour runs on the light tour's demo: its three parcels are there too)
    settle(lambda: (st := window.status.status()) is not None and st.pending >= 3, "the parcels waiting")
    shots = []
    intake = window.intake
    assert isinstance(intake, IntakeView)
    intake.addressee.setPlainText(contact_names(demo.server, 1)[0])
    settle(lambda: intake.model.rowCount() > 0, "candidates shown")
    assert intake.model.rowCount() > 0, "the typed name found no candidates"
    window.show_page(INTAKE)
    settle(lambda: window.pages.currentIndex() == INTAKE and intake.isVisible(), "the intake page shown")
    shots.append(screenshot(window, f"{prefix}intake"))
    window.show_page(DELIVERIES)
    settle(lambda: window.deliveries.model.rowCount() >= 3, "the deliveries listed")
    shots.append(screenshot(window, f"{prefix}deliveries"))
    window.show_page(DIRECTORY)
    settle(lambda: window.directory.current is not None, "a directory entry shown")
    shots.append(screenshot(window, f"{prefix}directory"))
    queues = window.queues
    if queues is not None:  # the work queues after intake
        assert isinstance(queues, QueuesView)
        window.show_page(QUEUES)
        settle(lambda: queues.model.rowCount() > 0, "the work queues listed")
        shots.append(screenshot(window, f"{prefix}work-queues"))
    dialog = window.open_outbox()
    settle(lambda: dialog.model.rowCount() >= 3, "the outbox entries")
    shots.append(screenshot(dialog, f"{prefix}outbox"))
    dialog.close()
    window.close()
    runner.wait_for_done()
    demo.server.set_faults(None)
    return shots


def test_light_and_dark(qtbot: QtBot, demo: DemoWorkspace, pigeonhole_home: Paths) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = (app.style().name(), app.palette(), app.styleSheet())
    try:
        apply_theme(app, ThemeMode.LIGHT)
        light = tour(qtbot, demo, pigeonhole_home, "light-")
        apply_theme(app, ThemeMode.DARK)
        dark = tour(qtbot, demo, pigeonhole_home, "dark-")
    finally:
        app.setStyle(saved[0])
        app.setPalette(saved[1])
        app.setStyleSheet(saved[2])
    for path in (*light, *dark):
        assert QImage(str(path)).width() > 300
    # The dark palette really is dark: the window background of the intake page.
    assert QImage(str(dark[0])).pixelColor(5, 60).lightness() < 100
    assert QImage(str(light[0])).pixelColor(5, 60).lightness() > 180


SCALED_SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from app.config import Paths
from app.desk.session import start_demo_workspace
from app.ui.theme import ThemeMode, apply_theme
from tests.ui.test_screens import tour
app = QApplication([])
apply_theme(app, ThemeMode.LIGHT)
paths = Paths.under(Path(sys.argv[1]))
paths.ensure()
demo = start_demo_workspace(paths, contracts=30)
try:
    shots = tour(None, demo, paths, "scaled150-")
finally:
    demo.stop()
print("\\n".join(str(s) for s in shots))
"""


@pytest.mark.slow
def test_150_percent_scaling(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_SCALE_FACTOR="1.5",
        QT_QPA_PLATFORM="offscreen",
        PIGEONHOLE_SCREENSHOTS=str(screenshot_dir()),
        PIGEONHOLE_HOME=str(tmp_path / "home"),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCALED_SCRIPT, str(tmp_path / "home")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    shots = [Path(line) for line in result.stdout.splitlines() if line.endswith(".png")]
    assert len(shots) == 5  # intake, deliveries, directory, work queues, outbox
    image = QImage(str(shots[0]))
    assert image.width() >= 1100 * 1.5 - 1  # drawn at 150%: more pixels for the same window
