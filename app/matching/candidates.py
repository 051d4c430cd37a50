"""Find the candidates for one part of a label: the directory names its words speak for, cheaply estimated, best
first, so that only a few are aligned in full (app.matching.align); and the companies whose people are read
against the rest of the label once a company is found.

A label word speaks for the names that carry a directory word it may be (itself, a short form, a scanning or
typing slip, a sound-alike: DirectoryIndex.words_like), each with its best evidence, likeness x rarity. That work
depends on the directory alone, so it is memoised on the index (DirectoryIndex.memo) until the next write, and done
for the commonest words when an index is built (warm_common_words).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

from app.matching.index import CACHE_MAX, DirectoryIndex
from app.matching.label import Segment
from app.matching.normalize import legal_forms
from app.matching.similarity import token_sim
from app.matching.types import Entry, NearMap, Scored, SimCache, TokenVotes

CANDIDATES_PER_SEGMENT = 30  # names per label part ranked by a cheap estimate before any is scored in full
VOTE_FLOOR = 0.5  # names with under this share of the best name's votes are not considered
NEIGHBOUR_MIN_SIM = 0.55
COMPANY_FOUND = 0.5  # a company name this well matched has its own people read against the rest of the label
COMPANIES_LOOKED_INTO = 3
COMPANY_TIE = 0.98  # ...and, beyond those, up to COMPANIES_TIED_MAX more read this nearly as well as the best
COMPANIES_TIED_MAX = 20
ESSENTIAL_SHARE = 0.5  # a label word under this share of the rarest word's weight, and with a list longer than
MINOR_WALK_MAX = 300  # this, only adds to the names other words found
VOTES_MEMO_MAX = 500_000  # (name, evidence) pairs kept in the per-token vote memo
WARM_WORDS = 3_000  # the commonest directory words whose label-word work is done at build (half the memo at most)
WARM_MIN_NAMES = 2
PAIR_BONUS = 2.0  # a person named by an initial and a word of their name ("J Smith")
ALIAS_BONUS = 100.0  # a label part written exactly as a learned alias
BESIDE_NAMES_MAX = 5_000  # a label word the directory does not know is read against the names its neighbours find
# when the rarest of those neighbours is in no more names than this
BESIDE_MAX = 10  # names found so that are aligned whatever their estimate
BESIDE_FOUND = 0.75  # ...unless a name with both has a word this like the unknown one
SORT_MAX = 1_000  # up to this many names, the best are found by a sort (see _estimates)

_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


@dataclass(slots=True)
class PartCandidates:
    """What one label part says about the directory: its words' weights (for the aligner) and the names it may be,
    with a cheap estimate of how well each would read, best first."""

    label_weights: list[float]  # each label word's weight: the rarity of the best directory word it may be
    known_mask: int  # bit i set when label word i is itself a directory word
    person_word_mask: int  # ...and a word of some person's name ("Sane" of Sane LLC is not)
    near_maps: list[NearMap | None]  # each label word's directory look-alikes (None for an initial)
    known: float  # the weight of the part's words the directory knows
    estimates: list[tuple[float, int]]  # (estimated score, name id), best first; empty when no name is found
    beside: list[int]  # names an unknown label word may be read in beside a known one: aligned whatever their estimate


def find_candidates(index: DirectoryIndex, segment: Segment, shared_only: bool) -> PartCandidates:
    """The names one label part may be. shared_only: the part is a whole piece also read comma part by comma part,
    so read whole it only needs the names several of its words share ("Smith, John"), not those one word finds."""
    tokens = segment.tokens
    label_weights, known_mask, known, initials, fulls, token_votes = _read_words(index, tokens)
    person_word_mask = sum(1 << i for i, q in enumerate(tokens) if (known_mask >> i) & 1 and index.in_a_persons_name(q))
    votes = combine(token_votes, index.entries, shared_only=shared_only)
    if initials and fulls:
        _add_initial_pairs(index, votes, token_votes, fulls, initials)
    _add_aliases(index, votes, token_votes, tokens)
    written = _add_written_as(index, votes, token_votes, segment)
    near_maps = [near_map(index, q) for q in tokens]
    beside = _read_unknown_beside_known(index, tokens, near_maps, votes, token_votes)
    estimates = _estimates(index, votes, label_weights, bool(initials), written + beside) if votes else []
    return PartCandidates(label_weights, known_mask, person_word_mask, near_maps, known, estimates, beside)


def _read_words(
    index: DirectoryIndex, tokens: tuple[str, ...]
) -> tuple[list[float], int, float, list[str], list[str], list[TokenVotes]]:
    """Each label word's weight and evidence: (weights, known mask, known weight, initials, full words, the
    evidence of the full words that speak for any name)."""
    postings = index.postings
    label_weights: list[float] = []
    fulls: list[str] = []
    initials: list[str] = []
    known = 0.0
    known_mask = 0
    found_votes: list[TokenVotes] = []
    for position, q in enumerate(tokens):
        if len(q) > 2 and q in postings:
            known_mask |= 1 << position
        if len(q) == 1:
            initials.append(q)
            label_weights.append(1.0)
            known += 1.0
            continue
        fulls.append(q)
        found = token_votes(index, q)
        best_idf = found[1]
        if found[0]:
            found_votes.append(found)
        label_weights.append(best_idf if best_idf else index.idf(q))
        known += best_idf
    return label_weights, known_mask, known, initials, fulls, found_votes


def _summed(token_votes: list[TokenVotes], eid: int) -> float:
    """A name's gains from the label's words added in the label's order, in C (0 from a word that does not name it)."""
    return sum(map(dict.get, [tv[0] for tv in token_votes], repeat(eid), repeat(0.0, len(token_votes))))


def _add_initial_pairs(
    index: DirectoryIndex, votes: dict[int, float], token_votes: list[TokenVotes], fulls: list[str], initials: list[str]
) -> None:
    """People named by an initial and a word of their name ("J Smith") count for more than the word alone."""
    for q in fulls:
        for t, _s in near(index, q):
            for initial in initials:
                for eid in index.with_pair(f"{initial} {t}"):
                    base = votes.get(eid)
                    if base is None:
                        base = _summed(token_votes, eid)
                    votes[eid] = base + PAIR_BONUS


def _add_aliases(
    index: DirectoryIndex, votes: dict[int, float], token_votes: list[TokenVotes], tokens: tuple[str, ...]
) -> None:
    """A label part written exactly as a text staff once assigned by hand names that recipient."""
    for eid in index.aliases_of(tokens):
        base = votes.get(eid)
        if base is None:
            base = _summed(token_votes, eid)
        votes[eid] = base + ALIAS_BONUS


def _add_written_as(
    index: DirectoryIndex, votes: dict[int, float], token_votes: list[TokenVotes], segment: Segment
) -> list[int]:
    """A name written exactly as the label part is always a candidate: one word ("Manço") or two ("Vantage
    Consulting") can be in a hundred names with the same evidence, and the few written just so must not be cut with
    the rest. Their ids (as many as the names estimated: a name on hundreds of contracts, "Accounts Payable", is not
    made dearer to read), those with the legal forms written on the label first ("Keystone Group Limited" before
    forty "Keystone Group AS")."""
    names = index.names_written_as(segment.tokens)
    if len(names) > CANDIDATES_PER_SEGMENT:
        forms = legal_forms(segment.text)
        names.sort(key=lambda entry: legal_forms(entry.name) != forms)
    written = [entry.eid for entry in names[:CANDIDATES_PER_SEGMENT]]
    for eid in written:
        if eid not in votes:
            votes[eid] = _summed(token_votes, eid)
    return written


def _read_unknown_beside_known(
    index: DirectoryIndex,
    tokens: tuple[str, ...],
    near_maps: list[NearMap | None],
    votes: dict[int, float],
    token_votes: list[TokenVotes],
) -> list[int]:
    """A label word the directory does not know ("Liuen" in "Liuen Browne", "C0cn" in "Kristin C0cn") is read
    against the other words of the names the label's known words find: of thirty Brownes, the one whose first name
    it may be (Lauren) is found, where the look-ups by key (slips, sounds) are blind to a slip that far. Only when
    none of those names has a word the look-ups found. Its look-alikes among those names join the label word's for
    this label. The ids of the names found so (BESIDE_MAX at most)."""
    beside: list[int] = []
    postings = index.postings
    entries = index.entries
    cache = index.memo.sim
    for i, q in enumerate(tokens):
        nm = near_maps[i]
        if len(q) < 3 or q in postings:
            continue
        known = [t for t in tokens if t != q and t in postings and len(postings[t]) <= BESIDE_NAMES_MAX]
        if not known:
            continue
        posting = postings[min(known, key=lambda t: len(postings[t]))]
        if nm and any(nm[t][0] >= BESIDE_FOUND for eid in posting for t in entries[eid].tokens if t in nm):
            continue  # a name has both: the look-ups found what the label word may be
        found: NearMap = {}
        for t in {t for eid in posting for t in entries[eid].tokens if abs(len(t) - len(q)) <= 3}:
            r = cache.get((q, t))
            if r is None:
                r = cache[(q, t)] = token_sim(q, t)
            if r[0] >= NEIGHBOUR_MIN_SIM:
                found[t] = r
        if not found:
            continue
        near_maps[i] = {**nm, **found} if nm else found
        for eid in posting:
            gain = max((found[t][0] * index.idf(t) for t in entries[eid].tokens if t in found), default=0.0)
            if gain:
                base = votes.get(eid)
                votes[eid] = (_summed(token_votes, eid) if base is None else base) + gain
                beside.append(eid)
    if len(beside) > BESIDE_MAX:
        beside = sorted(beside, key=votes.__getitem__, reverse=True)[:BESIDE_MAX]
    return beside


def _estimates(
    index: DirectoryIndex, votes: dict[int, float], label_weights: list[float], has_initial: bool, keep: list[int]
) -> list[tuple[float, int]]:
    """Cheap estimate of the full score (weighted cover on both sides) of the best-voted names and of those in
    `keep`, best first, so only the likely names are aligned."""
    if len(votes) > CANDIDATES_PER_SEGMENT:
        # The same as heapq.nlargest (documented so), which walks the items in Python: a sort in C is faster for
        # the few hundred names a part usually has.
        if len(votes) <= SORT_MAX:
            top = sorted(votes.items(), key=_SECOND, reverse=True)[:CANDIDATES_PER_SEGMENT]
        else:
            top = heapq.nlargest(CANDIDATES_PER_SEGMENT, votes.items(), key=_SECOND)
        if keep:
            chosen = {eid for eid, _v in top}
            top += [(eid, votes[eid]) for eid in keep if eid not in chosen]
    else:
        top = list(votes.items())
    floor = VOTE_FLOOR * max(votes.values())
    label_weight = sum(label_weights) or 1.0
    entries = index.entries
    epoch = index.epoch
    estimates: list[tuple[float, int]] = []
    for eid, v in top:
        if v < floor:
            continue
        entry = entries[eid]
        if entry.epoch != epoch:
            index.weighed(entry)
        cover = v / (entry.cover_weight_initial if has_initial else entry.cover_weight)
        share = v / label_weight
        estimates.append(((cover if cover < 1.0 else 1.0) * (share if share < 1.0 else 1.0), eid))
    estimates.sort(key=_FIRST, reverse=True)
    return estimates


def companies_to_look_into(scored: list[Scored]) -> list[Scored]:
    """The companies found well enough that their own people are read against the rest of the label ("Ms Craig,
    Beacon Labs" finds the Craig at Beacon Labs even when many Craigs outrank her on the surname alone), best
    first."""
    orgs = sorted(
        (s for s in scored if not s.entry.is_person and s.alignment.score >= COMPANY_FOUND),
        key=_score_of,
        reverse=True,
    )
    if len(orgs) > COMPANIES_LOOKED_INTO:
        # Companies read as well as the best (one trading name on several contracts) are all looked into:
        # the person the label names may be at any of them.
        floor = COMPANY_TIE * orgs[0].alignment.score
        tied = [o for o in orgs[COMPANIES_LOOKED_INTO:] if o.alignment.score >= floor]
        orgs = orgs[:COMPANIES_LOOKED_INTO] + tied[:COMPANIES_TIED_MAX]
    return orgs


# ----------------------------------------------------------------- a label word's evidence (memoised on the index)
def neighbours(index: DirectoryIndex, q: str, cache: SimCache) -> tuple[list[tuple[str, float]], NearMap]:
    """Directory tokens that could be this label token: exact, short forms, scanning and typing errors."""
    postings = index.postings
    out: list[tuple[str, float]] = []
    found: NearMap = {}
    for t in index.words_like(q):
        if t not in postings:
            continue
        r = cache.get((q, t))
        if r is None:
            r = token_sim(q, t)
            cache[(q, t)] = r
        if r[0] >= NEIGHBOUR_MIN_SIM:
            out.append((t, r[0]))
            found[t] = r
    out.sort()  # a fixed order whatever the hash seed, so equal candidates always rank alike
    return out, found


def near_map(index: DirectoryIndex, q: str) -> NearMap | None:
    """The directory words label word q may be, with likeness and kind (None for an initial)."""
    if len(q) == 1:
        return None
    found = index.memo.near_map.get(q)
    if found is None:
        near(index, q)
        found = index.memo.near_map.get(q)
        if found is None:  # memo full
            found = neighbours(index, q, index.memo.sim)[1]
    return found


def near(index: DirectoryIndex, q: str) -> list[tuple[str, float]]:
    """The directory words label word q may be, with their likeness, in a fixed order."""
    memo = index.memo
    found = memo.near.get(q)
    if found is None:
        found, found_map = neighbours(index, q, memo.sim)
        if len(memo.near) < CACHE_MAX:
            memo.near[q] = found
            memo.near_map[q] = found_map
    return found


def may_be_in_a_persons_name(index: DirectoryIndex, q: str) -> bool:
    """Is label word q, or a directory word it may be (a slip, a sound-alike), a word of some person's name?"""
    return index.in_a_persons_name(q) or any(index.in_a_persons_name(t) for t, _s in near(index, q))


def token_votes(index: DirectoryIndex, q: str) -> TokenVotes:
    """Names this label token speaks for, each with its best evidence (likeness x rarity), and the rarity of
    the best directory word it may be. Memoized across labels until the next write (VOTES_MEMO_MAX pairs at most,
    the least recently used forgotten first)."""
    memo = index.memo.votes
    found = memo.pop(q, None)
    if found is not None:
        memo[q] = found  # the most recently used last: the memo forgets the least recently used first
        return found
    postings = index.postings
    idf = index.idf
    gains: list[tuple[float, list[int], str]] = []
    best_idf = 0.0
    # A label word that is itself a directory word ("Brown") speaks for the names spelt so first: read as a
    # slip of a rarer word ("Baron", "Beirn") it says no more than it says as written, or at 100,000 contacts
    # the rare look-alikes crowd every C. Brown out of the names considered.
    cap = idf(q) if q in postings else math.inf
    for t, s in near(index, q):
        posting = postings.get(t)
        if posting:
            w = idf(t)
            best_idf = max(best_idf, w)
            gains.append((s * (w if t == q or w < cap else cap), posting, t))
    gains.sort(key=_FIRST)
    votes: dict[int, float] = {}
    for gain, posting, _t in gains:  # weakest first, so each name keeps its strongest evidence (done in C)
        votes.update(dict.fromkeys(posting, gain))
    found = (votes, best_idf, _top_names(gains), tuple(t for _gain, _posting, t in gains))
    index.memo.votes_size += len(votes)
    while index.memo.votes_size > VOTES_MEMO_MAX and memo:
        index.memo.votes_size -= len(memo.pop(next(iter(memo)))[0])
    memo[q] = found
    return found


def warm_common_words(index: DirectoryIndex) -> None:
    """Do the label-word work (neighbours, evidence lists) for the directory's commonest words: they are the
    costliest to do on a keystroke and the likeliest on a label. Bounded by the memo's budget."""
    postings = index.postings
    common = sorted(
        (t for t, p in postings.items() if len(p) >= WARM_MIN_NAMES and len(t) > 1),
        key=lambda t: len(postings[t]),
        reverse=True,
    )[:WARM_WORDS]
    for token in common:
        if index.memo.votes_size >= VOTES_MEMO_MAX // 2:
            break
        token_votes(index, token)


def combine(token_votes: list[TokenVotes], entries: Mapping[int, Entry], shared_only: bool = False) -> dict[int, float]:
    """Names with the largest summed evidence over the label's tokens, without summing every name: a name named by
    one token only can rank in the top only if it ranks in that token's own top list (memoized); names named by
    several tokens are found by walking all but the largest token's names."""
    if not token_votes:
        return {}
    if len(token_votes) == 1:
        return token_votes[0][2].copy()
    shared = _shared_names(token_votes)
    votes = _summed_shared(token_votes, shared, entries)
    if shared_only and votes:
        return votes
    # Each word's own top names join with that word's evidence (the first word's, when several list a name); the
    # summed evidence of shared names wins. Dict updates, in C: the earlier words are written last.
    joined: dict[int, float] = {}
    for _tv, _w, top, _words in reversed(token_votes):
        joined.update(top)
    joined.update(votes)
    return joined


def _shared_names(token_votes: list[TokenVotes]) -> set[int]:
    """Names two or more label words speak for. A common word ("van", "der", "trading") with a long list is not
    walked: it only adds to the names other words found (walked or looked into); a name only it could find would
    not rank anyway."""
    strongest = max(tv[1] for tv in token_votes)
    ordered = sorted(token_votes, key=_size)
    shared: set[int] = set()
    minor = [len(tv[0]) > MINOR_WALK_MAX and tv[1] < ESSENTIAL_SHARE * strongest for tv in ordered]
    if all(minor):
        minor[0] = False  # only common words ("Harbour Harbour Ventures"): the shortest list is walked
    for i, (tv, _weight, _top, _words) in enumerate(ordered[:-1]):
        keys = tv.keys()
        for j in range(i + 1, len(ordered)):
            if minor[i] and minor[j]:
                continue  # two common words ("van", "der") together find nothing the others do not
            shared.update(keys & ordered[j][0].keys())  # set intersection, in C
    return shared


def _summed_shared(token_votes: list[TokenVotes], shared: set[int], entries: Mapping[int, Entry]) -> dict[int, float]:
    """_summed_evidence of each shared name, in the set's order. A name's gains are simply added, inline, unless it
    carries a directory word that two label words may both be ("jong" for "Hong Kong"): thousands of names can share
    two common words."""
    words = [frozenset(tv[3]) for tv in token_votes]
    both = frozenset().union(*(a & b for i, a in enumerate(words) for b in words[i + 1 :]))
    if len(token_votes) == 2 and not both:
        first, second = token_votes[0][0], token_votes[1][0]
        return {eid: first[eid] + second[eid] for eid in shared}  # a shared name is in both
    gains, zeros = [tv[0] for tv in token_votes], [0.0] * len(token_votes)  # as _summed adds them, made once
    if not both:
        return {eid: sum(map(dict.get, gains, repeat(eid), zeros)) for eid in shared}
    # A name's evidence depends only on its words that the label's words may be: hundreds of names with "al" ("Al
    # Maktoum & Al Mansoori") come down to a dozen such word lists, each summed once.
    readable = frozenset().union(*words).__contains__
    by_words: dict[tuple[str, ...], float] = {}
    summed: dict[int, float] = {}
    for eid in shared:
        entry = entries[eid]
        if both.isdisjoint(entry.tokens):
            summed[eid] = sum(map(dict.get, gains, repeat(eid), zeros))
            continue
        key = tuple(filter(readable, entry.tokens))
        total = by_words.get(key)
        if total is None:
            total = by_words[key] = _summed_evidence(token_votes, eid, entry)
        summed[eid] = total
    return summed


def _word_behind(words: tuple[str, ...], entry: Entry) -> str:
    """The directory word a name's evidence from one label word comes from (see TokenVotes)."""
    for word in reversed(words):
        if word in entry.tokens:
            return word
    return ""


def _summed_evidence(token_votes: list[TokenVotes], eid: int, entry: Entry) -> float:
    found = [(tv[0][eid], _word_behind(tv[3], entry), tv) for tv in token_votes if eid in tv[0]]
    if len({word for _gain, word, _tv in found}) == len(found):
        return sum(gain for gain, _word, _tv in found)  # each label word stands for a word of its own
    total = 0.0
    by_word: dict[str, float] = {}  # two label words for one directory word count once...
    for k, (gain, word, tv) in enumerate(found):
        before = by_word.get(word)
        # A repeated label word has the same memoised votes: told by its dict (compiled, a tuple is made anew when
        # passed around, so `tv is` would never hold)
        if before is None or (any(found[m][2][0] is tv[0] for m in range(k)) and entry.tokens.count(word) > 1):
            by_word[word] = gain  # ...unless both repeat it ("Willow Willow Media"; not Willow Media)
            total += gain
        elif gain > before:
            by_word[word] = gain
            total += gain - before
    return total


def _top_names(gains: list[tuple[float, list[int], str]]) -> dict[int, float]:
    """The CANDIDATES_PER_SEGMENT names with the strongest evidence, from the evidence lists weakest first: walked
    strongest first, each name at the first (strongest) evidence that names it."""
    top: dict[int, float] = {}
    for gain, posting, _t in reversed(gains):
        for eid in posting:
            if eid not in top:
                top[eid] = gain
                if len(top) == CANDIDATES_PER_SEGMENT:
                    return top
    return top


def _size(item: TokenVotes) -> int:
    return len(item[0])


def _score_of(item: Scored) -> float:
    return item.alignment.score
