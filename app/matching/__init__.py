"""Addressee matching: label text -> ranked (contract, contact) candidates with reasons and a decision.

Works on plain records (no Qt, no SQL). Build once, update incrementally (the index's upsert and remove methods):

    index = MatchIndex.build(contracts, contacts, aliases)
    result = index.match("Ms Craig, Beacon Labs")

One module per stage; app.matching.pipeline strings them together in the order a label goes through them.

Some modules may run compiled; app.matching.compiled, imported first, makes sure a build older than its sources is
never what runs.
"""

from app.matching.compiled import use_sources_if_stale

use_sources_if_stale()  # first: it decides where the modules below are imported from

from app.matching.pipeline import MatchIndex  # noqa: E402
from app.matching.records import AliasEntry, ContactEntry, ContactKind, ContractEntry  # noqa: E402
from app.matching.result import Candidate, Decision, MatchResult  # noqa: E402

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
