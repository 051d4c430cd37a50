"""The in-memory match index: built once from plain records, updated incrementally, queried per keystroke."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import marshal
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from app.matching import nicknames
from app.matching.caches import clear_word_caches
from app.matching.decide import ContractEvidence, evaluate, rank_and_decide
from app.matching.label import Label, Segment, parse_label
from app.matching.normalize import PARTICLES, name_tokens
from app.matching.records import AliasEntry, ContactEntry, ContactKind, ContractEntry
from app.matching.result import MatchResult
from app.matching.scoring import (
    INITIAL_WEIGHT_CAP,
    MIDDLE_DISCOUNT,
    PARTICLE_DISCOUNT,
    Alignment,
    NearMap,
    SimCache,
    align,
)
from app.matching.similarity import Sim, delete_depth, deletes, loose_ocr_keys, ocr_key, phonetic_key, token_sim

log = logging.getLogger(__name__)

CANDIDATES_PER_SEGMENT = 30  # names per label part ranked by a cheap estimate before any is scored in full
ALIGNED_PER_SEGMENT = 6  # names per label part scored in full (more when their estimates tie with the best)
ALIGNED_MAX = 10
ALIGNED_MIN = 3  # names per label part aligned before OUTREAD may stop early
OUTREAD = 0.5
VOTE_FLOOR = 0.5  # names with under this share of the best name's votes are not considered
ESTIMATE_KEEP = 0.9  # a name whose estimate is this close to the best found so far is scored even past the quota
NEIGHBOUR_MIN_SIM = 0.55
PHONETIC_BUCKET_MAX = 60
COMPANY_FOUND = 0.5  # a company name this well matched has its own people read against the rest of the label
COMPANIES_LOOKED_INTO = 3
COMPANY_TIE = 0.98  # ...and, beyond those, up to COMPANIES_TIED_MAX more read this nearly as well as the best
COMPANIES_TIED_MAX = 20
ESSENTIAL_SHARE = 0.5  # a label word under this share of the rarest word's weight, and with a list longer than
MINOR_WALK_MAX = 300  # this, only adds to the names other words found
WHOLE_READ = 0.95  # a label part one name reads this well is not also read comma part by comma part
CACHE_MAX = 50_000  # per-index memo of label-token work (neighbours, rarity), cleared on any write
VOTES_MEMO_MAX = 500_000  # (name, evidence) pairs kept in the per-token vote memo
WARM_WORDS = 3_000  # the commonest directory words whose label-word work is done at build (half the memo at most)
WARM_MIN_NAMES = 2
SNAPSHOT_FORMAT = "pigeonhole-match-index-1"  # changes whenever what a snapshot holds changes
_PERSON_KINDS = frozenset(k for k in ContactKind if k.is_person)


# Alignments made for one label: (label part, name words, is a person) -> alignment.
_Aligned = dict[tuple[int, tuple[str, ...], bool], Alignment]

# A label word's evidence: name id -> best likeness x rarity, the rarity of the best directory word it may be,
# the top names by that evidence (best first), and name id -> the directory word behind it.
TokenVotes = tuple[dict[int, float], float, dict[int, float], dict[int, str]]


@dataclass(slots=True)
class Entry:
    """One matchable name: a contact, a company/billing name, a contract holder, or a learned alias."""

    eid: int
    contract_id: int
    contact_id: int | None
    kind: ContactKind
    name: str
    tokens: tuple[str, ...]
    alias: bool = False
    gone: bool = False
    is_person: bool = False
    epoch: int = -1  # the index's write count when the weights below were computed
    weights: tuple[float, ...] = ()  # rarity of each token
    cover_weight: float = 1.0  # what a label must account for to cover the name
    cover_weight_initial: float = 1.0  # the same when the label gives an initial for the first name


@dataclass(slots=True)
class Scored:
    entry: Entry
    segment: Segment
    alignment: Alignment


class MatchIndex:
    """Label text -> ranked (contract, contact) candidates.

    Thread safety: one lock guards every read and write, so one writer (a sync) and any number of readers
    (keystrokes) may share an index; a match never sees half an update.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._contracts: dict[int, ContractEntry] = {}
        self._entries: dict[int, Entry] = {}
        self._next_eid = 1
        self._contract_entries: dict[int, list[int]] = {}  # contract_id -> entry ids
        self._contact_entries: dict[int, list[int]] = {}  # contact_id -> entry ids (contact and its aliases)
        self._postings: dict[str, list[int]] = {}  # token -> entry ids
        self._pairs: dict[str, list[int]] = {}  # "j smith" (initial + other token of a person) -> entry ids
        self._by_ocr: dict[str, list[str]] = {}  # OCR/spelling key -> tokens
        self._by_loose: dict[str, list[str]] = {}  # coarser OCR key (c/e/g, a/o, u/v, h/b) -> tokens
        self._by_delete: dict[str, list[str]] = {}  # symmetric-delete key -> tokens
        self._by_sound: dict[str, list[str]] = {}  # metaphone -> tokens
        self._by_prefix: dict[str, list[str]] = {}  # first 3 letters of a person's first name -> tokens
        self._aliases: dict[tuple[str, ...], list[int]] = {}  # alias tokens -> entry ids
        self._po_boxes: dict[str, set[int]] = {}
        # Memos of work that depends only on the directory, not on the label: dropped on every write.
        self._near_memo: dict[str, list[tuple[str, float]]] = {}
        self._near_map_memo: dict[str, NearMap] = {}
        self._idf_memo: dict[str, float] = {}
        self._epoch = 0
        self._sim_memo: SimCache = {}
        self._votes_memo: dict[str, TokenVotes] = {}
        self._votes_memo_size = 0

    def _changed(self) -> None:
        self._epoch += 1
        if self._idf_memo or self._near_memo or self._votes_memo:
            self._near_memo = {}
            self._near_map_memo = {}
            self._idf_memo = {}
            self._votes_memo = {}
            self._votes_memo_size = 0
        if len(self._sim_memo) > 4 * CACHE_MAX:
            self._sim_memo = {}

    # ----------------------------------------------------------------- building and updating
    @classmethod
    def build(
        cls,
        contracts: Iterable[ContractEntry],
        contacts: Iterable[ContactEntry],
        aliases: Iterable[AliasEntry] = (),
    ) -> MatchIndex:
        index = cls()
        with _collector_paused():  # millions of small objects, none of them garbage: nothing for it to find
            index.upsert_contracts(contracts)
            index.upsert_contacts(contacts)
            for alias in aliases:
                index.add_alias(alias)
            for entry in index._entries.values():
                index._weigh(entry)
            index._warm_common_words()
        log.info(
            "match index built: %d contracts, %d names, %d tokens",
            len(index._contracts),
            len(index._entries),
            len(index._postings),
        )
        return index

    def __len__(self) -> int:
        return len(self._entries)

    def close(self) -> None:
        """Drop what this index memoised, and the matcher's word caches it filled (app.matching.caches): call it
        when the index is replaced or no longer used. The index still answers afterwards, only slower at first."""
        with self._lock:
            self._near_memo, self._near_map_memo, self._idf_memo, self._sim_memo = {}, {}, {}, {}
            self._votes_memo, self._votes_memo_size = {}, 0
            clear_word_caches()

    def contact_ids(self) -> list[int]:
        """The ids of the contacts named in the index."""
        with self._lock:
            return list(self._contact_entries)

    # ----------------------------------------------------------------- snapshot
    def snapshot(self) -> bytes:
        """The built index as bytes (plain lists, dicts and numbers, written by marshal), to be saved after a sync
        and read back at start by `from_snapshot`: at 100,000 contacts that is a fraction of a build. Memos are left
        out (they fill again as labels come). Not for data from elsewhere: marshal trusts what it reads.

        The caller keeps writers out meanwhile (MatchingService holds its write lock); matches go on: the index
        lock is not held, and each part is written by itself, so other threads run in between."""
        # A name's weights are not kept: they are worked out again when the name is first scored.
        entries = [
            (e.eid, e.contract_id, e.contact_id, e.kind.value, e.name, e.tokens, e.alias, e.gone)
            for e in list(self._entries.values())
        ]
        contracts = [
            (
                c.contract_id,
                c.company_name,
                c.billing_name,
                c.holder_name,
                c.cancelled,
                c.cancelled_on.toordinal() if c.cancelled_on else None,
                c.location_id,
                c.po_box,
            )
            for c in list(self._contracts.values())
        ]
        parts = (
            SNAPSHOT_FORMAT,
            contracts,
            entries,
            self._next_eid,
            self._contract_entries,
            self._contact_entries,
            self._postings,
            self._pairs,
            self._by_ocr,
            self._by_loose,
            self._by_delete,
            self._by_sound,
            self._by_prefix,
            self._aliases,
            self._po_boxes,
        )
        return marshal.dumps([marshal.dumps(part) for part in parts])

    @classmethod
    def from_snapshot(cls, data: bytes) -> MatchIndex:
        """An index as `snapshot` saved it. Raises ValueError when the bytes are not a snapshot of this version."""
        with _collector_paused():
            return cls._restore(data)

    @classmethod
    def _restore(cls, data: bytes) -> MatchIndex:
        try:
            blobs = marshal.loads(data)
            if not isinstance(blobs, list) or not blobs or marshal.loads(blobs[0]) != SNAPSHOT_FORMAT:
                raise ValueError("a match index snapshot of another version")
            state = tuple(marshal.loads(blob) for blob in blobs)
        except (EOFError, TypeError) as exc:
            raise ValueError(f"not a match index snapshot: {exc}") from exc
        if len(state) != 15:
            raise ValueError("a match index snapshot of another version")
        index = cls()
        (
            _format,
            contracts,
            entries,
            index._next_eid,
            index._contract_entries,
            index._contact_entries,
            index._postings,
            index._pairs,
            index._by_ocr,
            index._by_loose,
            index._by_delete,
            index._by_sound,
            index._by_prefix,
            index._aliases,
            index._po_boxes,
        ) = state
        kinds = {k.value: (k, k in _PERSON_KINDS) for k in ContactKind}
        index._entries = {
            eid: Entry(eid, contract_id, contact_id, kinds[kind][0], name, tokens, alias, gone, kinds[kind][1])
            for (eid, contract_id, contact_id, kind, name, tokens, alias, gone) in entries
        }
        index._contracts = {
            c[0]: ContractEntry(
                c[0], c[1], c[2], c[3], c[4], date.fromordinal(c[5]) if c[5] is not None else None, c[6], c[7]
            )
            for c in contracts
        }
        return index

    def upsert_contracts(self, entries: Iterable[ContractEntry]) -> None:
        with self._lock:
            for contract in entries:
                self._remove_entries(
                    e
                    for e in self._contract_entries.get(contract.contract_id, [])
                    if self._entries[e].contact_id is None and not self._entries[e].alias
                )
                old = self._contracts.get(contract.contract_id)
                if old and old.po_box:
                    self._po_boxes.get(_po_key(old.po_box), set()).discard(contract.contract_id)
                self._contracts[contract.contract_id] = contract
                if contract.po_box:
                    self._po_boxes.setdefault(_po_key(contract.po_box), set()).add(contract.contract_id)
                # A private person's contract carries their own name as company and billing name: that is a person.
                holder = name_tokens(contract.holder_name, person=True) if contract.holder_name else ()
                seen: set[tuple[str, ...]] = {holder} if holder else set()
                for name in (contract.company_name, contract.billing_name):
                    tokens = name_tokens(name) if name else ()
                    if tokens and tokens not in seen:
                        seen.add(tokens)
                        self._add_entry(contract.contract_id, None, ContactKind.COMPANY, name, tokens)
                if holder:
                    self._add_entry(contract.contract_id, None, ContactKind.HOLDER, contract.holder_name, holder)

    def upsert_contacts(self, entries: Iterable[ContactEntry]) -> None:
        with self._lock:
            for contact in entries:
                if contact.contact_id in self._contact_entries:
                    self._remove_entries(
                        e for e in self._contact_entries[contact.contact_id] if not self._entries[e].alias
                    )
                tokens = name_tokens(contact.name, person=contact.kind in _PERSON_KINDS)
                if tokens:
                    self._add_entry(
                        contact.contract_id, contact.contact_id, contact.kind, contact.name, tokens, gone=contact.gone
                    )

    def remove_contacts(self, ids: Iterable[int]) -> None:
        with self._lock:
            for contact_id in ids:
                self._remove_entries(list(self._contact_entries.get(contact_id, [])))

    def remove_contracts(self, ids: Iterable[int]) -> None:
        with self._lock:
            for contract_id in ids:
                self._remove_entries(list(self._contract_entries.get(contract_id, [])))
                old = self._contracts.pop(contract_id, None)
                if old and old.po_box:
                    self._po_boxes.get(_po_key(old.po_box), set()).discard(contract_id)

    def add_alias(self, alias: AliasEntry) -> None:
        """Remember a label text staff assigned by hand; it is matched from the next keystroke on."""
        with self._lock:
            label = parse_label(alias.text)
            kind, name = ContactKind.COMPANY, alias.text
            gone = False
            for eid in self._contact_entries.get(alias.contact_id or -1, []):
                entry = self._entries[eid]
                if not entry.alias:
                    kind, name, gone = entry.kind, entry.name, entry.gone
            for segment in label.segments or []:
                if segment.sub >= 0:
                    continue
                if any(
                    self._entries[e].contract_id == alias.contract_id
                    and self._entries[e].contact_id == alias.contact_id
                    for e in self._aliases.get(segment.tokens, [])
                ):
                    continue
                eid = self._add_entry(
                    alias.contract_id, alias.contact_id, kind, name, segment.tokens, alias=True, gone=gone
                )
                self._aliases.setdefault(segment.tokens, []).append(eid)

    def _add_entry(
        self,
        contract_id: int,
        contact_id: int | None,
        kind: ContactKind,
        name: str,
        tokens: tuple[str, ...],
        alias: bool = False,
        gone: bool = False,
    ) -> int:
        self._changed()
        eid = self._next_eid
        self._next_eid += 1
        is_person = kind in _PERSON_KINDS
        entry = Entry(eid, contract_id, contact_id, kind, name, tokens, alias, gone, is_person)
        self._entries[eid] = entry
        self._contract_entries.setdefault(contract_id, []).append(eid)
        if contact_id is not None:
            self._contact_entries.setdefault(contact_id, []).append(eid)
        postings = self._postings
        for position, token in enumerate(dict.fromkeys(tokens)):
            posting = postings.get(token)
            if posting is None:
                postings[token] = [eid]
                self._add_vocab(token, first_name=is_person and position == 0)
            else:
                posting.append(eid)
                if is_person and position == 0 and len(token) >= 3:
                    bucket = self._by_prefix.setdefault(token[:3], [])
                    if token not in bucket:
                        bucket.append(token)
        if is_person and len(tokens) >= 2:
            for key in _pair_keys(tokens):
                self._pairs.setdefault(key, []).append(eid)
        return eid

    def _add_vocab(self, token: str, first_name: bool) -> None:
        if len(token) < 2:
            return
        self._by_ocr.setdefault(ocr_key(token), []).append(token)
        if len(token) >= 3:
            for key in loose_ocr_keys(token):
                self._by_loose.setdefault(key, []).append(token)
        for d in deletes(token, delete_depth(len(token))):
            if d != token:
                self._by_delete.setdefault(d, []).append(token)
        sound = phonetic_key(token)
        if sound:
            self._by_sound.setdefault(sound, []).append(token)
        if first_name and len(token) >= 3:
            self._by_prefix.setdefault(token[:3], []).append(token)

    def _remove_vocab(self, token: str) -> None:
        """Forget a word no name uses any more (its scanning, typing, sound and prefix keys)."""
        if len(token) < 2:
            return
        _discard_word(self._by_ocr, ocr_key(token), token)
        if len(token) >= 3:
            for key in loose_ocr_keys(token):
                _discard_word(self._by_loose, key, token)
        for d in deletes(token, delete_depth(len(token))):
            if d != token:
                _discard_word(self._by_delete, d, token)
        sound = phonetic_key(token)
        if sound:
            _discard_word(self._by_sound, sound, token)
        if len(token) >= 3:
            _discard_word(self._by_prefix, token[:3], token)

    def _remove_entries(self, eids: Iterable[int]) -> None:
        for eid in list(eids):
            entry = self._entries.pop(eid, None)
            if entry is None:
                continue
            self._changed()
            _discard(self._contract_entries, entry.contract_id, eid)
            if entry.contact_id is not None:
                _discard(self._contact_entries, entry.contact_id, eid)
            if entry.alias:
                _discard(self._aliases, entry.tokens, eid)
            for token in set(entry.tokens):
                _discard(self._postings, token, eid)
                if token not in self._postings:
                    self._remove_vocab(token)
            if entry.is_person and len(entry.tokens) >= 2:
                for key in _pair_keys(entry.tokens):
                    _discard(self._pairs, key, eid)

    # ----------------------------------------------------------------- matching
    def idf(self, token: str) -> float:
        memo = self._idf_memo
        value = memo.get(token)
        if value is None:
            posting = self._postings.get(token)
            df = len(posting) if posting else 0
            value = math.log(1.0 + (len(self._entries) + 1) / (df + 0.5))
            if len(memo) < CACHE_MAX:
                memo[token] = value
        return value

    def _warm_common_words(self) -> None:
        """Do the label-word work (neighbours, evidence lists) for the directory's commonest words at build: they are
        the costliest to do on a keystroke and the likeliest on a label. Bounded by the memo's budget."""
        common = sorted(
            (t for t, p in self._postings.items() if len(p) >= WARM_MIN_NAMES and len(t) > 1),
            key=lambda t: len(self._postings[t]),
            reverse=True,
        )[:WARM_WORDS]
        for token in common:
            if self._votes_memo_size >= VOTES_MEMO_MAX // 2:
                break
            self._token_votes(token)

    def _weigh(self, entry: Entry) -> None:
        """Rarity of each word of the name, and the weight a label must account for to cover it (middle names and
        particles count less; with an initial on the label, a first name counts no more than an initial says).
        Computed for every name at build, again after a write when first needed."""
        idf = self.idf
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
        entry.epoch = self._epoch

    def match(self, text: str, limit: int = 5) -> MatchResult:
        with self._lock:
            label = parse_label(text)
            scored = self._score_label(label)
            po_contracts = {c for box in label.po_boxes for c in self._po_boxes.get(_po_key(box), ())}
            return rank_and_decide(
                label, scored, po_contracts, self._contracts, self._entries, self._contract_entries, limit
            )

    def evidence(self, text: str) -> list[ContractEvidence]:
        """The per-contract evidence behind match(), best first (for calibration and diagnostics)."""
        with self._lock:
            label = parse_label(text)
            scored = self._score_label(label)
            po_contracts = {c for box in label.po_boxes for c in self._po_boxes.get(_po_key(box), ())}
            return evaluate(label, scored, po_contracts)

    def _neighbours(self, q: str, cache: SimCache) -> tuple[list[tuple[str, float]], NearMap]:
        """Directory tokens that could be this label token: exact, short forms, scanning and typing errors."""
        postings = self._postings
        seen: set[str] = set()
        if q in postings:
            seen.add(q)
        for v in nicknames.variants(q):
            if v in postings:
                seen.add(v)
        seen.update(self._by_ocr.get(ocr_key(q), ()))
        if len(q) >= 3:
            for key in loose_ocr_keys(q):
                loose = self._by_loose.get(key)
                if loose and len(loose) <= PHONETIC_BUCKET_MAX:
                    seen.update(loose)
        by_delete = self._by_delete
        for d in deletes(q, delete_depth(len(q))):
            if d in postings:
                seen.add(d)
            found = by_delete.get(d)
            if found:
                seen.update(found)
        sound = phonetic_key(q)
        bucket = self._by_sound.get(sound) if sound else None
        if bucket and len(bucket) <= PHONETIC_BUCKET_MAX:
            seen.update(bucket)
        if 3 <= len(q) <= 5:
            seen.update(t for t in self._by_prefix.get(q[:3], ()) if t.startswith(q))
        out: list[tuple[str, float]] = []
        near_map: NearMap = {}
        for t in seen:
            if t not in postings:
                continue
            r = cache.get((q, t))
            if r is None:
                r = token_sim(q, t)
                cache[(q, t)] = r
            if r[0] >= NEIGHBOUR_MIN_SIM:
                out.append((t, r[0]))
                near_map[t] = r
        out.sort()  # a fixed order whatever the hash seed, so equal candidates always rank alike
        return out, near_map

    def _near_map(self, q: str) -> NearMap | None:
        """The directory words label word q may be, with likeness and kind (None for an initial)."""
        if len(q) == 1:
            return None
        found = self._near_map_memo.get(q)
        if found is None:
            self._near(q)
            found = self._near_map_memo.get(q)
            if found is None:  # memo full
                found = self._neighbours(q, self._sim_memo)[1]
        return found

    def _near(self, q: str) -> list[tuple[str, float]]:
        memo = self._near_memo
        near = memo.get(q)
        if near is None:
            near, near_map = self._neighbours(q, self._sim_memo)
            if len(memo) < CACHE_MAX:
                memo[q] = near
                self._near_map_memo[q] = near_map
        return near

    def _token_votes(self, q: str) -> TokenVotes:
        """Names this label token speaks for, each with its best evidence (likeness x rarity), and the rarity of
        the best directory word it may be. Memoized across labels until the next write."""
        memo = self._votes_memo
        found = memo.get(q)
        if found is not None:
            return found
        postings = self._postings
        gains: list[tuple[float, list[int], str]] = []
        best_idf = 0.0
        # A label word that is itself a directory word ("Brown") speaks for the names spelt so first: read as a
        # slip of a rarer word ("Baron", "Beirn") it says no more than it says as written, or at 100,000 contacts
        # the rare look-alikes crowd every C. Brown out of the names considered.
        cap = self.idf(q) if q in postings else math.inf
        for t, s in self._near(q):
            posting = postings.get(t)
            if posting:
                w = self.idf(t)
                best_idf = max(best_idf, w)
                gains.append((s * (w if t == q or w < cap else cap), posting, t))
        gains.sort(key=_first_gain)
        votes: dict[int, float] = {}
        via: dict[int, str] = {}  # the directory word behind each name's evidence
        for gain, posting, t in gains:  # weakest first, so each name keeps its strongest evidence (done in C)
            votes.update(dict.fromkeys(posting, gain))
            via.update(dict.fromkeys(posting, t))
        top = dict(sorted(votes.items(), key=_SECOND, reverse=True)[:CANDIDATES_PER_SEGMENT])
        found = (votes, best_idf, top, via)
        self._votes_memo_size += len(votes)
        if self._votes_memo_size > VOTES_MEMO_MAX:
            memo.clear()
            self._votes_memo_size = len(votes)
        memo[q] = found
        return found

    def _score_label(self, label: Label) -> list[Scored]:
        entries = self._entries
        postings = self._postings
        pairs_index = self._pairs
        idf = self.idf
        scored: list[Scored] = []
        label.max_weight = idf("")
        done: set[tuple[int, int]] = set()
        segment_weights: dict[int, tuple[list[float], int, list[NearMap | None]]] = {}
        whole_read: set[int] = set()  # pieces a single name reads perfectly: their comma parts need no reading
        split_pieces = {s.piece for s in label.segments if s.sub >= 0}
        piece_known: dict[int, float] = {}
        aligned: _Aligned = {}
        for segment in label.segments:
            if segment.sub >= 0 and segment.piece in whole_read:
                continue
            tokens = segment.tokens
            votes: dict[int, float] = {}
            label_weights: list[float] = []
            fulls: list[str] = []
            initials: list[str] = []
            known = 0.0
            known_mask = 0
            token_votes: list[TokenVotes] = []
            for position, q in enumerate(tokens):
                if len(q) > 2 and q in postings:
                    known_mask |= 1 << position
                if len(q) == 1:
                    initials.append(q)
                    label_weights.append(1.0)
                    known += 1.0
                    continue
                fulls.append(q)
                found = self._token_votes(q)
                best_idf = found[1]
                if found[0]:
                    token_votes.append(found)
                label_weights.append(best_idf if best_idf else idf(q))
                known += best_idf
            # A part with commas is read part by part too: read whole, it only needs the names several words share
            # ("Smith, John"; "Goodwin, King and Williamson"), not those one word alone finds.
            votes = _combine(
                token_votes, shared_only=segment.sub < 0 and segment.piece in split_pieces, entries=entries
            )
            if initials and fulls:
                for q in fulls:
                    for t, _s in self._near(q):
                        for initial in initials:
                            for eid in pairs_index.get(f"{initial} {t}", ()):
                                base = votes.get(eid)
                                if base is None:
                                    base = sum(tv[0].get(eid, 0.0) for tv in token_votes)
                                votes[eid] = base + 2.0
            for eid in self._aliases.get(tokens, ()):
                base = votes.get(eid)
                if base is None:
                    base = sum(tv[0].get(eid, 0.0) for tv in token_votes)
                votes[eid] = base + 100.0
            if segment.sub < 0:  # a part read two ways (see label._segments) counts once, by its better reading
                piece_known[segment.piece] = max(known, piece_known.get(segment.piece, 0.0))
            near_maps = [self._near_map(q) for q in tokens]
            segment_weights[id(segment)] = (label_weights, known_mask, near_maps)
            if not votes:
                continue
            if len(votes) > CANDIDATES_PER_SEGMENT:
                top = sorted(votes.items(), key=_SECOND, reverse=True)[:CANDIDATES_PER_SEGMENT]
            else:
                top = list(votes.items())
            floor = VOTE_FLOOR * max(votes.values())
            label_weight = sum(label_weights) or 1.0
            # Cheap estimate of the full score (weighted cover on both sides), so only the likely names are aligned.
            estimates: list[tuple[float, int]] = []
            has_initial = bool(initials)
            epoch = self._epoch
            for eid, v in top:
                if v < floor:
                    continue
                entry = entries[eid]
                if entry.epoch != epoch:
                    self._weigh(entry)
                cover = v / (entry.cover_weight_initial if has_initial else entry.cover_weight)
                share = v / label_weight
                estimates.append(((cover if cover < 1.0 else 1.0) * (share if share < 1.0 else 1.0), eid))
            estimates.sort(key=_first, reverse=True)
            keep = ESTIMATE_KEEP * estimates[0][0]
            best_read = 0.0
            for n, (estimate, eid) in enumerate(estimates):
                if n >= ALIGNED_PER_SEGMENT and (estimate < keep or n >= ALIGNED_MAX):
                    if estimate < keep:
                        break
                    entry = entries[eid]
                    if (id(segment), entry.tokens, entry.is_person) not in aligned:
                        continue  # past the quota only names spelt like one already read (a trading name on
                        # several contracts): their alignment is at hand, and each may be the one
                if n >= ALIGNED_MIN and estimate < OUTREAD * best_read:
                    break  # the names left cannot come near the one already read (an estimate is a ceiling)
                entry = entries[eid]
                if entry.epoch != epoch:
                    self._weigh(entry)
                alignment = self._align(aligned, segment, entry, label_weights, known_mask, near_maps)
                if alignment.matched_weight > 0.0:
                    scored.append(Scored(entry, segment, alignment))
                    done.add((id(segment), eid))
                    best_read = max(best_read, alignment.score)
                    if segment.sub < 0 and alignment.score >= WHOLE_READ:
                        whole_read.add(segment.piece)
        label.known_weight = sum(piece_known.values())
        self._look_inside_companies(label, scored, done, segment_weights, aligned)
        return scored

    def _align(
        self,
        aligned: _Aligned,
        segment: Segment,
        entry: Entry,
        label_weights: list[float],
        known_mask: int,
        near_maps: list[NearMap | None],
    ) -> Alignment:
        """A name's alignment with a label part, once per label: it depends on the name's words alone (their weights
        are their rarity), so names spelt alike (a company's company and billing name, a holder who is also a
        contact) share one."""
        key = (id(segment), entry.tokens, entry.is_person)
        found = aligned.get(key)
        if found is None:
            found = aligned[key] = align(
                segment.tokens,
                entry.tokens,
                entry.is_person,
                entry.weights,
                label_weights,
                self._sim_memo,
                segment.had_title,
                known_mask,
                near_maps,
            )
        return found

    def _look_inside_companies(
        self,
        label: Label,
        scored: list[Scored],
        done: set[tuple[int, int]],
        segment_weights: dict[int, tuple[list[float], int, list[NearMap | None]]],
        aligned: _Aligned,
    ) -> None:
        """When a part of the label names a company, read the rest against that contract's own people: "Ms Craig,
        Beacon Labs" finds the Craig at Beacon Labs even when many Craigs outrank her on the surname alone."""
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
        entries = self._entries
        seen_contracts: set[int] = set()
        for org in orgs:
            contract_id = org.entry.contract_id
            if contract_id in seen_contracts:
                continue
            seen_contracts.add(contract_id)
            people = [entries[e] for e in self._contract_entries.get(contract_id, ()) if entries[e].is_person]
            for segment in label.segments:
                if segment.overlaps(org.segment):
                    continue
                weights_of_segment = segment_weights.get(id(segment))
                if weights_of_segment is None:
                    continue
                label_weights, known_mask, near_maps = weights_of_segment
                for entry in people:
                    if (id(segment), entry.eid) in done:
                        continue
                    done.add((id(segment), entry.eid))
                    if entry.epoch != self._epoch:
                        self._weigh(entry)
                    alignment = self._align(aligned, segment, entry, label_weights, known_mask, near_maps)
                    if alignment.matched_weight > 0.0:
                        scored.append(Scored(entry, segment, alignment))


_SECOND = itemgetter(1)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while an index is made (it would walk the growing index again and again)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def snapshot_format() -> str:
    """The snapshot format with a digest of the code that decides what a snapshot holds (how names become words
    and words become keys): a snapshot written by other code is not read back."""
    digest = hashlib.sha256(SNAPSHOT_FORMAT.encode())
    package = Path(__file__).resolve().parent
    for name in ("index.py", "normalize.py", "similarity.py", "nicknames.txt", "records.py"):
        with contextlib.suppress(OSError):
            digest.update((package / name).read_bytes())
    return f"{SNAPSHOT_FORMAT}-{digest.hexdigest()[:16]}"


def _combine(
    token_votes: list[TokenVotes], shared_only: bool = False, entries: dict[int, Entry] | None = None
) -> dict[int, float]:
    """Names with the largest summed evidence over the label's tokens, without summing every name: a name named by
    one token only can rank in the top only if it ranks in that token's own top list (memoized); names named by
    several tokens are found by walking all but the largest token's names."""
    if not token_votes:
        return {}
    if len(token_votes) == 1:
        return token_votes[0][2].copy()
    # A common word ("van", "der", "trading") with a long list is not walked: it only adds to the names other words
    # found (walked or looked into); a name only it could find would not rank anyway.
    strongest = max(tv[1] for tv in token_votes)
    ordered = sorted(token_votes, key=_size)
    shared: set[int] = set()
    minor = [len(tv[0]) > MINOR_WALK_MAX and tv[1] < ESSENTIAL_SHARE * strongest for tv in ordered]
    if all(minor):
        minor[0] = False  # only common words ("Harbour Harbour Ventures"): the shortest list is walked
    for i, (tv, _weight, _top, _via) in enumerate(ordered[:-1]):
        keys = tv.keys()
        for j in range(i + 1, len(ordered)):
            if minor[i] and minor[j]:
                continue  # two common words ("van", "der") together find nothing the others do not
            shared.update(keys & ordered[j][0].keys())  # set intersection, in C
    votes: dict[int, float] = {}
    for eid in shared:
        total = 0.0
        by_word: dict[str, float] = {}  # two label words for one directory word count once...
        for k, (tv, _w, _top, via) in enumerate(token_votes):
            gain = tv.get(eid)
            if gain is not None:
                word = via[eid]
                before = by_word.get(word)
                if before is None or (
                    any(token_votes[m][0] is tv for m in range(k))
                    and entries is not None
                    and entries[eid].tokens.count(word) > 1
                ):
                    by_word[word] = gain  # ...unless both repeat it ("Willow Willow Media"; not Willow Media)
                    total += gain
                elif gain > before:
                    by_word[word] = gain
                    total += gain - before
        votes[eid] = total
    if shared_only and votes:
        return votes
    # Each word's own top names join with that word's evidence (the first word's, when several list a name); the
    # summed evidence of shared names wins. Dict updates, in C: the earlier words are written last.
    joined: dict[int, float] = {}
    for _tv, _w, top, _via in reversed(token_votes):
        joined.update(top)
    joined.update(votes)
    return joined


def _size(item: TokenVotes) -> int:
    return len(item[0])


def _first_gain(item: tuple[float, list[int], str]) -> float:
    return item[0]


def _score_of(item: Scored) -> float:
    return item.alignment.score


def _first(item: tuple[float, int]) -> float:
    return item[0]


def _pair_keys(tokens: tuple[str, ...]) -> set[str]:
    return {f"{a[0]} {b}" for i, a in enumerate(tokens) for j, b in enumerate(tokens) if i != j and len(b) > 1}


def _po_key(box: str) -> str:
    digits = "".join(ch for ch in box if ch.isdigit())
    return digits.lstrip("0") or box.strip().lower()


def _discard_word(mapping: dict[str, list[str]], key: str, word: str) -> None:
    words = mapping.get(key)
    if words is not None:
        with contextlib.suppress(ValueError):
            words.remove(word)
        if not words:
            del mapping[key]


def _discard(mapping: dict[Any, list[int]], key: object, eid: int) -> None:
    items = mapping.get(key)
    if items is not None:
        with contextlib.suppress(ValueError):
            items.remove(eid)
        if not items:
            del mapping[key]


__all__ = ["Entry", "MatchIndex", "Scored", "Sim"]
