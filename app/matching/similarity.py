"""How alike two name tokens are, and in what way (exact, initial, short form, scanning error, typing error...)."""

from __future__ import annotations

import re
from enum import IntEnum
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA

from app.matching import nicknames


class Sim(IntEnum):
    NONE = 0
    EXACT = 1
    SPELLING = 2  # Mueller ~ Muller
    INITIAL = 3
    NICKNAME = 4
    OCR = 5
    TYPO = 6
    PHONETIC = 7
    SHORT_FORM = 8  # a prefix: Gil ~ Gilbert


INITIAL_SIM = 0.8

_OCR_MULTI = (("rn", "m"), ("ri", "n"), ("vv", "w"), ("cl", "d"), ("ii", "u"))
_OCR_DIGITS = str.maketrans(
    {"0": "o", "1": "l", "5": "s", "8": "b", "6": "b", "2": "z", "4": "a", "3": "e", "7": "t", "9": "g"}
)
_OCR_SINGLE = str.maketrans({"i": "l"})
_GERMAN = re.compile(r"(?<=[a-z])([aou])e(?=[a-z])")  # Mueller ~ Muller, but not Zoe, Joe, Chloe
# Letter shapes a scanner (or a tired eye) confuses beyond the strict set: c/e/g, e/F, a/o, u/v, h/b.
_OCR_LOOSE = str.maketrans({"c": "e", "g": "e", "f": "e", "a": "o", "v": "u", "h": "b"})


@lru_cache(maxsize=200_000)
def spelling_key(token: str) -> str:
    """Mueller and Muller (from Müller) meet; ss/ß are already folded to ss."""
    return _GERMAN.sub(r"\1", token) if "e" in token else token


@lru_cache(maxsize=200_000)
def plain_ocr_key(token: str) -> str:
    """Fold the one-character shapes a scanner confuses (0/O, 1/l/I, 5/S, 8/B) to one spelling."""
    return spelling_key(token if token.isalpha() else token.translate(_OCR_DIGITS)).translate(_OCR_SINGLE)


@lru_cache(maxsize=200_000)
def ocr_key(token: str) -> str:
    """plain_ocr_key, and the shapes made of two letters too (rn/m, vv/w, cl/d, ri/n, ii/u)."""
    key = spelling_key(token if token.isalpha() else token.translate(_OCR_DIGITS))
    for a, b in _OCR_MULTI:
        if a in key:
            key = key.replace(a, b)
    return key.translate(_OCR_SINGLE)


@lru_cache(maxsize=200_000)
def loose_ocr_keys(token: str) -> tuple[str, ...]:
    """Coarser scanning keys: also fold c/e/g/f, a/o, u/v and h/b (Cvy ~ Guy, CFRALD ~ GERALD, NC1SON ~ NELSON);
    with and without the two-letter shapes (cl may be d, or c then l)."""
    a = ocr_key(token).translate(_OCR_LOOSE)
    b = plain_ocr_key(token).translate(_OCR_LOOSE)
    return (a,) if a == b else (a, b)


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    if not token.isalpha():
        return ""
    return str(jellyfish.metaphone(token))


def allowed_edits(length: int) -> int:
    return 0 if length <= 2 else 1 if length <= 4 else 2 if length <= 9 else 3


def edit_sim(d: int, longest: int) -> float:
    """Typing-error similarity for d edits between tokens of this length."""
    if d == 0:
        return 1.0
    if d == 1:
        return 0.85 if longest >= 5 else 0.75
    if d == 2:
        return 0.72 if longest >= 8 else 0.62
    return 0.6


@lru_cache(maxsize=400_000)
def token_sim(q: str, t: str) -> tuple[float, Sim]:
    """Similarity of a label token q to a directory token t, in 0..1, and the kind of likeness."""
    if q == t:
        if len(q) == 1:  # "T" and "T.": two initials say no more than an initial and a name
            return INITIAL_SIM, Sim.INITIAL
        return 1.0, Sim.EXACT
    lq, lt = len(q), len(t)
    if lq == 1 or lt == 1:
        if (lq == 1 and t[0] == q) or (lt == 1 and q[0] == t):
            return INITIAL_SIM, Sim.INITIAL
        return 0.0, Sim.NONE
    nick = nicknames.related(q, t)
    if nick == 2:
        return 0.9, Sim.NICKNAME
    if nick:  # two forms of one name (Dann, Danny): a typing slip between them may say more
        other = _unrelated_sim(q, t)
        return other if other[0] > 0.75 else (0.75, Sim.NICKNAME)
    return _unrelated_sim(q, t)


def _unrelated_sim(q: str, t: str) -> tuple[float, Sim]:
    """token_sim of two different tokens longer than one letter, leaving aside nicknames."""
    lq, lt = len(q), len(t)
    if spelling_key(q) == spelling_key(t):
        return 0.97, Sim.SPELLING
    longest = max(lq, lt)
    oq, ot = ocr_key(q), ocr_key(t)
    has_digit = not q.isalpha()
    if oq == ot:
        return (0.93 if has_digit or longest >= 5 else 0.85), Sim.OCR
    if lq >= 3 and lt >= 3:
        kq, kt = loose_ocr_keys(q), loose_ocr_keys(t)
        pairs = ((kq[0], kt[0], oq, ot), (kq[-1], kt[-1], plain_ocr_key(q), plain_ocr_key(t)))
        for key_q, key_t, a, b in pairs:
            if key_q == key_t and len(a) == len(b):
                k = sum(x != y for x, y in zip(a, b, strict=True))  # each a shape a scanner confuses
                if 0 < k <= 2:
                    s = (0.85 if len(a) >= 4 else 0.75) - (0.1 if len(a) >= 5 else 0.15) * (k - 1)
                    return s + (0.04 if has_digit else 0.0), Sim.OCR
    allowed = allowed_edits(longest)
    d = OSA.distance(q, t, score_cutoff=allowed + 1)
    best, kind = 0.0, Sim.NONE
    if d <= allowed:
        best, kind = edit_sim(d, longest), Sim.TYPO
    do = OSA.distance(oq, ot, score_cutoff=allowed + 1)
    folded = max(len(oq), len(ot))  # edits between the folded spellings weigh by their length (Claesson: dasson)
    if do < d and (do <= 1 or (do == 2 and folded >= 8)):
        s = edit_sim(do, folded) * 0.97
        if s > best:
            best, kind = s, (Sim.OCR if has_digit or d > allowed else Sim.TYPO)
    if best < 0.7 and min(lq, lt) >= 3 and phonetic_key(q) and phonetic_key(q) == phonetic_key(t):
        best, kind = 0.7, Sim.PHONETIC
    if best < 0.7 and lq >= 3 and lt > lq and t.startswith(q):
        best, kind = 0.7, Sim.SHORT_FORM
    return best, kind


def deletes(token: str, depth: int) -> set[str]:
    """All strings made by deleting up to `depth` characters (the symmetric-delete typo index)."""
    out = {token}
    frontier = {token}
    for _ in range(depth):
        nxt: set[str] = set()
        for w in frontier:
            if len(w) <= 2:
                continue
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        out |= nxt
        frontier = nxt
    return out


def delete_depth(length: int) -> int:
    return 0 if length < 4 else 1 if length < 7 else 2
