"""No process-wide state taken by a library: the match index neither freezes nor pauses the garbage collector (the
composition roots decide, app.process), the index owns and clears the word caches it fills, a second setup_logging
moves the log to the path it returns, and loading the settings does not write them."""

from __future__ import annotations

import contextlib
import gc
import importlib
import inspect
import json
import logging
import pkgutil
from collections.abc import Iterator
from pathlib import Path

from app.config import Paths, Settings, setup_logging
from app.matching import ContactEntry, ContactKind, ContractEntry, MatchIndex
from app.matching.caches import word_cache_entries, word_caches

D = ContactKind.DIRECTOR


def small_index(contracts: int = 200) -> MatchIndex:
    return MatchIndex.build(
        [ContractEntry(c, f"Company {c} Ltd", f"Company {c} Ltd", f"Holder {c}") for c in range(1, contracts + 1)],
        [ContactEntry(10_000 + c, c, D, f"Person{c} Surname{c % 37}") for c in range(1, contracts + 1)],
    )


def test_building_an_index_leaves_the_garbage_collector_alone() -> None:
    frozen = gc.get_freeze_count()
    small_index()
    assert gc.get_freeze_count() == frozen


def test_the_desk_freezes_a_large_index_at_its_composition_root() -> None:
    from app.process import FREEZE_MIN_NAMES, keep_large_index_out_of_gc

    frozen = gc.get_freeze_count()
    keep_large_index_out_of_gc(FREEZE_MIN_NAMES - 1)
    assert gc.get_freeze_count() == frozen
    try:
        keep_large_index_out_of_gc(FREEZE_MIN_NAMES)
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


def test_building_an_index_leaves_the_collector_running_and_the_desk_pauses_it_meanwhile(tmp_path: Path) -> None:
    from app.desk.matching_service import MatchingService
    from app.process import collector_paused
    from app.store import open_database

    assert gc.isenabled()
    small_index()
    assert gc.isenabled()
    seen: list[bool] = []

    @contextlib.contextmanager
    def watched() -> Iterator[None]:
        with collector_paused():
            seen.append(gc.isenabled())
            yield
        seen.append(gc.isenabled())

    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        MatchingService(engine, snapshot=False, while_building=watched).ensure_loaded()
    finally:
        engine.dispose()
    assert seen == [False, True]  # paused while the index was built, running again after


def test_closing_an_index_clears_the_caches_it_filled() -> None:
    index = small_index()
    index.match("Person12 Surnam12")
    index.match("Persn7 Surname7 Company 7 Ltd")
    assert word_cache_entries() > 0
    index.close()
    assert word_cache_entries() == 0
    assert index.match("Person12 Surname12").candidates[0].contact_id == 10_012  # still answers


def test_every_memoised_function_of_the_matcher_is_in_the_list_the_index_clears() -> None:
    """A function memoised on what labels bring (words, names, lines) must be bounded and cleared with the index;
    only the loaders of fixed tables (no arguments, e.g. the nickname table) keep what they read."""
    import app.matching

    memoised: dict[int, str] = {}
    for module_info in pkgutil.iter_modules(app.matching.__path__, "app.matching."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                not isinstance(value, type)
                and callable(getattr(value, "cache_clear", None))
                and value.__module__.startswith("app.matching")
                and inspect.signature(value).parameters
            ):
                memoised[id(value)] = f"{module_info.name}.{name}"
    listed = {id(cached) for cached in word_caches()}
    assert sorted(memoised[k] for k in memoised.keys() - listed) == []  # a cache DirectoryIndex.close() would keep
    assert len(listed) == len(word_caches()) and listed <= memoised.keys()


def test_the_desk_service_closes_the_index_it_drops(tmp_path: Path) -> None:
    from app.desk.matching_service import MatchingService
    from app.store import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    built: list[int] = []
    try:
        service = MatchingService(engine, on_built=built.append)
        service.match("Someone")
        assert built == [0]
        service.close()
        assert not service.is_loaded
        assert word_cache_entries() == 0
        service.match("Someone")
        assert built == [0, 0]
    finally:
        engine.dispose()


def _our_file_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if type(h).__name__ == "_LogFileHandler"]


def test_a_second_setup_logging_returns_the_path_that_receives_the_log(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        first = setup_logging(Paths.under(tmp_path / "one"))
        assert setup_logging(Paths.under(tmp_path / "one")) == first
        assert len(_our_file_handlers()) == 1
        second = setup_logging(Paths.under(tmp_path / "two"))
        assert second != first
        logging.getLogger("pigeonhole.test").warning("where does this go")
        for handler in _our_file_handlers():
            handler.flush()
        assert "where does this go" in second.read_text(encoding="utf-8")
        assert "where does this go" not in first.read_text(encoding="utf-8")
        assert len(_our_file_handlers()) == 1
    finally:
        for handler in _our_file_handlers():
            root.removeHandler(handler)
            handler.close()
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)


def test_loading_settings_never_writes_them(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path / "home")
    settings = Settings.load(paths)
    assert not paths.settings_file.exists()
    assert not settings.client_id_saved
    settings.keep_client_id(paths)
    saved = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    assert saved["client_id"] == settings.client_id
    assert "client_id_saved" not in saved
    again = Settings.load(paths)
    assert again.client_id == settings.client_id and again.client_id_saved
    stamp = paths.settings_file.stat().st_mtime_ns
    again.keep_client_id(paths)
    assert paths.settings_file.stat().st_mtime_ns == stamp
