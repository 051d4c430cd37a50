"""The kinds of label that went to the wrong contract as `auto` once directories reached 100,000 contacts (issue
12), each on a small hand-built directory with the rivals that made it go wrong, and the reason a receptionist is
shown when such a label goes to review instead."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.matching import ContactEntry, ContactKind, ContractEntry, Decision, MatchIndex, MatchResult
from app.matching.candidates import _summed_evidence, combine, token_votes
from app.matching.label import parse_label
from app.matching.normalize import name_tokens

D = ContactKind.DIRECTOR
N = ContactKind.NOMINATED_RECIPIENT
T = ContactKind.TRADING_NAME


def _index(
    companies: dict[int, str], people: Sequence[tuple[int, int, str]] = (), trading: Sequence[tuple[int, int, str]] = ()
) -> MatchIndex:
    contracts = [ContractEntry(c, name, name, "") for c, name in companies.items()]
    contacts = [ContactEntry(i, c, D, n) for c, i, n in people] + [ContactEntry(i, c, T, n) for c, i, n in trading]
    return MatchIndex.build(contracts, contacts)


# Filler, so that rarity means something: many people and companies sharing the common words.
FILLER_COMPANIES = {
    100 + k: f"{w} {x} Ltd"
    for k, (w, x) in enumerate(
        (w, x)
        for w in ("Harbour", "Beacon", "Granite", "Willow", "Nova")
        for x in ("Labs", "Digital", "Media", "Works")
    )
}
FILLER_PEOPLE = [
    (100 + k, 1000 + k, f"{f} {s}")
    for k, (f, s) in enumerate(
        (f, s) for f in ("John", "Mary", "Peter", "Anna", "James") for s in ("Smith", "Jones", "Brown", "Taylor")
    )
]


def _auto_for(result: MatchResult, contract_id: int) -> bool:
    best = result.best
    return result.decision == Decision.AUTO and best is not None and best.contract_id == contract_id


def test_a_person_whose_surname_starts_a_company_is_not_decided_for_it() -> None:
    index = _index({1: "van de Biezenbos NV", **FILLER_COMPANIES}, FILLER_PEOPLE)
    result = index.match("Rik van de Biezenbos")
    assert not _auto_for(result, 1)
    assert result.decision != Decision.AUTO
    assert result.reason  # said in words at the desk


def test_a_person_label_never_decides_for_a_company_named_by_their_surname_only() -> None:
    index = _index({1: "Mac Caiside Inc", 2: "Kraus LLC", **FILLER_COMPANIES}, FILLER_PEOPLE)
    result = index.match("Diarmaid Mac Caiside")
    assert not _auto_for(result, 1)
    assert "company" in result.reason
    assert _auto_for(index.match("KRAUS LLC"), 2)  # the company's own name still decides


def test_surname_comma_initial_is_a_person_not_the_company_of_that_name() -> None:
    index = _index(
        {1: "Howell Inc", 2: "Atlas Works Ltd", **FILLER_COMPANIES}, [(2, 21, "James Howell"), *FILLER_PEOPLE]
    )
    result = index.match("Howell, J.")
    assert result.best is not None and result.best.contract_id == 2
    assert not _auto_for(result, 1)


def test_a_list_like_company_name_is_read_whole_before_its_commas() -> None:
    index = _index(
        {1: "Howell Inc", 2: "Howell, Walker and Price Ltd", 3: "Walker Media", **FILLER_COMPANIES}, FILLER_PEOPLE
    )
    result = index.match("HOWELL, WALKER AND PRICE LTD")
    assert _auto_for(result, 2), result.to_json()
    for text in ("Howell, Walker & Price", "howell walker and price"):
        best = index.match(text).best
        assert best is not None and best.contract_id == 2


def test_parry_jones_and_morgan() -> None:
    index = _index(
        {1: "Parry, Jones & Morgan", 2: "Jones Ltd", 3: "Parry Consulting", **FILLER_COMPANIES},
        [(4, 41, "Morgan Parry"), *FILLER_PEOPLE],
    )
    result = index.match("Parry, Jones & Morgan")
    assert _auto_for(result, 1), result.to_json()
    assert not any(_auto_for(index.match(t), c) for t, c in (("Parry, Jones & Morgan", 2), ("Parry, Jones", 4)))


def test_person_and_company_label_is_not_decided_for_another_company_sharing_one_word() -> None:
    index = _index(
        {1: "Harbour Ventures", 2: "Harbour Logistics", **FILLER_COMPANIES},
        [(1, 11, "Sofia Lindgren"), (2, 21, "Sofia Lind"), *FILLER_PEOPLE],
    )
    assert _auto_for(index.match("Sofia Lindgren, Harbour Ventures"), 1)
    for text in ("Sofia Lindgren, Harbour Shipping", "Peter Quill, Harbour Shipping", "Sofia Lindqvist, Harbour Ltd"):
        result = index.match(text)
        assert not _auto_for(result, 2), (text, result.to_json())


def test_a_nickname_whose_exact_name_is_a_company_is_not_decided_for_it() -> None:
    index = _index(
        {1: "Evans-Thomas Limited", 2: "Granite Partners", **FILLER_COMPANIES}, [(2, 21, "Tom Evans"), *FILLER_PEOPLE]
    )
    result = index.match("Thomas Evans")
    assert not _auto_for(result, 1)


def test_a_full_name_whose_short_form_is_another_persons_goes_to_review_with_the_reason() -> None:
    index = _index(
        {1: "Suministros del Norte S.L.", 2: "van Soest Analytics GmbH", **FILLER_COMPANIES},
        [(1, 11, "Elizabeth Scott"), (2, 21, "Beth Scott"), *FILLER_PEOPLE],
    )
    result = index.match("Elizabeth Scott")
    assert result.decision == Decision.REVIEW
    assert result.best is not None and result.best.contact_id == 11  # still first
    assert "Beth Scott" in result.reason and "van Soest Analytics GmbH" in result.reason
    assert result.to_json()["reason"] == result.reason
    # with the company on the label there is no doubt
    assert _auto_for(index.match("Elizabeth Scott, Suministros del Norte"), 1)


def test_a_stranger_sharing_half_a_double_surname_is_not_decided() -> None:
    index = _index({1: "Torstensson & Hansson AB", **FILLER_COMPANIES}, [(1, 11, "Ellie Dean-Brown"), *FILLER_PEOPLE])
    result = index.match("Ellie Brown")
    assert not _auto_for(result, 1)
    assert "double surname" in result.reason
    assert _auto_for(index.match("Ellie Dean-Brown"), 1)


def test_review_says_how_many_look_alike() -> None:
    index = _index(
        FILLER_COMPANIES,
        [(100, 1, "John Kowalski"), (101, 2, "Jane Kowalski"), (102, 3, "Jack Kowalski"), *FILLER_PEOPLE],
    )
    result = index.match("j. kowalski")
    assert result.decision == Decision.REVIEW
    assert result.reason == "3 people on different contracts match J. Kowalski"


def test_the_command_line_report_says_why_to_check() -> None:
    from app.desk.match_command import human_report

    index = _index(FILLER_COMPANIES, [(100, 1, "John Kowalski"), (101, 2, "Jane Kowalski"), *FILLER_PEOPLE])
    report = human_report("J Kowalski", index.match("J Kowalski"))
    assert "Check: 2 people on different contracts match J Kowalski" in report.splitlines()


def test_a_name_also_written_shorter_on_another_contract_goes_to_review() -> None:
    index = _index(
        {1: "Ana Castano SL", 2: "Vazquez Gonzalez Consultores", **FILLER_COMPANIES},
        [(1, 11, "Íñigo Vázquez"), (2, 21, "Íñigo Vázquez González"), *FILLER_PEOPLE],
    )
    result = index.match("Íñigo Vázquez")
    assert result.decision == Decision.REVIEW
    assert "Íñigo Vázquez González" in result.reason
    assert _auto_for(index.match("Íñigo Vázquez González"), 2)


def test_a_trading_name_on_many_contracts_has_all_its_people_looked_at() -> None:
    shared = {c: f"Holder {c} Ltd" for c in range(1, 13)}  # twelve contracts trade as Granite Logistics
    zaabis = [
        (200 + k, 2000 + k, f"{first} Al Zaabi")
        for k, first in enumerate(
            f for f in ("Aisha", "Omar", "Layla", "Yusuf", "Noor", "Hamad", "Mariam", "Khalid") for _ in range(6)
        )
    ]
    index = _index(
        {**shared, **{c: f"Zaabi Holder {c}" for c, _i, _n in zaabis}, **FILLER_COMPANIES},
        [(12, 121, "Fatima Al Zaabi"), *zaabis, *FILLER_PEOPLE],
        trading=[(c, 100 + c, "Granite Logistics") for c in range(1, 13)],
    )
    best = index.match("Granite Logistics\nMrs Zaabi").best
    assert best is not None and best.contract_id == 12  # the Zaabi at a Granite Logistics, not one elsewhere


def test_a_slashed_legal_form_is_not_two_pieces() -> None:
    index = _index({1: "Orbit Teknik A/S", 2: "Morais Vicente S/A", **FILLER_COMPANIES}, FILLER_PEOPLE)
    assert _auto_for(index.match("ORBIT TEKNIK A/S"), 1)
    assert _auto_for(index.match("Morais Vicente S/A"), 2)
    pieces = [seg.tokens for seg in parse_label("Jan Novak c/o Morais Vicente S/A").segments]
    assert ("jan", "novak") in pieces and ("morais", "vicente") in pieces  # c/o still parts the label


def test_a_surname_at_a_company_named_on_several_contracts_goes_to_review() -> None:
    shared = {c: f"Holder {c} Ltd" for c in range(1, 4)}
    index = _index(
        {**shared, 9: "Evergreen Productions", **FILLER_COMPANIES},
        [(1, 11, "Adam Kowalczyk"), (9, 91, "Marta Kowalczyk"), *FILLER_PEOPLE],
        trading=[(c, 100 + c, "Meridian Foods") for c in range(1, 4)]
        + [(1, 201, "Stanek LLC"), (2, 202, "Stanek LLC")],
    )
    # Only one of the three has a Kowalczyk on its list, but the label may be for a newcomer at another one.
    result = index.match("Mr Kowalczyk c/o Meridian Foods")
    assert result.decision == Decision.REVIEW
    assert result.reason == "3 contracts are named Meridian Foods: check which Mr Kowalczyk it is"
    assert _auto_for(index.match("Adam Kowalczyk c/o Meridian Foods"), 1)  # the full name settles it
    # The reason names the company as the directory writes it, not as the label was read ("Stanek L.l.c")
    assert (
        index.match("Mr Kowalczyk, Stanek L.L.C.").reason
        == "2 contracts are named Stanek LLC: check which Mr Kowalczyk it is"
    )


def test_pet_forms_from_the_curated_table_find_the_person() -> None:
    # Lorie ~ Loretta and Cassie ~ Kathleen are in the `nicknames` package's table, not in our own nicknames.txt: the
    # label finds the one person with that surname, ranked above a company carrying the surname.
    index = _index(
        {1: "Meridian Foods Ltd", 2: "Zak Holdings Ltd", 3: "Patel Imports Ltd", 4: "Quay Ltd", **FILLER_COMPANIES},
        [(1, 11, "Loretta Zak"), (2, 12, "Zoe Zak"), (3, 13, "Kathleen Patel"), (4, 14, "Kelly Patel"), *FILLER_PEOPLE],
    )
    for label, contract in (("Lorie Zak", 1), ("Cassie Patel", 3)):
        best = index.match(label).best
        assert best is not None and best.contract_id == contract, label


def test_an_exact_name_stays_sure_beside_a_sibling_pet_form() -> None:
    # Ann and Tina are both short forms of Christina: an exact "Ann Jenkins" is not made doubtful by a Tina Jenkins
    # on another contract; a real short form of the label's name (Chris ~ Christina) still is.
    index = _index(
        {1: "Oak Tree Ltd", 2: "Pine Ltd", **FILLER_COMPANIES},
        [(1, 11, "Ann Jenkins"), (2, 12, "Tina Jenkins"), *FILLER_PEOPLE],
    )
    assert _auto_for(index.match("Ann Jenkins"), 1)
    index = _index(
        {1: "Oak Tree Ltd", 2: "Pine Ltd", **FILLER_COMPANIES},
        [(1, 11, "Christina Jenkins"), (2, 12, "Chris Jenkins"), *FILLER_PEOPLE],
    )
    result = index.match("Christina Jenkins")
    assert result.decision != Decision.AUTO and "Chris Jenkins" in result.reason


def test_an_irish_surname_written_first_keeps_its_particle() -> None:
    # "Ó Catháin, Niall" is Niall Ó Catháin: the accented particle joins its word wherever it stands, as it does in
    # the directory's name, so it is not read as an initial O beside another Catháin.
    index = _index(
        {1: "Alemdar Ltd", 2: "Howard Ltd", 3: "Ó Hainín Studios", **FILLER_COMPANIES},
        [(1, 11, "Mona Mac Catháin"), (2, 12, "Niall Ó Catháin"), (2, 13, "Allen Ó Hainín"), *FILLER_PEOPLE],
    )
    assert _auto_for(index.match("Ó Catháin, Niall"), 2)
    best = index.match("Ó Hainín, Allen").best
    assert best is not None and best.contract_id == 2 and best.contact_id == 13
    assert _auto_for(index.match("Ó Hainín Studios"), 3)  # the company named the same way still reads whole


def test_a_name_that_is_also_a_short_legal_form_is_kept() -> None:
    # Vos, Åsa, Sapa and Pao are names as well as legal forms. "Åsa Olsson" (for Åsa Cathrine Olsson) is a person,
    # not the company Olsson HB; "A. Vos" finds Amina Vos. Written last on a company name the form is still dropped
    # (Novák v.o.s.).
    index = _index(
        {1: "Olsson HB", 2: "Meridian Foods Ltd", 3: "Novák v.o.s.", 4: "Quay Ltd", 5: "Pine Ltd", **FILLER_COMPANIES},
        [(2, 12, "Åsa Cathrine Olsson"), (4, 14, "Amina Vos"), (5, 15, "Amina Jansen"), *FILLER_PEOPLE],
    )
    result = index.match("Åsa Olsson")
    assert not _auto_for(result, 1)
    assert result.best is not None and result.best.contract_id == 2
    best = index.match("A. Vos").best
    assert best is not None and best.contact_id == 14
    assert _auto_for(index.match("NOVAK VOS"), 3)


def test_stacked_legal_forms_are_all_taken_off() -> None:
    # "Kacperek Sp. z o.o. Sp.k. LLC" is the company Kacperek: its Polish form written out is not four more name
    # words, which made "Kacperek-Dzidek Sp. z o.o." (another company) look like it by those words alone.
    index = _index({1: "Kacperek Sp. z o.o. Sp.k. LLC", 2: "Dzidek Ltd", 3: "Quay Ltd", **FILLER_COMPANIES})
    assert not _auto_for(index.match("Kacperek-Dzidek Sp. z o.o."), 1)
    assert _auto_for(index.match("KACPEREK SP Z OO"), 1)


def test_a_company_name_with_commas_after_a_person_is_read_whole() -> None:
    # "Mrs Barros, Johnson, Smith and Smith": Mrs Barros at Johnson, Smith and Smith, read as one name before its
    # comma parts, not the trading name Smith-Smith LLP that one of the parts reads exactly.
    index = _index(
        {1: "Johnson, Smith and Smith", 2: "Quay Ltd", 3: "Pine Ltd", **FILLER_COMPANIES},
        [(1, 11, "Emma Barros"), (3, 13, "Luis Barros"), *FILLER_PEOPLE],
        trading=[(2, 12, "Smith-Smith LLP")],
    )
    result = index.match("Mrs Barros, Johnson, Smith and Smith")
    assert result.best is not None and result.best.contract_id == 1
    assert "company name Johnson, Smith and Smith matches exactly" in result.best.why
    assert result.best.confidence > 0.9
    assert not _auto_for(result, 2)


def test_a_double_surname_on_the_label_is_not_decided_for_one_half() -> None:
    # "Keith Molina-Otto" is not Keith Molina: the directory has only half of the label's double surname.
    index = _index({1: "Oak Tree Ltd", **FILLER_COMPANIES}, [(1, 11, "Keith Molina"), *FILLER_PEOPLE])
    result = index.match("Keith Molina-Otto")
    assert not _auto_for(result, 1)
    assert "double surname (Molina-Otto)" in result.reason
    assert _auto_for(index.match("Keith Molina"), 1)


def test_a_company_on_the_label_is_weighed_however_many_people_share_the_name_beside_it() -> None:
    # "J. RICHTER, Kestrel Media LLC": a stranger at a company whose name two contracts share. Six J. Richters on
    # other contracts, and the label read against Kestrel Media LLC's own director (Michael Jackson) does not fit:
    # that company must still be weighed, so the two Kestrel Medias tie and neither is decided alone.
    richters = [
        (20 + k, 200 + k, f"{first} Richter")
        for k, first in enumerate(("Julia", "Jana", "Jutta", "Jan", "Jon", "Jakob"))
    ]
    index = _index(
        {
            1: "Kestrel Media LLC",
            2: "Kestrel Media Ltd.",
            **{c: f"Firm {c} Ltd" for c, _, _ in richters},
            **FILLER_COMPANIES,
        },
        [(1, 11, "Michael Jackson"), (2, 12, "Emma Davies"), *richters, *FILLER_PEOPLE],
    )
    result = index.match("J. RICHTER, Kestrel Media LLC")
    assert result.decision != Decision.AUTO
    assert {1, 2} <= {c.contract_id for c in result.candidates}


def test_given_names_read_in_another_order_are_not_decided() -> None:
    # "Eleanor Anne Young" is not Hannah Eleanor Young (Eleanor as her middle name, Anne as a short form of Hannah):
    # given names keep their order. A surname written first is still read ("van Dijk, Job" is Job van Dijk).
    index = _index(
        {1: "Oak Tree Ltd", 2: "Pine Ltd", **FILLER_COMPANIES},
        [(1, 11, "Hannah Eleanor Young"), (2, 12, "Job van Dijk"), *FILLER_PEOPLE],
    )
    result = index.match("Eleanor Anne Young")
    assert not _auto_for(result, 1)
    assert "another order" in result.reason
    assert _auto_for(index.match("van Dijk, Job"), 2)


def test_a_twin_past_the_candidates_weighed_is_found_by_its_words() -> None:
    # The label adds a middle name that a person on another contract lacks: neither is decided alone, even when the
    # matcher's candidate limits leave that one out (it is looked up by its words).
    index = _index(
        {
            1: "Oak Tree Ltd",
            2: "Pine Ltd",
            3: "Costa & Gonçalves Eireli",
            4: "Gonçalves & Costa Ltda.",
            **FILLER_COMPANIES,
        },
        [(1, 11, "Christopher James Blackwood"), (2, 12, "Christopher Blackwood"), *FILLER_PEOPLE],
    )
    result = index.match("Christopher James Blackwood")
    assert not _auto_for(result, 1)
    assert "Christopher Blackwood" in result.reason
    assert _auto_for(index.match("Costa & Gonçalves Eireli"), 3)  # word order tells two companies apart


def test_a_slip_in_a_name_at_a_company_several_contracts_share_is_checked() -> None:
    # "Petra Scott c/o Scott Estates Ltd" with two contracts named Scott Estates: Peter Scott at one of them is not
    # sure, since Petra is not his name as written; "Peter Scott c/o Scott Estates Ltd" is.
    index = _index(
        {1: "Scott Estates Ltd", 2: "Scott Estates Ltd", **FILLER_COMPANIES},
        [(1, 11, "Peter Jack Scott"), (2, 12, "Kayla Moore"), *FILLER_PEOPLE],
    )
    result = index.match("Petra Scott c/o Scott Estates Ltd")
    assert not _auto_for(result, 1)
    assert "2 contracts are named" in result.reason
    assert _auto_for(index.match("Peter Scott c/o Scott Estates Ltd"), 1)


def test_a_country_code_in_brackets_is_part_of_the_company_name() -> None:
    # "Beijing Xinhua Technology (HK) Limited" is that company, not Beijing Xinhua Technology Pte. Ltd. with "HK"
    # read as another name on the label.
    index = _index(
        {1: "Beijing Xinhua Technology (HK) Limited", 2: "Beijing Xinhua Technology Pte. Ltd.", **FILLER_COMPANIES},
        FILLER_PEOPLE,
    )
    result = index.match("Beijing Xinhua Technology (HK) Limited\nFAO Adebayo Nowak")
    assert not _auto_for(result, 2)
    assert result.best is not None and result.best.contract_id == 1


def test_a_legal_form_is_never_hyphened_to_a_name() -> None:
    # "Anna Hunt-Vos" is a double surname (Vos is also a Czech legal form, v.o.s.): not Anna Hunt.
    index = _index({1: "Oak Tree Ltd", **FILLER_COMPANIES}, [(1, 11, "Anna Hunt"), *FILLER_PEOPLE])
    result = index.match("Anna Hunt-Vos")
    assert not _auto_for(result, 1)
    assert "double surname (Hunt-Vos)" in result.reason


def test_a_name_that_is_only_part_of_a_company_name_is_not_decided_for_it() -> None:
    # A stranger "James Elliott" is not the firm Öztürk, Elliott and James LLP: the label names someone, and the
    # company has more to its name. The firm's whole name still decides.
    index = _index(
        {1: "Vogt Media GmbH", **FILLER_COMPANIES}, FILLER_PEOPLE, trading=[(1, 11, "Öztürk, Elliott and James LLP")]
    )
    result = index.match("James Elliott")
    assert not _auto_for(result, 1)
    assert "more to its name" in result.reason
    assert _auto_for(index.match("Ozturk, Elliott & James"), 1)


def test_a_surname_initial_may_be_that_of_the_word_after_o() -> None:
    # "Edwin M." may be Edwin Ó Maoilchéir (the particle is joined to its word, 'omaoilcheir'), not only Edwin
    # Murphy: with both on the directory, neither is decided alone. "Edwin Murphy" in full still is.
    index = _index(
        {1: "Sandhu Ventures LLC", 2: "Pine Ltd", **FILLER_COMPANIES},
        [(1, 11, "Edwin Murphy"), (2, 12, "Edwin Ó Maoilchéir"), *FILLER_PEOPLE],
    )
    result = index.match("Edwin M.")
    assert not _auto_for(result, 1)
    assert "Edwin Ó Maoilchéir" in result.reason
    assert _auto_for(index.match("Edwin Murphy"), 1)


def test_names_equally_likely_rank_the_contract_with_fewer_people_first() -> None:
    """ "J. Turner" with a J. Turner on each of two contracts: the one at a two-person firm ranks first, whichever
    was added first, and the label is not decided."""
    people = [
        (1, 11, "Jeremy Turner"),
        *[(1, 12 + k, f"Staff{k} Person{k}") for k in range(5)],
        (2, 21, "Jordan Turner"),
        (2, 22, "Ann Other"),
    ]
    for order in (people, people[::-1]):
        index = _index({1: "Big Firm Ltd", 2: "Small Firm Ltd", **FILLER_COMPANIES}, [*order, *FILLER_PEOPLE])
        result = index.match("J. Turner")
        assert result.decision != Decision.AUTO
        assert [c.contract_id for c in result.candidates[:2]] == [2, 1]


def test_two_legal_forms_written_one_after_the_other_are_both_forms() -> None:
    assert name_tokens("The Manço A.Ş. L.L.C.") == ("manco",)
    assert name_tokens("Hermanos Catalá S.A.U LLP") == ("hermanos", "catala")
    assert name_tokens("Mr J. S. Smith") == ("j", "s", "smith")  # initials stay initials
    assert name_tokens("Böhm Immobilien e.K.") == name_tokens("Böhm Immobilien GmbH") == ("bohm", "immobilien")
    assert name_tokens("Dorothy Ek", person=True) == ("dorothy", "ek")  # a person keeps the surname


def test_a_company_named_by_one_word_is_found_among_many_names_with_that_word() -> None:
    """Forty companies and people share "Manço": the two that are "Manço" alone are both candidates, and the one
    with the legal form written on the label ranks first."""
    companies = {1: "Manço Ltd.", 2: "Manço A.Ş. LLC", **{10 + k: f"Manço {w} Ltd" for k, w in enumerate(_WORDS)}}
    people = [(10 + k, 100 + k, f"{g} Manço") for k, g in enumerate(_WORDS)]
    for order in (companies, dict(reversed(companies.items()))):
        index = _index({**order, **FILLER_COMPANIES}, [*people, *FILLER_PEOPLE])
        result = index.match("The Manço A.Ş. L.L.C.")
        assert [c.contract_id for c in result.candidates[:2]] == [2, 1], result.to_json()
        assert result.decision != Decision.AUTO  # two companies are "Manço": staff choose
        assert index.match("Manço Ltd").candidates[0].contract_id == 1


_WORDS = [f"W{chr(97 + a)}{chr(97 + b)}" for a in range(5) for b in range(5)]


def _crowd(name: str) -> tuple[dict[int, str], list[tuple[int, int, str]]]:
    """Fifty people sharing one word of their name, on twenty-five contracts: `name` with "{}" for the other word."""
    companies = {10 + k: f"{w} Ltd" for k, w in enumerate(_WORDS)}
    people = [
        (10 + k, 100 * n + k, name.format(f"{w}{tail}"))
        for n, tail in ((1, "x"), (2, "y"))
        for k, w in enumerate(_WORDS)
    ]
    return companies, people


def test_a_first_name_too_far_from_any_directory_word_is_read_against_the_surnames_people() -> None:
    """ "Liuen" is two slips from Lauren, past what the look-ups by key find; among forty Brownes and names that
    sound like Liuen (Lynn, Lane), the Browne it may be is the first candidate."""
    crowd, people = _crowd("{} Browne")
    companies = {1: "Atlas Works Ltd", 2: "Brown-Lane LLC", **crowd}
    people += [(1, 11, "Lauren Browne"), (2, 21, "Lynn Jodie Brown")]
    index = _index({**companies, **FILLER_COMPANIES}, [*people, *FILLER_PEOPLE])
    result = index.match("Liuen Browne")
    assert result.best is not None and result.best.contact_id == 11, result.to_json()
    assert result.decision != Decision.AUTO  # a slip that far is for staff to confirm


def test_a_slip_that_spells_a_company_word_is_still_read_as_a_slip_in_a_persons_name() -> None:
    """ "Sane" is in no one's name here, only in Sane LLC's: "Sane Turnbull" is a slip for Shane Turnbull, not a
    real name that merely looks like his (as "Jade" would be for a Jake)."""
    companies = {1: "Sane LLC", 2: "Turnbull Ltd", 3: "Atlas Works Ltd", **FILLER_COMPANIES}
    people = [(3, 31, "Shane Turnbull"), (2, 21, "Rhona Turnbull"), (2, 22, "Ewan Turnbull"), *FILLER_PEOPLE]
    result = _index(companies, people).match("Sane Turnbull")
    assert result.best is not None and result.best.contact_id == 31, result.to_json()


def test_a_name_and_an_initial_the_other_way_round_is_not_decided() -> None:
    """ "Min X." fits Xie Min (written surname first in the directory) read backwards, as easily as a Min Xu the
    directory does not have; written in the directory's order, or with a comma, it is that person."""
    index = _index({1: "Guangzhou Hengtong Ltd", **FILLER_COMPANIES}, [(1, 11, "Xie Min"), *FILLER_PEOPLE])
    result = index.match("Min X.")
    assert result.decision != Decision.AUTO
    assert "other way round" in result.reason
    assert result.best is not None and result.best.contact_id == 11  # still the first candidate
    assert "other way round" not in index.match("X. Min").reason


def test_the_words_of_peoples_names_and_one_word_names_follow_writes_and_the_snapshot() -> None:
    index = _index({1: "Sane LLC", 2: "Manço"}, [(1, 11, "Balendra Sane")])
    assert index.in_a_persons_name("sane") and index.in_a_persons_name("balendra")
    assert [e.contract_id for e in index.names_written_as(("manco",))] == [2]
    index.upsert_contacts([ContactEntry(11, 1, D, "Balendra Shah")])  # renamed
    assert not index.in_a_persons_name("sane") and index.in_a_persons_name("shah")
    index.remove_contracts([2])
    assert index.names_written_as(("manco",)) == []
    copy = MatchIndex.from_snapshot(index.snapshot())
    assert copy.in_a_persons_name("shah") and not copy.in_a_persons_name("sane")
    assert [e.contract_id for e in copy.names_written_as(("sane",))] == [1]


def test_a_last_initial_without_a_comma_is_the_surnames() -> None:
    index = _index(
        {1: "Atlas Works Ltd", 2: "Nova Labs Ltd", **FILLER_COMPANIES},
        [(1, 11, "Vítor Santos"), (2, 21, "Santos Vilanova"), *FILLER_PEOPLE],
    )
    assert [c.contact_id for c in index.match("Santos V.").candidates[:2]] == [21, 11]
    assert index.match("Santos, V.").candidates[0].contact_id == 11  # the comma puts the surname first


def test_a_company_written_without_a_legal_form_ranks_the_one_that_has_none_first() -> None:
    for order in ({1: "Anjos Lda. Ltd", 2: "Anjos"}, {2: "Anjos", 1: "Anjos Lda. Ltd"}):
        index = _index({**order, **FILLER_COMPANIES}, FILLER_PEOPLE)
        assert [c.contract_id for c in index.match("Anjos").candidates[:2]] == [2, 1]
        assert [c.contract_id for c in index.match("ANJOS LDA LTD").candidates[:2]] == [1, 2]
    assert name_tokens("Donoso y Torralba S.L.L. PLC") == ("donoso", "y", "torralba")


def test_a_last_initial_after_a_comma_is_the_first_names() -> None:
    people = [(1, 11, "Abby Russell Courtney"), (2, 21, "Courtney Benjamin Anderson")]
    for order in (people, people[::-1]):
        index = _index({1: "Atlas Works Ltd", 2: "Nova Labs Ltd", **FILLER_COMPANIES}, [*order, *FILLER_PEOPLE])
        for text, first, second in (("Courtney, A.", 11, 21), ("Courtney A.", 21, 11)):
            best, runner_up = index.match(text).candidates[:2]
            assert (best.contact_id, runner_up.contact_id) == (first, second)
            assert best.confidence > runner_up.confidence  # ahead, not level with it


def test_surname_comma_first_name_is_a_person_not_a_surname_at_a_one_word_company() -> None:
    index = _index(
        {1: "Lawrence Ltd", 2: "Atlas Works Ltd", **FILLER_COMPANIES},
        [(1, 11, "Tracy Todd"), (2, 21, "Lawrence Debra Todd"), *FILLER_PEOPLE],
    )
    assert index.match("Todd, Lawrence").candidates[0].contact_id == 21
    assert index.match("Mr Todd, Lawrence Ltd").candidates[0].contact_id == 11  # a company written as one


def test_an_unknown_word_is_read_beside_a_known_one_even_when_a_name_has_a_weak_look_alike_of_it() -> None:
    """ "Mucohy" only sounds a little like "Mac" (Stanley Mac Giolla): that does not stop the Stanleys' surnames being
    read for it, and Murphy is found among forty Stanleys."""
    crowd, people = _crowd("Stanley {}")
    companies = {1: "Atlas Works Ltd", 2: "Nova Labs Ltd", **crowd}
    people += [(1, 11, "Stanley Mac Giolla"), (2, 21, "Stanley Abbie Murphy")]
    result = _index({**companies, **FILLER_COMPANIES}, [*people, *FILLER_PEOPLE]).match("Stanley Mucohy")
    assert result.best is not None and result.best.contact_id == 21, result.to_json()


def test_a_last_word_that_is_also_a_legal_form_is_not_dropped_for_a_person() -> None:
    """ "Ansh asa": read as a company, "asa" is its legal form; read as a person, it is the surname. No Ansh who is not
    an Asa (or a Vasa) is found by dropping it."""
    index = _index(
        {1: "Atlas Works Ltd", 2: "Nova Labs Ltd", 3: "Beacon Digital Ltd", **FILLER_COMPANIES},
        [(1, 11, "Ansh Kaur"), (2, 21, "Ansh Mani"), (3, 31, "Ansh Vasa"), (2, 22, "Åsa Berg"), *FILLER_PEOPLE],
    )
    result = index.match("Ansh asa")
    best = result.best
    assert best is not None and best.contact_id == 31, result.to_json()
    others = [c for c in result.candidates if c.contact_id in (11, 21)]  # Ansh, with "asa" dropped as a legal form
    assert all(c.confidence < best.confidence / 10 for c in others), result.to_json()


def test_a_legal_form_no_ones_name_has_is_not_read_as_a_surname() -> None:
    """ "Jans NV" and "Vávrová k.s.": no person's name has "nv" or "ks", or a word like them, so the part is read as
    the company only. Read as a person as well, it brought the Janses of other contracts into the list."""
    index = _index(
        {1: "Jans NV", 2: "Nova Labs Ltd", 3: "Vávrová k.s. Limited", **FILLER_COMPANIES},
        [(2, 21, "Quinten Jans"), (2, 22, "Monika Vávrová"), *FILLER_PEOPLE],
    )
    for label, contract_id in (("Jans NV", 1), ("Jans N.V.", 1), ("Vávrová k.s. Ltd.", 3)):
        result = index.match(label)
        assert _auto_for(result, contract_id), result.to_json()
        assert [c.contract_id for c in result.candidates] == [contract_id], result.to_json()


def _first_of_two(label: str, one: str, two: str, more: Sequence[tuple[int, int, str]] = ()) -> int | None:
    """The contract a label ranks first when two people are on two contracts (1: `one`, 2: `two`), among the filler
    and `more` people (on contracts 200 onwards)."""
    firms = {c: f"Firm {c} Ltd" for c, _i, _n in more}
    index = _index(
        {1: "Atlas Works Ltd", 2: "Quay Works Ltd", **FILLER_COMPANIES, **firms},
        [(1, 11, one), (2, 21, two), *FILLER_PEOPLE, *more],
    )
    best = index.match(label).best
    return best.contract_id if best is not None else None


def test_two_forms_of_one_given_name_a_slip_apart_are_as_alike_as_the_slip() -> None:
    # Aileen and Eileen are both forms of Eleanor; one letter apart, they are at least as alike as Aileen and Allen.
    assert _first_of_two("Aileen Brennan", "Eileen Brennan", "Allen Brennan") == 1


def test_edits_between_folded_spellings_weigh_by_the_folded_length() -> None:
    # Claesson folds to "dasson" (ae as in Mueller, cl as a scanner's d): two edits from "lason" on six letters are
    # not the two edits an eight-letter word allows. Larsson, two plain edits away, is the likelier name.
    assert _first_of_two("Carl Lason", "Carl Claesson", "Carl Larsson") == 2


def test_a_middle_name_on_the_label_only_counts_as_one_left_out_of_it() -> None:
    # Rebecca is commoner here than John, yet "Rebecca John McKenzie" is Rebecca McKenzie with a middle name the
    # directory does not hold, not a John McKenzie with a first word nobody explains.
    rebeccas = [
        (200 + k, 2000 + k, f"Rebecca {s}") for k, s in enumerate(("Smith", "Jones", "Brown", "Taylor", "Shaw"))
    ]
    assert _first_of_two("Rebecca John McKenzie", "Rebecca McKenzie", "John McKenzie", rebeccas) == 1


def test_half_a_double_surname_on_the_label_is_not_a_middle_name() -> None:
    index = _index(
        {1: "Atlas Works Ltd", 2: "Quay Works Ltd", **FILLER_COMPANIES},
        [(1, 11, "Katie Gray-Williams"), (2, 21, "Katie Williams"), *FILLER_PEOPLE],
    )
    assert _auto_for(index.match("Katie Gray-Williams"), 1)
    assert not _auto_for(index.match("Katie Gray Williams"), 2)  # written with a space, Gray may be her middle name


def test_a_name_written_as_the_label_is_found_among_many_longer_names_with_its_words() -> None:
    # Forty "... Vantage Consulting" names read "Vantage Consulting" as well as the one written just so, word for word:
    # that one is not cut with them before the names are weighed in full.
    longer = {10 + k: f"{w} Vantage Consulting" for k, w in enumerate(f"Firm{k}" for k in range(40))}
    index = _index({**longer, 1: "Vantage Consulting", **FILLER_COMPANIES}, FILLER_PEOPLE)  # written last
    result = index.match("Rodolfo Ehlert, Vantage Consulting")
    assert result.best is not None and result.best.contract_id == 1, result.to_json()


def test_among_many_companies_of_one_name_the_legal_form_on_the_label_is_weighed() -> None:
    # Forty "Keystone Group AS" and the one "Keystone Group Limited" read alike word for word: the legal form written
    # on the label keeps the Limited among the names weighed, and first.
    others = {10 + k: "Keystone Group AS" for k in range(40)}
    index = _index({**others, 1: "Keystone Group Limited", **FILLER_COMPANIES}, FILLER_PEOPLE)  # written last
    result = index.match("Pablo Fernandez-Wagner, Keystone Group Limited")
    assert result.best is not None and result.best.contract_id == 1, result.to_json()


def test_contracts_the_label_fits_alike_share_the_probability() -> None:
    """The confidence shown is a share of the evidence: with the same "Oksana Petrenko" on two contracts, neither is
    shown as more than an even chance, and with three, neither as more than one in three; alone, she is sure."""
    alone = _index({1: "Kestrel Ltd", **FILLER_COMPANIES}, [*FILLER_PEOPLE, (1, 1, "Oksana Petrenko")])
    assert _auto_for(alone.match("Oksana Petrenko"), 1)
    assert alone.match("Oksana Petrenko").candidates[0].confidence > 0.9
    for twins in (2, 3):
        index = _index(
            {c: f"Kestrel {c} Ltd" for c in range(1, twins + 1)} | FILLER_COMPANIES,
            [*FILLER_PEOPLE, *((c, c, "Oksana Petrenko") for c in range(1, twins + 1))],
        )
        result = index.match("Oksana Petrenko")
        assert result.decision == Decision.REVIEW
        shown = [c.confidence for c in result.candidates if c.contract_id <= twins]
        assert len(shown) == twins
        assert max(shown) <= 1 / twins + 1e-6
        assert max(shown) - min(shown) < 1e-6  # none ahead of the others
        # each a fraction as likely, but the label is still for one of them: staff pick, it is not a stranger's
        assert index.match("O. Petrenko").decision == Decision.REVIEW


def test_a_person_read_whole_with_a_slip_ranks_above_a_company_named_by_one_of_the_words() -> None:
    """ "Sane Turnbull": Sane LLC is named by the first word only, and "Turnbull" would then be nobody; Shane Turnbull
    accounts for both words, one with a slip. "Sane" is also someone's surname, so the slip is weak evidence and the
    label is not sure either way, but the person is shown first."""
    turnbulls = [(10 + k, 300 + k, f"{f} Turnbull") for k, f in enumerate(("Ruth", "Owen", "Carla", "Dev", "Ines"))]
    people = [*FILLER_PEOPLE, (2, 21, "Shane Turnbull"), (3, 31, "Aoife Sane"), *turnbulls]
    companies = {1: "Sane LLC", 2: "Orbit Lane Ltd", 3: "Kite Row Ltd", **{10 + k: f"Quay {k} Ltd" for k in range(5)}}
    index = _index(companies | FILLER_COMPANIES, people)
    result = index.match("Sane Turnbull")
    assert result.best is not None and result.best.contract_id == 2, result.to_json()
    assert result.decision != Decision.AUTO
    assert [c.confidence for c in result.candidates] == sorted((c.confidence for c in result.candidates), reverse=True)
    company = index.match("Sane LLC").best
    assert company is not None and company.contract_id == 1  # the company read whole is still the company


def test_a_role_on_many_contracts_is_decided_by_the_company_written_with_it() -> None:
    """ "Accounts Payable c/o Kestrel Infotech": many customers list an Accounts Payable. Only a contract that also
    has the company written on the label is a twin that makes the label doubtful."""
    companies = {1: "Kestrel Infotech Ltd", **{c: f"Quay {c} Ltd" for c in range(2, 9)}, **FILLER_COMPANIES}
    roles = [(c, 50 + c, "Accounts Payable") for c in range(1, 9)]
    index = _index(companies, [*roles, *FILLER_PEOPLE])
    assert _auto_for(index.match("Accounts Payable c/o Kestrel Infotech"), 1)
    assert index.match("Accounts Payable").decision != Decision.AUTO  # which of eight customers: staff pick
    twins = _index({**companies, 9: "Kestrel Infotech Ltd"}, [*roles, (9, 59, "Accounts Payable"), *FILLER_PEOPLE])
    assert twins.match("Accounts Payable c/o Kestrel Infotech").decision != Decision.AUTO


def test_a_word_written_twice_counts_twice_only_for_a_name_that_has_it_twice() -> None:
    """ "Al Maktoum & Al Mansoori" is that company, not Maktoum Al Mansoori Trading, which has "Al" once; and the
    other way round. Dozens of names with "Al" are weighed alike, by the words of theirs the label may be."""
    companies = {1: "Al Maktoum & Al Mansoori LLC", 2: "Maktoum Al Mansoori Trading LLC", **FILLER_COMPANIES}
    people = [
        (100 + k % 20, 500 + k, f"{g} Al {s}")
        for k, (g, s) in enumerate(
            (g, s) for g in ("Ali", "Omar", "Huda", "Layla", "Ahmed") for s in ("Amiri", "Suwaidi", "Hashimi", "Falasi")
        )
    ]
    index = _index(companies, [*people, *FILLER_PEOPLE])
    assert _auto_for(index.match("Al Maktoum & Al Mansoori"), 1)
    assert _auto_for(index.match("Maktoum Al Mansoori Trading"), 2)
    # Each name's evidence is what it would be summed name by name (one "al" read for a name with one "Al").
    for label in ("al maktoum al mansoori", "ali al ali", "huda al huda omar"):
        evidence = [token_votes(index, q) for q in label.split()]
        summed = combine(evidence, index.entries, shared_only=True)
        assert len(summed) >= 5
        assert summed == {eid: _summed_evidence(evidence, eid, index.entries[eid]) for eid in summed}


def test_a_company_whose_name_repeats_a_word_is_found_by_that_name() -> None:
    """ "Copper Copper Works" is that company, before the many names with "Copper" and "Works" once: the label's two
    "copper"s share one memoised evidence, told apart from two words' that are alike (compiled, they once were not:
    docs/architecture.md, "The matcher, compiled")."""
    companies = {
        1: "Copper Copper Works",
        2: "Copper Works Limited",
        3: "Copper Quarry Works",
        4: "Meridian Copper Works",
    }
    companies |= {5: "Willow Copper Works Ltd", 6: "Copper Copper Legal", **FILLER_COMPANIES}
    index = _index(companies, FILLER_PEOPLE)
    assert _auto_for(index.match("Copper Copper Works"), 1)
    assert _auto_for(index.match("COPPER COPPER WORKS"), 1)
    assert index.match("Copper Works").best.contract_id == 2  # type: ignore[union-attr]
    # the name's evidence from the label counts "copper" twice: more than from "Copper Works", by one "copper"
    eid = next(e.eid for e in index.entries.values() if e.name == "Copper Copper Works")
    twice, once = ([token_votes(index, q) for q in label.split()] for label in ("copper copper works", "copper works"))
    gained = _summed_evidence(twice, eid, index.entries[eid]) - _summed_evidence(once, eid, index.entries[eid])
    assert gained == pytest.approx(once[0][0][eid])
