"""Rank and decide: from aligned (label part, name) pairs to one piece of evidence per contract with a calibrated
probability, best first, and a decision (auto, review, none) with, when staff must look, the reason why."""

from __future__ import annotations

import re
from itertools import pairwise

from app.matching import calibration
from app.matching.index import DirectoryIndex
from app.matching.label import Label, Segment
from app.matching.normalize import PARTICLES, fold, legal_forms
from app.matching.records import ContactKind
from app.matching.result import Decision
from app.matching.similarity import Sim
from app.matching.types import Alignment, ContractEvidence, Entry, Scored

_INITIAL = Sim.INITIAL

ORG_KINDS = (ContactKind.COMPANY, ContactKind.TRADING_NAME)
_HOLDER = ContactKind.HOLDER
CONTRACTS_EVALUATED = 6

PART_BELOW_WHOLE = 0.01  # how far below the person's logit such a company is put (see _part_below_whole)
HOLDER_HANDICAP = 0.15  # the holder is usually also a contact under a fuller name: prefer the contact


def _better(a: Scored | None, b: Scored) -> bool:
    if a is None:
        return True
    sa, sb = a.alignment.score, b.alignment.score
    if (a.entry.kind == _HOLDER) != (b.entry.kind == _HOLDER):
        if a.entry.kind == _HOLDER:
            sa -= HOLDER_HANDICAP
        else:
            sb -= HOLDER_HANDICAP
    if abs(sa - sb) > 1e-9:
        return sb > sa
    # tie: a real contact beats the holder/company, a directory name beats an alias
    return (b.entry.contact_id is not None, not b.entry.alias) > (a.entry.contact_id is not None, not a.entry.alias)


def _collect(scored: list[Scored], po_contracts: set[int]) -> dict[int, ContractEvidence]:
    by_contract: dict[int, ContractEvidence] = {}
    for s in scored:
        ev = by_contract.get(s.entry.contract_id)
        if ev is None:
            ev = by_contract[s.entry.contract_id] = ContractEvidence(s.entry.contract_id)
        if s.entry.kind in ORG_KINDS:
            if _better(ev.org, s):
                ev.org = s
        elif _better(ev.person, s):
            ev.person = s
    for contract_id in po_contracts:
        by_contract.setdefault(contract_id, ContractEvidence(contract_id)).po_box = True
    return by_contract


def _surname_comma_given(person: Segment, org: Segment) -> bool:
    """Two one-word parts of one comma piece, neither written as a company ("Todd, Lawrence"): a surname and a first
    name, not a person named by surname at a company named by one word (Tracy Todd at Lawrence Ltd)."""
    return (
        person.piece == org.piece
        and len(person.tokens) == 1
        and len(org.tokens) == 1
        and not org.org_like
        and not person.had_title
    )


def _person_segments(label: Label, org: Scored | None) -> bool:
    """Does the label name someone besides the company (a part that is not the company's)?"""
    if org is None:
        return False
    return any(
        not seg.overlaps(org.segment) and not seg.org_like and (len(seg.tokens) >= 2 or seg.had_title)
        for seg in label.segments
    )


def _evaluate(ev: ContractEvidence, label: Label) -> None:
    person, org = ev.person, ev.org
    sp = person.alignment.score if person else 0.0
    so = org.alignment.score if org else 0.0
    ev.supported = bool(
        person
        and org
        and not person.segment.overlaps(org.segment)
        and so >= 0.5
        and sp > 0.0
        and any(p[3] != _INITIAL for p in person.alignment.pairs)
        and not _surname_comma_given(person.segment, org.segment)
    )
    if person and (ev.supported or sp >= so):
        ev.chosen = person
    else:
        ev.chosen = org or person
    chosen = ev.chosen
    stranger_at_company = chosen is org and org is not None and _person_segments(label, org)
    if chosen is None:
        ev.features = calibration.po_box_only_features()
    else:
        a = chosen.alignment
        ev.features = calibration.features(
            score=a.score,
            entry_cover=a.entry_cover,
            label_cover=a.label_cover,
            matched_weight=a.matched_weight / label.max_weight,
            conflict=a.conflict,
            given_missing=a.given_missing and not ev.supported,
            surname_missing=a.surname_missing and not ev.supported,
            known_fuzzy=a.known_fuzzy,
            initial_only=_initial_only(a),
            support=so if ev.supported else 0.0,
            is_org=chosen.entry.kind in ORG_KINDS,
            stranger_at_company=stranger_at_company,
            alias=chosen.entry.alias,
            po_box=ev.po_box,
            whole_label_cover=_whole_label_cover(ev, label),
        )
    ev.logit = calibration.logit(ev.features)


def _initial_only(a: Alignment) -> bool:
    """The name is matched by one full word and initials only ("J. Smith", or "Jerome Neumann" for "J. Neumann")."""
    initials = sum(1 for p in a.pairs if p[3] == _INITIAL)
    return initials > 0 and len(a.pairs) - initials <= 1


def _whole_label_cover(ev: ContractEvidence, label: Label) -> float:
    chosen = ev.chosen
    if chosen is None:
        return 0.0
    explained = chosen.alignment.label_explained
    other = ev.org if chosen is ev.person else ev.person
    if ev.supported and other is not None:
        explained += other.alignment.label_explained
    return min(1.0, explained / max(label.known_weight, explained, 1e-9))


def evaluate(label: Label, scored: list[Scored], index: DirectoryIndex) -> list[ContractEvidence]:
    """One piece of evidence per contract, with features and probability, best first.

    Contracts the label fits exactly as well ("J. Turner" with a J. Turner on each) rank the one with fewer people
    first: a customer's post is shared among its people, so each of a small firm's people gets more of it. That
    order is all it changes; such a label is never decided "auto"."""
    by_contract = _collect(scored, index.contracts_with_po_boxes(label.po_boxes))
    evidence = list(by_contract.values())
    if len(evidence) > CONTRACTS_EVALUATED:
        evidence = _strongest(evidence, index)
    for ev in evidence:
        _evaluate(ev, label)
    _part_below_whole(evidence)

    def rank_key(ev: ContractEvidence) -> tuple[float, float, bool, bool, int]:
        chosen = ev.chosen
        if chosen is None:
            return (ev.logit, 0.0, False, False, 0)
        return (
            ev.logit,
            chosen.alignment.score,
            _forms_agree(chosen),
            bool(chosen.entry.contact_id),
            -index.people_on(ev.contract_id),
        )

    ranked = sorted(evidence, key=rank_key, reverse=True)
    for k, ev in enumerate(ranked):
        other = ranked[1].logit if k == 0 and len(ranked) > 1 else ranked[0].logit if k else calibration.NO_RIVAL
        ev.competition = calibration.competition(ev.logit, other, ev.features)
    finals = [calibration.final_logit(ev.competition) for ev in ranked]
    for ev, final, share in zip(ranked, finals, calibration.shares(finals), strict=True):
        ev.alone = calibration.sigmoid(final)
        ev.probability = ev.alone * share
    return ranked


def _part_below_whole(evidence: list[ContractEvidence]) -> None:
    """A company named by some words of a label part, none of them a legal form ("Sane" of "Sane Turnbull": Sane
    LLC), ranks just below a person on another contract who accounts for every word of that part, even with slips,
    the last for the surname (Shane Turnbull): read as the company, the rest of the part would be a name nobody on
    the directory has."""
    whole: list[tuple[Segment, float]] = []
    for ev in evidence:
        p = ev.chosen
        if (
            p is not None
            and p is ev.person
            and len(p.segment.tokens) > 1
            and not p.alignment.unmatched_label
            and any(q == p.segment.tokens[-1] and t == p.entry.tokens[-1] for q, t, _, _ in p.alignment.pairs)
        ):
            whole.append((p.segment, ev.logit))
    if not whole:
        return
    for ev in evidence:
        o = ev.chosen
        if o is None or o is not ev.org or o.segment.org_like or not o.alignment.unmatched_label:
            continue
        below = [logit for segment, logit in whole if segment == o.segment and logit < ev.logit]
        if below:
            ev.logit = max(below) - PART_BELOW_WHOLE


def _forms_agree(s: Scored) -> bool:
    """A company whose legal forms are the ones written on the label ("Neves S.A. Limited", not "Neves Ltd"; "Anjos",
    not "Anjos Lda. Ltd")."""
    return not s.entry.is_person and legal_forms(s.segment.text) == legal_forms(s.entry.name)


def _strongest(evidence: list[ContractEvidence], index: DirectoryIndex) -> list[ContractEvidence]:
    """The CONTRACTS_EVALUATED strongest by _raw_strength; among equals at the cut, a company with the legal forms
    written on the label first, then those with fewer people (the order they rank in when the label fits them alike,
    see evaluate)."""
    strengths = {id(ev): _raw_strength(ev) for ev in evidence}
    chosen = sorted(evidence, key=lambda ev: strengths[id(ev)], reverse=True)[: CONTRACTS_EVALUATED + 1]  # = nlargest
    cut = strengths[id(chosen[CONTRACTS_EVALUATED - 1])]
    if strengths[id(chosen[CONTRACTS_EVALUATED])] != cut:
        return chosen[:CONTRACTS_EVALUATED]
    above = [ev for ev in chosen if strengths[id(ev)] > cut]
    tied = sorted(
        (ev for ev in evidence if strengths[id(ev)] == cut),
        key=lambda ev: (ev.org is None or not _forms_agree(ev.org), index.people_on(ev.contract_id)),
    )
    return above + tied[: CONTRACTS_EVALUATED - len(above)]


def _raw_strength(ev: ContractEvidence) -> float:
    """Cheap pre-ranking before features are computed: the best raw score, plus the company's when both fit. A
    person who does not fit (a negative score: "J. Richter" read against that company's Michael Jackson) takes
    nothing away: the company named on the label must still be weighed ("J. RICHTER, Kestrel Media LLC")."""
    sp = max(0.0, ev.person.alignment.score) if ev.person else 0.0
    so = max(0.0, ev.org.alignment.score) if ev.org else 0.0
    return max(sp, so) + 0.5 * min(sp, so) + (1.0 if ev.po_box else 0.0)


def decide(ranked: list[ContractEvidence], scored: list[Scored], index: DirectoryIndex) -> tuple[Decision, str]:
    """The decision on ranked evidence (at least one contract), and why a label not decided "auto" needs a look
    ("" when the decision says it all)."""
    p1 = ranked[0].probability
    p2 = max((ev.probability for ev in ranked[1:]), default=0.0)  # the best other contract, whatever its rank
    decision = calibration.decide(p1, p2, ranked[0].alone)
    reason = ""
    if decision == Decision.AUTO:
        reason = _not_sure(ranked[0], scored, index)
        if reason:
            decision = Decision.REVIEW
    elif decision == Decision.REVIEW:
        # "3 people named J. Smith"; else the particular doubt a sure-looking label is checked for, when there is
        # one ("Christopher Blackwood could also be meant"); else how far the best name falls short.
        reason = _look_alikes(ranked) or _not_sure(ranked[0], scored, index) or _short_of_sure(ranked[0])
    return decision, reason


RIVAL_SCORE = 0.5  # another contract's person this well read, with nothing on the label left over, is a rival
NAMED_COMPANY = 0.8  # a company this well read on another part of the label is the one the label names
_FIRST_NAME_FORMS = (Sim.NICKNAME, Sim.SHORT_FORM)
_FUZZY_GIVEN = (Sim.TYPO, Sim.PHONETIC)  # a first name not as written: a slip, or another name that sounds alike
DIRECT_FORM = 0.9  # token_sim of a name and its own short form (two short forms of one name score 0.75)


def _initial_the_other_way_round(a: Alignment, segment: Segment, entry: Entry) -> bool:
    """The label gives a name and an initial in the other order from the directory's, without a comma ("Min X." for
    Xie Min): read so, it fits a name it was not written for as easily as the one it was."""
    if segment.commas or len(entry.tokens) < 2 or all(p[3] != _INITIAL for p in a.pairs):
        return False
    where = {p[1]: segment.tokens.index(p[0]) for p in a.pairs}
    first, last = entry.tokens[0], entry.tokens[-1]
    return first in where and last in where and where[last] < where[first]


def _company_of(contract_id: int, index: DirectoryIndex) -> str:
    contract = index.contract(contract_id)
    return (contract.company_name or contract.billing_name) if contract else ""


def _not_sure(best: ContractEvidence, scored: list[Scored], index: DirectoryIndex) -> str:
    """Why a label the calibration would decide by itself still needs a look, or "" when it does not. Three kinds
    go wrong as a directory grows: a person's name read as the company named after their surname ("Rik van de
    Biezenbos" for van de Biezenbos NV); one half of a double-barrelled surname ("Ellie Brown" for Ellie
    Dean-Brown); a full name whose short form or long form is another person's ("Elizabeth Scott" with a Beth Scott
    on another contract)."""
    chosen = best.chosen
    if chosen is None:
        return ""
    twin = _twin_elsewhere(best, index) or _particle_surname_by_initial(best, index)
    if twin:
        return twin
    a = chosen.alignment
    entry = chosen.entry
    if not entry.is_person:
        if not best.supported and a.unmatched_label and a.pairs:
            first_matched = min(chosen.segment.tokens.index(p[0]) for p in a.pairs if p[0] in chosen.segment.tokens)
            before = [q for q in chosen.segment.tokens[:first_matched] if q in a.unmatched_label]
            if before:
                return (
                    f"the label names someone ({_shown(chosen.segment.text)}); {entry.name} is a company with "
                    f"only part of that name: check who it is for"
                )
        if not chosen.segment.org_like and not best.supported and len(chosen.segment.tokens) >= 2:
            # A name read as a company ("Thomas Evans" for Evans-Thomas Limited) while a person on another contract
            # answers to it too (Tom Evans).
            for s in scored:
                e = s.entry
                b = s.alignment
                if (
                    e.is_person
                    and e.contract_id != best.contract_id
                    and s.segment.overlaps(chosen.segment)
                    and b.score >= RIVAL_SCORE
                    and not b.conflict
                    and not b.unmatched_label
                    and not b.surname_missing
                    and not b.given_missing
                ):
                    company = _company_of(e.contract_id, index)
                    return (
                        f"{_shown(chosen.segment.text)} may be a person, {e.name}"
                        f"{f' ({company})' if company else ''}, rather than the company {entry.name}"
                    )
            if a.unmatched_entry:
                # A person's name that is only part of a company's ("James Elliott" for Öztürk, Elliott and James
                # LLP): the label more likely names someone the directory does not have.
                return (
                    f"the label names someone ({_shown(chosen.segment.text)}); {entry.name} is a company with more "
                    f"to its name: check who it is for"
                )
        return ""
    if _half_of_double_surname(fold(entry.name).replace("'", ""), a.unmatched_entry):
        return (
            f"the label gives only part of the double surname in {entry.name}: it may be someone else with that surname"
        )
    double = _half_of_double_surname(chosen.segment.text, a.unmatched_label)
    if double:  # the other way round: "Keith Molina-Otto" on the label, Keith Molina in the directory
        return (
            f"the label gives a double surname ({double}) and {entry.name} has only part of it: it may be someone else"
        )
    crossed = _crossed_given_names(a, chosen.segment.tokens, entry)
    if crossed:
        return (
            f"{_shown(crossed[0])} and {_shown(crossed[1])} stand in another order in {entry.name}: it may be "
            f"someone else"
        )
    if _initial_the_other_way_round(a, chosen.segment, entry):
        return (
            f"the label gives {_shown(chosen.segment.text)}, an initial the other way round from {entry.name}: it may "
            f"be someone else"
        )
    if best.supported:
        # The label names their company too: sure, unless that company name is on other contracts as well and the
        # label gives the person by surname only ("Mr Smith c/o Meridian Foods" with three Meridian Foods), or by a
        # name that is not theirs as written ("Petra Scott c/o Scott Estates" for Peter Scott there).
        org = best.org
        if org is not None and (len(a.pairs) <= 1 or any(p[3] in _FUZZY_GIVEN for p in a.pairs)):
            floor = org.alignment.score - 0.02
            others = {
                s.entry.contract_id
                for s in scored
                if not s.entry.is_person
                and s.entry.contract_id != best.contract_id
                and s.segment.overlaps(org.segment)
                and s.alignment.score >= floor
            }
            if others:
                return (
                    f"{len(others) + 1} contracts are named {org.entry.name}: check which "
                    f"{_shown(chosen.segment.text)} it is"
                )
        return ""
    for s in scored:
        # The label names a company the directory has ("Granite Logistics / Mrs Zaabi"), and this person is not
        # there: the addressee is more likely someone at that company.
        if (
            not s.entry.is_person
            and s.entry.contract_id != best.contract_id
            and s.alignment.score >= NAMED_COMPANY
            and not s.segment.overlaps(chosen.segment)
        ):
            company = _company_of(best.contract_id, index)
            return (
                f"the label names {s.entry.name}, but {entry.name} is on another contract"
                f"{f' ({company})' if company else ''}"
            )
    rivals: list[Scored] = []
    seen = {best.contract_id}
    first_exact = _first_name_exact(a, entry)
    for s in scored:
        e = s.entry
        if e.contract_id in seen or not e.is_person or not s.segment.overlaps(chosen.segment):
            continue
        b = s.alignment
        if not first_exact or b.conflict or b.given_missing:
            continue
        if b.unmatched_label:
            # That person's name is the label's without a middle name the label adds ("Christopher James Blackwood"
            # and a Christopher Blackwood on another contract): a middle name is often missing from the directory.
            shorter = (
                len(e.tokens) >= 2
                and e.tokens[0] == entry.tokens[0]
                and e.tokens[-1] == entry.tokens[-1]
                and all(p[3] == Sim.EXACT for p in b.pairs)
                and set(b.unmatched_label) <= set(_given_names(entry)[1:])
            )
            if shorter:
                seen.add(e.contract_id)
                rivals.append(s)
            continue
        # The whole label is in that person's longer name, word for word ("Inigo Vazquez" in Inigo Vazquez
        # Gonzalez, "John Smith" in John Paul Smith): a name is often written without its middle or second surname.
        longer = (
            len(e.tokens) > len(entry.tokens)
            and e.tokens[0] == entry.tokens[0]
            and all(p[3] == Sim.EXACT for p in b.pairs)
            and len(b.pairs) == len(a.pairs)
        )
        if not longer:
            if (
                b.score < RIVAL_SCORE
                or b.surname_missing
                or e.tokens[-1] != entry.tokens[-1]
                or not any(p[1] == e.tokens[-1] and p[3] == Sim.EXACT for p in b.pairs)
            ):
                continue  # the same surname, written as this person's
            if not any(_form_of(p) for p in b.pairs):
                continue  # ...and that one's first name a short/long form of the label's
        seen.add(e.contract_id)
        rivals.append(s)
    if rivals:
        other = rivals[0].entry
        company = _company_of(other.contract_id, index)
        more = f" and {len(rivals) - 1} more" if len(rivals) > 1 else ""
        how = (
            "a short or long form of their name"
            if any(p[3] in _FIRST_NAME_FORMS for p in rivals[0].alignment.pairs)
            else "their name with a middle name added"
            if rivals[0].alignment.unmatched_label
            else "their name written shorter"
        )
        return (
            f"{other.name}{f' ({company})' if company else ''}{more} could also be meant: "
            f"{_shown(chosen.segment.text)} may be {how}"
        )
    return ""


def _form_of(pair: tuple[str, str, float, Sim]) -> bool:
    """The label's word is a short or long form of the directory's (Beth ~ Elizabeth, Gil ~ Gilbert). Two short
    forms of one name (Ann ~ Tina, both of Christina) are too far apart to make an exact name doubtful."""
    kind = pair[3]
    return kind == Sim.SHORT_FORM or (kind == Sim.NICKNAME and pair[2] >= DIRECT_FORM)


def _shown(text: str) -> str:
    """A label part as the desk would write it ("j. smith" -> "J. Smith", "l.l.c" -> "L.L.C")."""
    return " ".join(w.upper() if "." in w.strip(".") else w[:1].upper() + w[1:] for w in text.strip().split())


def _half_of_double_surname(folded_name: str, unmatched: list[str]) -> str:
    """The double surname(s) of this folded name ("Molina-Otto") when one half is among the unmatched words and
    the other is not, else ""."""
    if not unmatched or "-" not in folded_name:
        return ""
    double = [w for w in folded_name.split() if "-" in w]
    parts = {p for w in double for p in w.split("-") if p}
    missing = parts & set(unmatched)
    if not missing or not parts - missing:
        return ""
    return " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in double)


def _crossed_given_names(a: Alignment, label_tokens: tuple[str, ...], entry: Entry) -> tuple[str, str] | None:
    """Two of the label's words read as two given names of this person in the other order ("Eleanor Anne Young"
    for Hannah Eleanor Young: Eleanor as the middle name, Anne as a short form of Hannah). A person's given names keep
    their order; such a reading is more often another person whose middle name the label adds. The surname, with
    its particles and both halves of a double surname, is not a given name ("van Dijk, Job" is Job van Dijk)."""
    given_names = _given_names(entry)
    given = sorted(
        (label_tokens.index(p[0]), given_names.index(p[1]), p[0])
        for p in a.pairs
        if p[0] in label_tokens and p[1] in given_names and len(p[0]) > 1
    )
    for (_, e1, q1), (_, e2, q2) in pairwise(given):
        if e1 > e2:
            return q1, q2
    return None


def _twin_elsewhere(best: ContractEvidence, index: DirectoryIndex) -> str:
    """Another live contract with the same name, or with the label's words as written ("Costa & Gonçalves" when
    the best read is Gonçalves & Costa), or, when the label adds a middle name, the name without it ("Christopher
    James Blackwood" and a Christopher Blackwood elsewhere). In a large directory such a twin may be past the
    candidates weighed, so it is looked up by its words. When the label names the company as well, only a contract
    with both twins counts."""
    chosen = best.chosen
    if chosen is None:
        return ""
    entry = chosen.entry
    forms = {entry.tokens, chosen.segment.tokens}
    given = _given_names(entry)[1:]
    middle = [p[1] for p in chosen.alignment.pairs if p[1] in given]
    if entry.is_person and middle:
        forms.add(tuple(t for t in entry.tokens if t not in middle))
    with_org: set[int] | None = None  # the contracts with the label's company too (all, when it names none)
    if best.supported and best.org is not None:
        with_org = {e.contract_id for e in index.names_written_as(best.org.entry.tokens) if not e.is_person}
    for words in sorted(forms):
        for twin in index.names_written_as(words):
            if twin.contract_id == best.contract_id or twin.gone or twin.is_person != entry.is_person:
                continue
            if with_org is not None and twin.contract_id not in with_org:
                continue
            contract = index.contract(twin.contract_id)
            if contract is None or contract.cancelled:
                continue
            company = contract.company_name or contract.billing_name
            return f"{twin.name}{f' ({company})' if company else ''} has the same name: check which one it is for"
    return ""


_O_PARTICLE = re.compile(r"(?<!\w)[OÓoó](?:['’]\s*|\s+)(\w)")  # Ó Maoilchéir, O'Brien: the letter after the particle


def _particle_surname_by_initial(best: ContractEvidence, index: DirectoryIndex) -> str:
    """A label giving the surname by its initial ("Edwin M.") also fits a person whose surname starts with the
    joined Irish particle (Edwin Ó Maoilchéir, read 'omaoilcheir'): the initial is that of the word after the
    particle. Such a person on another live contract makes the decision doubtful."""
    chosen = best.chosen
    if chosen is None or not chosen.entry.is_person or best.supported:
        return ""
    tokens = chosen.segment.tokens
    if len(tokens) < 2 or len(tokens[-1]) != 1 or len(tokens[0]) < 2:
        return ""
    first, initial = tokens[0], tokens[-1]
    entries = index.entries
    for eid in index.with_pair(f"o {first}"):
        other = entries[eid]
        if other.contract_id == best.contract_id or other.gone or other.tokens[0] != first:
            continue
        if not any(fold(m.group(1)) == initial for m in _O_PARTICLE.finditer(other.name)):
            continue
        contract = index.contract(other.contract_id)
        if contract is None or contract.cancelled:
            continue
        company = contract.company_name or contract.billing_name
        return (
            f"{other.name}{f' ({company})' if company else ''} could also be meant: "
            f"{initial.upper()}. may stand for the surname after Ó"
        )
    return ""


def _given_names(entry: Entry) -> tuple[str, ...]:
    """A person's words before the surname: up to the first particle, and never a part of a double surname."""
    tokens = entry.tokens
    end = len(tokens) - 1
    for k, t in enumerate(tokens[:end]):
        if t in PARTICLES:
            end = k
            break
    double = {p for w in fold(entry.name).split() if "-" in w for p in w.split("-")}
    return tuple(t for t in tokens[:end] if t not in double)


def _first_name_exact(a: Alignment, entry: Entry) -> bool:
    """The label gives this person's first name and surname as written (a label with a slip in it is not a short
    form written on purpose)."""
    return (
        len(entry.tokens) >= 2
        and all(p[3] == Sim.EXACT for p in a.pairs)
        and any(p[1] == entry.tokens[0] and len(p[0]) > 1 for p in a.pairs)
        and any(p[1] == entry.tokens[-1] for p in a.pairs)
    )


def _look_alikes(ranked: list[ContractEvidence]) -> str:
    """Names on other contracts as likely as the best, in the desk's words: "3 people named J. Smith"."""
    best = ranked[0]
    if best.chosen is None:
        return ""
    close = [ev for ev in ranked if ev.chosen is not None and best.probability - ev.probability <= 0.05]
    text = _shown(best.chosen.segment.text)
    if len(close) > 1:
        people = all(ev.chosen is not None and ev.chosen.entry.is_person for ev in close)
        many = f"{len(close)}{'+' if len(close) == len(ranked) and len(ranked) >= CONTRACTS_EVALUATED else ''}"
        return f"{many} {'people' if people else 'names'} on different contracts match {text}"
    return ""


def _short_of_sure(best: ContractEvidence) -> str:
    """How the best name falls short of sure: only partly read, or not far enough ahead."""
    if best.chosen is None:
        return ""
    text = _shown(best.chosen.segment.text)
    if best.probability < calibration.AUTO_PROBABILITY:
        return f"{best.chosen.entry.name} is only a partial match for {text}"
    return f"{best.chosen.entry.name} is not far enough ahead of the next name"
