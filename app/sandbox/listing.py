"""List and batch reads: query parameters, filters, ordering, paging, and the list envelope.

- `page` (default 1) and `size` (default 25, at most 1000); values that are not numbers fall back to the defaults.
- `orderBy=<Property>` (default Id) and `dir`; INFERRED: `-1`, `2`, `desc`, `Descending` mean descending,
  anything else ascending; `CurrentSortDirection` answers 1 (ascending) or -1 (descending).
- Equality filters `{Entity}_{Property}=value`, where Property may be a relation without its `Id`
  (`ContractContact_CoworkerContract=123` filters on `CoworkerContractId`). Text compares case-insensitively
  (like SQL Server's default collation), booleans as true/false, numbers as numbers, dates as instants.
- Inclusive range filters `from_{Entity}_{Property}` / `to_{Entity}_{Property}` on dates (`YYYY-MM-DDTHH:mm`,
  seconds, a `Z` or a bare date also accepted; compared as instants) and numbers. Records without a value never
  match a range.
- Parameter names are case-insensitive; unknown parameters and filters on unknown properties are ignored, as an
  ASP.NET API ignores what it does not bind.
- Batch: `?id=[1,2,3]` (or `id=1,2,3`) on the collection answers a JSON array of the records found.

Paging the default order (Id ascending, no filter) slices the sorted Id list; any other query computes its Id
list once and keeps it until the data changes, so paging through a filtered list costs O(n) once, then O(page).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from app.nexudus.resources import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Resource
from app.nexudus.validation_rules import FILLED_FROM_LINKED_COWORKER, parse_date
from app.sandbox.answers import dumps
from app.sandbox.shapes import ECHO_FIELDS, OMITTED_IN_BATCH, TEMPLATES
from app.sandbox.state import SandboxState

_QUERY_CACHE_LIMIT = 64
_INT = re.compile(r"^\s*-?\d+\s*$")
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
_UTC_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_DESCENDING = frozenset({"-1", "2", "desc", "descending"})


@dataclass(frozen=True)
class Filter:
    field: str
    op: str  # "eq", "from" or "to"
    value: str


@dataclass(frozen=True)
class ListQuery:
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    order_field: str = "Id"
    descending: bool = False
    filters: tuple[Filter, ...] = ()


@cache
def field_names(resource: Resource) -> dict[str, str]:
    """Lower-case property or relation name -> the record field it filters on."""
    names = {name.lower(): name for name in TEMPLATES[resource]}
    for name in TEMPLATES[resource]:
        if name.endswith("Id") and name not in ("Id", "UniqueId", "SystemId"):
            names.setdefault(name[:-2].lower(), name)
    return names


def _int_param(value: str | None, default: int) -> int:
    return int(value) if value is not None and _INT.match(value) else default


def is_descending(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _DESCENDING


def parse_list_query(resource: Resource, params: Sequence[tuple[str, str]]) -> ListQuery:
    named = {k.lower(): v for k, v in params}
    page = max(1, _int_param(named.get("page"), 1))
    size = _int_param(named.get("size"), DEFAULT_PAGE_SIZE)
    size = DEFAULT_PAGE_SIZE if size < 1 else min(size, MAX_PAGE_SIZE)
    fields = field_names(resource)
    order_field = fields.get((named.get("orderby") or "Id").strip().lower(), "Id")
    entity = resource.entity.lower() + "_"
    filters: list[Filter] = []
    for key, value in params:
        low = key.lower()
        op = "eq"
        for prefix in ("from_", "to_"):
            if low.startswith(prefix):
                op, low = prefix[:-1], low[len(prefix) :]
                break
        if not low.startswith(entity):
            continue
        field = fields.get(low[len(entity) :])
        if field is not None:
            filters.append(Filter(field, op, value))
    return ListQuery(page, size, order_field, is_descending(named.get("dir")), tuple(filters))


def parse_batch_ids(value: str) -> list[int] | None:
    """`[1,2,3]` or `1,2,3` -> [1, 2, 3]; None when it is not a list of ids."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(_INT.match(p) for p in parts):
        return None
    return [int(p) for p in parts]


# --- filtering ------------------------------------------------------------------------------------------------------
def _filter_date(value: str) -> datetime | None:
    return None if _NUMBER.match(value) else parse_date(value)


def _matcher(flt: Filter) -> Callable[[Any], bool]:
    raw = flt.value.strip()
    as_date = _filter_date(raw)
    as_number = float(raw) if _NUMBER.match(raw) else None
    if flt.op != "eq":
        lower = flt.op == "from"
        # `YYYY-MM-DDTHH:MM:SSZ` text orders like the instant it names: a value out of range is rejected without
        # parsing it (most of the table for an UpdatedOn filter); one in range is confirmed by parsing as before.
        bound = as_date.isoformat(timespec="seconds") if as_date is not None and not as_date.microsecond else None

        def in_range(v: Any) -> bool:
            if v is None or isinstance(v, bool):
                return False
            if as_date is not None and isinstance(v, str):
                if bound is not None and _UTC_TEXT.fullmatch(v) and not (v[:19] >= bound if lower else v[:19] <= bound):
                    return False
                d = parse_date(v)
                return d is not None and (d >= as_date if lower else d <= as_date)
            if as_number is not None and isinstance(v, int | float):
                return v >= as_number if lower else v <= as_number
            return False

        return in_range

    folded = raw.casefold()
    as_bool = {"true": True, "false": False, "1": True, "0": False}.get(folded)

    def equal(v: Any) -> bool:
        if v is None:
            return folded in ("", "null")
        if isinstance(v, bool):
            return v is as_bool
        if isinstance(v, int | float):
            return as_number is not None and v == as_number
        if isinstance(v, str):
            if v.strip().casefold() == folded:
                return True
            return as_date is not None and parse_date(v) == as_date
        return False

    return equal


def _computed_fields(resource: Resource) -> frozenset[str]:
    return frozenset(ECHO_FIELDS.get(resource, ())) | frozenset(FILLED_FROM_LINKED_COWORKER.get(resource.entity, ()))


def select_ids(state: SandboxState, resource: Resource, query: ListQuery) -> Sequence[int]:
    """The Ids the query selects, in order. Caller holds state.lock and must not change the result."""
    table = state.tables[resource]
    if not query.filters and query.order_field == "Id":
        return table.ids[::-1] if query.descending else table.ids
    key = (resource, query.order_field, query.descending, query.filters)
    hit = state.query_cache.get(key)
    if hit is not None:
        return hit
    template = TEMPLATES[resource]
    computed = _computed_fields(resource)
    needs_render = any(f.field in computed for f in query.filters) or query.order_field in computed

    def rows() -> Any:
        for record_id in table.ids:
            stored = table.rows[record_id]
            yield record_id, (state.render(resource, stored) if needs_render else stored)

    tests = [(f.field, template.get(f.field), _matcher(f)) for f in query.filters]
    selected = [(record_id, rec) for record_id, rec in rows() if all(m(rec.get(name, dflt)) for name, dflt, m in tests)]
    if query.order_field != "Id":
        name, dflt = query.order_field, template.get(query.order_field)
        selected.sort(key=lambda pair: _sort_key(pair[1].get(name, dflt)))
    ids = [record_id for record_id, _ in selected]
    if query.descending:
        ids.reverse()
    if len(state.query_cache) >= _QUERY_CACHE_LIMIT:
        state.query_cache.clear()
    state.query_cache[key] = ids
    return ids


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    return (2, str(value).casefold())


# --- answers --------------------------------------------------------------------------------------------------------
def list_page_json(state: SandboxState, resource: Resource, query: ListQuery) -> bytes:
    """The documented list envelope (plus PageNumber/PageSize) for one page, as UTF-8 JSON."""
    with state.lock:
        ids = select_ids(state, resource, query)
        total = len(ids)
        start = (query.page - 1) * query.size
        page_ids = ids[start : start + query.size]
        rows = state.tables[resource].rows
        parts = [state.record_json(resource, rows[i]) for i in page_ids]
    total_pages = math.ceil(total / query.size) if total else 0
    meta = {
        "CurrentPage": query.page,
        "CurrentPageSize": query.size,
        "CurrentOrderField": query.order_field,
        "CurrentSortDirection": -1 if query.descending else 1,
        "FirstItem": start + 1 if parts else 0,
        "LastItem": start + len(parts) if parts else 0,
        "TotalItems": total,
        "TotalPages": total_pages,
        "HasNextPage": query.page < total_pages,
        "HasPreviousPage": query.page > 1,
        "PageNumber": query.page,
        "PageSize": query.size,
    }
    return b'{"Records":[' + b",".join(parts) + b"]," + dumps(meta)[1:]


def batch_json(state: SandboxState, resource: Resource, ids: Sequence[int]) -> bytes:
    """A JSON array of the records found, in the order asked (unknown ids are left out)."""
    omitted = OMITTED_IN_BATCH.get(resource, ())
    parts: list[bytes] = []
    with state.lock:
        for record_id in ids:
            stored = state.lookup(resource, record_id)
            if stored is None:
                continue
            if omitted:
                rec = state.render(resource, stored)
                for name in omitted:
                    rec.pop(name, None)
                parts.append(dumps(rec))
            else:
                parts.append(state.record_json(resource, stored))
    return b"[" + b",".join(parts) + b"]"
