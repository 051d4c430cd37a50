"""What happens to an item after intake, as the desk does it: the work queues (routed at intake by the contract's
handling preference), the outcomes (forward, scan, return, shred, recycle, deposit, hand over), undoing a mistaken
one, conflicts with Nexudus, the forwarding log, reminders and the daily summary.

Every outcome is recorded on the desk first (with its outbox entry, one transaction) and sent to Nexudus by the
sync. Input is checked field by field before anything is written: `ItemInputError.field` names the field the
screen should mark. Times come from `clock` (tests pass a controllable one).
"""

from __future__ import annotations

import csv
import logging
import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import app.store as store
from app.desk.deliveries import DeskInputError, local_time, type_label
from app.desk.vocabulary import (
    CONTRACT_CANCELLED,
    ID_CHECK_BLOCKS,
    ID_CHECK_PENDING,
    LEVEL_ESCALATE,
    LEVEL_NONE,
    LEVEL_REMIND,
    LEVEL_RETURN,
    QUEUE_LABELS,
)
from app.store import item_life as life
from app.store.item_life import (
    SCAN_SLOT,
    SIGNATURE_SLOT,
    ConflictRow,
    FileDraft,
    ForwardDraft,
    ForwardingRow,
    OutcomeRow,
    QueueItem,
    item_code,
)
from app.store.routing import DISPOSAL, FAILED_ID_CHECK, PENDING_ID_CHECK, Outcome, Queue

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

SCAN_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
WORK_QUEUES: tuple[Queue, ...] = (
    Queue.SHELF,
    Queue.FORWARD,
    Queue.SCAN,
    Queue.RETURN,
    Queue.DISPOSE,
    Queue.DEPOSIT,
    Queue.DECISION,
)


class ItemInputError(DeskInputError):
    """Bad or missing input; `field` names the field to mark ("address", "country", "signature", ...)."""

    def __init__(self, field_name: str, user_message: str) -> None:
        super().__init__(user_message)
        self.field = field_name


@dataclass(frozen=True)
class Thresholds:
    remind_days: int = 3
    escalate_days: int = 14
    return_days: int = 30

    def level(self, age: timedelta) -> str:
        days = age.total_seconds() / 86400
        if days >= self.return_days:
            return LEVEL_RETURN
        if days >= self.escalate_days:
            return LEVEL_ESCALATE
        if days >= self.remind_days:
            return LEVEL_REMIND
        return LEVEL_NONE


@dataclass(frozen=True)
class ForwardForm:
    sent_to_name: str = ""
    address_lines: tuple[str, ...] = ()
    post_code: str = ""
    city: str = ""
    region: str = ""
    country_name: str = ""
    country_id: int | None = None
    carrier: str = ""
    tracking_number: str = ""


@dataclass(frozen=True)
class ShelfLabel:
    """What a shelf label shows (printed by app.ui.shelf_label)."""

    code: str  # the item's own number, barcoded
    recipient: str
    company: str
    shelf: str
    received: datetime
    kind: str


@dataclass(frozen=True)
class AgedItem:
    item: QueueItem
    level: str


@dataclass(frozen=True)
class DailySummary:
    at: datetime
    counts: dict[Queue, int]
    by_age: dict[str, int]  # "under 3 days", "3–13 days", ...
    over: dict[str, list[AgedItem]] = field(default_factory=dict)  # level -> items over that threshold
    conflicts: int = 0


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def age_bands(t: Thresholds) -> list[tuple[str, int, int | None]]:
    return [
        (f"under {_days(t.remind_days)}", 0, t.remind_days),
        (f"{t.remind_days}–{t.escalate_days - 1} days", t.remind_days, t.escalate_days),
        (f"{t.escalate_days}–{t.return_days - 1} days", t.escalate_days, t.return_days),
        (f"{t.return_days} days or more", t.return_days, None),
    ]


class ItemLifeService:
    """Use cases of the work queues, hand-over and reminders. Thread-safe: each call opens its own session."""

    def __init__(
        self,
        engine: Engine,
        actor: str,
        *,
        thresholds: Thresholds | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._engine = engine
        self.actor = actor
        self.thresholds = thresholds or Thresholds()
        self._clock = clock or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self._clock()

    # -- reading --------------------------------------------------------------------------------------------

    def counts(self) -> dict[Queue, int]:
        with store.session_scope(self._engine, readonly=True) as s:
            return life.queue_counts(s)

    def queue(self, queue: Queue | str) -> list[QueueItem]:
        with store.session_scope(self._engine) as s:
            return life.queue_items(s, Queue(queue), now=self.now())

    def item(self, delivery_id: int) -> QueueItem:
        with store.session_scope(self._engine) as s:
            return life.queue_item(s, delivery_id, now=self.now())

    def find(self, code: str) -> list[QueueItem]:
        """Items for a scanned shelf label or tracking number (the hand-over's search)."""
        with store.session_scope(self._engine) as s:
            return life.find_item(s, code, now=self.now())

    def history(self, delivery_id: int) -> list[OutcomeRow]:
        with store.session_scope(self._engine, readonly=True) as s:
            return life.outcome_rows(s, delivery_id)

    def signature(self, delivery_id: int) -> bytes | None:
        with store.session_scope(self._engine, readonly=True) as s:
            files = life.delivery_files(s, delivery_id, SIGNATURE_SLOT)
        return files[-1].data if files else None

    def label(self, delivery_id: int) -> ShelfLabel:
        item = self.item(delivery_id)
        d = item.delivery
        return ShelfLabel(
            code=item_code(d.delivery_id),
            recipient=d.recipient_name or d.name,
            company=d.company_name,
            shelf=d.shelf or d.location,
            received=d.created_at,
            kind=type_label(d.delivery_type),
        )

    @staticmethod
    def handover_warning(item: QueueItem) -> str:
        """What the desk must say before handing this item over ('' when nothing)."""
        if item.aml_status is not None and item.aml_status in FAILED_ID_CHECK:
            return ID_CHECK_BLOCKS
        if item.contract_cancelled:
            return CONTRACT_CANCELLED
        if item.aml_status is not None and item.aml_status in PENDING_ID_CHECK:
            return ID_CHECK_PENDING
        return ""

    @staticmethod
    def disposal_for(item: QueueItem) -> Outcome:
        return DISPOSAL.get(item.preference, Outcome.SHRED)

    def country_names(self) -> list[str]:
        with store.session_scope(self._engine, readonly=True) as s:
            return [c.name for c in store.list_countries(s)]

    def forward_form(self, delivery_id: int) -> ForwardForm:
        """The forwarding address pre-filled from the contract (editable)."""
        with store.session_scope(self._engine, readonly=True) as s:
            draft = life.forwarding_address(s, delivery_id)
        if draft is None:
            return ForwardForm()
        return ForwardForm(
            sent_to_name=draft.sent_to_name,
            address_lines=draft.address_lines,
            post_code=draft.post_code,
            city=draft.city,
            region=draft.region,
            country_name=draft.country_name,
            country_id=draft.country_id,
        )

    # -- outcomes -------------------------------------------------------------------------------------------

    def _record(self, delivery_id: int, kind: Outcome, **kwargs: object) -> OutcomeRow:
        try:
            with store.session_scope(self._engine) as s:
                row = life.record_outcome(s, delivery_id, kind, self.actor, at=self.now(), **kwargs)  # type: ignore[arg-type]
        except store.StoreError as exc:
            raise DeskInputError(exc.user_message) from exc
        log.info("Delivery %s: %s recorded by %s", delivery_id, kind.value, self.actor)
        return row

    def forward(self, delivery_id: int, form: ForwardForm) -> OutcomeRow:
        lines = tuple(line.strip() for line in form.address_lines if line.strip())
        if not form.sent_to_name.strip():
            raise ItemInputError("name", "Type the name the item is sent to.")
        if not lines:
            raise ItemInputError("address", "The address has no lines: type at least the street.")
        if not form.country_name.strip():
            raise ItemInputError("country", "Choose the country the item is sent to.")
        if not form.carrier.strip():
            raise ItemInputError("carrier", "Say how it is sent (the carrier, e.g. Royal Mail).")
        draft = ForwardDraft(
            sent_to_name=form.sent_to_name,
            address_lines=lines,
            country_name=form.country_name,
            post_code=form.post_code,
            city=form.city,
            region=form.region,
            country_id=form.country_id,
            carrier=form.carrier,
            tracking_number=form.tracking_number,
        )
        return self._record(delivery_id, Outcome.FORWARD, forward=draft, done_by=self.actor)

    def scan(
        self,
        delivery_id: int,
        path: Path | None = None,
        *,
        data: bytes | None = None,
        file_name: str = "",
        media_type: str = "",
    ) -> OutcomeRow:
        """Attach the scan (a PDF or an image, from a file or from capture) and record the item scanned."""
        if path is not None:
            path = Path(path)
            media_type = SCAN_TYPES.get(path.suffix.lower(), "")
            if not media_type:
                raise ItemInputError("scan", "Attach a PDF or an image (PNG, JPEG or TIFF).")
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ItemInputError("scan", f"The scan could not be read: {exc.strerror or exc}.") from exc
            file_name = path.name
        if not data:
            raise ItemInputError("scan", "The scan is empty: scan the item again.")
        media_type = media_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        file = FileDraft(SCAN_SLOT, file_name or "scan.pdf", media_type, data)
        return self._record(delivery_id, Outcome.SCAN, files=[file], done_by=self.actor)

    def dispose(self, delivery_id: int, kind: Outcome, done_by: str) -> OutcomeRow:
        if kind not in (Outcome.SHRED, Outcome.RECYCLE):
            raise ItemInputError("kind", "Choose shred or recycle.")
        return self._simple(delivery_id, kind, done_by)

    def return_to_sender(self, delivery_id: int, done_by: str) -> OutcomeRow:
        return self._simple(delivery_id, Outcome.RETURN, done_by)

    def deposit(self, delivery_id: int, done_by: str) -> OutcomeRow:
        return self._simple(delivery_id, Outcome.DEPOSIT, done_by)

    def keep_on_shelf(self, delivery_id: int) -> OutcomeRow:
        return self._simple(delivery_id, Outcome.STORE, self.actor)

    def _simple(self, delivery_id: int, kind: Outcome, done_by: str) -> OutcomeRow:
        if not done_by.strip():
            raise ItemInputError("done_by", "Say who did it.")
        return self._record(delivery_id, kind, done_by=done_by.strip())

    def hand_over(
        self,
        delivery_id: int,
        collected_by: str,
        for_whom: str,
        signature_png: bytes | None,
        *,
        id_checked: bool = False,
    ) -> OutcomeRow:
        """Hand an item over: who collected it, for whom, when, and a signature when the item requires one."""
        item = self.item(delivery_id)
        if not collected_by.strip():
            raise ItemInputError("collected_by", "Write the name of the person collecting.")
        if item.aml_status is not None and item.aml_status in FAILED_ID_CHECK:
            raise ItemInputError("id_check", ID_CHECK_BLOCKS)
        if item.aml_status is not None and item.aml_status in PENDING_ID_CHECK and not id_checked:
            raise ItemInputError("id_check", ID_CHECK_PENDING + " Tick “photo ID checked” to go on.")
        if item.requires_signature and not signature_png:
            raise ItemInputError("signature", "This item needs a signature: ask the person collecting to sign.")
        files = (
            [FileDraft(SIGNATURE_SLOT, f"signature-{item_code(delivery_id)}.png", "image/png", signature_png)]
            if signature_png
            else []
        )
        details = {"collected_by": collected_by.strip(), "for_whom": for_whom.strip(), "id_checked": id_checked}
        return self._record(delivery_id, Outcome.COLLECT, files=files, details=details, done_by=collected_by.strip())

    def reverse(self, outcome_id: int, reason: str) -> OutcomeRow:
        if not reason.strip():
            raise ItemInputError("reason", "Say why this is undone (for example “wrong item”).")
        try:
            with store.session_scope(self._engine) as s:
                return life.reverse_outcome(s, outcome_id, self.actor, reason.strip())
        except store.StoreError as exc:
            raise DeskInputError(exc.user_message) from exc

    # -- conflicts and the forwarding log ---------------------------------------------------------------------

    def conflicts(self) -> list[ConflictRow]:
        with store.session_scope(self._engine, readonly=True) as s:
            return life.conflicts(s)

    def resolve(self, conflict_id: int, keep_desk: bool) -> None:
        with store.session_scope(self._engine) as s:
            life.resolve_conflict(s, conflict_id, life.KEEP_DESK if keep_desk else life.ACCEPT_NEXUDUS, self.actor)

    def forwarding_log(self, contract_id: int | None = None) -> list[ForwardingRow]:
        with store.session_scope(self._engine, readonly=True) as s:
            return life.forwarding_log(s, contract_id=contract_id)

    @staticmethod
    def export_forwarding_log(rows: Sequence[ForwardingRow], path: Path) -> int:
        header = (
            "Sent",
            "Item",
            "Recipient",
            "Company",
            "Sent to",
            "Address",
            "Post code",
            "City",
            "Region",
            "Country",
            "Carrier",
            "Tracking number",
            "Sent by",
            "Undone",
            "Local id",
        )
        with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for r in rows:
                writer.writerow(
                    [
                        local_time(r.sent_at),
                        r.item,
                        r.recipient,
                        r.company,
                        r.sent_to_name,
                        "\n".join(r.address_lines),
                        r.post_code,
                        r.city,
                        r.region,
                        r.country_name,
                        r.carrier,
                        r.tracking_number,
                        r.sent_by,
                        "yes" if r.reversed else "",
                        str(r.delivery_id),
                    ]
                )
        return len(rows)

    # -- reminders and the daily summary -----------------------------------------------------------------

    def on_the_shelves(self) -> list[AgedItem]:
        """Items kept for collection, oldest first, each with its reminder level."""
        items = sorted(self.queue(Queue.SHELF), key=lambda i: i.age, reverse=True)
        return [AgedItem(i, self.thresholds.level(i.age)) for i in items]

    def daily_summary(self) -> DailySummary:
        now = self.now()
        counts = self.counts()
        waiting: list[QueueItem] = []
        for queue in WORK_QUEUES:
            waiting.extend(self.queue(queue))
        bands = age_bands(self.thresholds)
        by_age = {label: 0 for label, _, _ in bands}
        for item in waiting:
            days = item.age.total_seconds() / 86400
            for label, low, high in bands:
                if days >= low and (high is None or days < high):
                    by_age[label] += 1
        over: dict[str, list[AgedItem]] = {LEVEL_REMIND: [], LEVEL_ESCALATE: [], LEVEL_RETURN: []}
        for aged in self.on_the_shelves():
            if aged.level != LEVEL_NONE:
                over[aged.level].append(aged)
        return DailySummary(at=now, counts=counts, by_age=by_age, over=over, conflicts=len(self.conflicts()))

    def export_summary_csv(self, summary: DailySummary, path: Path) -> None:
        with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["Daily summary", local_time(summary.at)])
            writer.writerow([])
            writer.writerow(["Queue", "Items"])
            for queue in WORK_QUEUES:
                writer.writerow([QUEUE_LABELS[queue], summary.counts.get(queue, 0)])
            writer.writerow([])
            writer.writerow(["Waiting for", "Items"])
            for label, n in summary.by_age.items():
                writer.writerow([label, n])
            writer.writerow([])
            writer.writerow(["Over threshold", "Item", "Recipient", "Company", "Shelf", "Received", "Days"])
            for level, items in summary.over.items():
                for aged in items:
                    d = aged.item.delivery
                    writer.writerow(
                        [
                            level,
                            item_code(d.delivery_id),
                            d.recipient_name,
                            d.company_name,
                            d.shelf or d.location,
                            local_time(d.created_at),
                            aged.item.age.days,
                        ]
                    )
