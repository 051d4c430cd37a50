"""Compile the matcher's hot modules (app.matching.compiled.MODULES) with mypyc, in place beside their sources.

    python packaging/compile_matching.py           # build (unless up to date); writes app/matching/compiled.sha256
    python packaging/compile_matching.py --clean   # remove the build: the sources run again

Needs mypy (the dev extra), a C compiler and Python's headers (Debian/Ubuntu: gcc python3-dev). Used by .ci/run (the
tests and benchmarks run what the bundle ships) and packaging/build.sh. A plain `pip install` does not compile: the
same sources run interpreted, with the same results, about 1.4 times as long per label. Why mypyc, and why these
modules: docs/architecture.md ("The matcher, compiled").
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load_compiled() -> ModuleType:
    """app/matching/compiled.py on its own: importing the package would load the modules this script replaces."""
    spec = importlib.util.spec_from_file_location("pigeonhole_compiled", ROOT / "app" / "matching" / "compiled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compiled = _load_compiled()


def clean() -> int:
    removed = 0
    for path in compiled.HERE.iterdir():
        stem = path.name.split(".", 1)[0]
        if path.suffix in (".so", ".pyd") and (stem in compiled.MODULES or stem == "compiled__mypyc"):
            path.unlink()
            removed += 1
    compiled.MANIFEST.unlink(missing_ok=True)
    print(f"compile_matching: removed {removed} compiled files")
    return 0


def build(force: bool) -> int:
    if not force and compiled.build_is_current():
        print("compile_matching: the compiled matcher is up to date")
        return 0
    from mypyc.build import mypycify
    from setuptools import Distribution

    os.chdir(ROOT)  # mypy reads [tool.mypy] from pyproject.toml and finds the modules these import
    digests = compiled.source_digests()
    paths = [f"app/matching/{module}.py" for module in compiled.MODULES]
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pigeonhole-mypyc-") as tmp:
        extensions = mypycify(paths, opt_level="3", group_name=compiled.GROUP, target_dir=str(Path(tmp) / "c"))
        # A bare Distribution: setup() would read pyproject.toml's [project] table, which this build does not need.
        dist = Distribution({"name": "pigeonhole-matching", "ext_modules": extensions})
        command = dist.get_command_obj("build_ext")
        command.build_lib = str(Path(tmp) / "lib")
        command.build_temp = str(Path(tmp) / "obj")
        command.parallel = os.cpu_count() or 1
        dist.run_command("build_ext")
        # Moved in by rename: a process that has the old build loaded keeps its (unlinked) file intact.
        for built in (Path(tmp) / "lib" / "app" / "matching").iterdir():
            os.replace(built, compiled.HERE / built.name)
    if compiled.source_digests() != digests:
        compiled.MANIFEST.unlink(missing_ok=True)
        print("compile_matching: a source changed during the build; run it again", file=sys.stderr)
        return 1
    compiled.MANIFEST.write_text(compiled.manifest_text(digests), encoding="ascii")
    built = compiled.built_modules()
    seconds = time.monotonic() - start
    print(f"compile_matching: {len(built)} of {len(compiled.MODULES)} modules compiled in {seconds:.0f} s")
    return 0 if len(built) == len(compiled.MODULES) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    parser.add_argument("--force", action="store_true", help="build even when the build is up to date")
    args = parser.parse_args(argv)
    return clean() if args.clean else build(args.force)


if __name__ == "__main__":
    sys.exit(main())
