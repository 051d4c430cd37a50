"""The match index: learned aliases, incremental updates, records mapping, normalization helpers."""

from __future__ import annotations

from app.matching import AliasEntry, ContactEntry, ContactKind, ContractEntry, Decision, MatchIndex
from app.matching.label import parse_label
from app.matching.normalize import name_tokens

D = ContactKind.DIRECTOR


def small_index() -> MatchIndex:
    return MatchIndex.build(
        [ContractEntry(1, "Acme Ltd", "Acme Ltd", "Ann Lee"), ContractEntry(2, "Zenith GmbH", "Zenith GmbH", "Bo Yu")],
        [ContactEntry(11, 1, D, "Ann Lee"), ContactEntry(21, 2, D, "Bo Yu")],
    )


def test_learned_alias_is_used_from_then_on() -> None:
    index = small_index()
    assert index.match("Grumpy Cat Enterprises").decision == Decision.NONE
    index.add_alias(AliasEntry("Grumpy Cat Enterprises", 2, 21))
    result = index.match("grumpy cat enterprises")
    best = result.candidates[0]
    assert (best.contract_id, best.contact_id) == (2, 21)
    assert result.decision == Decision.AUTO
    assert any("learned" in w for w in best.why)


def test_alias_given_at_build() -> None:
    index = MatchIndex.build(
        [ContractEntry(1, "Acme Ltd", "Acme Ltd", "Ann Lee")], [], [AliasEntry("The Widget Shop", 1, None)]
    )
    best = index.match("Widget Shop").candidates[0]
    assert (best.contract_id, best.contact_id) == (1, None)


def test_upsert_and_remove_contacts() -> None:
    index = small_index()
    assert index.match("Xavier Quintero").decision == Decision.NONE
    index.upsert_contacts([ContactEntry(12, 1, ContactKind.NOMINATED_RECIPIENT, "Xavier Quintero")])
    assert index.match("Xavier Quintero").candidates[0].contact_id == 12
    index.upsert_contacts([ContactEntry(12, 1, ContactKind.NOMINATED_RECIPIENT, "Xavier Quinteros")])
    assert index.match("Xavier Quinteros").candidates[0].contact_id == 12
    index.remove_contacts([12])
    result = index.match("Xavier Quinteros")
    assert all(c.contact_id != 12 for c in result.candidates)


def test_the_people_on_a_contract_are_counted_as_the_directory_is_now() -> None:
    """The count ranks contracts a label fits alike (fewer people first); it is memoised, and a write must show."""
    index = small_index()
    assert index.people_on(1) == 1
    index.upsert_contacts([ContactEntry(12, 1, ContactKind.NOMINATED_RECIPIENT, "Xavier Quintero")])
    assert index.people_on(1) == 2
    index.remove_contacts([11])
    assert index.people_on(1) == 1


def test_upsert_and_remove_contracts() -> None:
    index = small_index()
    index.upsert_contracts([ContractEntry(2, "Zenith Holdings", "Zenith Holdings", "Bo Yu", cancelled=True)])
    best = index.match("Zenith Holdings").candidates[0]
    assert best.contract_id == 2 and best.cancelled
    index.remove_contracts([2])
    assert all(c.contract_id != 2 for c in index.match("Zenith Holdings").candidates)
    assert all(c.contract_id != 2 for c in index.match("Bo Yu").candidates)


def test_contact_kind_from_api() -> None:
    assert ContactKind.from_api(1) is ContactKind.DIRECTOR
    assert ContactKind.from_api(2) is ContactKind.TRADING_NAME
    assert ContactKind.from_api(3) is ContactKind.NOMINATED_RECIPIENT
    assert ContactKind.from_api(0) is ContactKind.NOMINATED_RECIPIENT


def test_normalization() -> None:
    assert name_tokens("The Johansson Ågren AB P.L.C.") == ("johansson", "agren")
    assert name_tokens("Mr. van der Veen, Ali") == ("van", "der", "veen", "ali")
    assert name_tokens("Caoimhe Ó Clochartaigh") == name_tokens("Caoimhe O'Clochartaigh")
    assert name_tokens("Kowalczyk Sp. z o.o.") == ("kowalczyk",)
    assert name_tokens("Leanne Allen Jr.") == ("leanne", "allen")
    assert name_tokens("Straße") == ("strasse",)


def test_label_segments_drop_address_and_tracking() -> None:
    label = parse_label(
        "Ship to: Ann Lee\nAcme Ltd\n5 Baker Street\nLondon\nNW1 6XE\nTracking: 1Z999AA1012345678\nPO Box 42"
    )
    assert [s.tokens for s in label.segments] == [("ann", "lee"), ("acme",)]
    assert label.po_boxes == ["42"]
    ocr = parse_label("5ELINA VAN NIMWEGEN")  # a digit inside a name is a scanning error, not a house number
    assert ocr.segments[0].tokens[0] == "5elina"
