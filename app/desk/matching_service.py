"""The desk's matching index: built once from the local database, then kept up to date incrementally.

Threading (one writer, concurrent readers):
- `ensure_loaded()` builds the index once; concurrent callers wait for the same build (a load lock). The GUI calls
  it in the background at start; `match()` calls it too, so the first keystroke may wait for the build.
- Writers (`apply_sync_report`, `add_contact`, `add_alias`, `upsert_*`, `remove`) are serialized by this
  service's write lock, so there is only ever one writer, and they hand the index small batches (`BATCH` records).
- `MatchIndex` guards each of its calls with its own lock (see app.matching.index), so a reader (`match`, about a
  millisecond) sees the index before or after a batch, never half-way through one, and a keystroke never waits
  behind a whole large sync, only behind one batch.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from app import __version__
from app.matching import AliasEntry, ContactEntry, ContactKind, ContractEntry, MatchIndex, MatchResult
from app.matching.compiled import is_compiled
from app.matching.index import snapshot_format
from app.matching.label import MAX_LABEL_CHARS, MAX_LABEL_LINES, MAX_WORD_CHARS, bound_label_text
from app.store import (
    AliasInfo,
    list_aliases,
    match_directory_fingerprint,
    match_directory_rows,
    session_scope,
)
from app.store.queries import MatchContactRow, MatchContractRow

log = logging.getLogger(__name__)

LABEL_CUT_NOTE = (
    f"The label text was very long: only its first part was read (up to {MAX_LABEL_CHARS:,} characters, "
    f"{MAX_LABEL_LINES} lines and {MAX_WORD_CHARS} letters a word)."
)

BATCH = 2000  # records per index update while readers wait
SNAPSHOT_SUFFIX = ".matchindex"
_KINDS = {t: ContactKind.from_api(t) for t in range(4)}


def snapshot_path_for(engine: Engine) -> Path | None:
    """Where the match index of this database is saved: beside a SQLite database file. None for PostgreSQL (other
    desks sync the same database, so a saved index could not know what changed) and for in-memory databases."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_name(Path(url.database).name + SNAPSHOT_SUFFIX)


def _contract_from_row(r: MatchContractRow) -> ContractEntry:
    return ContractEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])


def _contact_from_row(r: MatchContactRow) -> ContactEntry:
    kind = _KINDS.get(r[2]) or ContactKind.from_api(r[2])
    return ContactEntry(r[0], r[1], kind, r[3], r[4])


def alias_entry(info: AliasInfo) -> AliasEntry:
    return AliasEntry(text=info.text, contract_id=int(info.contract_id), contact_id=info.contact_id)


class MatchingService:
    """Process-wide measures are the composition root's (app.process; a library never takes them):
    `while_building()`: a context manager the index is built (or read from its snapshot) inside, e.g.
    app.process.collector_paused; `on_built(names)`: called after each build (or snapshot load) with the number of
    names indexed, e.g. app.process.keep_large_index_out_of_gc."""

    def __init__(
        self,
        engine: Engine,
        *,
        batch: int = BATCH,
        snapshot: Path | bool | None = True,
        while_building: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
        on_built: Callable[[int], None] | None = None,
    ) -> None:
        """snapshot: where the built index is saved after each sync and read back at start (True: beside a SQLite
        database file, see snapshot_path_for; False or None: never saved)."""
        self._engine = engine
        self._batch = max(1, batch)  # records per index update and ids per database query
        self._while_building = while_building
        self._on_built = on_built
        self._index: MatchIndex | None = None
        self._load_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.build_seconds: float | None = None
        self.loaded_from = ""  # "snapshot" or "database" once loaded
        self._saved_fingerprint: list[Any] | None = None
        if snapshot is True:
            self.snapshot_path = snapshot_path_for(engine)
        else:
            self.snapshot_path = snapshot if isinstance(snapshot, Path) else None

    # -- loading ------------------------------------------------------------------------------------------------

    @property
    def is_loaded(self) -> bool:
        return self._index is not None

    def ensure_loaded(self) -> None:
        """Build the index once (later calls return at once): from the saved snapshot when the database has not
        changed since it was saved (then the contacts not yet synced and the aliases are read again on top), else
        from the database, saving a snapshot for the next start."""
        if self._index is not None:
            return
        with self._load_lock:
            if self._index is not None:
                return
            started = time.perf_counter()
            index = self._from_snapshot()
            if index is None:
                with session_scope(self._engine, readonly=True) as session:
                    fingerprint = match_directory_fingerprint(session) if self.snapshot_path else []
                    contracts, contacts = match_directory_rows(session)
                    aliases = list_aliases(session)
                read = time.perf_counter() - started
                with self._while_building():
                    index = MatchIndex.build(
                        map(_contract_from_row, contracts),
                        map(_contact_from_row, contacts),
                        [alias_entry(a) for a in aliases],
                    )
                self.loaded_from = "database"
                log.info(
                    "Matching index built from the database: %d contracts, %d contacts, %d aliases "
                    "(read %.2f s, built %.2f s)",
                    len(contracts),
                    len(contacts),
                    len(aliases),
                    read,
                    time.perf_counter() - started - read,
                )
                if self.snapshot_path:
                    self._save_snapshot(index, fingerprint)
            self.build_seconds = time.perf_counter() - started
            self._index = index
            log.info(
                "Matching ready in %.2f s, from the %s; the matcher runs %s (docs/architecture.md)",
                self.build_seconds,
                self.loaded_from,
                "compiled" if is_compiled() else "interpreted",
            )
        if self._on_built is not None:
            self._on_built(len(index))

    def _from_snapshot(self) -> MatchIndex | None:
        path = self.snapshot_path
        if path is None or not path.exists():
            return None
        started = time.perf_counter()
        try:
            with path.open("rb") as fh:
                header = json.loads(fh.readline())
                if header.get("format") != snapshot_format() or header.get("app") != __version__:
                    return None
                with session_scope(self._engine, readonly=True) as session:
                    if header.get("fingerprint") != match_directory_fingerprint(session):
                        log.info("Matching index snapshot is out of date: building from the database")
                        return None
                    _contracts, local = match_directory_rows(session, local_only=True)
                    aliases = list_aliases(session)
                data = fh.read()
                with self._while_building():
                    index = MatchIndex.from_snapshot(data)
        except (OSError, ValueError) as exc:
            log.warning("Matching index snapshot %s not used: %s", path, exc)
            return None
        # Contacts registered here may have changed since (a corrected name) or gone (sent and adopted, discarded):
        # read again, they are few. Aliases learned since are added (an alias already there is not added twice).
        index.upsert_contacts(map(_contact_from_row, local))
        current = {row[0] for row in local}
        index.remove_contacts([cid for cid in index.contact_ids() if cid < 0 and cid not in current])
        for alias in aliases:
            index.add_alias(alias_entry(alias))
        self._saved_fingerprint = header.get("fingerprint")
        self.loaded_from = "snapshot"
        log.info("Matching index read from %s: %d names in %.2f s", path, len(index), time.perf_counter() - started)
        return index

    def _save_snapshot(self, index: MatchIndex, fingerprint: list[Any]) -> None:
        """Write the snapshot beside the database (a temporary file first, so a crash leaves the old one whole)."""
        path = self.snapshot_path
        if path is None:
            return
        started = time.perf_counter()
        header = {"format": snapshot_format(), "app": __version__, "fingerprint": fingerprint}
        tmp = path.with_name(path.name + ".tmp")
        try:
            data = index.snapshot()
            with tmp.open("wb") as fh:
                fh.write(json.dumps(header).encode("utf-8") + b"\n")
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("Matching index snapshot not saved to %s: %s", path, exc)
            return
        self._saved_fingerprint = fingerprint
        log.info("Matching index saved to %s in %.2f s", path, time.perf_counter() - started)

    def _refresh_snapshot(self) -> None:
        if self._index is None or self.snapshot_path is None:
            return
        with session_scope(self._engine, readonly=True) as session:
            fingerprint = match_directory_fingerprint(session)
        if fingerprint != self._saved_fingerprint:
            with self._write_lock:
                self._save_snapshot(self._index, fingerprint)

    def save_snapshot(self) -> None:
        """Save the index as it stands now (after a sync). The database is read first, so a write that lands in
        between makes the snapshot out of date (rebuilt at the next start) rather than wrong."""
        if self._index is None or self.snapshot_path is None:
            return
        with session_scope(self._engine, readonly=True) as session:
            fingerprint = match_directory_fingerprint(session)
        with self._write_lock:
            self._save_snapshot(self._index, fingerprint)

    @property
    def entry_count(self) -> int:
        """How many names the index holds (0 before it is built, or for an empty directory)."""
        return len(self._index) if self._index is not None else 0

    def reload(self) -> None:
        """Drop the index and build it again (after a database switch; not needed after a sync)."""
        self.close()
        self.ensure_loaded()

    def close(self) -> None:
        """Drop the index and the caches it filled (the next match builds it again)."""
        with self._write_lock:
            index, self._index = self._index, None
        if index is not None:
            index.close()

    def _loaded(self) -> MatchIndex:
        self.ensure_loaded()
        assert self._index is not None
        return self._index

    # -- reading ----------------------------------------------------------------------------------------------

    def match(self, text: str, limit: int = 5) -> MatchResult:
        """The matches for a label. The text is bounded first (app.matching.label.bound_label_text), so the index
        lock is held for a bounded time whatever was pasted; a cut label says so in `note`."""
        bounded, cut = bound_label_text(text)
        result = self._loaded().match(bounded, limit)
        if cut:
            result.note = LABEL_CUT_NOTE
        return result

    # -- writing ----------------------------------------------------------------------------------------------

    def upsert_contracts(self, entries: Sequence[ContractEntry]) -> None:
        index = self._loaded()
        with self._write_lock:
            for chunk in chunks(entries, self._batch):
                index.upsert_contracts(chunk)

    def upsert_contacts(self, entries: Sequence[ContactEntry]) -> None:
        index = self._loaded()
        with self._write_lock:
            for chunk in chunks(entries, self._batch):
                index.upsert_contacts(chunk)

    def remove(self, *, contract_ids: Sequence[int] = (), contact_ids: Sequence[int] = ()) -> None:
        index = self._loaded()
        with self._write_lock:
            for chunk in chunks(contact_ids, self._batch):
                index.remove_contacts(chunk)
            for chunk in chunks(contract_ids, self._batch):
                index.remove_contracts(chunk)

    def add_contact(self, contact_id: int, contract_id: int, contact_type: int, name: str) -> None:
        """A recipient registered at the desk: matchable at once (contact_id is the store's, negative if pending)."""
        entry = ContactEntry(contact_id, contract_id, ContactKind.from_api(contact_type), name)
        self.upsert_contacts([entry])

    def add_alias(self, text: str, contract_id: int, contact_id: int | None) -> None:
        index = self._loaded()
        with self._write_lock:
            index.add_alias(AliasEntry(text, contract_id, contact_id))

    def apply_sync_report(self, report: Any) -> None:
        """Apply a directory sync's changes (changed and removed contract/contact ids) without a rebuild.

        Before the index is built there is nothing to update: the build reads the synced database anyway.
        """
        if self._index is None:
            return
        changed_contracts = list(getattr(report, "changed_contract_ids", ()) or ())
        changed_contacts = list(getattr(report, "changed_contact_ids", ()) or ())
        removed_contracts = list(getattr(report, "removed_contract_ids", ()) or ())
        removed_contacts = list(getattr(report, "removed_contact_ids", ()) or ())
        if not (changed_contracts or changed_contacts or removed_contracts or removed_contacts):
            self._refresh_snapshot()  # a contact sent since has its Nexudus id now: the saved index is out of date
            return
        # Ids are queried in chunks: a full sync may report every id, more than a database accepts in one IN list.
        # The snapshot's fingerprint is read before the rows, so a write landing in between outdates it.
        contracts: list[ContractEntry] = []
        contacts: list[ContactEntry] = []
        with session_scope(self._engine, readonly=True) as session:
            fingerprint = match_directory_fingerprint(session) if self.snapshot_path else []
            for chunk in chunks(changed_contracts, self._batch):
                rows, _none = match_directory_rows(session, contract_ids=chunk)
                contracts.extend(map(_contract_from_row, rows))
            for chunk in chunks(changed_contacts, self._batch):
                _none2, contact_rows = match_directory_rows(session, contact_ids=chunk)
                contacts.extend(map(_contact_from_row, contact_rows))
        self.upsert_contracts(contracts)
        self.upsert_contacts(contacts)
        self.remove(contract_ids=removed_contracts, contact_ids=removed_contacts)
        if self.snapshot_path:
            with self._write_lock:
                self._save_snapshot(self._loaded(), fingerprint)
        log.info(
            "Matching index updated: %d contracts, %d contacts changed; %d contracts, %d contacts removed",
            len(contracts),
            len(contacts),
            len(removed_contracts),
            len(removed_contacts),
        )


def chunks(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    """`items` in lists of `size` (the last one shorter)."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
