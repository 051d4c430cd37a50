"""How much each word of a directory name counts: its rarity in the directory (so "Smith", "Trading" or
"Consulting" say little and "Chhabra" says a lot), less for middle names and particles, and no more for a first
name than an initial says when the label gives only the initial. The index weighs its names with these rules and
the aligner (app.matching.align) counts a label's cover of a name with the same."""

from __future__ import annotations

from collections.abc import Callable

from app.matching.normalize import PARTICLES
from app.matching.types import Entry

INITIAL_WEIGHT_CAP = 2.0  # an initial says about as much as one letter in 26, whatever the full name's rarity
MIDDLE_DISCOUNT = 0.3
PARTICLE_DISCOUNT = 0.3


def weigh(entry: Entry, idf: Callable[[str], float], epoch: int) -> None:
    """Rarity of each word of the name, and the weight a label must account for to cover it (middle names and
    particles count less; with an initial on the label, a first name counts no more than an initial says), as of
    the index's write count `epoch`."""
    tokens = entry.tokens
    weights = tuple(idf(t) for t in tokens)
    last = len(tokens) - 1
    cover = cover_initial = 0.0
    for j, t in enumerate(tokens):
        w = weights[j]
        if t in PARTICLES:
            cover += w * PARTICLE_DISCOUNT
            cover_initial += w * PARTICLE_DISCOUNT
        elif entry.is_person and 0 < j < last:
            cover += w * MIDDLE_DISCOUNT  # a label with initials leaves middle names out as a matter of course
        elif entry.is_person and j == 0:
            cover += w
            cover_initial += min(w, INITIAL_WEIGHT_CAP)
        else:
            cover += w
            cover_initial += w
    entry.weights = weights
    entry.cover_weight = cover or 1.0
    entry.cover_weight_initial = cover_initial or 1.0
    entry.epoch = epoch
