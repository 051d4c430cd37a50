"""Given-name short forms and variants (Bob ~ Robert, Sasha ~ Alexander): nicknames.txt and the `nicknames` table."""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

from nicknames import NickNamer


@cache
def _groups() -> dict[str, frozenset[int]]:
    groups: dict[str, set[int]] = {}
    for number, names in enumerate(_lines()):
        for name in names:
            groups.setdefault(name, set()).add(number)
    # A pet form is spelt several ways (Patty, Pattie, Patti; Jody, Jodie, Jodi): each spelling not already a name
    # of its own in the table joins the groups of the one written there.
    written = set(groups)
    for name in sorted(written):
        for other in _pet_spellings(name):
            if other not in written:
                groups.setdefault(other, set()).update(groups[name])
    return {name: frozenset(ids) for name, ids in groups.items()}


def _pet_spellings(name: str) -> tuple[str, ...]:
    if len(name) < 3 or len(name) > 6:
        return ()
    for ending in ("ie", "ey", "y", "i"):
        if name.endswith(ending):
            stem = name[: -len(ending)]
            return tuple(stem + e for e in ("ie", "y", "i", "ey") if e != ending)
    return ()


@cache
def _lines() -> tuple[tuple[str, ...], ...]:
    """Groups of given names, each a formal name first and then its other forms.

    Two sources, one shape: our own table (nicknames.txt: other locales' forms, Sasha ~ Alexander) and the curated
    English table of the `nicknames` package (about 1,100 formal names with their short and pet forms, Cassie ~
    Kathleen, Bert ~ Norbert). A pair found in either is related.
    """
    text = resources.files("app.matching").joinpath("nicknames.txt").read_text(encoding="utf-8")
    own = tuple(tuple(line.split()) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    table = NickNamer().nickname_lookup
    curated = tuple((formal, *sorted(table[formal])) for formal in sorted(table))
    return own + curated


@cache
def _heads() -> dict[str, frozenset[int]]:
    """Groups each name heads (the formal name first on its line)."""
    heads: dict[str, set[int]] = {}
    for number, names in enumerate(_lines()):
        heads.setdefault(names[0], set()).add(number)
    return {name: frozenset(ids) for name, ids in heads.items()}


@cache
def _members() -> dict[int, tuple[str, ...]]:
    members: dict[int, list[str]] = {}
    for name, ids in _groups().items():
        for group in ids:
            members.setdefault(group, []).append(name)
    return {group: tuple(names) for group, names in members.items()}


def related(a: str, b: str) -> int:
    """2: one is a short form of the other (Bob, Robert); 1: two short forms of one name (Lisa, Beth); 0: no."""
    groups = _groups()
    ga = groups.get(a)
    if not ga:
        return 0
    gb = groups.get(b)
    if not gb:
        return 0
    shared = ga & gb
    if not shared:
        return 0
    heads = _heads()
    if not shared.isdisjoint(heads.get(a, ())) or not shared.isdisjoint(heads.get(b, ())):
        return 2
    return 1


@lru_cache(maxsize=65_536)
def variants(name: str) -> frozenset[str]:
    """Every other form of this given name (empty when the name is not in the table). Asked of every label word:
    memoised within bounds, and cleared with the matcher's other word caches (app.matching.caches)."""
    ids = _groups().get(name)
    if not ids:
        return frozenset()
    members = _members()
    return frozenset(n for group in ids for n in members[group] if n != name)
