"""One vocabulary (issue 11): every screen names kinds, delivery types, handling preferences and ID checks alike."""

from __future__ import annotations

from datetime import date

from app.desk import deliveries, directory, intake, register
from app.desk.intake import CandidateView, IntakeDraft, confirmation_text, intake_stop_reasons
from app.desk.vocabulary import isolate, plural
from app.nexudus.enums import AmlCheckStatus, ContractContactType, DeliveryType, HandlingPreference


def test_the_same_thing_has_the_same_name_on_every_screen() -> None:
    for dtype, word in intake.DELIVERY_TYPE_LABELS.items():
        assert deliveries.type_label(dtype) == word  # was "Advertising mail" at intake, "Publicity" in the lists
    assert deliveries.type_label(DeliveryType.PUBLICITY) == "Advertising mail"
    for kind, word in register.KIND_CHOICES:
        assert directory.kind_label(kind) == word
    assert intake.KIND_LABELS["trading_name"] == directory.kind_label(ContractContactType.COMPANY_ALIAS)
    # the handling wish at intake is the directory's wording (was "Open, scan, forward" vs "Open, scan and forward")
    assert directory.handling_label(HandlingPreference.OPEN_SCAN_FORWARD) == "Open, scan and forward"
    # the ID check: the directory's cell and the intake's cell say the same
    assert directory.aml_label(AmlCheckStatus.PENDING) == "Pending"
    assert directory.aml_label(AmlCheckStatus.ERROR) == "Failed"


def _cand(**kw: object) -> CandidateView:
    base: dict[str, object] = dict(
        rank=0,
        contract_id=1,
        contact_id=2,
        kind="director",
        name="Jane Doe",
        company="Acme Ltd",
        confidence=0.99,
        why=("surname Doe exact",),
    )
    base.update(kw)
    return CandidateView(**base)  # type: ignore[arg-type]


def test_reasons_to_stop_before_recording_are_said_in_words() -> None:
    assert intake_stop_reasons(_cand(aml_status=int(AmlCheckStatus.CLEAR))) == []
    assert intake_stop_reasons(_cand(aml_status=int(AmlCheckStatus.NOT_STARTED))) == []
    reasons = intake_stop_reasons(
        _cand(
            cancelled=True,
            cancelled_on=date(2025, 3, 1),
            aml_status=int(AmlCheckStatus.PENDING),
            handling_pref=int(HandlingPreference.RETURN_TO_SENDER),
        ),
        already_scanned="1Z999AA10123456784",
    )
    assert reasons == [
        "barcode 1Z999AA10123456784 was already scanned today",
        "the contract was cancelled on 1 Mar 2025",
        "ID check still pending: the customer's identity is not confirmed yet",
        "the customer asks for this type of item to be returned to sender",
    ]
    assert "ID check failed" in intake_stop_reasons(_cand(aml_status=int(AmlCheckStatus.ERROR)))[0]


def test_right_to_left_names_keep_their_order_in_a_sentence() -> None:
    arabic = "ليلى حداد"
    text = confirmation_text(
        IntakeDraft(candidate=_cand(name=arabic, company="Acme Ltd"), label_text=arabic, shelf="B2")
    )
    assert text == f"Parcel for \u2068{arabic}\u2069 (Acme Ltd) — shelf B2. Waiting to send"
    assert isolate("Jane Doe") == "Jane Doe"  # left-to-right text is left as it is


def test_plurals() -> None:
    assert plural(1, "delivery") == "1 delivery"
    assert plural(3, "delivery") == "3 deliveries"
    assert plural(0, "item") == "0 items"
    assert plural(2, "day") == "2 days"
