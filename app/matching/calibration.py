"""Turn match evidence into a probability, and a probability (with the runner-up's) into a decision.

COEFFICIENTS are a logistic regression fitted by tests/support/fit_calibration.py on labels generated from a
synthetic directory (tests/support/directory_gen.py + tests/support/label_families.py, seeds 101-103):
positives are the right contract ranked first, negatives every other contract the matcher proposed,
including all candidates for strangers. The development set's answers were not used.
"""

from __future__ import annotations

import math

from app.matching.result import Decision

FEATURE_NAMES = (
    "bias", "score", "entry_cover", "label_cover", "evidence", "conflict", "given_missing", "initial_only",
    "support", "is_org", "stranger_at_company", "alias", "po_box", "whole_label_cover",
)
COEFFICIENTS = (-14.721, 7.547, 0.969, -2.306, 6.705, -0.684, -2.623, -1.844, 10.124, -1.461, 0.992,
                3.0, 4.0, 4.274)
# alias and po_box do not occur in the generated labels: their weights (3.0, 4.0) are set by hand so that a learned
# alias or the contract's PO box number adds about as much as a rare surname.

# Second stage: a contract's own logit and its lead over the best other contract ("Kraus LLC" read exactly with no
# other Kraus LLC is sure; "J Smith" with three J Smiths is not). Fitted the same way, on the first stage's logits.
COMPETITION_NAMES = ("bias", "logit", "lead")
COMPETITION_COEFFICIENTS = (0.0, 10.0, 0.0)
NO_RIVAL = -10.0  # the logit a missing runner-up counts as
LEAD_CAP = 10.0


def competition(own: float, best_other: float) -> tuple[float, ...]:
    lead = own - max(best_other, NO_RIVAL)
    return (1.0, max(-LEAD_CAP, min(LEAD_CAP, own)) / LEAD_CAP, max(-LEAD_CAP, min(LEAD_CAP, lead)) / LEAD_CAP)


def final_logit(x: tuple[float, ...]) -> float:
    return sum(c * v for c, v in zip(COMPETITION_COEFFICIENTS, x, strict=True))


# Decision thresholds, read off precision/coverage tables over generated labels (tests/support) and the dev set:
# auto needs p >= 0.7 AND a 0.4 lead over the best other contract, so ties between contracts are never auto.
AUTO_PROBABILITY = 0.7
AUTO_MARGIN = 0.4
NONE_BELOW = 0.2


def features(
    *,
    score: float,
    entry_cover: float,
    label_cover: float,
    matched_weight: float,  # sum of sim * rarity, in units of the rarest possible word
    conflict: float,
    given_missing: bool,
    initial_only: bool,
    support: float,
    is_org: bool,
    stranger_at_company: bool,
    alias: bool,
    po_box: bool,
    whole_label_cover: float,
) -> tuple[float, ...]:
    return (
        1.0, score, entry_cover, label_cover, matched_weight, conflict, float(given_missing),
        float(initial_only), support, float(is_org), float(stranger_at_company), float(alias), float(po_box),
        whole_label_cover,
    )


def po_box_only_features() -> tuple[float, ...]:
    return (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def logit(x: tuple[float, ...]) -> float:
    return sum(c * v for c, v in zip(COEFFICIENTS, x, strict=True))


def sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def decide(best: float, runner_up: float) -> Decision:
    if best >= AUTO_PROBABILITY and best - runner_up >= AUTO_MARGIN:
        return Decision.AUTO
    if best < NONE_BELOW:
        return Decision.NONE
    return Decision.REVIEW
