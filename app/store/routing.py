"""The rules of an item's life after intake, as plain functions (no SQL): which work queue an item goes to from
its contract's handling preference, which Nexudus flag each outcome sets (and how a disagreement over them is
worded), and where an item goes next.

Handling preferences (CoworkerContract.DeliveryHandlingPreference{Mail,Parcels,Checks,Publicity}) -> queue:
  store for collection, none, unknown      -> shelf   (INFERRED: no preference means "keep it for collection")
  forward                                  -> forward
  open-scan-forward/recycle/shred/store    -> scan, then forward / dispose / dispose / shelf
  recycle, shred                           -> dispose (shred or recycle)
  return to sender                         -> return
  deposit the cheque                       -> deposit
A cancelled contract, or a recipient whose ID check found a (possible) match, sends the item to "decision".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum

from app.nexudus.enums import AmlCheckStatus, DeliveryType, HandlingPreference


class Queue(StrEnum):
    SHELF = "shelf"
    FORWARD = "forward"
    SCAN = "scan"
    RETURN = "return"
    DISPOSE = "dispose"  # shred or recycle
    DEPOSIT = "deposit"
    DECISION = "decision"
    DONE = "done"


class Outcome(StrEnum):
    STORE = "store"
    FORWARD = "forward"
    SCAN = "scan"
    RETURN = "return"
    SHRED = "shred"
    RECYCLE = "recycle"
    DEPOSIT = "deposit"
    COLLECT = "collect"
    REVERSE = "reverse"


# The CoworkerDelivery flag each outcome sets (its time is `{flag}On`).
FLAG: dict[Outcome, str] = {
    Outcome.STORE: "StoredForCollection",
    Outcome.FORWARD: "Forwarded",
    Outcome.SCAN: "Scanned",
    Outcome.RETURN: "ReturnedToSender",
    Outcome.SHRED: "Shredded",
    Outcome.RECYCLE: "Recycled",
    Outcome.DEPOSIT: "CheckDeposited",
    Outcome.COLLECT: "Collected",
}
OUTCOME_OF_FLAG: dict[str, Outcome] = {flag: outcome for outcome, flag in FLAG.items()}
# What a set flag says happened to the item, in the words of a conflict message.
FLAG_PAST: dict[str, str] = {
    "Collected": "collected",
    "Forwarded": "forwarded",
    "ReturnedToSender": "returned to sender",
    "Shredded": "shredded",
    "Recycled": "recycled",
    "CheckDeposited": "deposited",
    "Scanned": "scanned",
    "StoredForCollection": "kept for collection",
}
# Outcomes after which the item has left the building: two different ones on one item are a conflict.
FINAL: frozenset[Outcome] = frozenset(
    {Outcome.FORWARD, Outcome.RETURN, Outcome.SHRED, Outcome.RECYCLE, Outcome.DEPOSIT, Outcome.COLLECT}
)
FINAL_FLAGS: frozenset[str] = frozenset(FLAG[o] for o in FINAL)
# What each queue's work is: the outcomes that take an item out of it.
QUEUE_OUTCOMES: dict[Queue, tuple[Outcome, ...]] = {
    Queue.SHELF: (Outcome.COLLECT,),
    Queue.FORWARD: (Outcome.FORWARD,),
    Queue.SCAN: (Outcome.SCAN,),
    Queue.RETURN: (Outcome.RETURN,),
    Queue.DISPOSE: (Outcome.SHRED, Outcome.RECYCLE),
    Queue.DEPOSIT: (Outcome.DEPOSIT,),
    Queue.DECISION: (Outcome.STORE, Outcome.FORWARD, Outcome.RETURN, Outcome.SHRED, Outcome.RECYCLE),
    Queue.DONE: (),
}
FAILED_ID_CHECK: frozenset[int] = frozenset({AmlCheckStatus.POTENTIAL_MATCH, AmlCheckStatus.CONFIRMED_MATCH})
PENDING_ID_CHECK: frozenset[int] = frozenset({AmlCheckStatus.NOT_STARTED, AmlCheckStatus.PENDING, AmlCheckStatus.ERROR})

_HP = HandlingPreference
_FIRST: dict[int, Queue] = {
    _HP.FORWARD: Queue.FORWARD,
    _HP.OPEN_SCAN_FORWARD: Queue.SCAN,
    _HP.OPEN_SCAN_RECYCLE: Queue.SCAN,
    _HP.OPEN_SCAN_SHRED: Queue.SCAN,
    _HP.OPEN_SCAN_STORE_FOR_COLLECTION: Queue.SCAN,
    _HP.RECYCLE: Queue.DISPOSE,
    _HP.SHRED: Queue.DISPOSE,
    _HP.RETURN_TO_SENDER: Queue.RETURN,
    _HP.DEPOSIT_CHECK: Queue.DEPOSIT,
}
_AFTER_SCAN: dict[int, Queue] = {
    _HP.OPEN_SCAN_FORWARD: Queue.FORWARD,
    _HP.OPEN_SCAN_RECYCLE: Queue.DISPOSE,
    _HP.OPEN_SCAN_SHRED: Queue.DISPOSE,
}
# Which disposal an item in "dispose" is due for (the desk pre-selects it).
DISPOSAL: dict[int, Outcome] = {
    _HP.RECYCLE: Outcome.RECYCLE,
    _HP.OPEN_SCAN_RECYCLE: Outcome.RECYCLE,
    _HP.SHRED: Outcome.SHRED,
    _HP.OPEN_SCAN_SHRED: Outcome.SHRED,
}

DECISION_CANCELLED = "contract cancelled"
DECISION_ID_CHECK = "ID check failed"


def preference_column(delivery_type: int) -> str:
    """The contract column holding the preference for this kind of item (INFERRED: "other" items as parcels)."""
    return {
        DeliveryType.MAIL: "handling_mail",
        DeliveryType.CHECK: "handling_checks",
        DeliveryType.PUBLICITY: "handling_publicity",
    }.get(delivery_type, "handling_parcels")  # type: ignore[call-overload]


def first_queue(preference: int) -> Queue:
    return _FIRST.get(preference, Queue.SHELF)


def route(preference: int, *, cancelled: bool, aml_status: int | None) -> tuple[Queue, str]:
    """The queue a new item goes to, and why it needs a decision ('' otherwise)."""
    reasons = []
    if cancelled:
        reasons.append(DECISION_CANCELLED)
    if aml_status is not None and aml_status in FAILED_ID_CHECK:
        reasons.append(DECISION_ID_CHECK)
    if reasons:
        return Queue.DECISION, ", ".join(reasons)
    return first_queue(preference), ""


def queue_after(preference: int, active: Iterable[Outcome], reason: str = "") -> Queue:
    """Where an item is, given the outcomes in force (recorded and not reversed)."""
    done = set(active)
    if done & FINAL:
        return Queue.DONE
    if Outcome.STORE in done:
        return Queue.SHELF
    if Outcome.SCAN in done:
        return _AFTER_SCAN.get(preference, Queue.SHELF)
    if reason:
        return Queue.DECISION
    return first_queue(preference)


def conflict_text(server_flag: str, when: datetime | None, desk_flag: str) -> str:
    """What staff read when Nexudus shows an item done one way (`server_flag`, at `when`, aware or naive UTC) and
    the desk recorded it another (`desk_flag`)."""
    shown = when.replace(tzinfo=when.tzinfo or UTC).astimezone().strftime("%d %b %Y %H:%M") if when else ""
    return (
        f"Nexudus says this item was {FLAG_PAST.get(server_flag, server_flag)} on {shown or 'an unknown date'}, "
        f"but the desk recorded it as {FLAG_PAST.get(desk_flag, desk_flag)}. Decide which is right in “Needs a "
        "decision”."
    )
