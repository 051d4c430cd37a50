"""The desk's words for an item's life after intake: work queues, outcomes, reminder levels, conflicts.

ONE place for these words until app/desk/vocabulary.py (being written separately) lands; then they move there.
Handling preferences, delivery types and ID-check states already have words in app.desk.intake
(HANDLING_LABELS, DELIVERY_TYPE_LABELS, AML_WARNINGS) and app.desk.deliveries (TYPE_LABELS): reused, not copied.
"""

from __future__ import annotations

from app.store.routing import Outcome, Queue

QUEUE_LABELS: dict[Queue, str] = {
    Queue.SHELF: "On the shelves",
    Queue.FORWARD: "To forward",
    Queue.SCAN: "To scan",
    Queue.RETURN: "To return",
    Queue.DISPOSE: "To shred or recycle",
    Queue.DEPOSIT: "Cheques to deposit",
    Queue.DECISION: "Needs a decision",
    Queue.DONE: "Done",
}

QUEUE_HINTS: dict[Queue, str] = {
    Queue.SHELF: "Kept for collection, oldest first. Scan a shelf label or tracking number to hand an item over.",
    Queue.FORWARD: "Customers who asked for their post to be sent on. Enter the carrier and tracking number.",
    Queue.SCAN: "Open, scan and attach the scan. The item then moves on as the customer asked.",
    Queue.RETURN: "Customers who asked for items to go back to the sender.",
    Queue.DISPOSE: "Customers who asked for items to be shredded or recycled.",
    Queue.DEPOSIT: "Cheques the customer asked us to pay in.",
    Queue.DECISION: "Cancelled contracts, failed ID checks and disagreements with Nexudus. A manager decides.",
    Queue.DONE: "",
}

OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.STORE: "Keep for collection",
    Outcome.FORWARD: "Forward",
    Outcome.SCAN: "Scan",
    Outcome.RETURN: "Return to sender",
    Outcome.SHRED: "Shred",
    Outcome.RECYCLE: "Recycle",
    Outcome.DEPOSIT: "Deposit the cheque",
    Outcome.COLLECT: "Hand over",
    Outcome.REVERSE: "Undo",
}

OUTCOME_PAST: dict[Outcome, str] = {
    Outcome.STORE: "Kept for collection",
    Outcome.FORWARD: "Forwarded",
    Outcome.SCAN: "Scanned",
    Outcome.RETURN: "Returned to sender",
    Outcome.SHRED: "Shredded",
    Outcome.RECYCLE: "Recycled",
    Outcome.DEPOSIT: "Cheque deposited",
    Outcome.COLLECT: "Handed over",
    Outcome.REVERSE: "Undone",
}

SOURCE_LABELS = {"desk": "at the desk", "nexudus": "in Nexudus"}

# Reminder levels for items on the shelves (thresholds in the settings)
LEVEL_NONE, LEVEL_REMIND, LEVEL_ESCALATE, LEVEL_RETURN = "", "remind", "escalate", "return"
LEVEL_LABELS: dict[str, str] = {
    LEVEL_NONE: "",
    LEVEL_REMIND: "Remind the customer",
    LEVEL_ESCALATE: "Call the customer",
    LEVEL_RETURN: "Return to sender now",
}

ID_CHECK_BLOCKS = "ID check found a match: do not hand over, ask a manager."
ID_CHECK_PENDING = "ID check not complete: check photo ID before handing over."
CONTRACT_CANCELLED = "The contract is cancelled: ask a manager before handing over."
