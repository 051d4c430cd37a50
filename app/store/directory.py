"""The store side of the directory pull: bulk upserts of API pages, deletion reconciliation, sync state.

app.sync.directory drives it (paging, locking, progress); every SQL statement is here. Records arrive as the raw
dicts of a list page, are read into rows by builders generated from the wire models of app.nexudus.schemas
(see MAPPINGS), and are written with one
dialect `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` per page. A row whose server `UpdatedOn` is unchanged is
not rewritten, so RETURNING yields exactly the rows that changed (or came back after being marked gone).
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from typing import Any

import psycopg
from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from app.nexudus import schemas
from app.nexudus.resources import Resource
from app.nexudus.text import INT64_MAX, INT64_MIN, MAX_INCOMING_LENGTH, clean_incoming, in_int64_range
from app.store.audit import utcnow
from app.store.records import contact_public_id
from app.store.tables import (
    LocalState,
    OutboxKind,
    OutboxState,
    aliases_table,
    businesses_table,
    contacts_table,
    contracts_table,
    countries_table,
    coworkers_table,
    deliveries_table,
    outbox_table,
    sync_state_table,
)

log = logging.getLogger(__name__)

_SAVEPOINT = "pigeonhole_page"

MARKER_PREFIX = "pigeonhole:"  # SystemId markers written by app.store.writes.new_marker


class _Codec:
    """Python values as the dialect stores them, built without SQLAlchemy's per-row bind processing (the listing
    hot path). Date-times and dates are text on both engines: SQLite stores exactly the text SQLAlchemy writes for
    DateTime/Date, and PostgreSQL's COPY parses the same text into its timestamp/date columns (no datetime objects
    to build and format again). Booleans: 0/1 for SQLite, bool for PostgreSQL. Every date is read by the wire
    module's one parser (`schemas.api_datetime_text`, `schemas.parse_api_date`)."""

    def __init__(self, dialect: str, *, strict: bool = False) -> None:
        self.sqlite = dialect == "sqlite"
        # strict: no text fast path, every date-time through the full parser (a PostgreSQL page retried)
        self.dt: Callable[[object], str | None] = (
            functools.partial(schemas.api_datetime_text, fast=False) if strict else schemas.api_datetime_text
        )
        self.cleaned = False  # set when `text` had to change a value of the record being built

    def text(self, value: object) -> str:
        """Incoming text made storable (app.nexudus.text.clean_incoming); _build_rows logs the record cleaned.
        The common case (printable text of a sane length) is answered here, without a further call."""
        if value is None:
            return ""
        if type(value) is str and len(value) <= MAX_INCOMING_LENGTH and value.isprintable():
            return value
        text, changed = clean_incoming(value)
        if changed:
            self.cleaned = True
        return text

    @staticmethod
    def day(value: object) -> str | None:
        parsed = schemas.parse_api_date(value)
        return None if parsed is None else parsed.isoformat()

    def flag(self, value: object, default: bool = False) -> Any:
        result = default if value is None else bool(value)
        return int(result) if self.sqlite else result

    def to_datetime(self, stored: Any) -> datetime | None:
        if stored is None:
            return None
        if isinstance(stored, str):
            return datetime.fromisoformat(stored).replace(tzinfo=UTC)
        assert isinstance(stored, datetime)
        return stored if stored.tzinfo is not None else stored.replace(tzinfo=UTC)


def _opt_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    number = int(value)  # type: ignore[call-overload]
    if INT64_MIN <= number <= INT64_MAX:
        return number
    raise ValueError("integer out of the 64-bit range")


def _int(value: object, default: int = 0) -> int:
    if value is None or value == "":
        return default
    number = int(value)  # type: ignore[call-overload]
    if INT64_MIN <= number <= INT64_MAX:
        return number
    raise ValueError("integer out of the 64-bit range")


def _int64(value: int) -> int:
    """Ids and numbers are 64-bit on both engines: anything larger makes the record unreadable (skipped)."""
    if not in_int64_range(value):
        raise ValueError("integer out of the 64-bit range")
    return value


# ---- table rows from wire records ------------------------------------------------------------------------------
# Each table's row is declared once, column by column, over the fields of a typed wire record
# (app.nexudus.schemas). From a declaration come two readers that give the same tuple:
#   - the fast one, `build(raw dict, codec)`, generated as a single tuple expression over the JSON names the model
#     declares (the listing hot path reads about a million fields in a full sync: a typed model per record costs
#     ~40% more; tests/bench/bench_sync.py);
#   - `row_from_record(resource, model instance, codec)`, the same row from a validated record (contract tests
#     prove the two agree on the documented examples, tests/unit/test_wire_contract.py).
# Missing fields are tolerated; a record that cannot be read at all raises and is skipped (logged) by the caller.


@dataclass(frozen=True)
class Wire:
    """A column read from the wire field `field` (the model's attribute name). `default` when missing:
    None keeps a missing number NULL; text is "" when missing; flags and enums need a default."""

    field: str
    default: Any = None


@dataclass(frozen=True)
class Const:
    """A column the sync always writes with this value (`flag`: as the dialect stores a boolean)."""

    value: Any
    flag: bool = False


Column = tuple[str, Wire | Const]


def _fast_builder(
    model: type[schemas.WireModel], spec: Sequence[Column]
) -> Callable[[dict[str, Any], _Codec], tuple[Any, ...]]:
    names: dict[str, Any] = {"_int": _int, "_opt_int": _opt_int, "_int64": _int64}
    parts: list[str] = []
    for i, (_column, source) in enumerate(spec):
        if isinstance(source, Const):
            names[f"k{i}"] = source.value
            parts.append(f"c.flag(k{i})" if source.flag else f"k{i}")
            continue
        wire = schemas.wire_field(model, source.field)
        names[f"d{i}"] = source.default
        default = repr(source.default) if type(source.default) in (int, bool) else f"d{i}"  # literals inline
        get = f"g({wire.key!r})"
        if wire.name == "id":
            parts.append(f"_int64(int(r[{wire.key!r}]))")
        elif wire.kind in ("int", "enum"):
            parts.append(f"_opt_int({get})" if source.default is None else f"_int({get}, {default})")
        elif wire.kind == "str":
            parts.append(f"c.text({get})")
        elif wire.kind == "bool":
            parts.append(f"c.flag({get}, {default})")
        elif wire.kind == "datetime":
            parts.append(f"c.dt({get})")
        elif wire.kind == "date":
            parts.append(f"c.day({get})")
        else:
            raise TypeError(f"{model.__name__}.{wire.name}: no column reader for a {wire.kind} field")
    source_code = f"def build(r, c):\n    g = r.get\n    return ({', '.join(parts)},)\n"
    exec(compile(source_code, f"<row builder {model.__name__}>", "exec"), names)
    return names["build"]


def _typed_value(kind: str, value: Any, default: Any, codec: _Codec) -> Any:
    if kind in ("int", "enum"):
        return (None if default is None else default) if value is None else _int64(int(value))
    if kind == "str":
        return codec.text(value)
    if kind == "bool":
        return codec.flag(value, default)
    if kind == "datetime":
        return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if kind == "date":
        return None if value is None else value.isoformat()
    raise TypeError(kind)


@dataclass(frozen=True)
class _Mapping:
    table: Table
    model: type[schemas.WireModel]  # the wire record a row is read from
    spec: tuple[Column, ...]  # synced_at is appended when `synced_at`
    key: str  # the column holding the Nexudus Id (first in `columns`)
    synced_at: bool  # whether the table has a synced_at column
    gone: bool  # whether the table has a gone flag
    build: Callable[[dict[str, Any], _Codec], tuple[Any, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "build", _fast_builder(self.model, self.spec))

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns a builder fills, in order."""
        return tuple(column for column, _ in self.spec)

    @property
    def written(self) -> tuple[str, ...]:
        """The columns a page writes: the builder's, then synced_at where the table has it."""
        return (*self.columns, "synced_at") if self.synced_at else self.columns


MAPPINGS: dict[Resource, _Mapping] = {
    Resource.BUSINESSES: _Mapping(
        businesses_table,
        schemas.Business,
        (
            ("id", Wire("id")),
            ("name", Wire("name")),
            ("root_location_id", Wire("root_location_id")),
            ("updated_on", Wire("updated_on")),
        ),
        "id",
        False,
        False,
    ),
    Resource.COUNTRIES: _Mapping(
        countries_table,
        schemas.Country,
        (
            ("id", Wire("id")),
            ("name", Wire("name")),
            ("two_digits_code", Wire("two_digits_code")),
            ("culture", Wire("culture")),
            ("updated_on", Wire("updated_on")),
        ),
        "id",
        False,
        False,
    ),
    Resource.COWORKERS: _Mapping(
        coworkers_table,
        schemas.Coworker,
        (
            ("id", Wire("id")),
            ("full_name", Wire("full_name")),
            ("email", Wire("email")),
            ("company_name", Wire("company_name")),
            ("billing_name", Wire("billing_name")),
            ("nick_name", Wire("nick_name")),
            ("coworker_type", Wire("coworker_type")),
            ("active", Wire("active", True)),
            ("updated_on", Wire("updated_on")),
        ),
        "id",
        True,
        False,
    ),
    Resource.COWORKER_CONTRACTS: _Mapping(
        contracts_table,
        schemas.CoworkerContract,
        (
            ("id", Wire("id")),
            ("coworker_id", Wire("coworker_id")),
            ("holder_name", Wire("coworker_full_name")),
            ("company_name", Wire("coworker_company_name")),
            ("billing_name", Wire("coworker_billing_name")),
            ("email", Wire("coworker_email")),
            ("business_id", Wire("issued_by_id")),
            ("tariff_id", Wire("tariff_id")),
            ("tariff_name", Wire("tariff_name")),
            ("active", Wire("active", True)),
            ("cancelled", Wire("cancelled", False)),
            ("cancellation_date", Wire("cancellation_date")),
            ("start_date", Wire("start_date")),
            ("po_box", Wire("po_box_number")),
            ("delivery_instructions", Wire("delivery_instructions")),
            ("handling_mail", Wire("delivery_handling_preference_mail", 0)),
            ("handling_parcels", Wire("delivery_handling_preference_parcels", 0)),
            ("handling_checks", Wire("delivery_handling_preference_checks", 0)),
            ("handling_publicity", Wire("delivery_handling_preference_publicity", 0)),
            ("gone", Const(False, flag=True)),
            ("updated_on", Wire("updated_on")),
        ),
        "id",
        True,
        True,
    ),
    Resource.CONTRACT_CONTACTS: _Mapping(
        contacts_table,
        schemas.ContractContact,
        (
            ("nexudus_id", Wire("id")),
            ("contract_id", Wire("coworker_contract_id", 0)),
            ("coworker_id", Wire("coworker_id")),
            ("contact_type", Wire("contract_contact_type", 1)),
            ("full_name", Wire("full_name")),
            ("email", Wire("email")),
            ("date_of_birth", Wire("date_of_birth")),
            ("address", Wire("address")),
            ("post_code", Wire("post_code")),
            ("city_name", Wire("city_name")),
            ("state", Wire("state")),
            ("country_id", Wire("country_id")),
            ("phone_number", Wire("phone_number")),
            ("notes", Wire("notes")),
            ("coworker_full_name", Wire("coworker_full_name")),
            ("aml_check_status", Wire("aml_check_status", 0)),
            ("aml_check_date", Wire("aml_check_date")),
            ("aml_notes", Wire("aml_notes")),
            ("aml_cleared_by", Wire("aml_cleared_by")),
            ("aml_cleared_on", Wire("aml_cleared_on")),
            ("unique_id", Wire("unique_id")),
            ("system_id", Wire("system_id")),
            ("created_on", Wire("created_on")),
            ("updated_on", Wire("updated_on")),
            ("updated_by", Wire("updated_by")),
            ("local_state", Const(LocalState.SYNCED)),
            ("gone", Const(False, flag=True)),
        ),
        "nexudus_id",
        True,
        True,
    ),
}


def row_from_record(resource: Resource, record: schemas.WireModel, codec: _Codec) -> tuple[Any, ...]:
    """The row `MAPPINGS[resource].build` gives for the raw record, from its validated wire model instead."""
    mapping = MAPPINGS[resource]
    if not isinstance(record, mapping.model):
        raise TypeError(f"{resource.value.entity} rows come from {mapping.model.__name__} records")
    row: list[Any] = []
    for _column, source in mapping.spec:
        if isinstance(source, Const):
            row.append(codec.flag(source.value) if source.flag else source.value)
        else:
            kind = schemas.wire_field(mapping.model, source.field).kind
            row.append(_typed_value(kind, getattr(record, source.field), source.default, codec))
    return tuple(row)


@dataclass
class PageResult:
    ids: list[int] = field(default_factory=list)  # every Nexudus Id on the page
    changed: list[int] = field(default_factory=list)  # Nexudus Ids whose row was inserted or rewritten
    adopted: dict[int, int] = field(default_factory=dict)  # local contact row id -> Nexudus Id (found by SystemId)
    max_updated_on: datetime | None = None
    skipped: int = 0  # records that could not be read at all (logged)
    cleaned: int = 0  # records kept after their text was made storable (logged)
    fresh: bool = True  # False when a page written with `fresh=True` found rows that were already here


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _upsert_sql(mapping: _Mapping, rows: int) -> str:
    """SQLite: an upsert of `rows` rows in one statement."""
    columns = mapping.written
    one = f"({', '.join(['?'] * len(columns))})"
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != mapping.key)
    return (
        f"INSERT INTO {mapping.table.name} ({', '.join(columns)}) VALUES {', '.join([one] * rows)} "
        f"ON CONFLICT ({mapping.key}) DO UPDATE SET {updates}"
    )


def _write(conn: Connection, mapping: _Mapping, values: list[tuple[Any, ...]]) -> None:
    """SQLite: multi-row upserts, as many rows each as the connection's bound-parameter limit allows (a whole
    page with SQLite's default of 32,766). One statement per page is one step with the GIL released, so the helper
    thread fetching the next page runs meanwhile; executemany releases and retakes the GIL around every row, and
    prefetching then made a full sync slower (tests/bench/bench_sync.py)."""
    dbapi = conn.connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)
    per = max(1, dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(values[0]))
    for start in range(0, len(values), per):
        chunk = values[start : start + per]
        conn.exec_driver_sql(_upsert_sql(mapping, len(chunk)), tuple(chain.from_iterable(chunk)))


def _write_postgresql(
    conn: Connection, mapping: _Mapping, rows: dict[int, tuple[Any, ...]], stamp: str | None
) -> list[int]:
    """PostgreSQL: COPY the page into a temporary staging table (kept per connection, emptied at commit),
    then one `INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE <changed> RETURNING key`: rows whose UpdatedOn
    is unchanged (and that are not flagged gone) are not rewritten, and the keys returned are exactly the rows
    inserted or rewritten. Three round trips per page, no per-row SQL.

    The page transaction commits with `synchronous_commit = off`: a server crash may lose the last pages, but never
    out of order, and the high-water mark is committed synchronously after the pass, so lost pages are re-pulled."""
    columns = mapping.written
    names = ", ".join(columns)
    table = mapping.table.name
    stage = f"_pigeonhole_stage_{table}"
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != mapping.key)
    changed = f"{table}.updated_on IS DISTINCT FROM excluded.updated_on OR excluded.updated_on IS NULL"
    if mapping.gone:
        changed += f" OR {table}.gone"
    setup = (
        f"SET LOCAL synchronous_commit TO OFF; CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS "
        f"AS SELECT {names} FROM {table} WITH NO DATA; SAVEPOINT {_SAVEPOINT}"
    )  # one round trip
    cursor = conn.connection.cursor()
    try:
        cursor.execute(setup)
        _copy(cursor, stage, mapping, rows, stamp)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} "
            f"ON CONFLICT ({mapping.key}) DO UPDATE SET {updates} WHERE {changed} "
            f"RETURNING {table}.{mapping.key}"
        )
        return [int(r[0]) for r in cursor.fetchall()]
    finally:
        cursor.close()


def _copy(cursor: Any, table: str, mapping: _Mapping, rows: dict[int, tuple[Any, ...]], stamp: str | None) -> None:
    """COPY a page's rows (with the synced_at stamp where the table has it) into `table`."""
    with cursor.copy(f"COPY {table} ({', '.join(mapping.written)}) FROM STDIN") as copy:
        write = copy.write_row
        if mapping.synced_at:
            for row in rows.values():
                write((*row, stamp))
        else:
            for row in rows.values():
                write(row)


def _copy_new_rows(conn: Connection, mapping: _Mapping, rows: dict[int, tuple[Any, ...]], stamp: str | None) -> bool:
    """PostgreSQL, a page of rows expected to be new: COPY them straight into the table (no staging table, no
    ON CONFLICT). False, with nothing written, when a row was already there or a value was refused."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"SET LOCAL synchronous_commit TO OFF; SAVEPOINT {_SAVEPOINT}")
        try:
            _copy(cursor, mapping.table.name, mapping, rows, stamp)
        except (psycopg.errors.UniqueViolation, psycopg.errors.DataError) as exc:
            log.info("%s: page not new after all (%s)", mapping.table.name, type(exc).__name__)
            cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
            return False
        return True
    finally:
        cursor.close()


def _build_rows(
    resource: Resource, records: Sequence[dict[str, Any]], codec: _Codec, result: PageResult
) -> dict[int, tuple[Any, ...]]:
    mapping = MAPPINGS[resource]
    rows: dict[int, tuple[Any, ...]] = {}
    result.skipped = 0
    result.cleaned = 0
    for raw in records:
        codec.cleaned = False
        try:
            row = mapping.build(raw, codec)
        except (KeyError, TypeError, ValueError, OverflowError):
            log.warning("%s %r: unreadable record skipped", resource.value.entity, _shown_id(raw))
            result.skipped += 1
            continue
        if codec.cleaned:  # the Id only: the text itself may be personal data
            log.warning(
                "%s %s: text with control characters, broken symbols or over %d characters was cleaned",
                resource.value.entity,
                row[0],
                MAX_INCOMING_LENGTH,
            )
            result.cleaned += 1
        rows[row[0]] = row  # a record listed twice on a page: the last wins
    return rows


def _shown_id(raw: object) -> str:
    """A record's Id for a log line, whatever the server sent in its place."""
    value = raw.get("Id") if isinstance(raw, dict) else None
    return clean_incoming(value, 40)[0]


@dataclass
class PreparedPage:
    """A list page turned into table rows, ready for write_page. Pure Python: built off the writing thread."""

    resource: Resource
    dialect: str
    records: Sequence[dict[str, Any]]
    rows: dict[int, tuple[Any, ...]]
    result: PageResult


def prepare_page(resource: Resource, records: Sequence[dict[str, Any]], dialect: str) -> PreparedPage:
    """Read one list page (no database access): the rows to write, their Ids and the newest UpdatedOn.
    Records that cannot be read at all are skipped and logged. `dialect`: the engine's dialect name."""
    mapping = MAPPINGS[resource]
    codec = _Codec(dialect)
    result = PageResult()
    rows = _build_rows(resource, records, codec, result)
    updated_at = mapping.columns.index("updated_on")
    newest = max((r[updated_at] for r in rows.values() if r[updated_at] is not None), default=None)
    result.ids = list(rows)
    result.max_updated_on = codec.to_datetime(newest)
    return PreparedPage(resource, dialect, records, rows, result)


def write_page(conn: Connection, page: PreparedPage, synced_at: datetime, *, fresh: bool = False) -> PageResult:
    """Write one prepared page (in the caller's transaction): rows that are new, whose UpdatedOn changed, or that
    come back after being flagged gone. Unchanged rows are not touched; `result.changed` lists the rows written.

    `fresh`: the caller expects every row of the page to be new (a first pull into an empty table). PostgreSQL then
    COPies the page straight into the table; if any row turns out to exist already, that attempt is rolled back,
    the page goes the usual way, and `result.fresh` says so (the caller stops expecting new rows). SQLite then skips
    the look-up of stored UpdatedOn values and upserts every row (all reported changed)."""
    resource, rows, result = page.resource, page.rows, page.result
    if conn.dialect.name != page.dialect:
        raise ValueError(f"page prepared for {page.dialect}, written to {conn.dialect.name}")
    if not rows:
        return result
    mapping = MAPPINGS[resource]
    codec = _Codec(conn.dialect.name)
    if resource is Resource.CONTRACT_CONTACTS:
        system_at = mapping.columns.index("system_id")
        result.adopted = _adopt_by_marker(
            conn, {r[system_at]: key for key, r in rows.items() if r[system_at].startswith(MARKER_PREFIX)}
        )
    stamp = codec.dt(synced_at.astimezone(UTC).replace(tzinfo=None)) if mapping.synced_at else None
    if conn.dialect.name == "postgresql":
        if fresh and _copy_new_rows(conn, mapping, rows, stamp):
            result.changed = list(rows)
            return result
        result.fresh = False
        try:
            result.changed = _write_postgresql(conn, mapping, rows, stamp)
        except psycopg.errors.DataError as exc:  # a date-time the text fast path let through; PostgreSQL refused it
            log.warning("%s: page retried with every date parsed (%s)", resource.value.entity, type(exc).__name__)
            conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
            rows = _build_rows(resource, page.records, _Codec(conn.dialect.name, strict=True), result)
            result.ids = list(rows)
            result.changed = _write_postgresql(conn, mapping, rows, stamp) if rows else []
        return result
    if fresh:
        changed = list(rows)
    else:
        updated_at = mapping.columns.index("updated_on")
        existing = _existing(conn, mapping, list(rows))
        changed = [
            key
            for key, row in rows.items()
            if key not in existing
            or existing[key][1]
            or row[updated_at] is None
            or codec.to_datetime(existing[key][0]) != codec.to_datetime(row[updated_at])
        ]
    if changed:
        values = [(*rows[key], stamp) if mapping.synced_at else rows[key] for key in changed]
        _write(conn, mapping, values)
    result.changed = changed
    return result


def _existing(conn: Connection, mapping: _Mapping, keys: list[int]) -> dict[int, tuple[Any, bool]]:
    """{Nexudus Id: (stored updated_on, gone)} for the rows of this page that are already here (SQLite)."""
    table = mapping.table.name
    gone = ", gone" if mapping.gone else ""
    sql = (
        f"SELECT {mapping.key}, updated_on{gone} FROM {table} "
        f"WHERE {mapping.key} IN ({', '.join(str(int(k)) for k in keys)})"
    )
    found: dict[int, tuple[Any, bool]] = {}
    for r in conn.exec_driver_sql(sql):
        found[int(r[0])] = (r[1], bool(r[2]) if mapping.gone else False)
    return found


def _adopt_by_marker(conn: Connection, markers: dict[str, int]) -> dict[int, int]:
    """A contact we created whose answer was lost: the server has it with our SystemId marker, the local row has no
    Nexudus Id yet. Give the local row its Id (so the upsert updates it instead of adding a duplicate) and mark its
    create entry sent. `markers`: {SystemId: Nexudus Id}."""
    if not markers:
        return {}
    c = contacts_table.c
    found = conn.execute(select(c.id, c.system_id).where(c.system_id.in_(list(markers)), c.nexudus_id.is_(None)))
    adopted: dict[int, int] = {}
    for local_id, marker in found:
        adopted[local_id] = markers[marker]
        attach_contact_server_id(conn, local_id, markers[marker])
    return adopted


def attach_contact_server_id(conn: Connection, local_id: int, nexudus_id: int) -> None:
    """The server knows our pending contact as `nexudus_id`: record it on the local row, once.

    If a sync already inserted the server's copy as a separate row (it raced the outbox), that copy is dropped:
    the local row (which deliveries and aliases point at) becomes the one row for that Id.
    """
    c = contacts_table.c
    twin = conn.execute(select(c.id).where(c.nexudus_id == nexudus_id, c.id != local_id)).scalar()
    if twin is not None:
        conn.execute(
            update(deliveries_table).where(deliveries_table.c.contact_row_id == twin).values(contact_row_id=local_id)
        )
        conn.execute(
            update(aliases_table).where(aliases_table.c.contact_row_id == twin).values(contact_row_id=local_id)
        )
        conn.execute(update(outbox_table).where(outbox_table.c.contact_row_id == twin).values(contact_row_id=local_id))
        conn.execute(delete(contacts_table).where(c.id == twin))
    conn.execute(
        update(contacts_table)
        .where(c.id == local_id)
        .values(nexudus_id=nexudus_id, local_state=LocalState.SYNCED, gone=False, synced_at=utcnow())
    )
    o = outbox_table.c
    conn.execute(
        update(outbox_table)
        .where(
            o.contact_row_id == local_id,
            o.kind == OutboxKind.CREATE_CONTACT,
            o.state.in_((OutboxState.PENDING, OutboxState.SENDING, OutboxState.FAILED, OutboxState.PAUSED)),
        )
        .values(state=OutboxState.SENT, last_error="", field_errors="{}", updated_at=utcnow())
    )


# ---- deletion reconciliation ---------------------------------------------------------------------------------


def local_server_ids(conn: Connection, resource: Resource, *, seen_before: datetime | None = None) -> set[int]:
    """Nexudus Ids held locally for `resource` (not already gone). With `seen_before`, only rows last written by a
    sync before that time: rows the outbox attached during a pass are not deletion candidates."""
    mapping = MAPPINGS[resource]
    table = mapping.table
    key = table.c[mapping.key]
    q = select(key).where(key.is_not(None))
    if mapping.gone:
        q = q.where(table.c.gone.is_(False))
    if seen_before is not None and mapping.synced_at:
        q = q.where(or_(table.c.synced_at.is_(None), table.c.synced_at < seen_before))
    return {int(r[0]) for r in conn.execute(q)}


def local_server_ids_between(conn: Connection, resource: Resource, low: int, high: int) -> set[int]:
    """Nexudus Ids held locally (not gone) from `low` to `high` inclusive."""
    mapping = MAPPINGS[resource]
    key = mapping.table.c[mapping.key]
    q = select(key).where(key >= low, key <= high)
    if mapping.gone:
        q = q.where(mapping.table.c.gone.is_(False))
    return {int(r[0]) for r in conn.execute(q)}


def has_server_rows(conn: Connection, resource: Resource) -> bool:
    """Whether any row of `resource` has a Nexudus Id here (gone ones included)."""
    mapping = MAPPINGS[resource]
    key = mapping.table.c[mapping.key]
    return conn.execute(select(key).where(key.is_not(None)).limit(1)).first() is not None


def count_server_rows(conn: Connection, resource: Resource) -> int:
    mapping = MAPPINGS[resource]
    key = mapping.table.c[mapping.key]
    q = select(func.count()).select_from(mapping.table).where(key.is_not(None))
    if mapping.gone:
        q = q.where(mapping.table.c.gone.is_(False))
    return int(conn.execute(q).scalar() or 0)


@dataclass
class RemovalResult:
    removed: list[int] = field(default_factory=list)  # Nexudus Ids deleted locally
    gone: list[int] = field(default_factory=list)  # Nexudus Ids kept and flagged gone
    removed_contact_ids: list[int] = field(default_factory=list)  # public ids that leave the matcher as a result


def remove_deleted(conn: Connection, resource: Resource, ids: Iterable[int]) -> RemovalResult:
    """Records deleted on the server. Contacts and contracts that local rows point at (deliveries, aliases,
    pending contacts, outbox entries) are kept and flagged `gone`; everything else is deleted."""
    wanted = sorted(set(ids))
    result = RemovalResult()
    if not wanted:
        return result
    mapping = MAPPINGS[resource]
    table = mapping.table
    key = table.c[mapping.key]
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        keep: set[int] = set()
        if resource is Resource.CONTRACT_CONTACTS:
            local = {int(r[0]): int(r[1]) for r in conn.execute(select(contacts_table.c.id, key).where(key.in_(chunk)))}
            referenced = _referenced_contact_rows(conn, list(local))
            keep = {local[row_id] for row_id in referenced}
        elif resource is Resource.COWORKER_CONTRACTS:
            keep = _referenced_contracts(conn, chunk)
            result.removed_contact_ids += _contract_contact_public_ids(conn, chunk)
        if keep:
            conn.execute(update(table).where(key.in_(sorted(keep))).values(gone=True))
        drop = [i for i in chunk if i not in keep]
        if drop:
            conn.execute(delete(table).where(key.in_(drop)))
        result.gone += sorted(keep)
        result.removed += drop
    return result


def _referenced_contact_rows(conn: Connection, row_ids: list[int]) -> set[int]:
    if not row_ids:
        return set()
    refs: set[int] = set()
    for table in (deliveries_table, aliases_table, outbox_table):
        col = table.c.contact_row_id
        refs |= {int(r[0]) for r in conn.execute(select(col).where(col.in_(row_ids)).distinct())}
    return refs


def _referenced_contracts(conn: Connection, contract_ids: list[int]) -> set[int]:
    refs: set[int] = set()
    for col in (deliveries_table.c.contract_id, aliases_table.c.contract_id):
        refs |= {int(r[0]) for r in conn.execute(select(col).where(col.in_(contract_ids)).distinct())}
    local_contacts = (
        select(contacts_table.c.contract_id)
        .where(contacts_table.c.contract_id.in_(contract_ids), contacts_table.c.nexudus_id.is_(None))
        .distinct()
    )
    refs |= {int(r[0]) for r in conn.execute(local_contacts)}
    return refs


def _contract_contact_public_ids(conn: Connection, contract_ids: list[int]) -> list[int]:
    c = contacts_table.c
    return [
        contact_public_id(r.id, r.nexudus_id)
        for r in conn.execute(select(c.id, c.nexudus_id).where(c.contract_id.in_(contract_ids)))
    ]


def linked_to_coworkers(conn: Connection, coworker_ids: Sequence[int]) -> tuple[list[int], list[int]]:
    """(contract ids, public contact ids) whose displayed names come from these coworkers.

    Many ids (a full sync changes every coworker): one scan of the linked rows, filtered here, instead of hundreds
    of IN queries."""
    if not coworker_ids:
        return [], []
    contracts: list[int] = []
    contacts: list[int] = []
    c = contacts_table.c
    if len(coworker_ids) > 2000:
        wanted = set(coworker_ids)
        contracts = [
            int(r[0])
            for r in conn.execute(
                select(contracts_table.c.id, contracts_table.c.coworker_id).where(
                    contracts_table.c.coworker_id.is_not(None)
                )
            )
            if r[1] in wanted
        ]
        contacts = [
            contact_public_id(r.id, r.nexudus_id)
            for r in conn.execute(select(c.id, c.nexudus_id, c.coworker_id).where(c.coworker_id.is_not(None)))
            if r.coworker_id in wanted
        ]
        return contracts, contacts
    for start in range(0, len(coworker_ids), 500):
        chunk = list(coworker_ids[start : start + 500])
        contracts += [
            int(r[0])
            for r in conn.execute(select(contracts_table.c.id).where(contracts_table.c.coworker_id.in_(chunk)))
        ]
        contacts += [
            contact_public_id(r.id, r.nexudus_id)
            for r in conn.execute(select(c.id, c.nexudus_id).where(c.coworker_id.in_(chunk)))
        ]
    return contracts, contacts


# ---- sync state ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceSyncState:
    resource: str
    last_full_sync: datetime | None
    high_water: datetime | None
    runs_since_full: int
    last_status: str


def read_sync_state(conn: Connection, name: str) -> ResourceSyncState:
    s = sync_state_table.c
    row = conn.execute(select(sync_state_table).where(s.resource == name)).first()
    if row is None:
        return ResourceSyncState(name, None, None, 0, "")
    return ResourceSyncState(name, row.last_full_sync, row.high_water, row.runs_since_full, row.last_status)


def write_sync_state(conn: Connection, name: str, **values: Any) -> None:
    """Upsert the sync_state row `name` with `values` (columns of SyncState)."""
    stmt = _insert(conn, sync_state_table).values(resource=name, **values)
    stmt = stmt.on_conflict_do_update(index_elements=[sync_state_table.c.resource], set_=values)
    conn.execute(stmt)
