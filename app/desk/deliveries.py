"""Deliveries at the desk: the lists (today, not collected yet with age, all), hand-over, void, CSV export.

Everything is recorded locally first (the store writes the row, an audit entry and the outbox entry in one
transaction) and sent to Nexudus by the sync. Rows are the store's plain `DeliveryRow` dataclasses; the helpers
below turn them into the words the desk shows.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import app.store as store
from app.desk.vocabulary import (
    DELIVERY_TYPE_WORDS,
    delivery_type_word,
    id_check_advice,
    id_check_stops,
    isolate,
    plural,
)
from app.errors import UserFacingError
from app.nexudus.enums import DeliveryType
from app.store.records import DeliveryRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


class DeliveryView(StrEnum):
    TODAY = "today"
    UNCOLLECTED = "uncollected"
    ALL = "all"


VIEW_LABELS: dict[DeliveryView, str] = {
    DeliveryView.TODAY: "Today",
    DeliveryView.UNCOLLECTED: "Not collected yet",
    DeliveryView.ALL: "All",
}

TYPE_LABELS: dict[DeliveryType, str] = DELIVERY_TYPE_WORDS  # the words live in app.desk.vocabulary

CSV_HEADER = (
    "Received",
    "Recipient",
    "Company",
    "Type",
    "Shelf",
    "Tracking number",
    "Carrier",
    "Received by",
    "Status",
    "Collected",
    "Collected by",
    "Collected for",
    "Voided",
    "Void reason",
    "Notes",
    "Local id",
    "Nexudus id",
)


class DeskInputError(UserFacingError, ValueError):
    """Something the person at the desk must fill in or correct; `user_message` says what."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message, user_message=user_message)


def type_label(delivery_type: DeliveryType | int) -> str:
    return delivery_type_word(delivery_type)


def describe_age(age: timedelta) -> str:
    """'5 min', '3 h', '2 days', '3 weeks'."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days = hours // 24
    if days < 14:
        return "1 day" if days == 1 else f"{days} days"
    return f"{days // 7} weeks"


def status_label(row: DeliveryRow) -> str:
    """What happened to it, in the desk's words."""
    if row.voided_at is not None:
        return "Voided"
    sent = {"synced": "Sent", "pending": "Waiting to send", "failed": "Needs attention"}.get(row.local_state, "")
    if row.collected_at is not None:
        return f"Collected · {sent}" if sent and sent != "Sent" else "Collected"
    return sent or row.local_state


def recipient_label(row: DeliveryRow) -> str:
    return row.recipient_name or row.name or "—"


def _local(dt: datetime | None) -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


def local_time(dt: datetime | None) -> str:
    """A store timestamp (UTC) as local wall-clock time, in full (exports, details)."""
    return _local(dt)


def desk_time(dt: datetime | None, now: datetime | None = None) -> str:
    """A store timestamp (UTC) as staff say it: "Today 09:41", "Yesterday 16:05", "Mon 3 Nov 14:20" this year,
    the full date before. `now`: the local time to compare with (tests)."""
    if dt is None:
        return ""
    when = (dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)).astimezone()
    today = (now or datetime.now().astimezone()).date()
    clock = when.strftime("%H:%M")
    days = (today - when.date()).days
    if days == 0:
        return f"Today {clock}"
    if days == 1:
        return f"Yesterday {clock}"
    if when.year == today.year and days > 0:
        return f"{when.strftime('%a')} {when.day} {when.strftime('%b')} {clock}"
    return when.strftime("%Y-%m-%d %H:%M")


def delivery_story(row: DeliveryRow, now: datetime | None = None) -> list[str]:
    """The item's whole life, one line each, for the details pane: received (when, by whom, where), the label,
    Nexudus, collected (by and for whom) or waiting, voided (by whom, why), notes, an ID-check warning."""
    who = isolate(recipient_label(row)) + (f" ({isolate(row.company_name)})" if row.company_name else "")
    lines = [f"{type_label(row.delivery_type)} for {who}"]
    received = f"Received {desk_time(row.created_at, now)}"
    if row.received_by:
        received += f" by {row.received_by}"
    lines.append(received + (f" · shelf {row.shelf or row.location}" if row.shelf or row.location else ""))
    tracking = f"{row.carrier} {row.tracking_number}".strip()
    if tracking:
        lines.append(f"Tracking: {tracking}")
    if row.label_text.strip():
        lines.append("Label: " + " / ".join(x.strip() for x in row.label_text.splitlines() if x.strip()))
    sent = f"Sent to Nexudus (delivery {row.nexudus_id})" if row.nexudus_id is not None else ""
    if row.local_state == "failed":
        lines.append(
            (f"{sent}; the latest change" if sent else "Not sent:") + " refused by Nexudus — see Sync ▸ Waiting to send"
        )
    elif row.local_state == "synced":
        lines.append(f"{sent or 'Sent to Nexudus'}: the customer was told")
    else:
        lines.append(f"{sent}; the latest change is waiting to send" if sent else "Waiting to send to Nexudus")
    if row.collected_at is not None:
        collected = f"Collected {desk_time(row.collected_at, now)} by {row.collected_by or 'someone'}"
        lines.append(collected + (f" for {row.collected_for}" if row.collected_for else ""))
    elif row.voided_at is None:
        waited = "just arrived" if row.age < timedelta(minutes=1) else f"here for {describe_age(row.age)}"
        lines.append(f"Not collected yet — {waited}")
    if row.voided_at is not None:
        voided = f"Voided {desk_time(row.voided_at, now)}" + (f" by {row.voided_by}" if row.voided_by else "")
        lines.append(voided + (f": {row.void_reason}" if row.void_reason else ""))
    if row.notes.strip():
        lines.append(f"Notes: {row.notes.strip()}")
    advice = id_check_advice(row.contact_aml_status)
    if advice and row.collected_at is None and row.voided_at is None:
        lines.append(f"⚠ {advice[:1].upper()}{advice[1:]}.")
    return lines


def handover_warnings(rows: Sequence[DeliveryRow]) -> list[str]:
    """What must be checked before handing these over (a pending or failed ID check...), one line a recipient."""
    seen: dict[str, str] = {}
    for row in rows:
        if id_check_stops(row.contact_aml_status):
            seen.setdefault(recipient_label(row), id_check_advice(row.contact_aml_status))
    return [f"{isolate(name)}: {advice}." for name, advice in seen.items()]


def csv_row(row: DeliveryRow) -> list[str]:
    return [
        _local(row.created_at),
        recipient_label(row),
        row.company_name,
        type_label(row.delivery_type),
        row.shelf or row.location,
        row.tracking_number,
        row.carrier,
        row.received_by,
        status_label(row),
        _local(row.collected_at),
        row.collected_by,
        row.collected_for,
        _local(row.voided_at),
        row.void_reason,
        row.notes,
        str(row.delivery_id),
        "" if row.nexudus_id is None else str(row.nexudus_id),
    ]


def write_csv(rows: Sequence[DeliveryRow], path: Path) -> int:
    """Write the rows as CSV (UTF-8 with a BOM so spreadsheet programs read accents right); returns the count."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADER)
        for row in rows:
            writer.writerow(csv_row(row))
    log.info("Exported %s to %s", plural(len(rows), "delivery"), path)
    return len(rows)


class DeliveriesService:
    def __init__(self, engine: Engine, actor: str, business_id: int | None = None) -> None:
        self._engine = engine
        self.actor = actor
        self.business_id = business_id

    def list(self, view: DeliveryView | str, text: str = "", limit: int = 2000) -> list[DeliveryRow]:
        with store.session_scope(self._engine, readonly=True) as session:
            return list(
                store.list_deliveries(
                    session, DeliveryView(view).value, text=text.strip(), business_id=self.business_id, limit=limit
                )
            )

    def collect(self, delivery_ids: Sequence[int], collected_by: str, for_whom: str) -> None:
        if not delivery_ids:
            raise DeskInputError("Choose the deliveries being handed over.")
        if not collected_by.strip():
            raise DeskInputError("Write the name of the person collecting.")
        with store.session_scope(self._engine) as session:
            store.collect_deliveries(session, list(delivery_ids), collected_by.strip(), for_whom.strip(), self.actor)

    def void(self, delivery_id: int, reason: str) -> None:
        if not reason.strip():
            raise DeskInputError("Say why this delivery is voided (for example “logged twice”).")
        with store.session_scope(self._engine) as session:
            store.void_delivery(session, delivery_id, reason.strip(), self.actor)

    @staticmethod
    def export_csv(rows: Sequence[DeliveryRow], path: Path) -> int:
        return write_csv(rows, path)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)
