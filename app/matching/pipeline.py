"""A label's way through the matcher, in order: read the label (app.matching.label), find the candidates of each of
its parts and align them with it (app.matching.candidates, app.matching.align), rank the contracts and decide
(app.matching.decide), explain (app.matching.explain). The directory index (app.matching.index) holds the names
and answers the stages' look-ups; MatchIndex is that index with the pipeline's two questions on it:

    index = MatchIndex.build(contracts, contacts, aliases)
    result = index.match("Ms Craig, Beacon Labs")  # = match(index, "Ms Craig, Beacon Labs")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from app.matching.align import align_candidates
from app.matching.candidates import warm_common_words
from app.matching.decide import decide, evaluate
from app.matching.explain import candidates
from app.matching.index import DirectoryIndex
from app.matching.label import parse_label
from app.matching.records import AliasEntry, ContactEntry, ContractEntry
from app.matching.result import Decision, MatchResult
from app.matching.types import ContractEvidence


def match(index: DirectoryIndex, text: str, limit: int = 5) -> MatchResult:
    """Label text -> ranked (contract, contact) candidates with reasons, and a decision."""
    with index.lock:
        index.bound_likeness_memo()
        label = parse_label(text)
        scored = align_candidates(index, label)
        ranked = evaluate(label, scored, index)
        if not ranked:
            return MatchResult(Decision.NONE, [])
        decision, reason = decide(ranked, scored, index)
        return MatchResult(decision, candidates(ranked, label, index, limit), reason=reason)


def evidence(index: DirectoryIndex, text: str) -> list[ContractEvidence]:
    """The per-contract evidence behind match(), best first (for calibration and diagnostics)."""
    with index.lock:
        index.bound_likeness_memo()
        label = parse_label(text)
        scored = align_candidates(index, label)
        return evaluate(label, scored, index)


class MatchIndex(DirectoryIndex):
    """Label text -> ranked (contract, contact) candidates: the directory index, built with the label-word work for
    its commonest words done, and the pipeline above as methods (what the desk, the capture and the tools call)."""

    @classmethod
    def build(
        cls,
        contracts: Iterable[ContractEntry],
        contacts: Iterable[ContactEntry],
        aliases: Iterable[AliasEntry] = (),
    ) -> Self:
        """The index of these records, with the label-word work for the directory's commonest words done at once
        (the costliest on a keystroke, the likeliest on a label)."""
        index = cls()
        index._fill(contracts, contacts, aliases)
        warm_common_words(index)
        return index

    def match(self, text: str, limit: int = 5) -> MatchResult:
        return match(self, text, limit)

    def evidence(self, text: str) -> list[ContractEvidence]:
        return evidence(self, text)
