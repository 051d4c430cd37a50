"""The matcher's hot modules may run compiled (mypyc): packaging/compile_matching.py builds them in place, beside
their sources, for CI, the benchmarks and the desktop bundle; a plain install runs the same sources interpreted.

A compiled module is a plain extension module, which Python imports in preference to the .py beside it. So that an
edit to a source is never shadowed by an older build of it, the build writes the SHA-256 of every source it compiled
to `compiled.sha256` (sha256sum's format). app.matching checks that list before it imports anything else: when a
source has changed since (or the list is missing), every compiled module is imported from its source instead (compiled
and interpreted classes of the same module must not mix) and the log says how to rebuild. Where there are no sources
(the bundle), the build is what there is.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

PACKAGE = "app.matching"
HERE = Path(__file__).resolve().parent
# Compiled together as one group (its shared library is PACKAGE.compiled__mypyc): the stages, the index and what they
# call per word. The records, results and caches are not on the hot path.
MODULES: tuple[str, ...] = (
    "types",
    "normalize",
    "similarity",
    "label",
    "calibration",
    "candidates",
    "align",
    "decide",
    "explain",
    "index",
    "pipeline",
)
GROUP = f"{PACKAGE}.compiled"
MANIFEST = HERE / "compiled.sha256"
REBUILD = "python packaging/compile_matching.py"
SOURCES_ENV = "PIGEONHOLE_MATCHER_SOURCES"  # =1: run the sources even where an up-to-date build is beside them


def source_digests(folder: Path = HERE) -> dict[str, str]:
    """File name -> SHA-256 of the source of each module that may be compiled."""
    return {f"{m}.py": hashlib.sha256((folder / f"{m}.py").read_bytes()).hexdigest() for m in MODULES}


def manifest_text(digests: dict[str, str]) -> str:
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items()))


def build_is_current() -> bool:
    """Every module of MODULES is built, from the sources beside it as they are now."""
    return len(built_modules()) == len(MODULES) and _read_manifest() == source_digests()


def _read_manifest() -> dict[str, str]:
    try:
        lines = MANIFEST.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines)}


def built_modules(folder: Path = HERE) -> list[str]:
    """The modules of MODULES that have a compiled build beside their source."""
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return [m for m in MODULES if any((folder / f"{m}{suffix}").is_file() for suffix in suffixes)]


class _FromSources:
    """Meta-path finder: the modules of MODULES from their .py files, whatever is built beside them."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != PACKAGE or name not in MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, HERE / f"{name}.py")


def running_sources() -> bool:
    """Whether use_sources_if_stale found the build stale."""
    return any(isinstance(finder, _FromSources) for finder in sys.meta_path)


def use_sources_if_stale() -> bool:
    """Called by app.matching before it imports its modules: True when a compiled build is present but older than
    its sources, in which case the sources are imported instead (and the log says so)."""
    if running_sources():
        return True
    built = built_modules()
    if built and os.environ.get(SOURCES_ENV) == "1":
        log.info("%s=1: the matcher runs from its sources", SOURCES_ENV)
        sys.meta_path.insert(0, _FromSources())
        return True
    if not built or not (HERE / f"{MODULES[0]}.py").is_file():
        return False
    try:
        if build_is_current():
            return False
        recorded, current = _read_manifest(), source_digests()
    except OSError:
        return False
    changed = sorted(name for name, digest in current.items() if recorded.get(name) != digest)
    log.warning(
        "The compiled matcher is older than its sources (%s); running the sources instead. Run `%s` to rebuild.",
        ", ".join(changed) or "an incomplete build",
        REBUILD,
    )
    sys.meta_path.insert(0, _FromSources())
    return True


def is_compiled() -> bool:
    """Whether the matcher runs compiled (for the benchmark's report and the desk's log)."""
    return all(not str(getattr(sys.modules.get(f"{PACKAGE}.{m}"), "__file__", ".py")).endswith(".py") for m in MODULES)
