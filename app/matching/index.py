"""The match index: the directory's names as data, built once from plain records, updated incrementally, and the
look-ups the matching stages ask of it (which names carry a word, which directory words look or sound like a label
word, how rare a word is, a contract's names, a PO box's contracts). It scores nothing: app.matching.candidates,
app.matching.align and the stages after them do, app.matching.pipeline in order."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import marshal
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from operator import attrgetter
from typing import Any, Self

from app.matching import nicknames
from app.matching.caches import clear_word_caches
from app.matching.label import parse_label
from app.matching.normalize import name_tokens
from app.matching.records import AliasEntry, ContactEntry, ContactKind, ContractEntry
from app.matching.similarity import delete_depth, deletes, loose_ocr_keys, ocr_key, phonetic_key
from app.matching.types import Entry, NearMap, SimCache, TokenVotes
from app.matching.weights import weigh

log = logging.getLogger(__name__)

PHONETIC_BUCKET_MAX = 60  # a sound or loose scanning key shared by more words than this says too little to follow
CACHE_MAX = 50_000  # per-index memo of label-token work (neighbours, rarity), cleared on any write
SIM_MEMO_MAX = 4 * CACHE_MAX  # word pairs in the likeness memo (WordMemo.sim) before it is dropped
SNAPSHOT_FORMAT = "pigeonhole-match-index-1"  # changes whenever what a snapshot holds changes
_PERSON_KINDS = frozenset(k for k in ContactKind if k.is_person)
_CONTACT_ID = attrgetter("contact_id")


@dataclass(slots=True)
class WordMemo:
    """Label-word work that depends only on the directory, not on the label: filled by app.matching.candidates as
    labels come, kept across labels, dropped by the index on every write (the likeness memo only when large)."""

    near: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # label word -> (directory word, sim)
    near_map: dict[str, NearMap] = field(default_factory=dict)
    votes: dict[str, TokenVotes] = field(default_factory=dict)
    votes_size: int = 0  # (name, evidence) pairs held in `votes`
    sim: SimCache = field(default_factory=dict)


class DirectoryIndex:
    """The directory's matchable names and their look-up tables.

    Thread safety: one lock (`lock`) guards every read and write, so one writer (a sync) and any number of readers
    (keystrokes, app.matching.pipeline holds it for a whole label) may share an index; a match never sees half an
    update.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
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
        self._written: dict[tuple[str, ...], list[int]] = {}  # a name's words -> the ids of the names written so
        self._person_words: dict[str, int] = {}  # word -> how many people's names carry it
        self._po_boxes: dict[str, set[int]] = {}
        # Memos of work that depends only on the directory, not on the label: dropped on every write.
        self._idf_memo: dict[str, float] = {}
        self._people_memo: dict[int, int] = {}  # contract_id -> how many contacts (people_on)
        self.memo = WordMemo()
        self._epoch = 0

    def _changed(self) -> None:
        self._epoch += 1
        if self._people_memo:
            self._people_memo = {}
        memo = self.memo
        if self._idf_memo or memo.near or memo.votes:
            memo.near = {}
            memo.near_map = {}
            self._idf_memo = {}
            memo.votes = {}
            memo.votes_size = 0
        self.bound_likeness_memo()

    def bound_likeness_memo(self) -> None:
        """Drop the likeness memo once it holds more than SIM_MEMO_MAX word pairs. Labels add to it with no write in
        between (an unknown word is compared with every word of the names beside it), so the matcher calls this before
        each label (app.matching.pipeline), and each write does."""
        if len(self.memo.sim) > SIM_MEMO_MAX:
            self.memo.sim = {}

    # ----------------------------------------------------------------- building and updating
    @classmethod
    def build(
        cls,
        contracts: Iterable[ContractEntry],
        contacts: Iterable[ContactEntry],
        aliases: Iterable[AliasEntry] = (),
    ) -> Self:
        """The index of these records. Its memo of label-word work starts empty (MatchIndex.build, in
        app.matching.pipeline, also does that work for the commonest words)."""
        index = cls()
        index._fill(contracts, contacts, aliases)
        return index

    def _fill(
        self, contracts: Iterable[ContractEntry], contacts: Iterable[ContactEntry], aliases: Iterable[AliasEntry]
    ) -> None:
        """A new index's records (build). (Not `super().build()` in MatchIndex.build: compiled by mypyc, a class
        method's super() call is handed the wrong class.)"""
        # Millions of small objects, none of them garbage: pausing the garbage collector meanwhile pays (a third of
        # the build, half a snapshot read), but that is process-wide, so the composition root decides
        # (app.process.collector_paused, handed to MatchingService).
        self.upsert_contracts(contracts)
        self.upsert_contacts(contacts)
        for alias in aliases:
            self.add_alias(alias)
        # Each posting's name ids made a run of number objects of its own, one after another in memory, as a
        # snapshot read makes them: a label word's first look-up walks a long posting in memory order, about twice
        # as fast at 500,000 contacts as through the ids shared with the rest of the index, spread over all of it.
        self._postings = marshal.loads(marshal.dumps(self._postings))
        for entry in self._entries.values():
            weigh(entry, self.idf, self._epoch)
        log.info(
            "match index built: %d contracts, %d names, %d tokens",
            len(self._contracts),
            len(self._entries),
            len(self._postings),
        )

    def __len__(self) -> int:
        return len(self._entries)

    def close(self) -> None:
        """Drop what this index memoised, and the matcher's word caches it filled (app.matching.caches): call it
        when the index is replaced or no longer used. The index still answers afterwards, only slower at first."""
        with self.lock:
            self._idf_memo = {}
            self._people_memo = {}
            self.memo = WordMemo()
            clear_word_caches()

    def contact_ids(self) -> list[int]:
        """The ids of the contacts named in the index."""
        with self.lock:
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
            self._person_words,
        )
        return marshal.dumps([marshal.dumps(part) for part in parts])

    @classmethod
    def from_snapshot(cls, data: bytes) -> Self:
        """An index as `snapshot` saved it. Raises ValueError when the bytes are not a snapshot of this version."""
        try:
            blobs = marshal.loads(data)
            if not isinstance(blobs, list) or not blobs or marshal.loads(blobs[0]) != SNAPSHOT_FORMAT:
                raise ValueError("a match index snapshot of another version")
            state = tuple(marshal.loads(blob) for blob in blobs)
        except (EOFError, TypeError) as exc:
            raise ValueError(f"not a match index snapshot: {exc}") from exc
        if len(state) != 16:
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
            index._person_words,
        ) = state
        kinds = {k.value: (k, k in _PERSON_KINDS) for k in ContactKind}
        index._entries = {
            eid: Entry(eid, contract_id, contact_id, kinds[kind][0], name, tokens, alias, gone, kinds[kind][1])
            for (eid, contract_id, contact_id, kind, name, tokens, alias, gone) in entries
        }
        written = index._written  # not in the snapshot: quicker made again than read
        for entry in index._entries.values():
            found = written.get(entry.tokens)
            if found is None:
                written[entry.tokens] = [entry.eid]
            else:
                found.append(entry.eid)
        index._contracts = {
            c[0]: ContractEntry(
                c[0], c[1], c[2], c[3], c[4], date.fromordinal(c[5]) if c[5] is not None else None, c[6], c[7]
            )
            for c in contracts
        }
        return index

    def upsert_contracts(self, entries: Iterable[ContractEntry]) -> None:
        with self.lock:
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
        with self.lock:
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
        with self.lock:
            for contact_id in ids:
                self._remove_entries(list(self._contact_entries.get(contact_id, [])))

    def remove_contracts(self, ids: Iterable[int]) -> None:
        with self.lock:
            for contract_id in ids:
                self._remove_entries(list(self._contract_entries.get(contract_id, [])))
                old = self._contracts.pop(contract_id, None)
                if old and old.po_box:
                    self._po_boxes.get(_po_key(old.po_box), set()).discard(contract_id)

    def add_alias(self, alias: AliasEntry) -> None:
        """Remember a label text staff assigned by hand; it is matched from the next keystroke on."""
        with self.lock:
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
        # Any, not int: one number object, shared by every list the name goes in. Compiled (mypyc), an int variable
        # is a machine number, made into a new object at each append: at 100,000 contacts the index took 60% more
        # memory.
        eid: Any = self._next_eid
        self._next_eid += 1
        is_person = kind in _PERSON_KINDS
        entry = Entry(eid, contract_id, contact_id, kind, name, tokens, alias, gone, is_person)
        self._entries[eid] = entry
        self._contract_entries.setdefault(contract_id, []).append(eid)
        if contact_id is not None:
            self._contact_entries.setdefault(contact_id, []).append(eid)
        postings = self._postings
        if is_person:
            person_words = self._person_words
            for token in set(tokens):
                person_words[token] = person_words.get(token, 0) + 1
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
        self._written.setdefault(tokens, []).append(eid)
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
            _discard(self._written, entry.tokens, eid)
            if entry.is_person:
                for token in set(entry.tokens):
                    left = self._person_words.pop(token, 1) - 1
                    if left:
                        self._person_words[token] = left

    # ----------------------------------------------------------------- look-ups
    @property
    def epoch(self) -> int:
        """The index's write count: a name weighed at another is weighed again when next read (see weighed)."""
        return self._epoch

    @property
    def entries(self) -> Mapping[int, Entry]:
        """Every name, by id (read it under `lock`)."""
        return self._entries

    @property
    def postings(self) -> Mapping[str, list[int]]:
        """Directory word -> the ids of the names that carry it."""
        return self._postings

    def idf(self, token: str) -> float:
        """How rare a directory word is (inverse document frequency over the names)."""
        memo = self._idf_memo
        value = memo.get(token)
        if value is None:
            posting = self._postings.get(token)
            df = len(posting) if posting else 0
            value = math.log(1.0 + (len(self._entries) + 1) / (df + 0.5))
            if len(memo) < CACHE_MAX:
                memo[token] = value
        return value

    def weighed(self, entry: Entry) -> Entry:
        """The name with its word weights as the directory is now (app.matching.weights): worked out for every name
        at build, again after a write when first needed."""
        if entry.epoch != self._epoch:
            weigh(entry, self.idf, self._epoch)
        return entry

    def words_like(self, q: str) -> set[str]:
        """Directory words that may be label word q: itself, its nicknames and short forms, words a scanning or
        typing slip away, words that sound alike, and (for a short word) first names it begins."""
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
        return seen

    def with_pair(self, key: str) -> Sequence[int]:
        """The people whose name has this initial and word ("j smith")."""
        return self._pairs.get(key, ())

    def aliases_of(self, tokens: tuple[str, ...]) -> Sequence[int]:
        """The learned aliases written with exactly these words."""
        return self._aliases.get(tokens, ())

    def in_a_persons_name(self, token: str) -> bool:
        """Is this directory word a word of some person's name (not only of company names)?"""
        return token in self._person_words

    def names_written_as(self, tokens: tuple[str, ...]) -> list[Entry]:
        """The names made of exactly these words in this order (from their own table: cheap however large the
        directory)."""
        entries = self._entries
        return [entries[e] for e in self._written.get(tokens, ())]

    def names_of(self, contract_id: int) -> list[Entry]:
        """A contract's names (its company and billing names, holder, contacts and aliases), in the order added."""
        entries = self._entries
        return [entries[e] for e in self._contract_entries.get(contract_id, ())]

    def people_on(self, contract_id: int) -> int:
        """How many contacts a contract has (memoised until the next write: every label's ranking asks)."""
        found = self._people_memo.get(contract_id)
        if found is None:
            contacts = set(
                map(_CONTACT_ID, map(self._entries.__getitem__, self._contract_entries.get(contract_id, ())))
            )
            contacts.difference_update((None, 0))  # names that are no contact's
            found = self._people_memo[contract_id] = len(contacts)
        return found

    def contract(self, contract_id: int) -> ContractEntry | None:
        return self._contracts.get(contract_id)

    def contracts_with_po_boxes(self, boxes: Iterable[str]) -> set[int]:
        """The contracts whose PO box is one of these."""
        return {c for box in boxes for c in self._po_boxes.get(_po_key(box), ())}


@functools.cache
def snapshot_format() -> str:
    """The snapshot format with a digest of the code that decides what a snapshot holds (how names become words
    and words become keys): a snapshot written by other code is not read back."""
    digest = hashlib.sha256(SNAPSHOT_FORMAT.encode())
    package = resources.files("app.matching")  # not __file__: a compiled module's is not where it lies
    for name in ("index.py", "types.py", "normalize.py", "similarity.py", "nicknames.txt", "records.py"):
        with contextlib.suppress(OSError):
            digest.update((package / name).read_bytes())
    return f"{SNAPSHOT_FORMAT}-{digest.hexdigest()[:16]}"


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


__all__ = ["DirectoryIndex", "WordMemo", "snapshot_format"]
