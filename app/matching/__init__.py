"""Addressee matching: label text -> ranked (contract, contact) candidates with reasons and a decision.

Works on plain records (no Qt, no SQL). Build once, update incrementally (the index's upsert and remove methods):

    index = MatchIndex.build(contracts, contacts, aliases)
    result = index.match("Ms Craig, Beacon Labs")

One module per stage; app.matching.pipeline strings them together in the order a label goes through them.
"""

from app.matching.pipeline import MatchIndex
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
