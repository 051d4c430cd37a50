"""Given-name short forms and variants (Bob ~ Robert, Sasha ~ Alexander), loaded from nicknames.txt."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def _groups() -> dict[str, frozenset[int]]:
    text = resources.files("app.matching").joinpath("nicknames.txt").read_text(encoding="utf-8")
    groups: dict[str, set[int]] = {}
    for number, line in enumerate(text.splitlines()):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for name in line.split():
            groups.setdefault(name, set()).add(number)
    return {name: frozenset(ids) for name, ids in groups.items()}


@cache
def _members() -> dict[int, tuple[str, ...]]:
    members: dict[int, list[str]] = {}
    for name, ids in _groups().items():
        for group in ids:
            members.setdefault(group, []).append(name)
    return {group: tuple(names) for group, names in members.items()}


def related(a: str, b: str) -> bool:
    """True when a and b are forms of the same given name."""
    groups = _groups()
    ga = groups.get(a)
    if not ga:
        return False
    gb = groups.get(b)
    return bool(gb and not ga.isdisjoint(gb))


@cache
def variants(name: str) -> frozenset[str]:
    """Every other form of this given name (empty when the name is not in the table)."""
    ids = _groups().get(name)
    if not ids:
        return frozenset()
    members = _members()
    return frozenset(n for group in ids for n in members[group] if n != name)
