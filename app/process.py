"""Process-wide measures for the matcher's big index, taken only by the composition roots (app.cli for the `match`
command, app.ui.main for the desk) and handed to MatchingService: a library never takes them itself (an import-linter
contract in pyproject.toml keeps app.desk, app.matching and the other libraries from importing this module)."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator

log = logging.getLogger(__name__)

FREEZE_MIN_NAMES = 50_000  # names from which a built index is moved out of the garbage collector's way


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a match index is built or read back from its snapshot: millions of
    small objects, none of them garbage, and the collector would walk the growing index again and again. Measured
    on the generated 100,000-contact directory (three rounds each, CPU time): build 2.9-3.1 s paused against
    4.0-4.4 s running; snapshot read 0.58-0.62 s against 1.16-1.34 s (the desk's target from the snapshot is 2 s).
    The collector is put back as it was (left off if it was off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def keep_large_index_out_of_gc(names: int) -> None:
    """A large match index is the process's biggest and longest-lived structure (a full collection walked the
    100,000-contact one for 260 ms, with every thread waiting, keystrokes included). `gc.freeze()` moves every
    object alive now into a permanent generation the cyclic collector no longer walks; later collections walk
    only what was made since. What is frozen is never collected: acceptable for a desk that keeps one index for
    its whole run (a rebuilt index leaves the old one frozen until exit; rebuilds are rare: a database switch)."""
    if names >= FREEZE_MIN_NAMES:
        gc.freeze()
        log.info("Match index of %d names moved out of the garbage collector's way (gc.freeze)", names)
