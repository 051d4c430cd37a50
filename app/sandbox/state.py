"""The sandbox's data: one table per resource, in memory, guarded by one lock, optionally kept in a JSON file.

Each table keeps its stored records in a dict by Id and a sorted list of Ids, so a page of the default listing is
a slice. Stored records are never changed in place: an update stores a new dict, so a snapshot (for the state
file) or a cached rendering stays consistent without copying every record.

Helpers for tests (thread-safe, they return copies of the records as a GET answers them):
`records(res)`, `get(res, id)`, `count(res)`, `update_record(res, id, changes)` (bumps UpdatedOn),
`delete_record(res, id)`, `add_record(res, record) -> id`. `res` is a Resource, an entity name
("ContractContact"), a fixture key ("ContractContacts") or a path ("billing/contractcontacts").
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.nexudus.resources import Resource
from app.sandbox.answers import dumps
from app.sandbox.countries import builtin_countries
from app.sandbox.render import Record, render, stable_unique_id
from app.sandbox.shapes import FIXTURE_KEYS, resolve_resource

log = logging.getLogger(__name__)

# Given to fixture records that carry no UpdatedOn (so every record has one, as in Nexudus).
FIXTURE_DEFAULT_TIMESTAMP = "2024-01-01T00:00:00Z"
TEST_HELPER_EDITOR = "sandbox@sandbox.test"
DEFAULT_BUSINESS: dict[str, Any] = {
    "Id": 1,
    "Name": "Sandbox Coworking Centre",
    "RootLocationId": None,
    "CreatedOn": FIXTURE_DEFAULT_TIMESTAMP,
    "UpdatedOn": FIXTURE_DEFAULT_TIMESTAMP,
}


# A write to one of these shows only in that record and in the resources listed (their echo fields);
# a write to anything else (a coworker, a contract...) can show anywhere, so it drops every cached answer.
_SELF_CONTAINED: dict[Resource, tuple[Resource, ...]] = {
    Resource.CONTRACT_CONTACTS: (Resource.COWORKER_DELIVERIES,),
    Resource.COWORKER_DELIVERIES: (),
}


def utc_now_text() -> str:
    """Now, the way Nexudus writes dates: 2025-01-15T10:30:00Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Table:
    """Stored records of one resource, by Id, plus the Ids in ascending order."""

    __slots__ = ("ids", "rows")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.rows: dict[int, Record] = {}

    def load(self, records: Iterable[Record]) -> None:
        for rec in records:
            self.rows[rec["Id"]] = rec
        self.ids = sorted(self.rows)

    def put(self, rec: Record) -> None:
        record_id = rec["Id"]
        if record_id not in self.rows:
            if not self.ids or record_id > self.ids[-1]:
                self.ids.append(record_id)
            else:
                bisect.insort(self.ids, record_id)
        self.rows[record_id] = rec

    def remove(self, record_id: int) -> Record | None:
        rec = self.rows.pop(record_id, None)
        if rec is not None:
            del self.ids[bisect.bisect_left(self.ids, record_id)]
        return rec

    def next_id(self) -> int:
        return (self.ids[-1] + 1) if self.ids else 1


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


class SandboxState:
    """All the sandbox's records. Hold `lock` while reading tables directly; the helpers take it themselves."""

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, state_file: str | Path | None = None, copy: bool = True
    ) -> None:
        self.lock = threading.RLock()
        self.tables: dict[Resource, Table] = {res: Table() for res in Resource}
        self.version = 0
        self.query_cache: dict[Any, Any] = {}  # owned by app.sandbox.listing; cleared on every change
        self._json_cache: dict[Resource, dict[int, bytes]] = {res: {} for res in Resource}
        # Delivery files by (delivery Id, slot), e.g. (12, "Signature"): app.sandbox.delivery_files.StoredFile.
        # Kept in memory only (not in the state file).
        self.files: dict[tuple[int, str], Any] = {}
        self.state_file = Path(state_file) if state_file is not None else None
        self._save_lock = threading.Lock()
        self._saved_version = -1
        self.load_fixture(data or {}, copy=copy)

    # --- loading and saving -------------------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | Path, *, state_file: str | Path | None = None) -> SandboxState:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object with keys like ContractContacts, Coworkers, ...")
        return cls(data, state_file=state_file, copy=False)

    def load_fixture(self, data: Mapping[str, Any], *, copy: bool = True) -> None:
        """Replace every table with the fixture's records (DESIGN.md "The sandbox fixture format").

        With copy=False the record dicts are taken over (and filled in) rather than copied: for data nobody else
        holds, such as a freshly generated directory or a parsed file."""
        unknown = set(data) - set(FIXTURE_KEYS.values())
        if unknown:
            log.warning("Fixture keys ignored: %s", ", ".join(sorted(unknown)))
        with self.lock:
            for res, key in FIXTURE_KEYS.items():
                rows = data.get(key)
                if rows is None and res is Resource.COUNTRIES:
                    rows = builtin_countries()
                if rows is None and res is Resource.BUSINESSES:
                    rows = [dict(DEFAULT_BUSINESS)]
                self.tables[res] = self._load_table(res, rows or [], copy)
            self._touch()

    @staticmethod
    def _load_table(res: Resource, rows: Iterable[Any], copy: bool) -> Table:
        table = Table()
        records: list[Record] = []
        without_id: list[Record] = []
        for raw in rows:
            if not isinstance(raw, dict):
                raise ValueError(f"{FIXTURE_KEYS[res]}: every record must be a JSON object")
            rec = dict(raw) if copy else raw
            record_id = _as_id(rec.get("Id"))
            if record_id is None:
                without_id.append(rec)
                continue
            rec["Id"] = record_id
            records.append(rec)
        table.load(records)
        for rec in without_id:
            rec["Id"] = table.next_id()
            table.put(rec)
        for record_id in table.ids:
            rec = table.rows[record_id]
            if "UpdatedOn" not in rec or rec["UpdatedOn"] is None:
                rec["UpdatedOn"] = FIXTURE_DEFAULT_TIMESTAMP
            if rec.get("CreatedOn") is None:
                rec["CreatedOn"] = rec["UpdatedOn"]
            if rec.get("UniqueId") is None:
                rec["UniqueId"] = stable_unique_id(res, record_id)
        return table

    def to_fixture(self) -> dict[str, list[Record]]:
        """The stored records in the fixture format (what `--state` writes; loadable with `--data`)."""
        with self.lock:
            return {key: [self.tables[res].rows[i] for i in self.tables[res].ids] for res, key in FIXTURE_KEYS.items()}

    def save(self, path: str | Path) -> None:
        """Write the fixture atomically (a temporary file in the same folder, then a rename)."""
        with self.lock:
            snapshot = self.to_fixture()
        _write_json_atomic(Path(path), snapshot)

    def persist(self) -> None:
        """Write the state file if one is configured and something changed since the last write."""
        if self.state_file is None:
            return
        with self._save_lock:
            with self.lock:
                if self.version == self._saved_version:
                    return
                version = self.version
                snapshot = self.to_fixture()
            _write_json_atomic(self.state_file, snapshot)
            self._saved_version = version

    # --- used by the server (caller holds `lock`) ----------------------------------------------------------------
    def _touch(self, res: Resource | None = None, record_id: int | None = None) -> None:
        """Something changed: drop cached queries, and the cached JSON the change can show up in."""
        self.version += 1
        self.query_cache.clear()
        if res in _SELF_CONTAINED and record_id is not None:
            self._json_cache[res].pop(record_id, None)
            for echoing in _SELF_CONTAINED[res]:
                self._json_cache[echoing].clear()
        else:
            for cache in self._json_cache.values():
                cache.clear()

    def lookup(self, res: Resource, record_id: Any) -> Record | None:
        if record_id is None:
            return None
        try:
            return self.tables[res].rows.get(record_id)
        except TypeError:  # an unhashable value where an Id belongs
            return None

    def exists(self, entity: str, record_id: int) -> bool:
        return self.lookup(resolve_resource(entity), record_id) is not None

    def render(self, res: Resource, stored: Record) -> Record:
        return render(self.lookup, res, stored)

    def record_json(self, res: Resource, stored: Record) -> bytes:
        cache = self._json_cache[res]
        cached = cache.get(stored["Id"])
        if cached is None:
            cached = dumps(self.render(res, stored))
            cache[stored["Id"]] = cached
        return cached

    def put(self, res: Resource, rec: Record) -> None:
        self.tables[res].put(rec)
        self._touch(res, rec["Id"])

    def remove(self, res: Resource, record_id: int) -> Record | None:
        rec = self.tables[res].remove(record_id)
        if rec is not None:
            self._touch(res, record_id)
        return rec

    def next_id(self, res: Resource) -> int:
        return self.tables[res].next_id()

    # --- helpers for tests ---------------------------------------------------------------------------------------
    def records(self, res: Resource | str) -> list[Record]:
        r = resolve_resource(res)
        with self.lock:
            table = self.tables[r]
            return [self.render(r, table.rows[i]) for i in table.ids]

    def get(self, res: Resource | str, record_id: int) -> Record | None:
        r = resolve_resource(res)
        with self.lock:
            stored = self.lookup(r, record_id)
            return None if stored is None else self.render(r, stored)

    def count(self, res: Resource | str) -> int:
        with self.lock:
            return len(self.tables[resolve_resource(res)].ids)

    def update_record(self, res: Resource | str, record_id: int, changes: Mapping[str, Any]) -> Record:
        """Change a record as someone editing in Nexudus would; UpdatedOn moves to now unless given."""
        r = resolve_resource(res)
        with self.lock:
            stored = self.lookup(r, record_id)
            if stored is None:
                raise KeyError(f"no {r.entity} with Id {record_id}")
            rec = {**stored, "UpdatedOn": utc_now_text(), "UpdatedBy": TEST_HELPER_EDITOR, **changes, "Id": record_id}
            self.put(r, rec)
            result = self.render(r, rec)
        self.persist()
        return result

    def delete_record(self, res: Resource | str, record_id: int) -> None:
        r = resolve_resource(res)
        with self.lock:
            if self.remove(r, record_id) is None:
                raise KeyError(f"no {r.entity} with Id {record_id}")
        self.persist()

    def add_record(self, res: Resource | str, record: Mapping[str, Any]) -> int:
        """Store a record as given (no validation); Id, UniqueId, CreatedOn and UpdatedOn are filled if missing."""
        r = resolve_resource(res)
        with self.lock:
            rec = dict(record)
            record_id = _as_id(rec.get("Id"))
            if record_id is None:
                record_id = self.next_id(r)
            now = utc_now_text()
            rec["Id"] = record_id
            rec.setdefault("UniqueId", stable_unique_id(r, record_id))
            rec.setdefault("UpdatedOn", now)
            rec.setdefault("CreatedOn", rec["UpdatedOn"])
            rec.setdefault("UpdatedBy", TEST_HELPER_EDITOR)
            self.put(r, rec)
        self.persist()
        return record_id


def _write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(dumps(data))  # UTF-8; a lone surrogate loaded from --data goes out escaped
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
