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

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.engine import Engine

from app.matching import AliasEntry, ContactEntry, ContactKind, ContractEntry, MatchIndex, MatchResult
from app.matching.label import MAX_LABEL_CHARS, MAX_LABEL_LINES, MAX_WORD_CHARS, bound_label_text
from app.store import (
    AliasInfo,
    ContactInfo,
    ContractInfo,
    match_directory,
    match_directory_subset,
    session_scope,
)

log = logging.getLogger(__name__)

LABEL_CUT_NOTE = (
    f"The label text was very long: only its first part was read (up to {MAX_LABEL_CHARS:,} characters, "
    f"{MAX_LABEL_LINES} lines and {MAX_WORD_CHARS} letters a word)."
)

BATCH = 2000  # records per index update while readers wait


def contract_entry(info: ContractInfo) -> ContractEntry:
    return ContractEntry(
        contract_id=info.contract_id,
        company_name=info.company_name or "",
        billing_name=info.billing_name or "",
        holder_name=info.holder_name or "",
        cancelled=info.cancelled,
        cancelled_on=info.cancellation_date,
        location_id=info.location_id,
        po_box=info.po_box or "",
    )


def contact_entry(info: ContactInfo) -> ContactEntry:
    """Pending contacts (registered here, negative ids) are included: a new recipient is matchable at once."""
    return ContactEntry(
        contact_id=info.contact_id,
        contract_id=info.contract_id,
        kind=ContactKind.from_api(int(info.contact_type)),
        name=info.name or "",
        gone=info.gone,
    )


def alias_entry(info: AliasInfo) -> AliasEntry:
    return AliasEntry(text=info.text, contract_id=int(info.contract_id), contact_id=info.contact_id)


class MatchingService:
    """`on_built(names)`: called after each build with the number of names indexed (the composition root uses it
    to take process-wide measures, e.g. gc.freeze in app.ui.main; a library never does)."""

    def __init__(self, engine: Engine, *, batch: int = BATCH, on_built: Callable[[int], None] | None = None) -> None:
        self._engine = engine
        self._batch = max(1, batch)  # records per index update and ids per database query
        self._on_built = on_built
        self._index: MatchIndex | None = None
        self._load_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.build_seconds: float | None = None

    # -- loading ------------------------------------------------------------------------------------------------

    @property
    def is_loaded(self) -> bool:
        return self._index is not None

    def ensure_loaded(self) -> None:
        """Build the index from the database once (later calls return at once)."""
        if self._index is not None:
            return
        with self._load_lock:
            if self._index is not None:
                return
            started = time.perf_counter()
            with session_scope(self._engine, readonly=True) as session:
                directory = match_directory(session)
            index = MatchIndex.build(
                (contract_entry(c) for c in directory.contracts),
                (contact_entry(c) for c in directory.contacts),
                [alias_entry(a) for a in directory.aliases],
            )
            self.build_seconds = time.perf_counter() - started
            self._index = index
            log.info(
                "Matching index built: %d contracts, %d contacts, %d aliases in %.2f s",
                len(directory.contracts),
                len(directory.contacts),
                len(directory.aliases),
                self.build_seconds,
            )
            del directory  # the rows it was built from are garbage now (before on_built freezes anything)
        if self._on_built is not None:
            self._on_built(len(index))

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
            for chunk in _chunks(entries, self._batch):
                index.upsert_contracts(chunk)

    def upsert_contacts(self, entries: Sequence[ContactEntry]) -> None:
        index = self._loaded()
        with self._write_lock:
            for chunk in _chunks(entries, self._batch):
                index.upsert_contacts(chunk)

    def remove(self, *, contract_ids: Sequence[int] = (), contact_ids: Sequence[int] = ()) -> None:
        index = self._loaded()
        with self._write_lock:
            for chunk in _chunks(contact_ids, self._batch):
                index.remove_contacts(chunk)
            for chunk in _chunks(contract_ids, self._batch):
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
            return
        # Ids are queried in chunks: a full sync may report every id, more than a database accepts in one IN list.
        contracts: list[ContractEntry] = []
        contacts: list[ContactEntry] = []
        with session_scope(self._engine, readonly=True) as session:
            for chunk in _chunks(changed_contracts, self._batch):
                part = match_directory_subset(session, chunk, [])
                contracts.extend(contract_entry(c) for c in part.contracts)
            for chunk in _chunks(changed_contacts, self._batch):
                part = match_directory_subset(session, [], chunk)
                contacts.extend(contact_entry(c) for c in part.contacts)
        self.upsert_contracts(contracts)
        self.upsert_contacts(contacts)
        self.remove(contract_ids=removed_contracts, contact_ids=removed_contacts)
        log.info(
            "Matching index updated: %d contracts, %d contacts changed; %d contracts, %d contacts removed",
            len(contracts),
            len(contacts),
            len(removed_contracts),
            len(removed_contacts),
        )


def _chunks(items: Iterable[Any], size: int = BATCH) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
