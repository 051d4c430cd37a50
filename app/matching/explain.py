"""Explain: the candidates staff see, each with its reasons in words a receptionist understands ("surname exact;
first name Bob is a short form of Robert")."""

from __future__ import annotations

import math

from app.matching.index import DirectoryIndex
from app.matching.label import Label
from app.matching.records import ContactKind, ContractEntry
from app.matching.result import Candidate
from app.matching.similarity import Sim
from app.matching.types import ContractEvidence, Scored

_EXACT = Sim.EXACT
_OCR_SHAPES = (("0", "o"), ("1", "l"), ("5", "s"), ("8", "b"), ("rn", "m"), ("vv", "w"), ("cl", "d"), ("ri", "n"))


def _role(entry_tokens: tuple[str, ...], token: str, person: bool) -> str:
    if not person:
        return "name"
    i = entry_tokens.index(token)
    if i == len(entry_tokens) - 1:
        return "surname"
    return "first name" if i == 0 else "middle name"


def _shape(q: str, t: str) -> str:
    for a, b in _OCR_SHAPES:
        if a in q and b in t:
            return f" ({a}/{b.upper() if len(b) == 1 else b})"
    return ""


def describe_tokens(scored: Scored) -> list[str]:
    entry = scored.entry
    a = scored.alignment
    person = entry.is_person
    out: list[str] = []
    exact = bool(a.pairs) and all(p[3] == _EXACT for p in a.pairs)
    if not person and exact and not a.unmatched_entry and not a.unmatched_label:
        if entry.alias:
            out.append(f"the label is the same as one remembered for this recipient (“{entry.name}”)")
        else:
            what = "trading name" if entry.kind == ContactKind.TRADING_NAME else "company name"
            out.append(f"{what} {entry.name} matches exactly")
        return out
    for q, t, _s, kind in a.pairs:
        role = _role(entry.tokens, t, person)
        if kind == Sim.EXACT:
            out.append(f"{role} {t.capitalize()} exact")
        elif kind == Sim.SPELLING:
            out.append(f"{role} {q.capitalize()} is another spelling of {t.capitalize()}")
        elif kind == Sim.INITIAL:
            if len(q) == 1:
                out.append(f"initial {q.upper()} matches {t.capitalize()}")
            else:
                out.append(f"{q.capitalize()} matches the initial {t.upper()}")
        elif kind == Sim.NICKNAME:
            out.append(f"{role} {q.capitalize()} is a short form of {t.capitalize()}")
        elif kind == Sim.SHORT_FORM:
            out.append(f"{role} {q.capitalize()} may be short for {t.capitalize()}")
        elif kind == Sim.OCR:
            out.append(f"{q.upper()} looks like a scanning error{_shape(q, t)} for {t.capitalize()}")
        elif kind == Sim.TYPO:
            out.append(f"{q.capitalize()} looks like a typing error for {t.capitalize()}")
        elif kind == Sim.PHONETIC:
            out.append(f"{q.capitalize()} sounds like {t.capitalize()}")
    if person:
        missing = [t for t in a.unmatched_entry if entry.tokens.index(t) not in (0, len(entry.tokens) - 1)]
        if missing and not a.conflict:
            out.append(f"middle name {' '.join(m.capitalize() for m in missing)} not on the label")
        if a.conflict and a.unmatched_label:
            out.append(
                f"{' '.join(a.unmatched_label).title()} on the label but "
                f"{' '.join(a.unmatched_entry).title()} in the directory: may be a different person"
            )
        elif a.unmatched_label:
            out.append(f"{' '.join(a.unmatched_label).title()} is not in the directory name")
        if a.given_missing:
            out.append("no first name on the label")
    elif a.unmatched_entry and a.unmatched_label:
        out.append(f"{' '.join(a.unmatched_label).title()} differs from {' '.join(a.unmatched_entry).title()}")
    if not entry.name.isascii() and all(p[3] == _EXACT for p in a.pairs):
        out.append("same name apart from accents")
    return out


def explain(ev: ContractEvidence, label: Label, contract: ContractEntry | None, company: str) -> list[str]:
    why: list[str] = []
    chosen = ev.chosen
    if chosen is not None:
        entry = chosen.entry
        why.extend(describe_tokens(chosen))
        if entry.alias:
            why.append("learned from an earlier label staff assigned by hand")
        if entry.kind == ContactKind.TRADING_NAME:
            why.append(f"trading name of {company}")
        elif entry.kind == ContactKind.HOLDER:
            why.append("holds the contract")
        if ev.supported and ev.org is not None and ev.org is not chosen:
            why.extend(describe_tokens(ev.org))
        if chosen is ev.org and any(not s.overlaps(chosen.segment) and not s.org_like for s in label.segments):
            others = [s.text for s in label.segments if not s.overlaps(chosen.segment) and s.sub < 0]
            if others:
                why.append(f"{others[0].title()} is not on this contract's list: the parcel is for the company")
        if entry.gone:
            why.append("removed in Nexudus: check before handing over")
    if ev.po_box:
        why.append("PO Box number is this contract's")
    if contract is not None and contract.cancelled:
        d = contract.cancelled_on
        when = f" on {d.day} {d:%b %Y}" if d else ""
        why.append(f"contract cancelled{when}")
    return why


def candidates(ranked: list[ContractEvidence], label: Label, index: DirectoryIndex, limit: int) -> list[Candidate]:
    """The first `limit` contracts of the ranking (at least one) as the desk shows them, with their reasons."""
    return [_candidate(ev, label, index, ranked) for ev in ranked[: max(limit, 1)]]


def _candidate(ev: ContractEvidence, label: Label, index: DirectoryIndex, ranked: list[ContractEvidence]) -> Candidate:
    contract = index.contract(ev.contract_id)
    company = (contract.company_name or contract.billing_name) if contract else ""
    chosen = ev.chosen
    if chosen is None:
        entry = next((e for e in index.names_of(ev.contract_id) if e.kind == ContactKind.COMPANY), None)
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
