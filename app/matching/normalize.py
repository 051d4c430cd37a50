"""Normalize names once: fold to ASCII, case, punctuation, titles, post-nominals, legal forms, "The", &/and.

The same function runs on directory names and on label text, so both sides meet in one spelling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from anyascii import anyascii


def words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


TITLES = words(
    "mr mrs ms miss mx dr doctor prof professor sir dame rev revd reverend herr frau mme mlle madame "
    "monsieur messrs sra srta dott dottssa dottoressa ing mstr hr fr pan pani "
)
# Post-nominals dropped from the end of a name ("Leanne Allen Jr.", "Jane Doe PhD").
POST_NOMINALS = words(
    "jr jnr junior snr sr senior ii iii iv phd md mba esq obe mbe cbe kbe dbe frs frcs qc kc dds cpa bsc "
    "msc llb llm beng meng ceng acca aca fca "
)
# Legal forms that are never part of a name: dropped wherever they stand.
LEGAL_FORMS_ANYWHERE = words(
    "ltd limited llp lllp plc gmbh mbh ggmbh kgaa ohg gbr sarl sasu eurl srl spa snc slu llc pllc "
    "inc incorporated corp corporation pty pte bhd sdn ltda lda eireli kft zrt nyrt oyj aps spk sro "
    "doo ehf sagl cvba bvba sprl ug lc wll pvt sti ooo zao oao dac "
)
# Short legal forms that could also be initials, a word or a name (Jules Vos, Åsa Said, Dorota Sapa, Pao Chen):
# dropped only at the end of a company name.
LEGAL_FORMS_AT_END = words(
    "ag kg sa sl bv nv ab hb kb as oy ou co se sc ks dd bt vof cv ev sas ltda os ops ae epe ike oe kk uc slne vos asa "
    "sapa pao sau ek eg partg mbb sll "
)
LEGAL_FORMS = LEGAL_FORMS_ANYWHERE | LEGAL_FORMS_AT_END
# Legal forms written as several tokens (Polish "sp. z o.o.", "sp.k.", "s.c.").
_LEGAL_SUFFIXES = (("sp", "z", "o", "o"), ("sp", "z", "oo"), ("sp", "k"), ("sp", "j"), ("s", "c"), ("s", "a"))
_SUFFIX_ENDS = frozenset(suffix[-1] for suffix in _LEGAL_SUFFIXES)
CONNECTORS = words("the and und et ")
# Name particles: kept, but they say little on their own.
PARTICLES = words("o mac mc van von der den de da di du la le del della dos das el al bin ibn ter ten ua ni nic ap ")

_DOTTED = re.compile(r"(?<![a-z0-9])([a-z](?:\.\s?[a-z])+\.?)(?![a-z0-9])")  # P.L.C., S.L.N.E, J.R.R.
_APOSTROPHES = re.compile(r"['’`´‘]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


# The Irish particle written with its accent ("Ó Catháin") is a part of the surname wherever it stands, first in a
# "Surname, Given" label too: joined to its word as the directory's "Niall Ó Catháin" is (see clean_tokens). An
# unaccented "O" first on a label may be an initial, so clean_tokens joins that one only after a first word.
_IRISH_O = re.compile(r"(?<!\w)([ÓóÒò])\s+(?=[^\W\d_]{2})")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """ASCII-fold (Müller -> muller, Łukasz -> lukasz, Иван -> ivan), lower-case, drop apostrophes. Memoised: deciding
    on a label folds the same directory names several times (anyascii reads a name letter by letter, in Python)."""
    if not text.isascii():
        text = anyascii(_IRISH_O.sub(r"\1", text))
    return _APOSTROPHES.sub("", text.lower())


def _dotted(match: re.Match[str]) -> str:
    letters = match.group(1).replace(".", "").replace(" ", "")
    if letters in LEGAL_FORMS and match.start() > 0:
        return f" {letters} "
    # Two forms written one after the other ("A.Ş. L.L.C."): each is one form, not letters.
    chunks = [c.replace(".", "") for c in match.group(1).split()]
    if match.start() > 0 and len(chunks) > 1 and all(c in LEGAL_FORMS for c in chunks):
        return " " + " ".join(chunks) + " "
    return " " + " ".join(letters) + " "


_SLASHED_FORM = re.compile(r"\b([a-z])\s*/\s*([a-z])\b")


def _join_form(m: re.Match[str]) -> str:
    joined = m.group(1) + m.group(2)
    return joined if joined in LEGAL_FORMS and joined != "co" else m.group(0)  # c/o is "care of"


def join_slashed_forms(folded: str) -> str:
    """ "A/S", "S/A" -> "as", "sa": one legal form, not two letters (c/o stays)."""
    return _SLASHED_FORM.sub(_join_form, folded) if "/" in folded else folded


def split_tokens(folded: str) -> tuple[str, ...]:
    """Folded text -> raw tokens (dotted abbreviations resolved, & -> and, punctuation -> spaces)."""
    text = _DOTTED.sub(_dotted, join_slashed_forms(folded).replace("&", " and "))
    return tuple(t for t in _NON_ALNUM.split(text) if t)


@lru_cache(maxsize=65536)
def name_tokens(text: str, person: bool = False) -> tuple[str, ...]:
    """Name text -> comparable tokens, with titles, post-nominals, legal forms and connectors removed.
    `person`: a person's name, whose last word is a surname even when it reads like a legal form (Sá, Sé, Ou)."""
    return clean_tokens(split_tokens(fold(text)), person=person)[0]


def clean_tokens(tokens: Sequence[str], person: bool = False) -> tuple[tuple[str, ...], bool]:
    """Drop titles, post-nominals, legal forms and connectors. Returns (tokens, had_title). `person`: keep a last
    word that is also a legal form when written alone (see name_tokens)."""
    had_title = not TITLES.isdisjoint(tokens)
    out = [t for t in tokens if t not in CONNECTORS and t not in LEGAL_FORMS_ANYWHERE]
    if had_title and len(out) > 1:
        out = [t for t in out if t not in TITLES] or out
    # Forms stack at the end ("Kacperek Sp. z o.o. Sp.k. LLC"): strip them until none is left. A person keeps a
    # last word that is a short form (see above) but never a written-out Polish "sp. z o.o.".
    stripped = True
    while stripped:
        stripped = False
        while len(out) > 1 and (out[-1] in POST_NOMINALS or (out[-1] in LEGAL_FORMS_AT_END and not person)):
            out.pop()
        for suffix in _LEGAL_SUFFIXES if out and out[-1] in _SUFFIX_ENDS else ():
            if (len(suffix) >= 3 or not person) and len(out) > len(suffix) and tuple(out[-len(suffix) :]) == suffix:
                del out[-len(suffix) :]
                stripped = True
                break
    # Irish and similar one-letter particles: "O Clochartaigh" and "O'Clochartaigh" both become "oclochartaigh".
    if "o" in out[:-1]:
        joined: list[str] = []
        skip = False
        for i, t in enumerate(out):
            if skip:
                skip = False
                continue
            if t == "o" and i + 1 < len(out) and len(out[i + 1]) > 1 and i > 0:
                joined.append("o" + out[i + 1])
                skip = True
            else:
                joined.append(t)
        out = joined
    return tuple(out), had_title


@lru_cache(maxsize=4096)
def legal_forms(text: str) -> frozenset[str]:
    """The legal forms written in a name ("Neves S.A. Limited" -> sa, limited): two companies read alike may still
    be told apart by them."""
    return frozenset(t for t in split_tokens(fold(text)) if t in LEGAL_FORMS)


def is_legal_form(token: str) -> bool:
    return token in LEGAL_FORMS
