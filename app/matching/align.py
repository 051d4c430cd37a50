"""Align the candidates with the label: each label part against the few names app.matching.candidates found for
it, word by word, with evidence that adds up; then the people of the companies found, against the rest of the label.

Weights are the rarity (inverse document frequency) of each directory token, so "Smith", "Trading" or
"Consulting" say little and "Chhabra" says a lot (app.matching.weights). A conflicting first name or initial counts
strongly against.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from app.matching.candidates import PartCandidates, companies_to_look_into, find_candidates, may_be_in_a_persons_name
from app.matching.index import DirectoryIndex
from app.matching.label import Label, Segment
from app.matching.normalize import PARTICLES
from app.matching.similarity import Sim, token_sim
from app.matching.types import Alignment, Entry, NearMap, Scored, SimCache
from app.matching.weights import INITIAL_WEIGHT_CAP, MIDDLE_DISCOUNT, PARTICLE_DISCOUNT

_INITIAL = Sim.INITIAL
_EXACT = Sim.EXACT
_NICKNAME = Sim.NICKNAME
_SHORT_FORM = Sim.SHORT_FORM
_PHONETIC = Sim.PHONETIC
_TYPO = Sim.TYPO
_OCR = Sim.OCR

ALIGNED_PER_SEGMENT = 6  # names per label part scored in full (more when their estimates tie with the best)
ALIGNED_MAX = 10
ALIGNED_MIN = 3  # names per label part aligned before OUTREAD may stop early
OUTREAD = 0.4  # ...and stop once an estimate falls under this share of the best read (an estimate is about half a
# read: at 0.5 "Dani Davis" stopped before Danielle Caroline Davis, estimated level with the Ellie Davises before her)
ESTIMATE_KEEP = 0.9  # a name whose estimate is this close to the best found so far is scored even past the quota
WHOLE_READ = 0.95  # a label part one name reads this well is not also read comma part by comma part
LAST_INITIAL_AGAINST_ORDER = 0.9
KNOWN_NAME_FUZZY = 0.7  # "Jade" is a real name, so reading it as a typo of "Jake" is weak evidence
_PERSON_ONLY = (_INITIAL, _NICKNAME, _SHORT_FORM, _PHONETIC)
_FUZZY = (_TYPO, _OCR, _PHONETIC, _SHORT_FORM)  # a middle name on one side only is normal
_LOOSE = (*_FUZZY, _NICKNAME)

# Alignments made for one label: (label part, name words, is a person) -> alignment.
_Aligned = dict[tuple[int, tuple[str, ...], bool], Alignment]


def align_candidates(index: DirectoryIndex, label: Label) -> list[Scored]:
    """Every (label part, name) pair worth aligning, aligned: the candidates of each part, best estimate first and
    only as far as they may beat the best already read, then the people of the companies found."""
    reading = _Reading(index, label)
    for segment in label.segments:
        reading.read_part(segment)
    label.known_weight = sum(reading.piece_known.values())
    reading.look_inside_companies()
    return reading.scored


class _Reading:
    """One label being aligned: what is read so far, and what the later parts need of it."""

    def __init__(self, index: DirectoryIndex, label: Label) -> None:
        self.index = index
        self.label = label
        label.max_weight = index.idf("")
        self.scored: list[Scored] = []
        self.done: set[tuple[int, int]] = set()  # (label part, name id) pairs aligned
        self.parts: dict[int, PartCandidates] = {}  # id(label part) -> its candidates (parts read only)
        self.whole_read: set[int] = set()  # pieces a single name reads perfectly: their comma parts need no reading
        self.split_pieces = {s.piece for s in label.segments if s.sub >= 0}
        self.piece_known: dict[int, float] = {}
        self.aligned: _Aligned = {}
        self.epoch = index.epoch  # names weighed at another write count are weighed again as they are read

    def read_part(self, segment: Segment) -> None:
        if segment.sub >= 0 and segment.piece in self.whole_read:
            return
        if segment.form_kept and not may_be_in_a_persons_name(self.index, segment.tokens[-1]):
            return  # "Servicios Jiménez S.L.": no one's name has "sl" or a word like it; the company reading is read
        # A part with commas is read part by part too: read whole, it only needs the names several words share
        # ("Smith, John"; "Goodwin, King and Williamson"), not those one word alone finds.
        shared_only = (segment.sub < 0 and segment.piece in self.split_pieces) or segment.span > 1
        found = find_candidates(self.index, segment, shared_only=shared_only)
        if segment.sub < 0:  # a part read two ways (see label._segments) counts once, by its better reading
            self.piece_known[segment.piece] = max(found.known, self.piece_known.get(segment.piece, 0.0))
        self.parts[id(segment)] = found
        if found.estimates:
            self._align_estimated(segment, found)

    def _align_estimated(self, segment: Segment, found: PartCandidates) -> None:
        """The part's candidates, best estimate first: ALIGNED_PER_SEGMENT of them (up to ALIGNED_MAX when their
        estimates tie with the best), stopping early once the rest cannot come near the best read."""
        entries = self.index.entries
        estimates = found.estimates
        keep = ESTIMATE_KEEP * estimates[0][0]
        best_read = 0.0
        for n, (estimate, eid) in enumerate(estimates):
            if n >= ALIGNED_PER_SEGMENT and (estimate < keep or n >= ALIGNED_MAX):
                if estimate < keep:
                    break
                entry = entries[eid]
                if (id(segment), entry.tokens, entry.is_person) not in self.aligned:
                    continue  # past the quota only names spelt like one already read (a trading name on
                    # several contracts): their alignment is at hand, and each may be the one
            if n >= ALIGNED_MIN and estimate < OUTREAD * best_read:
                break  # the names left cannot come near the one already read (an estimate is a ceiling)
            alignment = self._read_name(segment, entries[eid], found)
            if alignment is not None and alignment.matched_weight > 0.0:
                best_read = max(best_read, alignment.score)
                if segment.sub < 0 and alignment.score >= WHOLE_READ:
                    self.whole_read.add(segment.piece)
        for eid in found.beside:  # the names an unknown word may be read in (see candidates.find_candidates)
            if (id(segment), eid) not in self.done:
                self._read_name(segment, entries[eid], found)

    def _read_name(self, segment: Segment, entry: Entry, found: PartCandidates) -> Alignment | None:
        """The name's alignment with the label part, kept when it matches anything. Made once per label: it depends
        on the name's words alone (their weights are their rarity), so names spelt alike (a company's company and
        billing name, a holder who is also a contact) share one."""
        if entry.is_person and segment.form_dropped:
            return None  # "Ansh Asa" read as a company "Ansh": no person named Ansh alone is meant
        if entry.epoch != self.epoch:
            self.index.weighed(entry)
        key = (id(segment), entry.tokens, entry.is_person)
        alignment = self.aligned.get(key)
        if alignment is None:
            alignment = self.aligned[key] = align(
                segment.tokens,
                entry.tokens,
                entry.is_person,
                entry.weights,
                found.label_weights,
                self.index.memo.sim,
                segment.had_title,
                segment.commas,
                found.person_word_mask if entry.is_person else found.known_mask,
                found.near_maps,
                segment.hyphened,
            )
        if alignment.matched_weight > 0.0:
            self.scored.append(Scored(entry, segment, alignment))
            self.done.add((id(segment), entry.eid))
        return alignment

    def look_inside_companies(self) -> None:
        """When a part of the label names a company, read the rest against that contract's own people."""
        seen_contracts: set[int] = set()
        for org in companies_to_look_into(self.scored):
            contract_id = org.entry.contract_id
            if contract_id in seen_contracts:
                continue
            seen_contracts.add(contract_id)
            people = [e for e in self.index.names_of(contract_id) if e.is_person]
            for segment in self.label.segments:
                found = self.parts.get(id(segment))
                if found is not None and not segment.overlaps(org.segment):
                    self._align_people(segment, people, found)

    def _align_people(self, segment: Segment, people: list[Entry], found: PartCandidates) -> None:
        # Most of a company's people have nothing in common with the name the label gives beside it: those out of
        # the part's reach read as nothing, and are not aligned at all.
        reach = Reach(segment, found)
        for entry in people:
            if (id(segment), entry.eid) not in self.done:
                self.done.add((id(segment), entry.eid))  # read once, whether or not it matches
                if reach.has(entry.tokens):
                    self._read_name(segment, entry, found)


class Reach:
    """The directory words align() may pair with a label part's words: their look-alikes (the index's neighbours),
    and any word that starts with the same letter (compared in full). A name with none of them reads as nothing."""

    __slots__ = ("firsts", "look_alikes")

    def __init__(self, segment: Segment, found: PartCandidates) -> None:
        self.look_alikes: set[str] = set().union(*(near for near in found.near_maps if near is not None))
        self.firsts = {q[0] for q in segment.tokens}

    def has(self, tokens: tuple[str, ...]) -> bool:
        return not self.look_alikes.isdisjoint(tokens) or not self.firsts.isdisjoint([t[0] for t in tokens])


def align(
    label_tokens: tuple[str, ...],
    entry_tokens: tuple[str, ...],
    is_person: bool,
    weights: Sequence[float],
    label_weights: list[float],
    cache: SimCache,
    had_title: bool,
    commas: bool,
    known_mask: int,
    near: list[NearMap | None],
    hyphened: frozenset[str],
) -> Alignment:
    """Greedy one-to-one alignment by similarity, then coverage on both sides and conflicts.

    known_mask: bit i set when label token i is itself a directory word (for a person: a word of a person's name,
    so that a slip that happens to spell a company's word, "Sane" for Shane, is still read as a slip).
    near: for each label token, the directory words it may be with their likeness (the index's neighbours); a pair
    outside it is only compared in full when both words start alike (an initial, None, with every word: token_sim
    finds it like only the words that start with it). Reach relies on this: keep the two in step.
    hyphened: label words written joined by a hyphen (a double surname's halves are not middle names).
    """
    found: list[tuple[float, int, int, Sim]] = []
    for i, q in enumerate(label_tokens):
        near_q = near[i]
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
            # ...and a last initial is the surname's without a comma ("Santos V." is a Santos V- before a V. Santos),
            # the first name's after one ("Courtney, A." is an A. Courtney before a Courtney A-)
            elif (
                len(label_tokens[i]) == 1
                and 0 < i == n_label - 1
                and n_entry > 1
                and j == (n_entry - 1 if commas else 0)
            ):
                penalty *= LAST_INITIAL_AGAINST_ORDER
        credit += s * w
        matched_full += w
        label_explained += s * label_weights[i]
        if (known_mask >> i) & 1 and kind in _LOOSE:
            known_fuzzy += 1.0
        order.append((i, j))
        pairs.append((label_tokens[i], entry_tokens[j], s, kind))
    if not is_person:
        order.sort()
        if len(order) > 1 and any(order[k][1] > order[k + 1][1] for k in range(len(order) - 1)):
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
    # A word of people's names between the first and last words of a person's name, read in the name's order, is a
    # middle name the directory does not know ("Rebecca John McKenzie" for Rebecca McKenzie): it counts as a middle
    # name the label leaves out does. Not half of a double surname ("Katie Gray-Williams" is not Katie Williams), nor
    # a word no person's name has.
    inside = range(0)
    if is_person and len(order) >= 2:
        order.sort()
        # (two words read as the name's first and last are in its order)
        if (
            order[0][1] == 0
            and order[-1][1] == n_entry - 1
            and (len(order) == 2 or all(a[1] < b[1] for a, b in pairwise(order)))
        ):
            inside = range(order[0][0] + 1, order[-1][0])
    for i, q in enumerate(label_tokens):
        if (used_q >> i) & 1:
            continue
        unmatched_label.append(q)
        if q in PARTICLES:
            unmatched_q_w += label_weights[i] * PARTICLE_DISCOUNT
        elif i in inside and (known_mask >> i) & 1 and len(q) > 1 and q not in hyphened:
            unmatched_q_w += label_weights[i] * MIDDLE_DISCOUNT
            label_explained += label_weights[i] * (1.0 - MIDDLE_DISCOUNT)  # explained as a middle name, mostly
        else:
            unmatched_q_w += label_weights[i]
    entry_cover = credit / (matched_full + unmatched_e_w) if credit else 0.0
    label_cover = credit / (matched_full + unmatched_q_w) if credit else 0.0
    conflict = 0.0
    if unmatched_label and not PARTICLES.issuperset(unmatched_label):
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
