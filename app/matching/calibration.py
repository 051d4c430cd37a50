"""Turn match evidence into a probability, and a probability (with the runner-up's) into a decision.

Two logistic regressions, fitted by `.venv/bin/python -m tests.support.fit_calibration` on labels generated from
synthetic directories (tests/support/directory_gen.py and the sandbox's generator, labels from
tests/support/label_families.py, every family): for each label the matcher's top contracts are samples, 1 for the
expected contract, 0 for every other (all 0 for strangers). COEFFICIENTS weigh a contract's own evidence;
COMPETITION_COEFFICIENTS weigh its logit and, for a company name that reads its whole label part, its lead over the
best other contract. Both were fitted on directories of about 13,000 contacts, where rivals are few. The directory
around the name is then counted by `shares`: the probability shown is the second stage's times the contract's share
of the evidence of every contract weighed, so that it means the same at 13,000, 100,000 and 500,000 contacts (the
script reports how often a best candidate shown at each probability was right, size by size). The development sets'
answers were not used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import mul

from app.matching.result import Decision

FEATURE_NAMES = (
    "bias",
    "score",
    "entry_cover",
    "label_cover",
    "evidence",
    "conflict",
    "given_missing",
    "surname_missing",
    "known_fuzzy",
    "initial_only",
    "support",
    "is_org",
    "stranger_at_company",
    "alias",
    "po_box",
    "whole_label_cover",
)
COEFFICIENTS = (
    -6.415,
    6.215,
    -1.133,
    -4.368,
    2.965,
    -2.920,
    -4.167,
    -1.773,
    -3.683,
    -0.202,
    6.967,
    -0.570,
    0.643,
    3.000,
    4.000,
    3.650,
)
# alias and po_box do not occur in the generated labels: their weights (3.0, 4.0) are set by hand so that a learned
# alias or the contract's PO box number adds about as much as a rare surname.

_IS_ORG = FEATURE_NAMES.index("is_org")
_LABEL_COVER = FEATURE_NAMES.index("label_cover")
_ENTRY_COVER = FEATURE_NAMES.index("entry_cover")

# Second stage: a contract's own logit and its lead over the best other contract ("Kraus LLC" read exactly with no
# other Kraus LLC is sure; "J Smith" with three J Smiths is not). Fitted the same way, on the first stage's logits.
COMPETITION_NAMES = ("bias", "logit", "lead_org")
COMPETITION_COEFFICIENTS = (-0.024, 9.238, 15.219)
NO_RIVAL = -10.0  # the logit a missing runner-up counts as
LEAD_CAP = 10.0


def competition(own: float, best_other: float, first_stage: tuple[float, ...]) -> tuple[float, ...]:
    """A company name that reads its whole label part with no rival is sure ("KRAUS LLC"). A company name inside a
    longer part ("Kyara Figueiredo" for Figueiredo LLC) or named in part ("Jansen" for Visser & Jansen) is not, and
    a person's name close to one directory name may still be a stranger's (Ann Mason for Anne Mason): for those the
    lead does not count, their first stage stands."""
    lead = max(-LEAD_CAP, min(LEAD_CAP, own - max(best_other, NO_RIVAL))) / LEAD_CAP
    org_reads_all = 0.0
    if first_stage and first_stage[_IS_ORG]:
        org_reads_all = min(1.0, first_stage[_LABEL_COVER], first_stage[_ENTRY_COVER]) ** 4
    return (1.0, max(-LEAD_CAP, min(LEAD_CAP, own)) / LEAD_CAP, lead * org_reads_all)


def final_logit(x: tuple[float, ...]) -> float:
    assert len(x) == len(COMPETITION_COEFFICIENTS)
    return sum(map(mul, COMPETITION_COEFFICIENTS, x))


def shares(logits: Sequence[float]) -> list[float]:
    """Each contract's share of the evidence among the contracts weighed (a softmax of their second-stage logits): 1
    when no other comes near, 1/2 for each of two the label fits alike, 1/3 for "J Smith" with three J Smiths.

    The probability is the second stage's times its share. The second stage says how likely the label is for a
    contract with this evidence, and was fitted where rivals are few; the share says which of the contracts with such
    evidence it is. In a large directory more labels fit several contracts, so the same evidence is worth less: on
    generated directories of 13,000, 100,000 and 500,000 contacts (tests/support/fit_calibration.py), a best
    candidate shown at 0.6-0.8 was right 89%, 55% and 39% of the time without the share, and 100%, 100% and 100%
    with it."""
    top = max(logits, default=0.0)
    weights = [math.exp(x - top) for x in logits]
    total = sum(weights)
    return [w / total for w in weights]


# Decision thresholds, read off precision/coverage tables over generated labels (sandbox directory seed 11 and
# tests/support directory seed 12, 8,000 labels): the lowest pair keeping auto precision >= 0.998 and strangers auto <=
# 0.3% there. Checked again with the share, after decide's directory checks, on 3,000 labels of every family from each
# generator at 13,000, 100,000 and 500,000 contacts (seed 21): precision 1.0 and no stranger decided auto at all six,
# where 0.35 lets strangers through at 13,000. Auto needs p >= 0.40 AND a 0.35 lead over the best other contract, so
# ties are never auto. (0.45 and 0.4 before the directory checks of decide._not_sure took the unsafe kinds out of auto:
# a nickname whose full name is another person's, half a double surname, a person read as the company named after them.)
AUTO_PROBABILITY = 0.40
AUTO_MARGIN = 0.35
NONE_BELOW = 0.2


def features(
    *,
    score: float,
    entry_cover: float,
    label_cover: float,
    matched_weight: float,  # sum of sim * rarity, in units of the rarest possible word
    conflict: float,
    given_missing: bool,
    surname_missing: bool,
    known_fuzzy: float,
    initial_only: bool,
    support: float,
    is_org: bool,
    stranger_at_company: bool,
    alias: bool,
    po_box: bool,
    whole_label_cover: float,
) -> tuple[float, ...]:
    return (
        1.0,
        score,
        entry_cover,
        label_cover,
        matched_weight,
        conflict,
        float(given_missing),
        float(surname_missing),
        known_fuzzy,
        float(initial_only),
        support,
        float(is_org),
        float(stranger_at_company),
        float(alias),
        float(po_box),
        whole_label_cover,
    )


def po_box_only_features() -> tuple[float, ...]:
    x = [0.0] * len(FEATURE_NAMES)
    x[0] = x[FEATURE_NAMES.index("po_box")] = 1.0
    return tuple(x)


def logit(x: tuple[float, ...]) -> float:
    assert len(x) == len(COEFFICIENTS)
    return sum(map(mul, COEFFICIENTS, x))


def sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def decide(best: float, runner_up: float, anyone: float) -> Decision:
    """Auto on the best contract's probability and its lead; "none" when the label is unlikely to be for anyone
    weighed (`anyone`: the best contract's probability before the share, see shares), so that "K. Jones" with three
    K. Joneses, each a third as likely, is still a label for staff to pick among, not a stranger's."""
    if best >= AUTO_PROBABILITY and best - runner_up >= AUTO_MARGIN:
        return Decision.AUTO
    if anyone < NONE_BELOW:
        return Decision.NONE
    return Decision.REVIEW
