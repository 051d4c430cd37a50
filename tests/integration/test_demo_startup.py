"""`pigeonhole --demo` from nothing to an open desk with the demo banner, offscreen, in under a minute; and again
on the next start (the demo remembers its data)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.ui.main import ENV_EXIT_AFTER_SHOWN, SHOWN_MARKER
from app.ui.main_window import DEMO_BANNER

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 60.0


def _start_demo(home: Path) -> tuple[float, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIGEONHOLE_HOME": str(home), ENV_EXIT_AFTER_SHOWN: "1"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "app", "--demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=LIMIT_S + 30
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    shown = [line for line in done.stdout.splitlines() if line.startswith(SHOWN_MARKER)]
    assert len(shown) == 1, done.stdout
    return elapsed, shown[0]


@pytest.mark.slow
def test_demo_opens_the_desk_with_its_banner_within_a_minute(pigeonhole_home: object, tmp_path: Path) -> None:
    home = tmp_path / "demo-home"
    first, marker = _start_demo(home)
    print(f"demo start (fresh): {first:.1f} s -> {marker}")
    assert " demo=1" in marker
    assert "Demo workspace" in marker  # the window title names the demo
    assert f"banner={DEMO_BANNER!r}" in marker
    assert first < LIMIT_S
    assert (home / "data" / "demo").is_dir()

    again, marker = _start_demo(home)  # the same demo folder: its sandbox state and database are reused
    print(f"demo start (again): {again:.1f} s")
    assert " demo=1" in marker and again < LIMIT_S
