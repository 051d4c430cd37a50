"""The generated directory: deterministic, realistic, in the fixture format, and loadable by the sandbox."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from app.nexudus.enums import ContractContactType
from app.nexudus.validation_rules import validate_record
from app.sandbox.generate import generate_directory
from app.sandbox.shapes import FIXTURE_KEYS
from app.sandbox.state import SandboxState


@pytest.fixture(scope="module")
def directory() -> dict[str, Any]:
    return generate_directory(5, 600)


def test_same_seed_same_directory_and_another_seed_differs() -> None:
    assert generate_directory(3, 60) == generate_directory(3, 60)
    assert generate_directory(3, 60)["ContractContacts"] != generate_directory(4, 60)["ContractContacts"]


def test_fixture_keys_sizes_and_ids(directory: dict[str, Any]) -> None:
    assert set(directory) == set(FIXTURE_KEYS.values())
    assert len(directory["CoworkerContracts"]) == 600
    assert len(directory["Countries"]) == 249
    assert 2 <= len(directory["Businesses"]) <= 3
    per_contract = len(directory["ContractContacts"]) / 600
    assert 4.0 <= per_contract <= 5.0
    for key in FIXTURE_KEYS.values():
        ids = [r["Id"] for r in directory[key]]
        assert len(ids) == len(set(ids)), key
    assert min(c["Id"] for c in directory["ContractContacts"]) > 2**31  # 64-bit ids


def test_links_resolve_and_records_pass_the_sandbox_rules(directory: dict[str, Any]) -> None:
    ids = {key: {r["Id"] for r in rows} for key, rows in directory.items()}
    by_entity = {"CoworkerContract": "CoworkerContracts", "Coworker": "Coworkers", "Country": "Countries",
                 "Business": "Businesses", "ContractContact": "ContractContacts"}  # fmt: skip

    def exists(entity: str, record_id: int) -> bool:
        return record_id in ids[by_entity[entity]]

    for contract in directory["CoworkerContracts"]:
        assert contract["CoworkerId"] in ids["Coworkers"] and contract["IssuedById"] in ids["Businesses"]
    for contact in directory["ContractContacts"]:
        assert validate_record("ContractContact", contact, exists=exists) == [], contact
    for delivery in directory["CoworkerDeliveries"]:
        assert validate_record("CoworkerDelivery", delivery, exists=exists) == [], delivery


def test_the_directory_looks_like_a_virtual_office(directory: dict[str, Any]) -> None:
    contacts = directory["ContractContacts"]
    kinds = Counter(c["ContractContactType"] for c in contacts)
    for kind in (
        ContractContactType.DIRECTOR,
        ContractContactType.COMPANY_ALIAS,
        ContractContactType.NOMINATED_RECIPIENT,
    ):
        assert kinds[kind] > 0.1 * len(contacts)
    names = " ".join(c["FullName"] for c in contacts)
    companies = [c["CompanyName"] for c in directory["Coworkers"] if c.get("CompanyName")]
    for form in ("Ltd", "Limited", "LLP", "GmbH", "S.L.", "SARL", "AB", "Inc", "Sp. z o.o.", "Pvt Ltd"):
        assert any(re.search(rf"(^|\s){re.escape(form)}($|\s)", c) for c in companies), form
    for letters in ("ü", "ö", "ł", "ñ", "ş", "ø", "é", "í"):
        assert letters in names.lower(), letters
    assert re.search(r"[\u4e00-\u9fff]", names)  # Chinese characters
    assert re.search(r"[\u0370-\u03ff]|[\u0400-\u04ff]|[\u0600-\u06ff]", names)  # Greek, Cyrillic or Arabic
    assert any(c.get("CoworkerId") for c in contacts) and not all(c.get("CoworkerId") for c in contacts)
    contracts = directory["CoworkerContracts"]
    cancelled = [c for c in contracts if c["Cancelled"]]
    assert 0 < len(cancelled) < 0.2 * len(contracts) and all(c.get("CancellationDate") for c in cancelled)
    assert any(c.get("PoBoxNumber") for c in contracts) and any(c.get("DeliveryInstructions") for c in contracts)
    assert len({c["DeliveryHandlingPreferenceMail"] for c in contracts}) >= 5
    assert len({c.get("AmlCheckStatus", 0) for c in contacts}) >= 5
    years = {c["UpdatedOn"][:4] for c in contacts}
    assert len(years) >= 3
    assert len({c["IssuedById"] for c in contracts}) == len(directory["Businesses"])


def test_the_sandbox_serves_it_with_echo_fields(directory: dict[str, Any]) -> None:
    state = SandboxState(directory)
    assert state.count("ContractContacts") == len(directory["ContractContacts"])
    some = state.records("ContractContact")[:50]
    assert all(c["CoworkerFullName"] and c["CoworkerContractTariffName"] for c in some)
