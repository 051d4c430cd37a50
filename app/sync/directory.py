"""Pull the directory from Nexudus into the store: businesses, countries, coworkers, contracts, contacts.

- Full pass: every page of the resource; then deletion reconciliation (Ids held locally but not listed are
  confirmed absent with a batch GET before they are removed, so a record skipped by offset paging while the server
  changed is never dropped).
- Incremental pass: `from_{Entity}_UpdatedOn` = the largest server `UpdatedOn` stored by the last completed pass
  minus OVERLAP (the server's own clock, so its time zone does not matter; the filter is rounded down to the
  minute by the client, and the two-minute overlap covers writes in flight and records changed while we were
  paging). Upsert by Id; rows whose UpdatedOn did not change are not rewritten.
- Deletions are invisible to an UpdatedOn filter. After an incremental pass one page of the unfiltered list (a
  different page range each run, PROBE_PAGE_SIZE records) gives the server's count, compared with the local count,
  and, when the server lists by Id, the Ids of that range, compared with the local Ids of the same range (counts
  can agree while the sets do not: one record deleted and another added). When either differs, or every
  RECONCILE_EVERY_N_RUNS incremental runs, the resource gets a full pass with reconciliation.
- A full pass cannot miss a record: offset paging is not stable (nexudus-api.md documents no stable key to page
  by, and the client must not depend on order), so a record deleted or added while paging shifts the rest by one.
  A pass is trusted only when every page reported the same TotalItems, as many records arrived, and no record was
  created since the pass began (one `from_{Entity}_CreatedOn` request: an insertion can hide a deletion from the
  count); otherwise the list is read again (at most RELIST_MAX times), and the Ids of the last reading are the
  ones reconciled.
- Countries and businesses (a page or two, no useful UpdatedOn) are pulled in full on a full sync and otherwise
  when their last full pull is older than REFERENCE_MAX_AGE (a day); in between, incremental syncs skip them.
- Never removed: contacts the desk created that the server does not know yet (they have no Nexudus Id), and
  contacts/contracts that deliveries, aliases or outbox entries point at: those are kept and flagged `gone`.
- Pages are fetched and turned into rows one or two ahead on a helper thread (_Prefetch) while the current page
  is written (COPY on PostgreSQL, one multi-row INSERT per page on SQLite; the database's own work runs with the
  GIL released), so the network, our JSON reading and the database work at the same time; pages are still written
  strictly in order.
- Each page is written in its own transaction; the high-water mark moves only when a pass completes, so a sync
  killed at any point re-reads from the previous mark and converges (upserts are idempotent).
- One sync at a time per database (app.store.locks: PostgreSQL advisory lock, a file lock for SQLite).
- Progress is reported as (done, total) records; `cancel` is checked between pages.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from app.nexudus.client import NexudusClient
from app.nexudus.resources import MAX_PAGE_SIZE, Resource
from app.nexudus.schemas import ListPage
from app.store import directory as store
from app.store.audit import utcnow
from app.store.locks import database_lock
from app.store.queries import DIRECTORY_STATE

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=2)
RECONCILE_EVERY_N_RUNS = 24
REFERENCE_MAX_AGE = timedelta(days=1)  # countries and businesses: pulled in full when older than this
RELIST_MAX = 3  # extra readings of a list that changed while it was paged
PROBE_PAGE_SIZE = 1000  # records of the page range compared with the local Ids on an incremental run
ORDER: tuple[Resource, ...] = (
    Resource.BUSINESSES,
    Resource.COUNTRIES,
    Resource.COWORKERS,
    Resource.COWORKER_CONTRACTS,
    Resource.CONTRACT_CONTACTS,
)
REFERENCE = frozenset({Resource.BUSINESSES, Resource.COUNTRIES})  # small, rarely changed, no useful UpdatedOn
LOCK_NAME = "directory-sync"
_MAIN = set(ORDER) - REFERENCE  # what a "full" report needs to have pulled in full in this run
PREFETCH_DEPTH = 2  # pages fetched ahead of the one being written

Progress = Callable[[int, int], None]


class SyncCancelled(Exception):
    pass


@dataclass(frozen=True)
class SyncReport:
    """What a pull changed, so the desk can update its matching index without a rebuild.

    Contact ids are public ids (Nexudus Id, or -local id). A pending contact the server turned out to know already
    appears as removed (its -local id) and changed (its Nexudus Id).
    """

    full: bool
    cancelled: bool
    started_at: datetime
    finished_at: datetime
    changed_contract_ids: frozenset[int]
    removed_contract_ids: frozenset[int]
    changed_contact_ids: frozenset[int]
    removed_contact_ids: frozenset[int]
    pulled: dict[str, int]  # records received per resource (entity name)
    reconciled: tuple[str, ...]  # resources whose Id sets were compared
    requests: int
    skipped: dict[str, int] = field(default_factory=dict)  # unreadable records left out, per resource (logged)
    cleaned: dict[str, int] = field(default_factory=dict)  # records kept after their text was cleaned (logged)

    @property
    def changed(self) -> bool:
        return bool(
            self.changed_contract_ids
            or self.removed_contract_ids
            or self.changed_contact_ids
            or self.removed_contact_ids
        )

    def summary(self) -> str:
        total = sum(self.pulled.values())
        kind = "full" if self.full else "incremental"
        state = " (cancelled)" if self.cancelled else ""
        seconds = (self.finished_at - self.started_at).total_seconds()
        text = (
            f"{kind} sync{state}: {total} records received; contracts {len(self.changed_contract_ids)} changed, "
            f"{len(self.removed_contract_ids)} removed; contacts {len(self.changed_contact_ids)} changed, "
            f"{len(self.removed_contact_ids)} removed; {seconds:.1f} s"
        )
        if self.skipped:
            text += "; " + _counts(self.skipped, "unreadable record(s) left out (see the log)")
        if self.cleaned:
            text += "; " + _counts(self.cleaned, "record(s) with unusable characters cleaned")
        return text


def _counts(per_entity: dict[str, int], what: str) -> str:
    return f"{sum(per_entity.values())} {what}: " + ", ".join(f"{k} {v}" for k, v in sorted(per_entity.items()))


@dataclass
class _Run:
    engine: Engine
    client: NexudusClient
    progress: Progress | None
    cancel: threading.Event | None
    page_size: int
    started_at: datetime = field(default_factory=utcnow)
    done: int = 0
    totals: dict[Resource, int] = field(default_factory=dict)
    requests: int = 0
    changed_contracts: set[int] = field(default_factory=set)
    removed_contracts: set[int] = field(default_factory=set)
    changed_contacts: set[int] = field(default_factory=set)
    removed_contacts: set[int] = field(default_factory=set)
    changed_coworkers: set[int] = field(default_factory=set)
    pulled: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    cleaned: dict[str, int] = field(default_factory=dict)
    reconciled: list[str] = field(default_factory=list)
    full_passes: set[Resource] = field(default_factory=set)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise SyncCancelled

    def report_progress(self) -> None:
        if self.progress is not None:
            total = max(sum(self.totals.values()), self.done)
            self.progress(self.done, total)


def pull_directory(
    engine: Engine,
    client: NexudusClient,
    *,
    full: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    lock_wait: float = 0.0,
    page_size: int = MAX_PAGE_SIZE,
) -> SyncReport:
    """Bring the local directory up to date (see the module docstring). Raises LockBusyError when another sync
    holds this database, and the client's NexudusError subclasses when the server cannot be reached or refuses."""
    run = _Run(engine, client, progress, cancel, page_size)
    cancelled = False
    with database_lock(engine, LOCK_NAME, wait=lock_wait):
        with engine.begin() as conn:
            store.write_sync_state(
                conn, DIRECTORY_STATE, last_run_at=run.started_at, last_status="running", last_message=""
            )
        try:
            for resource in ORDER:
                _pull_resource(run, resource, force_full=full)
            _expand_coworker_changes(run)
        except SyncCancelled:
            cancelled = True
        except BaseException as exc:
            with engine.begin() as conn:
                store.write_sync_state(conn, DIRECTORY_STATE, last_status="failed", last_message=type(exc).__name__)
            raise
        finished = utcnow()
        with engine.begin() as conn:
            values: dict[str, object] = {
                "last_status": "cancelled" if cancelled else "ok",
                "last_message": "",
                "last_run_at": finished,
            }
            if not cancelled:
                values["high_water"] = finished  # the DIRECTORY row: time of the last successful pull
                if full or run.full_passes >= _MAIN:
                    values["last_full_sync"] = finished
            store.write_sync_state(conn, DIRECTORY_STATE, **values)
    report = SyncReport(
        full=full or run.full_passes >= _MAIN,
        cancelled=cancelled,
        started_at=run.started_at,
        finished_at=finished,
        changed_contract_ids=frozenset(run.changed_contracts - run.removed_contracts),
        removed_contract_ids=frozenset(run.removed_contracts),
        changed_contact_ids=frozenset(run.changed_contacts - run.removed_contacts),
        removed_contact_ids=frozenset(run.removed_contacts),
        pulled=dict(run.pulled),
        reconciled=tuple(run.reconciled),
        requests=run.requests,
        skipped=dict(run.skipped),
        cleaned=dict(run.cleaned),
    )
    log.info("%s", report.summary())
    return report


def _pull_resource(run: _Run, resource: Resource, *, force_full: bool) -> None:
    with run.engine.connect() as conn:
        state = store.read_sync_state(conn, resource.name)
    if resource in REFERENCE:
        if (
            not force_full
            and state.last_full_sync is not None
            and _aware(state.last_full_sync) > run.started_at - REFERENCE_MAX_AGE
        ):
            return  # pulled in full less than a day ago
        full = True
    else:
        full = force_full or state.last_full_sync is None or state.high_water is None
    due = state.runs_since_full + 1 >= RECONCILE_EVERY_N_RUNS
    if not full and due:
        log.info("%s: periodic full pass to reconcile deletions", resource.value.entity)
        full = True
    since = state.high_water - OVERLAP if not full and state.high_water is not None else None
    pass_start = utcnow()
    seen, high_water, listing = _pull_pages(run, resource, since)
    if not full and _probe_differs(run, resource, state.runs_since_full):
        full = True
        pass_start = utcnow()
        seen, full_high, listing = _pull_pages(run, resource, None)
        high_water = max((h for h in (high_water, full_high) if h is not None), default=None)
    if full:
        relists = 0
        # The list changed while it was paged: read it again.
        while (not listing.stable or _created_since(run, resource, pass_start - OVERLAP)) and relists < RELIST_MAX:
            relists += 1
            log.info(
                "%s: the list changed while it was read (%s); reading it again (%d of %d)",
                resource.value.entity,
                listing,
                relists,
                RELIST_MAX,
            )
            pass_start = utcnow()
            seen, again_high, listing = _pull_pages(run, resource, None)
            high_water = max((h for h in (high_water, again_high) if h is not None), default=None)
        if not listing.stable:
            log.warning(
                "%s: the list kept changing while it was read; deletions are checked one by one", resource.value.entity
            )
        run.full_passes.add(resource)
        _reconcile(run, resource, seen, pass_start)
    with run.engine.begin() as conn:
        values: dict[str, object] = {"last_run_at": utcnow(), "last_status": "ok"}
        if high_water is not None or full:
            values["high_water"] = high_water or state.high_water
        if full:
            values["last_full_sync"] = pass_start
            values["runs_since_full"] = 0
        else:
            values["runs_since_full"] = state.runs_since_full + 1
        store.write_sync_state(conn, resource.name, **values)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _probe_differs(run: _Run, resource: Resource, runs_since_full: int) -> bool:
    """One page of the unfiltered list against the local copy (see the module docstring): True when the server's
    count differs from the local count, or when the server lists by ascending Id and the Ids of this page's range
    differ from the local Ids of the same range. The range moves one page further each run."""
    run.check_cancel()
    with run.engine.connect() as conn:
        local = store.count_server_rows(conn, resource)
    pages = max(1, -(-local // PROBE_PAGE_SIZE))
    number = runs_since_full % pages + 1
    run.requests += 1
    page = run.client.list_page(resource, number, size=PROBE_PAGE_SIZE)
    entity = resource.value.entity
    if page.total_items is not None and page.total_items != local:
        log.info("%s: %d on the server, %d here: full pass to reconcile", entity, page.total_items, local)
        return True
    ids = [int(r["Id"]) for r in page.records if isinstance(r, dict) and isinstance(r.get("Id"), int)]
    if len(ids) < 2 or ids != sorted(ids):
        return False  # not listed by Id (or too little to tell): the periodic full pass covers the rest
    with run.engine.connect() as conn:
        here = store.local_server_ids_between(conn, resource, ids[0], ids[-1])
    if here != set(ids):
        log.info(
            "%s: page %d (Ids %d..%d) differs from the local copy (%d missing here, %d extra here): full pass "
            "to reconcile",
            entity,
            number,
            ids[0],
            ids[-1],
            len(set(ids) - here),
            len(here - set(ids)),
        )
        return True
    return False


def _created_since(run: _Run, resource: Resource, since: datetime) -> bool:
    """Whether a record was added since `since` (one `size=1` request on CreatedOn): an insertion during paging can
    hide a deletion from the TotalItems check, and either one shifts offset paging."""
    run.check_cancel()
    run.requests += 1
    filters = {resource.range_keys("CreatedOn")[0]: since}
    for page in run.client.iter_pages(resource, filters=filters, size=1):
        return bool(page.records or page.total_items)
    return False


@dataclass
class _Listing:
    """What a pass saw of the list itself, to tell whether paging was stable."""

    totals: set[int] = field(default_factory=set)  # TotalItems as each page reported it
    received: int = 0  # records on the pages, as listed
    filtered: bool = False

    @property
    def stable(self) -> bool:
        if self.filtered or not self.totals:
            return True
        return len(self.totals) == 1 and self.received == next(iter(self.totals))

    def __str__(self) -> str:
        return f"TotalItems {sorted(self.totals)}, {self.received} records listed"


class _Prefetch:
    """Fetches the next pages of a listing on a helper thread, and turns them into rows there (prepare_page),
    while the current page is written: waiting for the server, reading JSON and writing to the database overlap.
    At most PREFETCH_DEPTH pages wait in memory. Pages still come out strictly in order and are written one
    transaction each, so crash safety is unchanged. Only the helper thread uses the client until close() returns."""

    def __init__(self, pages: Iterator[ListPage], resource: Resource, dialect: str) -> None:
        self._queue: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=PREFETCH_DEPTH)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(pages, resource, dialect), name="sync-prefetch", daemon=True
        )
        self._thread.start()

    def _run(self, pages: Iterator[ListPage], resource: Resource, dialect: str) -> None:
        try:
            for page in pages:
                if not self._put(("page", (page, store.prepare_page(resource, page.records, dialect)))):
                    return
            self._put(("end", None))
        except BaseException as exc:  # handed to the consumer, which raises it
            self._put(("error", exc))
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()

    def _put(self, item: tuple[str, object]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def next(self) -> tuple[ListPage, store.PreparedPage] | None:
        kind, value = self._queue.get()
        if kind == "error":
            assert isinstance(value, BaseException)
            raise value
        if kind == "end":
            return None
        return value  # type: ignore[return-value]

    def close(self) -> None:
        """Stop fetching; waits for a request in flight (bounded by the client's timeouts)."""
        self._stop.set()
        self._thread.join()


def _pull_pages(run: _Run, resource: Resource, since: datetime | None) -> tuple[set[int], datetime | None, _Listing]:
    seen: set[int] = set()
    high_water: datetime | None = None
    listing = _Listing(filtered=since is not None)
    entity = resource.value.entity
    first = True
    run.check_cancel()
    with run.engine.connect() as conn:
        fresh = since is None and not store.has_server_rows(conn, resource)  # a first pull: COPY straight in
    fetched = run.client.iter_pages(resource, updated_since=since, size=run.page_size)
    dialect = run.engine.dialect.name
    pages = _Prefetch(fetched, resource, dialect)
    try:
        while True:
            started = time.monotonic()
            item = pages.next()
            if item is None:
                break
            page, prepared = item
            run.requests += 1
            listing.received += len(page.records)
            if page.total_items is not None:
                listing.totals.add(page.total_items)
            if first:
                run.totals[resource] = run.totals.get(resource, 0) + (page.total_items or len(page.records))
                first = False
            with run.engine.begin() as conn:
                result = store.write_page(conn, prepared, utcnow(), fresh=fresh)
            fresh = fresh and result.fresh
            seen.update(result.ids)
            if result.max_updated_on is not None and (high_water is None or result.max_updated_on > high_water):
                high_water = result.max_updated_on
            _note_changes(run, resource, result)
            run.pulled[entity] = run.pulled.get(entity, 0) + len(page.records)
            if result.skipped:
                run.skipped[entity] = run.skipped.get(entity, 0) + result.skipped
            if result.cleaned:
                run.cleaned[entity] = run.cleaned.get(entity, 0) + result.cleaned
            run.done += len(page.records)
            log.debug(
                "%s page %d: %d records, %d changed, %.0f ms",
                entity,
                page.current_page,
                len(page.records),
                len(result.changed),
                (time.monotonic() - started) * 1000,
            )
            run.report_progress()
            run.check_cancel()
    finally:
        pages.close()
    return seen, high_water, listing


def _note_changes(run: _Run, resource: Resource, result: store.PageResult) -> None:
    if resource is Resource.COWORKER_CONTRACTS:
        run.changed_contracts.update(result.changed)
    elif resource is Resource.CONTRACT_CONTACTS:
        run.changed_contacts.update(result.changed)
        for local_id, nexudus_id in result.adopted.items():
            run.removed_contacts.add(-local_id)
            run.changed_contacts.add(nexudus_id)
    elif resource is Resource.COWORKERS:
        run.changed_coworkers.update(result.changed)


def _reconcile(run: _Run, resource: Resource, seen: set[int], pass_start: datetime) -> None:
    """Remove what the server deleted: held here, not listed in this full pass, and confirmed absent."""
    run.check_cancel()
    run.reconciled.append(resource.value.entity)
    with run.engine.connect() as conn:
        candidates = store.local_server_ids(conn, resource, seen_before=pass_start) - seen
    if not candidates:
        return
    run.requests += (len(candidates) + 99) // 100
    still_there = {int(r["Id"]) for r in run.client.get_many(resource, sorted(candidates)) if "Id" in r}
    deleted = candidates - still_there
    if still_there:
        log.info("%s: %d records missed by paging are still on the server", resource.value.entity, len(still_there))
    if not deleted:
        return
    with run.engine.begin() as conn:
        removal = store.remove_deleted(conn, resource, deleted)
    log.info(
        "%s: %d deleted on the server (%d removed, %d kept as gone)",
        resource.value.entity,
        len(deleted),
        len(removal.removed),
        len(removal.gone),
    )
    if resource is Resource.COWORKER_CONTRACTS:
        run.removed_contracts.update(deleted)
        run.removed_contacts.update(removal.removed_contact_ids)
    elif resource is Resource.CONTRACT_CONTACTS:
        run.removed_contacts.update(removal.removed)
        run.changed_contacts.update(removal.gone)
    elif resource is Resource.COWORKERS:
        run.changed_coworkers.update(deleted)


def _expand_coworker_changes(run: _Run) -> None:
    """A renamed coworker changes the name shown for its contracts (holder) and linked contacts."""
    if not run.changed_coworkers:
        return
    with run.engine.connect() as conn:
        contracts, contacts = store.linked_to_coworkers(conn, sorted(run.changed_coworkers))
    run.changed_contracts.update(contracts)
    run.changed_contacts.update(contacts)
