"""The desk's words for domain things, in one place: contact kinds, delivery types, handling preferences, ID checks.

Every screen (intake, register, directory, deliveries, exports) takes its wording from here, so the same thing has
the same name everywhere. Also small wording helpers: plurals and right-to-left-safe names in running text.
"""

from __future__ import annotations

from app.matching import ContactKind
from app.nexudus.enums import AmlCheckStatus, ContractContactType, DeliveryType, HandlingPreference
from app.store.routing import Outcome, Queue

# -- contact kinds ---------------------------------------------------------------------------------------------

CONTACT_TYPE_WORDS: dict[ContractContactType, str] = {
    ContractContactType.NONE: "Contact",
    ContractContactType.DIRECTOR: "Director",
    ContractContactType.COMPANY_ALIAS: "Trading name",
    ContractContactType.NOMINATED_RECIPIENT: "Nominated recipient",
}

# the kinds staff can register (the order of the Type list in Register)
REGISTRABLE_TYPES: tuple[ContractContactType, ...] = (
    ContractContactType.DIRECTOR,
    ContractContactType.COMPANY_ALIAS,
    ContractContactType.NOMINATED_RECIPIENT,
)

MATCH_KIND_WORDS: dict[str, str] = {
    ContactKind.DIRECTOR: CONTACT_TYPE_WORDS[ContractContactType.DIRECTOR],
    ContactKind.TRADING_NAME: CONTACT_TYPE_WORDS[ContractContactType.COMPANY_ALIAS],
    ContactKind.NOMINATED_RECIPIENT: CONTACT_TYPE_WORDS[ContractContactType.NOMINATED_RECIPIENT],
    ContactKind.COMPANY: "Company",
    ContactKind.HOLDER: "Account holder",
}


def contact_type_word(kind: ContractContactType | int) -> str:
    try:
        return CONTACT_TYPE_WORDS[ContractContactType(kind)]
    except ValueError:
        return "Contact"


def match_kind_word(kind: str) -> str:
    return MATCH_KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def is_person_type(kind: ContractContactType | int) -> bool:
    """A trading name is a name, not a person: no date of birth, e-mail or phone, no ID check."""
    return int(kind) != int(ContractContactType.COMPANY_ALIAS)


# -- delivery types --------------------------------------------------------------------------------------------

DELIVERY_TYPE_WORDS: dict[DeliveryType, str] = {
    DeliveryType.NONE: "Item",
    DeliveryType.PARCEL: "Parcel",
    DeliveryType.MAIL: "Letter",
    DeliveryType.CHECK: "Cheque",
    DeliveryType.PUBLICITY: "Advertising mail",
    DeliveryType.OTHER: "Other",
}

# the choices at intake, in the order of the Type list
INTAKE_TYPES: tuple[DeliveryType, ...] = (
    DeliveryType.PARCEL,
    DeliveryType.MAIL,
    DeliveryType.CHECK,
    DeliveryType.PUBLICITY,
    DeliveryType.OTHER,
)


def delivery_type_word(delivery_type: DeliveryType | int) -> str:
    try:
        return DELIVERY_TYPE_WORDS[DeliveryType(delivery_type)]
    except ValueError:
        return "Item"


# -- handling preferences --------------------------------------------------------------------------------------

HANDLING_WORDS: dict[HandlingPreference, str] = {
    HandlingPreference.NONE: "No preference",
    HandlingPreference.STORE_FOR_COLLECTION: "Keep for collection",
    HandlingPreference.FORWARD: "Forward",
    HandlingPreference.OPEN_SCAN_FORWARD: "Open, scan and forward",
    HandlingPreference.OPEN_SCAN_RECYCLE: "Open, scan and recycle",
    HandlingPreference.OPEN_SCAN_SHRED: "Open, scan and shred",
    HandlingPreference.OPEN_SCAN_STORE_FOR_COLLECTION: "Open, scan and keep for collection",
    HandlingPreference.RECYCLE: "Recycle",
    HandlingPreference.RETURN_TO_SENDER: "Return to sender",
    HandlingPreference.SHRED: "Shred",
    HandlingPreference.DEPOSIT_CHECK: "Deposit the cheque",
    HandlingPreference.UNKNOWN: "Not known",
}


def handling_word(pref: HandlingPreference | int) -> str:
    try:
        return HANDLING_WORDS[HandlingPreference(pref)]
    except ValueError:
        return HANDLING_WORDS[HandlingPreference.UNKNOWN]


def handling_wish(pref: HandlingPreference | int) -> str:
    """The customer's wish, "" when they have none (a table cell shows "—")."""
    try:
        if HandlingPreference(pref) in (HandlingPreference.NONE, HandlingPreference.UNKNOWN):
            return ""
    except ValueError:
        return ""
    return handling_word(pref)


# -- ID (anti-money-laundering) checks -------------------------------------------------------------------------

ID_CHECK_WORDS: dict[AmlCheckStatus, str] = {  # short: a table cell
    AmlCheckStatus.NOT_STARTED: "Not done",
    AmlCheckStatus.PENDING: "Pending",
    AmlCheckStatus.CLEAR: "Clear",
    AmlCheckStatus.POTENTIAL_MATCH: "Possible match",
    AmlCheckStatus.CONFIRMED_MATCH: "Confirmed match",
    AmlCheckStatus.ERROR: "Failed",
    AmlCheckStatus.MANUALLY_CLEARED: "Cleared by staff",
}

ID_CHECK_ADVICE: dict[AmlCheckStatus, str] = {  # a sentence: warnings and details
    AmlCheckStatus.NOT_STARTED: "ID check not done yet",
    AmlCheckStatus.PENDING: "ID check still pending: the customer's identity is not confirmed yet",
    AmlCheckStatus.CLEAR: "",
    AmlCheckStatus.POTENTIAL_MATCH: "ID check found a possible match: ask a manager before handing over",
    AmlCheckStatus.CONFIRMED_MATCH: "ID check found a confirmed match: do not hand over, ask a manager",
    AmlCheckStatus.ERROR: "ID check failed: the customer's identity is not confirmed",
    AmlCheckStatus.MANUALLY_CLEARED: "",
}

ID_CHECK_OK: frozenset[AmlCheckStatus] = frozenset({AmlCheckStatus.CLEAR, AmlCheckStatus.MANUALLY_CLEARED})
# states that stop the one-key path at intake and at hand-over
ID_CHECK_STOPS: frozenset[AmlCheckStatus] = frozenset(
    {AmlCheckStatus.PENDING, AmlCheckStatus.ERROR, AmlCheckStatus.POTENTIAL_MATCH, AmlCheckStatus.CONFIRMED_MATCH}
)
# states a manager must see (shown in the strongest tone)
ID_CHECK_SERIOUS: frozenset[AmlCheckStatus] = frozenset(
    {AmlCheckStatus.POTENTIAL_MATCH, AmlCheckStatus.CONFIRMED_MATCH}
)


def _aml(status: AmlCheckStatus | int | None) -> AmlCheckStatus | None:
    if status is None:
        return None
    try:
        return AmlCheckStatus(status)
    except ValueError:
        return None


def id_check_word(status: AmlCheckStatus | int | None) -> str:
    s = _aml(status)
    return ID_CHECK_WORDS[s] if s is not None else "Not known"


def id_check_advice(status: AmlCheckStatus | int | None) -> str:
    """ "" when the check is clear (or unknown); otherwise what the desk should know, as a sentence fragment."""
    s = _aml(status)
    return ID_CHECK_ADVICE[s] if s is not None else ""


def id_check_stops(status: AmlCheckStatus | int | None) -> bool:
    s = _aml(status)
    return s is not None and s in ID_CHECK_STOPS


def id_check_serious(status: AmlCheckStatus | int | None) -> bool:
    s = _aml(status)
    return s is not None and s in ID_CHECK_SERIOUS


# -- wording helpers -------------------------------------------------------------------------------------------

FSI = "\u2068"  # first strong isolate: a name in its own direction inside a sentence
PDI = "\u2069"  # pop directional isolate


def isolate(text: str) -> str:
    """A name (maybe Arabic or Hebrew) inside an English sentence, so neither reorders the other."""
    if not text or all(ord(ch) < 0x0590 for ch in text):
        return text
    return f"{FSI}{text}{PDI}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 delivery", "3 deliveries", "0 items"."""
    if count == 1:
        return f"1 {singular}"
    if plural_form is None:
        if singular.endswith("y") and singular[-2:-1] not in "aeiou":
            plural_form = singular[:-1] + "ies"
        elif singular.endswith(("s", "x", "ch", "sh")):
            plural_form = singular + "es"
        else:
            plural_form = singular + "s"
    return f"{count} {plural_form}"


# ---- an item's life after intake: work queues, outcomes, reminder levels, hand-over warnings ----------------

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
