"""Addressee matching: label text -> ranked (contract, contact) candidates with reasons and a decision.

Works on plain records (no Qt, no SQL). Build once, update incrementally:

    index = MatchIndex.build(contracts, contacts, aliases)
    result = index.match("Ms Craig, Beacon Labs")
"""

from app.matching.index import MatchIndex
from app.matching.records import AliasEntry, ContactEntry, ContactKind, ContractEntry
from app.matching.result import Candidate, Decision, MatchResult

__all__ = [
    "AliasEntry",
    "Candidate",
    "ContactEntry",
    "ContactKind",
    "ContractEntry",
    "Decision",
    "MatchIndex",
    "MatchResult",
]
