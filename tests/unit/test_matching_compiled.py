"""The compiled matcher (packaging/compile_matching.py, docs/architecture.md "The matcher, compiled"): CI runs the
build it made, and a source edited after a build is what runs, never the older build beside it."""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.matching import compiled
from app.matching.index import SNAPSHOT_FORMAT, snapshot_format

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("PIGEONHOLE_REQUIRE_COMPILED") == "1"  # set by .ci/run, which builds it
needs_build = pytest.mark.skipif(
    not REQUIRED and not compiled.built_modules(),
    reason="the matcher is not compiled here (python packaging/compile_matching.py builds it)",
)


@pytest.mark.skipif(not REQUIRED, reason="only where a build is required (PIGEONHOLE_REQUIRE_COMPILED=1, .ci/run)")
def test_ci_runs_the_compiled_matcher() -> None:
    for module in compiled.MODULES:
        importlib.import_module(f"{compiled.PACKAGE}.{module}")
    assert compiled.built_modules() == list(compiled.MODULES)
    assert not compiled.running_sources()
    assert compiled.is_compiled()
    assert compiled.MANIFEST.read_text(encoding="ascii") == compiled.manifest_text(compiled.source_digests())


def test_the_snapshot_format_reads_the_code_it_depends_on() -> None:
    # compiled, index.__file__ is not the file's place: the digest is taken from the package's files, not from it
    nothing_read = f"{SNAPSHOT_FORMAT}-{hashlib.sha256(SNAPSHOT_FORMAT.encode()).hexdigest()[:16]}"
    assert snapshot_format() != nothing_read


def _copy_of_app(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "resources"))
    return tmp_path


def _imported_from(tree: Path, **env_vars: str) -> tuple[list[str], str]:
    """Where a fresh interpreter imports align and types from, run on a copy of the package; and what it logged."""
    code = (
        "import app.matching.align as a, app.matching.types as t\n"
        "from app.matching import MatchIndex, ContactEntry, ContractEntry\n"
        "print(a.__file__); print(t.__file__); print(getattr(a, 'EDITED', False))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", compiled.SOURCES_ENV)}
    env |= {"PYTHONPATH": str(tree), **env_vars}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.split(), done.stderr


@needs_build
def test_an_edited_source_wins_over_its_build(tmp_path: Path) -> None:
    tree = _copy_of_app(tmp_path)
    out, log = _imported_from(tree)
    assert [Path(p).suffix for p in out[:2]] == [".so", ".so"] and out[2] == "False", (out, log)
    assert "older than its sources" not in log
    out, log = _imported_from(tree, **{compiled.SOURCES_ENV: "1"})  # asked for the sources
    assert [Path(p).name for p in out[:2]] == ["align.py", "types.py"], (out, log)

    with (tree / "app" / "matching" / "align.py").open("a", encoding="utf-8") as source:
        source.write("\nEDITED = True\n")
    out, log = _imported_from(tree)
    # align from its edited source, and types too: a compiled module's classes do not mix with interpreted ones
    assert [Path(p).name for p in out[:2]] == ["align.py", "types.py"] and out[2] == "True", (out, log)
    assert "older than its sources (align.py)" in log and "packaging/compile_matching.py" in log


@needs_build
def test_a_build_without_its_list_of_sources_is_not_used(tmp_path: Path) -> None:
    tree = _copy_of_app(tmp_path)
    (tree / "app" / "matching" / "compiled.sha256").unlink()
    out, log = _imported_from(tree)
    assert [Path(p).name for p in out[:2]] == ["align.py", "types.py"], (out, log)
    assert "older than its sources" in log
