"""The outbox sender: what the desk recorded locally reaches Nexudus exactly once, in order.

Entries go strictly by id. For each:
- create contact / create delivery: POST with our SystemId marker. On success the server Id is stored and the
  local row marked synced, in one transaction.
- collect: runcommand DELIVERY_COLLECT for the deliveries the server knows (idempotent, so simply re-sent).
- void: DELETE the delivery (see app.store.writes for why); 404 means it is already gone: done.
- outcome (forward, scan, return, shred, recycle, deposit, hand-over, or a reversal): GET the record, PUT it back
  with the flag and the desk's time (app.sync.outcomes); skipped when Nexudus already shows it (after a kill or a
  dropped answer), held as a conflict when Nexudus shows a different final outcome.

Failures:
- 409/429 (after the client's own bounded waits), 5xx, network trouble: the entry stays first in line; the flush
  retries it with backoff a few times, then stops (later entries never overtake it) and sets `next_attempt_at`.
- Unknown outcome (timeout, dropped connection or cut answer after the request may have arrived; a 5xx on a write):
  before the entry is sent again, the record is looked up by its SystemId marker. The same look-up runs for every
  create entry that was attempted before (attempts > 0), which covers a process killed between sending and
  recording the answer: entries left in state `sending` are retried that way on the next flush.
- 400 (validation): the entry is marked failed with the server's per-field errors and kept for staff to fix
  (store.resubmit_contact) or discard; the flush moves on to entries that do not depend on it (a delivery for a
  contact still waiting to be created waits too; a collect or void waits for its delivery's create).
- 401 (after the client's one refresh): the outbox is paused (persisted) and flushes send nothing, so a wrong
  password or a missing role never turns into a request loop. It resumes when credentials are entered again:
  `OutboxSender.resume()` after a successful sign-in (the CLI signs in on every run and calls it; the desk calls
  it after its sign-in dialog), or when staff retry an entry (store.retry_outbox_entry).

A discarded new recipient: deliveries queued for it go to the contract holder (CoworkerId) instead.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine

from app.nexudus import errors
from app.nexudus.client import NexudusClient
from app.nexudus.enums import DELIVERY_COLLECT, DeliveryType
from app.nexudus.resources import Resource
from app.store import item_life
from app.store import outbox as store
from app.store.audit import utcnow
from app.store.locks import database_lock
from app.store.records import contact_public_id
from app.store.tables import OutboxKind, OutboxState
from app.sync import outcomes

log = logging.getLogger(__name__)

LOCK_NAME = "outbox-flush"
OPEN_CREATE = (OutboxState.PENDING, OutboxState.SENDING, OutboxState.FAILED, OutboxState.PAUSED)
_HANDLING_COLUMN = {
    DeliveryType.MAIL: "handling_mail",
    DeliveryType.PARCEL: "handling_parcels",
    DeliveryType.CHECK: "handling_checks",
    DeliveryType.PUBLICITY: "handling_publicity",
}


@dataclass
class FlushReport:
    sent: int = 0
    failed: int = 0  # refused by the server this flush (400), kept for staff
    waiting: int = 0  # entries left pending (blocked by another entry, or behind the one that stopped the flush)
    paused: bool = False
    stopped: str = ""  # why the flush ended early: "network", "throttled", "server", "paused", "cancelled", ""
    message: str = ""  # plain language, for the status bar / CLI
    contact_ids: dict[int, int] = field(default_factory=dict)  # -local id -> Nexudus Id for contacts created now

    def summary(self) -> str:
        text = f"outbox: {self.sent} sent, {self.failed} refused, {self.waiting} waiting"
        if self.paused:
            text += " (paused: sign in again)"
        elif self.stopped:
            text += f" (stopped: {self.message or self.stopped})"
        return text


class _Stop(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class _Blocked(Exception):
    """The entry depends on another one that has not reached the server yet."""


class OutboxSender:
    def __init__(
        self,
        engine: Engine,
        client: NexudusClient,
        *,
        inline_retries: int = 2,
        backoff_base: float = 1.0,
        backoff_max: float = 300.0,
        respect_backoff: bool = True,
    ) -> None:
        self.engine = engine
        self.client = client
        self.inline_retries = inline_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.respect_backoff = respect_backoff

    # ------------------------------------------------------------------ the loop

    def flush(self, cancel: threading.Event | None = None) -> FlushReport:
        """Send what is waiting (see the module docstring). Raises LockBusyError when another flush is running."""
        report = FlushReport()
        with database_lock(self.engine, LOCK_NAME, wait=0.0):
            try:
                self._check_paused()
                self._drain(report, cancel)
            except _Stop as stop:
                report.stopped = stop.reason
                report.message = stop.message
                report.paused = stop.reason == "paused"
            with self.engine.connect() as conn:
                report.waiting = len(store.queue(conn))
        log.info("%s", report.summary())
        return report

    def resume(self) -> None:
        """Credentials were entered again (a successful sign-in): lift a 401 pause. The next flush sends."""
        with self.engine.begin() as conn:
            if store.is_paused(conn):
                store.resume(conn)
                log.info("Signed in again: outbox resumed")

    def _check_paused(self) -> None:
        with self.engine.connect() as conn:
            paused = store.is_paused(conn)
        if paused:
            raise _Stop("paused", "Sending is paused until someone signs in to Nexudus again.")

    def _drain(self, report: FlushReport, cancel: threading.Event | None) -> None:
        with self.engine.connect() as conn:
            entries = store.queue(conn)
        blocked_contacts: set[int] = set()  # local contact rows whose create has not gone through
        blocked_deliveries: set[int] = set()
        now = utcnow()
        for entry in entries:
            if cancel is not None and cancel.is_set():
                raise _Stop("cancelled", "Stopped on request.")
            if self.respect_backoff and entry.next_attempt_at is not None and entry.next_attempt_at > now:
                raise _Stop("waiting", "Waiting before trying again.")
            try:
                self._send_with_retries(entry, report, blocked_contacts, blocked_deliveries, cancel)
            except _Blocked:
                if entry.contact_row_id is not None and entry.kind == OutboxKind.CREATE_CONTACT:
                    blocked_contacts.add(entry.contact_row_id)
                if entry.delivery_row_id is not None and entry.kind == OutboxKind.CREATE_DELIVERY:
                    blocked_deliveries.add(entry.delivery_row_id)
                continue

    def _send_with_retries(
        self,
        entry: store.QueuedEntry,
        report: FlushReport,
        blocked_contacts: set[int],
        blocked_deliveries: set[int],
        cancel: threading.Event | None,
    ) -> None:
        attempt = 0
        while True:
            try:
                self._send_one(entry, report, blocked_contacts, blocked_deliveries)
                return
            except errors.ValidationError as exc:
                field_errors = exc.by_field()
                with self.engine.begin() as conn:
                    store.mark_failed(conn, entry, exc.user_message, field_errors)
                report.failed += 1
                log.warning(
                    "Outbox %d (%s) refused by the server: %s",
                    entry.id,
                    entry.kind,
                    "; ".join(f"{k}: {', '.join(v)}" for k, v in field_errors.items()) or exc.detail,
                )
                if entry.kind == OutboxKind.CREATE_CONTACT and entry.contact_row_id is not None:
                    blocked_contacts.add(entry.contact_row_id)
                if entry.kind == OutboxKind.CREATE_DELIVERY and entry.delivery_row_id is not None:
                    blocked_deliveries.add(entry.delivery_row_id)
                return
            except errors.AuthenticationError as exc:
                with self.engine.begin() as conn:
                    store.pause(conn, entry.id, exc.user_message)
                raise _Stop("paused", exc.user_message) from exc
            except (
                errors.NetworkError,
                errors.ServerError,
                errors.ThrottledError,
                errors.ConflictError,
                errors.ResponseFormatError,
            ) as exc:
                reason = (
                    "throttled"
                    if isinstance(exc, errors.ThrottledError | errors.ConflictError)
                    else "network"
                    if isinstance(exc, errors.NetworkError)
                    else "server"
                )
                attempt += 1
                delay = self._delay(entry.attempts + attempt, exc)
                log.info(
                    "Outbox %d (%s): %s; %s",
                    entry.id,
                    entry.kind,
                    type(exc).__name__,
                    "retrying" if attempt <= self.inline_retries else "will try again later",
                )
                unknown = exc.outcome_unknown
                if attempt > self.inline_retries:
                    with self.engine.begin() as conn:
                        store.mark_retry(
                            conn,
                            entry.id,
                            exc.user_message,
                            utcnow() + timedelta(seconds=delay),
                            outcome_unknown=unknown,
                        )
                    raise _Stop(reason, exc.user_message) from exc
                with self.engine.begin() as conn:
                    store.mark_retry(conn, entry.id, exc.user_message, None, outcome_unknown=unknown)
                waiter = cancel or threading.Event()
                if waiter.wait(min(delay, self.backoff_base * 2**attempt)):
                    raise _Stop("cancelled", "Stopped on request.") from exc
                entry = _with_attempts(entry, entry.attempts + 1)

    def _delay(self, attempts: int, exc: Exception) -> float:
        retry_after = getattr(exc, "retry_after", None)
        base = min(self.backoff_max, self.backoff_base * 2 ** max(0, attempts - 1))
        if isinstance(retry_after, int | float) and retry_after > 0:
            base = max(base, float(retry_after))
        return float(base * (0.5 + random.random() / 2))

    # ------------------------------------------------------------------ one entry

    def _send_one(
        self, entry: store.QueuedEntry, report: FlushReport, blocked_contacts: set[int], blocked_deliveries: set[int]
    ) -> None:
        handlers = {
            OutboxKind.CREATE_CONTACT: self._create_contact,
            OutboxKind.CREATE_DELIVERY: self._create_delivery,
            OutboxKind.COLLECT_DELIVERIES: self._collect,
            OutboxKind.VOID_DELIVERY: self._void,
            OutboxKind.DELIVERY_OUTCOME: self._outcome,
        }
        handler = handlers.get(entry.kind)
        if handler is None:
            raise errors.ValidationError(
                f"unknown outbox kind {entry.kind}", user_message="Pigeonhole does not know how to send this entry."
            )
        handler(entry, report, blocked_contacts, blocked_deliveries)

    def _claim(self, entry: store.QueuedEntry) -> None:
        with self.engine.begin() as conn:
            if not store.claim(conn, entry.id):
                raise _Blocked  # discarded or finished by someone else meanwhile

    def _create(self, entry: store.QueuedEntry, resource: Resource, body: dict[str, Any]) -> int | None:
        """POST once; if it may have been applied before (earlier attempt, crash), look for the marker first."""
        if entry.attempts > 0 or entry.state == OutboxState.SENDING:
            found = self.client.find_by_system_id(resource, entry.system_id)
            if found is not None:
                log.info("Outbox %d: already on the server as %s %s", entry.id, resource.entity, found.get("Id"))
                return int(found["Id"])
        self._claim(entry)
        result = self.client.create(resource, body)
        if result.id is None:  # the server did not say: find it by our marker
            found = self.client.find_by_system_id(resource, entry.system_id)
            return int(found["Id"]) if found is not None else None
        return result.id

    def _create_contact(
        self, entry: store.QueuedEntry, report: FlushReport, blocked_contacts: set[int], blocked_deliveries: set[int]
    ) -> None:
        assert entry.contact_row_id is not None
        with self.engine.connect() as conn:
            contact = store.contact_for_send(conn, entry.contact_row_id)
        if contact is None:
            raise errors.ValidationError("contact row missing", user_message="The recipient no longer exists here.")
        if contact["nexudus_id"] is not None:  # a sync found it by its marker already
            with self.engine.begin() as conn:
                store.mark_sent(conn, entry)
            report.sent += 1
            return
        server_id = self._create(entry, Resource.CONTRACT_CONTACTS, contact_body(contact, entry.system_id))
        with self.engine.begin() as conn:
            store.mark_sent(conn, entry, server_id)
        report.sent += 1
        if server_id is not None:
            report.contact_ids[contact_public_id(entry.contact_row_id, None)] = server_id

    def _create_delivery(
        self, entry: store.QueuedEntry, report: FlushReport, blocked_contacts: set[int], blocked_deliveries: set[int]
    ) -> None:
        assert entry.delivery_row_id is not None
        with self.engine.connect() as conn:
            delivery = store.delivery_for_send(conn, entry.delivery_row_id)
            if delivery is None:
                raise errors.ValidationError("delivery row missing", user_message="The delivery no longer exists.")
            contact_state = (
                store.create_entry_state(conn, contact_row_id=delivery["contact_row_id"])
                if delivery["contact_row_id"] is not None and delivery["contact_nexudus_id"] is None
                else None
            )
        if delivery["nexudus_id"] is not None:
            with self.engine.begin() as conn:
                store.mark_sent(conn, entry, delivery["nexudus_id"])
            report.sent += 1
            return
        if (
            delivery["contact_row_id"] is not None
            and delivery["contact_nexudus_id"] is None
            and (delivery["contact_row_id"] in blocked_contacts or contact_state in OPEN_CREATE)
        ):
            raise _Blocked
        server_id = self._create(entry, Resource.COWORKER_DELIVERIES, delivery_body(delivery, entry.system_id))
        with self.engine.begin() as conn:
            store.mark_sent(conn, entry, server_id)
        report.sent += 1

    def _collect(
        self, entry: store.QueuedEntry, report: FlushReport, blocked_contacts: set[int], blocked_deliveries: set[int]
    ) -> None:
        row_ids = [int(i) for i in entry.payload.get("delivery_row_ids", [])]
        with self.engine.connect() as conn:
            rows = store.deliveries_for_collect(conn, row_ids)
            waiting = [
                r["id"]
                for r in rows
                if r["nexudus_id"] is None
                and (
                    r["id"] in blocked_deliveries
                    or store.create_entry_state(conn, delivery_row_id=r["id"]) in OPEN_CREATE
                )
            ]
        if waiting:
            raise _Blocked
        ids = [int(r["nexudus_id"]) for r in rows if r["nexudus_id"] is not None]
        if ids:
            self._claim(entry)
            try:
                self.client.run_command(Resource.COWORKER_DELIVERIES, DELIVERY_COLLECT, ids)
            except errors.NotFoundError:
                log.info("Outbox %d: a collected delivery is no longer on the server", entry.id)
        with self.engine.begin() as conn:
            store.mark_sent(conn, entry, delivery_ids=row_ids)
        report.sent += 1

    def _void(
        self, entry: store.QueuedEntry, report: FlushReport, blocked_contacts: set[int], blocked_deliveries: set[int]
    ) -> None:
        assert entry.delivery_row_id is not None
        with self.engine.connect() as conn:
            delivery = store.delivery_for_send(conn, entry.delivery_row_id)
            create_state = store.create_entry_state(conn, delivery_row_id=entry.delivery_row_id)
        if delivery is None:
            raise errors.ValidationError("delivery row missing", user_message="The delivery no longer exists.")
        if delivery["nexudus_id"] is None:
            if entry.delivery_row_id in blocked_deliveries or create_state in OPEN_CREATE:
                raise _Blocked
            # The create was discarded or never got an Id back, yet it may have reached Nexudus: ask by its marker,
            # and delete what is there. A look-up that cannot be answered is said, never reported as "sent".
            try:
                found = self.client.find_by_system_id(Resource.COWORKER_DELIVERIES, delivery["system_id"])
            except errors.ResponseFormatError as exc:
                raise errors.ValidationError(
                    f"void {entry.id}: marker look-up failed: {exc}",
                    user_message="Pigeonhole could not check whether Nexudus has this delivery, so it could not "
                    "delete it there. Look for it in Nexudus and delete it by hand if it is there.",
                ) from exc
            if found is not None:
                self._claim(entry)
                try:
                    self.client.delete(Resource.COWORKER_DELIVERIES, int(found["Id"]))
                except errors.NotFoundError:
                    log.info("Outbox %d: delivery %s was already deleted", entry.id, found["Id"])
                log.info("Outbox %d: deleted delivery %s found by its marker", entry.id, found["Id"])
        else:
            self._claim(entry)
            try:
                self.client.delete(Resource.COWORKER_DELIVERIES, int(delivery["nexudus_id"]))
            except errors.NotFoundError:
                log.info("Outbox %d: delivery %s was already deleted", entry.id, delivery["nexudus_id"])
        with self.engine.begin() as conn:
            store.mark_sent(conn, entry)
        report.sent += 1

    def _outcome(
        self, entry: store.QueuedEntry, report: FlushReport, blocked_contacts: set[int], blocked_deliveries: set[int]
    ) -> None:
        """An outcome or its reversal: GET the record, PUT it back with the flag and time (see app.sync.outcomes)."""
        with self.engine.connect() as conn:
            outcome = item_life.outcome_for_send(conn, int(entry.payload.get("outcome_id", 0)))
            create_state = (
                store.create_entry_state(conn, delivery_row_id=outcome.delivery_id) if outcome is not None else None
            )
        if outcome is None:
            raise errors.ValidationError("outcome row missing", user_message="The outcome no longer exists here.")
        if outcome.nexudus_id is None:
            if outcome.delivery_id in blocked_deliveries or create_state in OPEN_CREATE:
                raise _Blocked
            with self.engine.begin() as conn:  # the delivery never reached Nexudus: nothing to tell it
                store.mark_sent(conn, entry)
            report.sent += 1
            return
        try:
            record = self.client.get(Resource.COWORKER_DELIVERIES, outcome.nexudus_id)
        except errors.NotFoundError as exc:
            raise errors.ValidationError(
                f"delivery {outcome.nexudus_id} not found",
                user_message="This delivery is no longer in Nexudus (it was deleted there); the outcome is kept on "
                "the desk only.",
            ) from exc
        if outcomes.already_applied(record, outcome):
            log.info("Outbox %d: outcome already in Nexudus", entry.id)
        else:
            clash = None if entry.payload.get("force") else outcomes.conflicting_flag(record, outcome)
            if clash is not None:
                message = outcomes.conflict_message(record, clash, outcome)
                with self.engine.begin() as conn:
                    item_life.record_conflict(
                        conn,
                        outcome.delivery_id,
                        outcome.outcome_id,
                        clash,
                        outcomes.server_time(record, clash),
                        message,
                    )
                    store.mark_failed(conn, entry, message, {})
                report.failed += 1
                log.warning("Outbox %d held: %s", entry.id, message)
                return
            self._claim(entry)
            self.client.update(Resource.COWORKER_DELIVERIES, outcomes.outcome_body(record, outcome))
        with self.engine.begin() as conn:
            store.mark_sent(conn, entry)
        report.sent += 1


def resource_of(entry: store.QueuedEntry) -> Resource:
    """Where a create entry's record lives on the server."""
    if entry.kind == OutboxKind.CREATE_CONTACT:
        return Resource.CONTRACT_CONTACTS
    if entry.kind == OutboxKind.CREATE_DELIVERY:
        return Resource.COWORKER_DELIVERIES
    raise ValueError(f"outbox entry {entry.id} ({entry.kind}) creates nothing")


def find_server_copy(client: NexudusClient, entry: store.QueuedEntry) -> int | None:
    """The server Id of the record a create entry may have made (found by its SystemId marker), or None."""
    found = client.find_by_system_id(resource_of(entry), entry.system_id)
    return int(found["Id"]) if found is not None else None


def delete_server_copy(client: NexudusClient, entry: store.QueuedEntry, server_id: int) -> None:
    """Delete the record a create entry made; already gone counts as done."""
    try:
        client.delete(resource_of(entry), server_id)
    except errors.NotFoundError:
        log.info("Outbox %d: %s %s was already deleted", entry.id, resource_of(entry).entity, server_id)


def _with_attempts(entry: store.QueuedEntry, attempts: int) -> store.QueuedEntry:
    return store.QueuedEntry(
        entry.id,
        entry.kind,
        OutboxState.PENDING,
        entry.system_id,
        attempts,
        entry.payload,
        entry.contact_row_id,
        entry.delivery_row_id,
        None,
    )


def _put(body: dict[str, Any], key: str, value: object) -> None:
    if value not in (None, ""):
        body[key] = value


def contact_body(contact: dict[str, Any], marker: str) -> dict[str, Any]:
    """The ContractContact create body (writable fields only, with our SystemId marker)."""
    body: dict[str, Any] = {
        "CoworkerContractId": contact["contract_id"],
        "FullName": contact["full_name"],
        "ContractContactType": contact["contact_type"],
        "SystemId": marker,
    }
    for key, column in (
        ("CoworkerId", "coworker_id"),
        ("Email", "email"),
        ("DateOfBirth", "date_of_birth"),
        ("Address", "address"),
        ("PostCode", "post_code"),
        ("CityName", "city_name"),
        ("State", "state"),
        ("CountryId", "country_id"),
        ("PhoneNumber", "phone_number"),
        ("Notes", "notes"),
    ):
        _put(body, key, contact[column])
    return body


def delivery_body(delivery: dict[str, Any], marker: str) -> dict[str, Any]:
    """The CoworkerDelivery create body. The recipient is the contract contact when the server knows it, else the
    coworker (the one chosen, or the contract's holder)."""
    location = delivery["location"]
    if delivery["shelf"] and delivery["shelf"] != location:  # the desk may store the shelf as the location too
        location = f"{location} / {delivery['shelf']}"
    body: dict[str, Any] = {
        "BusinessId": delivery["business_id"],
        "Name": delivery["name"],
        "Location": location,
        "DeliveryType": delivery["delivery_type"],
        "SystemId": marker,
    }
    if delivery["contact_nexudus_id"] is not None:
        body["ContractContactId"] = delivery["contact_nexudus_id"]
    else:
        _put(body, "CoworkerId", delivery["coworker_id"] or delivery["holder_coworker_id"])
    _put(body, "ReceivedBy", delivery["received_by"])
    notes = [delivery["notes"]] if delivery["notes"] else []
    if delivery["tracking_number"]:
        carrier = f" ({delivery['carrier']})" if delivery["carrier"] else ""
        notes.append(f"Tracking {delivery['tracking_number']}{carrier}")
    _put(body, "Notes", "\n".join(notes))
    try:
        column = _HANDLING_COLUMN.get(DeliveryType(delivery["delivery_type"]))
    except ValueError:
        column = None
    if column and delivery.get(column):
        body["HandlingPreference"] = delivery[column]
    if delivery.get("requires_signature"):
        body["RequiresSignature"] = True
    return body
