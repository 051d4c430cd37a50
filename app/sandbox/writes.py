"""Create, update (PUT the whole record to the collection), delete, and runcommand, with Nexudus's validation.

Bodies bind like ASP.NET: property names case-insensitively, blank text as null, unknown and read-only
properties ignored. A PUT clears the writable fields it leaves out (the documented risk of a partial PUT) but keeps
`UniqueId`, `CreatedOn`, `IsNew` and, unless it is sent, `SystemId`. A contact linked to a coworker takes its
`FullName` and `Email` from that coworker, so they need not be sent. Every write stamps `UpdatedOn` (UTC, seconds)
and `UpdatedBy` (the signed-in user's e-mail) and answers the command envelope.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from app.nexudus.enums import DELIVERY_COLLECT
from app.nexudus.resources import Resource
from app.nexudus.text import NOT_STORABLE, is_storable
from app.nexudus.validation_rules import (
    FILLED_FROM_LINKED_COWORKER,
    REQUIRED,
    RULES,
    FieldError,
    Kind,
    validate_record,
)
from app.sandbox.answers import (
    Response,
    bad_request,
    command_envelope,
    dumps,
    json_response,
    not_found,
    validation_failed,
)
from app.sandbox.delivery_files import take_files
from app.sandbox.render import Record
from app.sandbox.shapes import COMMANDS, DELIVERY_OUTCOME_FLAGS, SETTABLE_ON_CREATE, WRITABLE
from app.sandbox.state import SandboxState, utc_now_text
from app.sandbox.variants import Variants

NOT_AN_OBJECT = "The request is invalid: the body must be a JSON object."


def _bind(payload: Any) -> dict[str, Any] | None:
    """Body -> {lower-case name: value}, blank text as null; None when the body is not a JSON object."""
    if not isinstance(payload, Mapping):
        return None
    return {str(k).lower(): (None if isinstance(v, str) and not v.strip() else v) for k, v in payload.items()}


def _writable_fields(res: Resource, body: Mapping[str, Any]) -> Record:
    """Every writable field: the body's value or the default (so a PUT clears what it leaves out)."""
    rec: Record = {}
    for name, default in WRITABLE[res].items():
        value = body.get(name.lower())
        rec[name] = default if value is None else value
    return rec


def _link_coworker(state: SandboxState, res: Resource, rec: Record) -> None:
    filled = FILLED_FROM_LINKED_COWORKER.get(res.entity)
    if not filled:
        return
    coworker = state.lookup(Resource.COWORKERS, rec.get("CoworkerId"))
    if coworker is not None and not isinstance(rec.get("CoworkerId"), bool):
        for name in filled:
            rec[name] = coworker.get(name)


def _drop_zero_references(rec: Record) -> None:
    for name, value in rec.items():
        if name.endswith("Id") and value == 0 and not isinstance(value, bool):
            rec[name] = None


def _check(state: SandboxState, res: Resource, rec: Record, variants: Variants | None = None) -> list[FieldError]:
    errors = validate_record(res.entity, rec, exists=state.exists)
    if variants is not None and variants.refs == "relation":  # live answers name the relation, not its Id field
        errors = [
            FieldError(e.property_name[:-2], e.message, e.attempted_value)
            if e.property_name.endswith("Id") and e.property_name in _REFERENCES.get(res.entity, ())
            else e
            for e in errors
        ]
    named = {e.property_name for e in errors}
    # Fields without a rule of their own: text that cannot be encoded is refused like any other (a 400).
    errors += [
        FieldError(name, NOT_STORABLE, None)
        for name, value in rec.items()
        if name not in named and isinstance(value, str) and not is_storable(value)
    ]
    return errors


def _persist_or_undo(state: SandboxState, res: Resource, record_id: int, before: Record | None) -> None:
    """Write the state file; if that fails, undo the change first, so a write answered with an error (500) is
    never kept, in memory or on disk."""
    try:
        state.persist()
    except BaseException:
        with state.lock:
            if before is None:
                state.remove(res, record_id)
            else:
                state.put(res, before)
        raise


_REFERENCES = {entity: frozenset(r.name for r in table if r.kind is Kind.REFERENCE) for entity, table in RULES.items()}


def _stamp_outcome_times(rec: Record, base: Record | None, now: str) -> None:
    """A flag set without its time gets one: the time it had before, else now. INFERRED (documented for
    Collected only: "Mark collected ... with Collected: true")."""
    for flag in ("Collected", *DELIVERY_OUTCOME_FLAGS):
        if rec.get(flag) is True and rec.get(f"{flag}On") is None:
            earlier = base.get(f"{flag}On") if base is not None and base.get(flag) else None
            rec[f"{flag}On"] = earlier or now


def _store_files(state: SandboxState, res: Resource, record_id: int, rec: Record, files: dict[str, Any]) -> None:
    if res is not Resource.COWORKER_DELIVERIES:
        return
    for slot, stored in files.items():
        state.files[(record_id, slot)] = stored
        rec[f"{slot}FileName"] = stored.name


def create(state: SandboxState, res: Resource, payload: Any, editor: str, variants: Variants | None = None) -> Response:
    body = _bind(payload)
    if body is None:
        return bad_request(NOT_AN_OBJECT)
    with state.lock:
        rec = _writable_fields(res, body)
        for name in SETTABLE_ON_CREATE:
            if body.get(name.lower()) is not None:
                rec[name] = body[name.lower()]
        _link_coworker(state, res, rec)
        files, file_errors = take_files(body) if res is Resource.COWORKER_DELIVERIES else ({}, [])
        errors = _check(state, res, rec, variants) + file_errors
        if errors:
            return validation_failed(errors)
        _drop_zero_references(rec)
        now = utc_now_text()
        record_id = state.next_id(res)
        rec["Id"] = record_id
        rec.setdefault("UniqueId", str(uuid.uuid4()))
        rec.setdefault("CreatedOn", now)
        rec.setdefault("IsNew", False)
        rec["UpdatedOn"], rec["UpdatedBy"] = now, editor
        if res is Resource.COWORKER_DELIVERIES:
            _stamp_outcome_times(rec, None, now)
            _store_files(state, res, record_id, rec, files)
        state.put(res, rec)
    _persist_or_undo(state, res, record_id, None)
    envelope = command_envelope(
        f"{res.entity} was successfully created.", {"Id": record_id}, updated_on=now, updated_by=editor
    )
    return json_response(200, envelope)


def update(state: SandboxState, res: Resource, payload: Any, editor: str, variants: Variants | None = None) -> Response:
    body = _bind(payload)
    if body is None:
        return bad_request(NOT_AN_OBJECT)
    record_id = body.get("id")
    if isinstance(record_id, bool) or not isinstance(record_id, int) or record_id <= 0:
        return validation_failed([FieldError("Id", REQUIRED, record_id)])
    with state.lock:
        base = state.lookup(res, record_id)
        if base is None:
            return not_found()
        rec = _writable_fields(res, body)
        rec["SystemId"] = body["systemid"] if "systemid" in body else base.get("SystemId")
        _link_coworker(state, res, rec)
        files, file_errors = take_files(body) if res is Resource.COWORKER_DELIVERIES else ({}, [])
        errors = _check(state, res, rec, variants) + file_errors
        if errors:
            return validation_failed(errors)
        _drop_zero_references(rec)
        now = utc_now_text()
        kept: Record = {k: base[k] for k in ("UniqueId", "CreatedOn", "IsNew") if k in base}
        rec = {**kept, **rec, "Id": record_id, "UpdatedOn": now, "UpdatedBy": editor}
        if res is Resource.COWORKER_DELIVERIES:
            _stamp_outcome_times(rec, base, now)
            _store_files(state, res, record_id, rec, files)
        state.put(res, rec)
    _persist_or_undo(state, res, record_id, base)
    envelope = command_envelope(
        f"{res.entity} was successfully updated.", {"Id": record_id}, updated_on=now, updated_by=editor
    )
    return json_response(200, envelope)


def delete(state: SandboxState, res: Resource, record_id: int, editor: str) -> Response:
    with state.lock:
        removed = state.remove(res, record_id)
        if removed is None:
            return not_found()
    try:
        state.persist()
    except BaseException:
        with state.lock:
            state.put(res, removed)  # answered with an error: not deleted
        raise
    now = utc_now_text()
    envelope = command_envelope(
        f"{res.entity} was successfully deleted.", {"Id": record_id}, updated_on=now, updated_by=editor
    )
    return json_response(200, envelope)


def run_command(state: SandboxState, res: Resource, payload: Any, editor: str) -> Response:
    body = _bind(payload)
    if body is None:
        return bad_request(NOT_AN_OBJECT)
    key, ids = body.get("key"), body.get("ids")
    now = utc_now_text()

    def refused(message: str) -> Response:
        return json_response(200, command_envelope(message, None, updated_on=now, updated_by=editor, ok=False))

    if key not in COMMANDS.get(res, frozenset()):
        return refused(f"Unknown command {key!r} for {res.entity}.")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return refused("Ids must be a non-empty list of record ids.")
    with state.lock:
        missing = [i for i in ids if state.lookup(res, i) is None]
        if missing:
            return refused(f"{res.entity} {', '.join(map(str, missing))} could not be found; nothing was changed.")
        if key == DELIVERY_COLLECT:
            for record_id in dict.fromkeys(ids):
                base = state.lookup(res, record_id) or {}
                collected_on = base.get("CollectedOn") if base.get("Collected") else now
                rec = {**base, "Collected": True, "CollectedOn": collected_on, "UpdatedOn": now, "UpdatedBy": editor}
                state.put(res, rec)
    state.persist()
    message = f"{key} was successfully run on {len(set(ids))} record(s)."
    return json_response(200, command_envelope(message, None, updated_on=now, updated_by=editor))


def unapplied_write_body() -> bytes:
    """What a faulted write that was never applied sends before the failure: the start of a success envelope."""
    return dumps(command_envelope("The request was processed.", {"Id": None}, updated_on=None, updated_by=None))
