"""Layering (docs/architecture.md), ruff (check and format), mypy (app and tests) and the test conventions
are part of the test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_import_layering_holds() -> None:
    r = _run(str(BIN / "lint-imports"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_is_clean() -> None:
    r = _run(sys.executable, "-m", "ruff", "check", "app", "tests", "packaging")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format_is_clean() -> None:
    """One layout for all the code: `ruff format app tests packaging` leaves nothing to change."""
    r = _run(sys.executable, "-m", "ruff", "format", "--check", "app", "tests", "packaging")
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    r = _run(sys.executable, "-m", "mypy")
    assert r.returncode == 0, r.stdout + r.stderr


THREAD_STARTERS = {
    # the GUI's task runner: every screen's background work
    "app/ui/tasks.py": "QThreadPool",
    # the sync's page prefetcher: one helper thread per listing, joined before the pull returns
    "app/sync/directory.py": "threading.Thread(",
    # the embedded sandbox's HTTP server (demo and tests)
    "app/sandbox/server.py": "threading.Thread(",
    # `pigeonhole match` on a batch (command line, no GUI): two threads read label images, closed before it returns
    "app/desk/match_command.py": "ThreadPoolExecutor",
}


def test_threads_start_only_where_the_readme_says() -> None:
    """README (Map of the code) and docs/conventions.md list where threads start; a new place must be added there."""
    found = {}
    for path in sorted((ROOT / "app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for marker in ("threading.Thread(", "QThreadPool", "QThread(", "ThreadPoolExecutor", "start_new_thread"):
            if marker in text:
                found[str(path.relative_to(ROOT))] = marker
    assert found == THREAD_STARTERS


# Type-only cycles inside the matcher, left for the matching pipeline split (issue 14): remove them from here then.
KNOWN_CYCLE_PACKAGES = ("app.matching.",)


@pytest.mark.slow
def test_no_import_cycles() -> None:
    """No module reaches itself through imports, function-level imports included (grimp sees those too)."""
    import grimp

    graph = grimp.build_graph("app")
    cycles = set()
    for module in sorted(m for m in graph.modules if m.startswith("app.")):
        for imported in graph.find_modules_directly_imported_by(module):
            if not imported.startswith("app.") or imported == module:
                continue
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain and not all(m.startswith(KNOWN_CYCLE_PACKAGES) for m in chain):
                cycles.add(" -> ".join((module, *chain)))
    assert not cycles, "\n".join(sorted(cycles))


@pytest.mark.slow
def test_mypy_tests_is_clean() -> None:
    """The tests are type-checked too, with the project's settings (pyproject.toml, [tool.mypy])."""
    r = _run(sys.executable, "-m", "mypy", "tests")
    assert r.returncode == 0, r.stdout + r.stderr


SLEEP_CALLS = tuple(name + "(" for name in ("time.sleep", "qtbot.wait", "QTest.qWait"))


def test_tests_wait_on_conditions_not_sleeps() -> None:
    """No test sleeps for a guessed time: they wait on a condition (qtbot.waitUntil / waitSignal, or
    tests/support/waiting.py, the one place that pauses between polls). Benchmarks may pace themselves."""
    allowed = {ROOT / "tests" / "support" / "waiting.py"}
    sleepers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path not in allowed
        and (ROOT / "tests" / "bench") not in path.parents
        and any(call in path.read_text(encoding="utf-8") for call in SLEEP_CALLS)
    ]
    assert sleepers == []
