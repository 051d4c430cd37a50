"""The data the matching stages hand each other: a directory name (Entry), how one label part reads against it
(Alignment, Scored), what a contract has for it (ContractEvidence), and the shapes of the per-word look-ups.

Data types only: nothing here reads, scores or decides. The stages, in the order a label goes through them:
label (read) -> candidates (find) -> align -> decide -> explain; app.matching.pipeline strings them together.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.matching.label import Segment
from app.matching.records import ContactKind
from app.matching.similarity import Sim

SimCache = dict[tuple[str, str], tuple[float, Sim]]
NearMap = dict[str, tuple[float, Sim]]  # directory word -> (likeness, kind) for one label word

# A label word's evidence: name id -> best likeness x rarity; the rarity of the best directory word it may be; the top
# names by that evidence (best first); and the directory words behind it, weakest first (a name's evidence comes from
# the last of them it carries). The map holds floats only, so the garbage collector does not walk it: at 500,000
# contacts a common first name's is 19,000 names long.
TokenVotes = tuple[dict[int, float], float, dict[int, float], tuple[str, ...]]


@dataclass(slots=True)
class Entry:
    """One matchable name: a contact, a company/billing name, a contract holder, or a learned alias."""

    eid: int
    contract_id: int
    contact_id: int | None
    kind: ContactKind
    name: str
    tokens: tuple[str, ...]
    alias: bool = False
    gone: bool = False
    is_person: bool = False
    epoch: int = -1  # the index's write count when the weights below were computed
    weights: tuple[float, ...] = ()  # rarity of each token
    cover_weight: float = 1.0  # what a label must account for to cover the name
    cover_weight_initial: float = 1.0  # the same when the label gives an initial for the first name


@dataclass(slots=True)
class Alignment:
    score: float
    entry_cover: float  # share of the directory name's weight the label accounts for
    label_cover: float  # share of the label segment's weight the directory name accounts for
    matched_weight: float  # sum of sim * rarity over matched tokens
    conflict: float  # 1: both sides have a name the other lacks (Henry vs Mary); 0.5: only a middle name
    pairs: list[tuple[str, str, float, Sim]]  # (label token, directory token, similarity, kind)
    unmatched_label: list[str]
    unmatched_entry: list[str]
    given_missing: bool  # the label gives no first name or initial for a person
    surname_missing: bool  # the label names a person without this name's surname ("Ashley Jennifer" for A. J. Kowalski)
    known_fuzzy: float  # label words that are names in their own right, matched only loosely (Ann ~ Anne, Luca ~ Lucy)
    label_explained: float  # label token weight this name accounts for (sim-weighted)


@dataclass(slots=True)
class Scored:
    """A directory name aligned with one part of the label."""

    entry: Entry
    segment: Segment
    alignment: Alignment


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
    alone: float = 0.0  # calibrated on both: the probability were no other contract near
    probability: float = 0.0  # alone times its share of the evidence (calibration.shares)
