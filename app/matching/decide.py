"""From scored (segment, name) pairs to one candidate per contract, a calibrated confidence and a decision."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.matching import calibration
from app.matching.explain import explain
from app.matching.label import Label
from app.matching.records import ContactKind, ContractEntry
from app.matching.result import Candidate, Decision, MatchResult
from app.matching.scoring import Alignment
from app.matching.similarity import Sim

_INITIAL = Sim.INITIAL

if TYPE_CHECKING:
    from app.matching.index import Entry, Scored

ORG_KINDS = (ContactKind.COMPANY, ContactKind.TRADING_NAME)
CONTRACTS_EVALUATED = 6


@dataclass(slots=True)
class ContractEvidence:
    contract_id: int
    person: Scored | None = None
    org: Scored | None = None
    po_box: bool = False
    supported: bool = False  # person and company both named, on different parts of the label
    chosen: Scored | None = None
    features: tuple[float, ...] = ()
    logit: float = -99.0  # from this contract's own evidence
    competition: tuple[float, ...] = ()  # its logit against the best other contract's (calibration.competition)
    probability: float = 0.0  # calibrated on both


HOLDER_HANDICAP = 0.15  # the holder is usually also a contact under a fuller name: prefer the contact


def _better(a: Scored | None, b: Scored) -> bool:
    if a is None:
        return True
    sa, sb = a.alignment.score, b.alignment.score
    if (a.entry.kind == ContactKind.HOLDER) != (b.entry.kind == ContactKind.HOLDER):
        if a.entry.kind == ContactKind.HOLDER:
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


def _person_segments(label: Label, org: Scored | None) -> bool:
    """Does the label name someone besides the company (a part that is not the company's)?"""
    if org is None:
        return False
    return any(not seg.overlaps(org.segment) and not seg.org_like and (len(seg.tokens) >= 2 or seg.had_title)
               for seg in label.segments)


def _evaluate(ev: ContractEvidence, label: Label) -> None:
    person, org = ev.person, ev.org
    sp = person.alignment.score if person else 0.0
    so = org.alignment.score if org else 0.0
    ev.supported = bool(person and org and not person.segment.overlaps(org.segment) and so >= 0.5 and sp > 0.0
                        and any(p[3] != _INITIAL for p in person.alignment.pairs))
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


def _rank_key(ev: ContractEvidence) -> tuple[float, float, bool]:
    chosen = ev.chosen
    return (ev.logit, chosen.alignment.score if chosen else 0.0, bool(chosen and chosen.entry.contact_id))


def evaluate(label: Label, scored: list[Scored], po_contracts: set[int]) -> list[ContractEvidence]:
    """One piece of evidence per contract, with features and probability, best first."""
    by_contract = _collect(scored, po_contracts)
    evidence = list(by_contract.values())
    if len(evidence) > CONTRACTS_EVALUATED:
        evidence = heapq.nlargest(CONTRACTS_EVALUATED, evidence, key=_raw_strength)
    for ev in evidence:
        _evaluate(ev, label)
    ranked = sorted(evidence, key=_rank_key, reverse=True)
    for k, ev in enumerate(ranked):
        other = ranked[1].logit if k == 0 and len(ranked) > 1 else ranked[0].logit if k else calibration.NO_RIVAL
        ev.competition = calibration.competition(ev.logit, other, ev.features)
        ev.probability = calibration.sigmoid(calibration.final_logit(ev.competition))
    return ranked


def _raw_strength(ev: ContractEvidence) -> float:
    """Cheap pre-ranking before features are computed: the best raw score, plus the company's when both fit."""
    sp = ev.person.alignment.score if ev.person else 0.0
    so = ev.org.alignment.score if ev.org else 0.0
    return max(sp, so) + 0.5 * min(sp, so) + (1.0 if ev.po_box else 0.0)


def rank_and_decide(
    label: Label,
    scored: list[Scored],
    po_contracts: set[int],
    contracts: dict[int, ContractEntry],
    entries: dict[int, Entry],
    contract_entries: dict[int, list[int]],
    limit: int,
) -> MatchResult:
    ranked = evaluate(label, scored, po_contracts)
    if not ranked:
        return MatchResult(Decision.NONE, [])
    p1 = ranked[0].probability
    p2 = ranked[1].probability if len(ranked) > 1 else 0.0
    decision = calibration.decide(p1, p2)
    candidates: list[Candidate] = []
    for ev in ranked[: max(limit, 1)]:
        candidates.append(_candidate(ev, label, contracts, entries, contract_entries, ranked))
    return MatchResult(decision, candidates)


def _candidate(
    ev: ContractEvidence,
    label: Label,
    contracts: dict[int, ContractEntry],
    entries: dict[int, Entry],
    contract_entries: dict[int, list[int]],
    ranked: list[ContractEvidence],
) -> Candidate:
    contract = contracts.get(ev.contract_id)
    company = (contract.company_name or contract.billing_name) if contract else ""
    chosen = ev.chosen
    if chosen is None:
        entry = next((entries[e] for e in contract_entries.get(ev.contract_id, [])
                      if entries[e].kind == ContactKind.COMPANY), None)
        name, kind, contact_id, gone = (entry.name if entry else company), ContactKind.COMPANY, None, False
    else:
        entry = chosen.entry
        name, kind, contact_id, gone = entry.name, entry.kind, entry.contact_id, entry.gone
    why = explain(ev, label, contract, company)
    if ev is not ranked[0] and len(ranked) > 1 and math.isclose(ev.probability, ranked[0].probability, abs_tol=0.02):
        why.append("as likely as the first candidate: check which one")
    return Candidate(
        contract_id=ev.contract_id,
        contact_id=contact_id,
        kind=kind,
        name=name,
        company=company,
        confidence=ev.probability,
        why=why,
        cancelled=bool(contract and contract.cancelled),
        gone=gone,
    )
