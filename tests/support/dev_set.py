"""The shared matching-dev set (outside the repository): found beside the checkout, required in CI.

Tests that need it call `need_dev_set(path)`: without the set they are skipped, unless
PIGEONHOLE_REQUIRE_MATCHING_DEV is set (`.ci/run` sets it), in which case they fail: CI must not pass by silently
leaving the dev-set numbers out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV_REQUIRE = "PIGEONHOLE_REQUIRE_MATCHING_DEV"


def shared_dir() -> Path:
    """The `shared` folder beside the checkout (/work/shared for /work/main and for a worktree under /work/wt)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "shared" / "matching-dev").is_dir():
            return parent / "shared"
    return here.parents[3] / "shared"


DEV_DIR = Path(os.environ.get("PIGEONHOLE_MATCHING_DEV", shared_dir() / "matching-dev"))


def need_dev_set(path: Path) -> None:
    """Skip the calling test when `path` (a file of the dev set) is missing, or fail it when the set is required."""
    if path.exists():
        return
    message = f"{path} not present (the shared matching-dev set)"
    if os.environ.get(ENV_REQUIRE):
        pytest.fail(f"{message}, but {ENV_REQUIRE} is set")
    pytest.skip(message)
