"""Score one label segment against one directory name, token by token, with evidence that adds up.

Weights are the rarity (inverse document frequency) of each directory token, so "Smith", "Trading" or
"Consulting" say little and "Chhabra" says a lot. A conflicting first name or initial counts strongly against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.matching.normalize import PARTICLES
from app.matching.similarity import Sim, token_sim

_INITIAL = Sim.INITIAL
_EXACT = Sim.EXACT
_NICKNAME = Sim.NICKNAME
_SHORT_FORM = Sim.SHORT_FORM
_PHONETIC = Sim.PHONETIC
_TYPO = Sim.TYPO
_OCR = Sim.OCR

INITIAL_WEIGHT_CAP = 2.0  # an initial says about as much as one letter in 26, whatever the full name's rarity
MIDDLE_DISCOUNT = 0.3
KNOWN_NAME_FUZZY = 0.7  # "Jade" is a real name, so reading it as a typo of "Jake" is weak evidence
_PERSON_ONLY = (_INITIAL, _NICKNAME, _SHORT_FORM, _PHONETIC)
_FUZZY = (_TYPO, _OCR, _PHONETIC, _SHORT_FORM)  # a middle name on one side only is normal
_LOOSE = (*_FUZZY, _NICKNAME)
PARTICLE_DISCOUNT = 0.3

SimCache = dict[tuple[str, str], tuple[float, Sim]]
NearMap = dict[str, tuple[float, Sim]]  # directory word -> (likeness, kind) for one label word


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


def align(
    label_tokens: tuple[str, ...],
    entry_tokens: tuple[str, ...],
    is_person: bool,
    weights: Sequence[float],
    label_weights: list[float],
    cache: SimCache,
    had_title: bool = False,
    known_mask: int = 0,
    near: list[NearMap | None] | None = None,
) -> Alignment:
    """Greedy one-to-one alignment by similarity, then coverage on both sides and conflicts.

    known_mask: bit i set when label token i is itself a directory word. near: for each label token, the directory
    words it may be with their likeness (the index's neighbours); a pair outside it is only compared in full when
    both words start alike.
    """
    found: list[tuple[float, int, int, Sim]] = []
    for i, q in enumerate(label_tokens):
        near_q = near[i] if near is not None else None
        for j, t in enumerate(entry_tokens):
            r = near_q.get(t) if near_q is not None else None
            if r is None:
                if near_q is not None and q[0] != t[0] and len(t) > 1:
                    continue
                key = (q, t)
                r = cache.get(key)
                if r is None:
                    r = token_sim(q, t)
                    cache[key] = r
            sim, kind = r
            if kind == _INITIAL:
                if not is_person and q == t:
                    sim, kind = 1.0, _EXACT  # a one-letter word of a company name ("Raimondi e Figli")
                elif t in PARTICLES:
                    continue  # "V." is not "van"
            if sim > 0.0 and (is_person or kind not in _PERSON_ONLY):
                if (known_mask >> i) & 1 and kind in _FUZZY:
                    sim *= KNOWN_NAME_FUZZY
                found.append((-sim, i, j, kind))
    if not found:  # nothing in common: callers drop alignments with no matched weight
        return Alignment(0.0, 0.0, 0.0, 0.0, 0.0, [], list(label_tokens), list(entry_tokens), False, False, 0.0, 0.0)
    found.sort()  # best first; among equals the earlier words (a first name before a middle name)
    used_q = 0
    used_e = 0
    pairs: list[tuple[str, str, float, Sim]] = []
    credit = 0.0
    matched_full = 0.0
    n_entry = len(entry_tokens)
    n_label = len(label_tokens)
    label_explained = 0.0
    order: list[tuple[int, int]] = []
    penalty = 1.0
    known_fuzzy = 0.0
    for neg, i, j, kind in found:
        s = -neg
        if (used_q >> i) & 1 or (used_e >> j) & 1:
            continue
        used_q |= 1 << i
        used_e |= 1 << j
        w = weights[j]
        if kind == _INITIAL:
            w = min(w, INITIAL_WEIGHT_CAP)
            # "M Warren" is not "Warren McGarrigle": a surname is given as an initial only at the end ("Zuzana K.")
            if len(label_tokens[i]) == 1 and j == n_entry - 1 and i != n_label - 1:
                penalty *= 0.6
        credit += s * w
        matched_full += w
        label_explained += s * label_weights[i]
        if (known_mask >> i) & 1 and kind in _LOOSE:
            known_fuzzy += 1.0
        order.append((i, j))
        pairs.append((label_tokens[i], entry_tokens[j], s, kind))
    if not is_person:
        order.sort()
        if any(order[k][1] > order[k + 1][1] for k in range(len(order) - 1)):
            penalty *= 0.85  # "Orbit North Labs" is not "North Orbit Labs"
        if had_title:
            penalty *= 0.6  # "Ms Craig" names a person, not Craig Ltd
    unmatched_e_w = 0.0
    unmatched_entry: list[str] = []
    hard_e = False
    soft_e = False
    middle_discount = -1.0  # worked out when a middle name is missing
    for j, t in enumerate(entry_tokens):
        if (used_e >> j) & 1:
            continue
        unmatched_entry.append(t)
        w = weights[j]
        if t in PARTICLES:
            unmatched_e_w += w * PARTICLE_DISCOUNT
            continue
        if is_person and 0 < j < n_entry - 1:
            if middle_discount < 0.0:
                # A label that gives initials ("W Forster") leaves out middle names as a matter of course.
                middle_discount = 0.0 if any(len(q) == 1 for q in label_tokens) else MIDDLE_DISCOUNT
            unmatched_e_w += w * middle_discount
            soft_e = True
        else:
            unmatched_e_w += w
            hard_e = True
    unmatched_q_w = 0.0
    unmatched_label: list[str] = []
    for i, q in enumerate(label_tokens):
        if (used_q >> i) & 1:
            continue
        unmatched_label.append(q)
        unmatched_q_w += label_weights[i] * (PARTICLE_DISCOUNT if q in PARTICLES else 1.0)
    entry_cover = credit / (matched_full + unmatched_e_w) if credit else 0.0
    label_cover = credit / (matched_full + unmatched_q_w) if credit else 0.0
    conflict = 0.0
    if unmatched_label and any(q not in PARTICLES for q in unmatched_label):
        conflict = 1.0 if hard_e else 0.5 if soft_e else 0.0
    given_missing = is_person and n_entry >= 2 and bool((used_e & 1) == 0) and not unmatched_label
    surname_missing = (
        is_person
        and n_entry >= 2
        and n_label >= 2
        and not (used_e >> (n_entry - 1)) & 1
        and entry_tokens[-1] not in PARTICLES
    )
    score = entry_cover * label_cover * penalty - 0.45 * conflict
    return Alignment(
        score,
        entry_cover,
        label_cover,
        credit,
        conflict,
        pairs,
        unmatched_label,
        unmatched_entry,
        given_missing,
        surname_missing,
        known_fuzzy,
        label_explained,
    )
