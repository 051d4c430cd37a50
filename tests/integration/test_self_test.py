"""`pigeonhole --self-test` end to end, as CI runs it on the bundle, but from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.ui.self_test import STEPS, StepFailed, _pick_target

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_self_test_passes_every_step_and_leaves_no_trace(tmp_path: Path) -> None:
    home = tmp_path / "users-home"  # what PIGEONHOLE_HOME points at for the caller: must stay untouched
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIGEONHOLE_HOME": str(home)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    elapsed = time.monotonic() - started
    print(done.stdout)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    lines = done.stdout.splitlines()
    for name, _step in STEPS:
        assert any(line.startswith(f"[ OK ] {name}:") for line in lines), f"step {name!r} not OK:\n{done.stdout}"
    assert not any(line.startswith(("[FAIL]", "[SKIP]")) for line in lines)
    assert lines[-1].startswith("Self-test passed")
    assert not home.exists(), "the self-test wrote into the caller's PIGEONHOLE_HOME"
    assert elapsed < 60, f"self-test took {elapsed:.1f} s"


def test_label_target_must_be_a_unique_unlinked_director() -> None:
    records = [
        {"Id": 1, "FullName": "Ann Lee", "ContractContactType": 1},
        {"Id": 2, "FullName": "ann  lee", "ContractContactType": 1},  # same name: ambiguous
        {"Id": 3, "FullName": "Bo Chen", "ContractContactType": 1, "CoworkerId": 9},  # name comes from a coworker
        {"Id": 4, "FullName": "Acme Trading", "ContractContactType": 2},  # a trading name, not a person
        {"Id": 5, "FullName": "Cy", "ContractContactType": 1},  # one word: too easy to confuse
    ]
    with pytest.raises(StepFailed):
        _pick_target(records)
    records.append({"Id": 6, "FullName": "Dana Ruiz", "ContractContactType": 1})
    assert _pick_target(records)["Id"] == 6
