"""Split a label into the parts that can name an addressee (person, organisation) and drop the rest.

A label may be one line ("Ms Craig, Beacon Labs") or a whole address block: shipping words, a person, a company,
street, city, postcode, country, phone and tracking numbers, "PO Box 123".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from app.matching.normalize import LEGAL_FORMS, TITLES, clean_tokens, fold, join_slashed_forms, split_tokens, words

_LINE_SPLIT = re.compile(r"[\n\r;|]+|\t")
_SHIPPING = re.compile(
    r"^\s*(?:(?:deliver(?:y)?|ship(?:ped)?|send|mail|post|dispatch(?:ed)?|return)\s+to|to|for|recipient|addressee|"
    r"consignee|name|customer|receiver|attention|destinat(?:ion|aire)|an|a la atencion de|z rak)\s*[:\-]\s*",
)
_SHIPPING_BARE = re.compile(r"^\s*(?:deliver(?:y)?|ship(?:ped)?|send|post)\s+to\b\s*")
_PO_BOX = re.compile(
    r"\b(?:p\s*\.?\s*o\s*\.?\s*box|post\s*box|postbox|postfach|apartado|box)\s*(?:no\.?|#)?\s*(\d{1,8})\b"
)
_MARKERS = re.compile(
    r"(?:\bc\s*/\s*o\b|\bcare\s+of\b|\bfor\s+the\s+attention\s+of\b|\battn\b\.?|\batt\b\.?|\battention\b|"
    r"\bf\.?\s?a\.?\s?o\b\.?|\bz\s+rak\b|\bper\s+adr\b|/| - |\(|\))"
)
_BRACKETED_CODE = re.compile(r"\(\s*([a-z]{2,3})\s*\)")
_MARKER_WORDS = frozenset({"c", "care", "for", "attn", "att", "attention", "f", "fao", "z", "per"})
_MARKER_SIGNS = ("/", " - ", "(", ")")
_TRACKING_WORDS = re.compile(
    r"\b(?:tracking|track|trk|ref|reference|awb|consignment|shipment|order|parcel|package|waybill|barcode|"
    r"invoice|account|acct|customs|weight|tel|telephone|phone|mob|mobile|fax|email|e-mail|www|http|https|vat)\b"
    r"|\b\d+(?:[.,]\d+)?\s*kg\b"  # a weight; "GmbH & Co. KG" is a legal form
)
_EMAIL_URL = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+")
# Written with its space: "M0R1EY" and "F01TA" are names with scanning errors, not postcodes.
_UK_POSTCODE = re.compile(r"\b[a-z]{1,2}[0-9][a-z0-9]?\s+[0-9][a-z]{2}\b")
_WITH_DIGITS = re.compile(r"\b(?=[a-z0-9\-/]*[0-9])[a-z0-9\-/]+\b")
STREET_WORDS = words(
    "street st road rd avenue ave lane ln way drive close court ct place pl square sq crescent terrace "
    "gardens grove hill row mews parade walk wharf yard quay boulevard blvd highway hwy strasse str "
    "strase gasse weg platz allee ring damm ufer rue avenida calle carrer plaza via viale corso piazza "
    "ulica ul aleja rua travessa straat laan gracht plein gatan gata vagen vej gade tie katu sokak sokagi "
    "caddesi cad mahallesi mah floor suite unit building flat apartment apt level "
)
# Street words that mark an address line even without a house number ("High Street", "Hauptstrasse").
STREETS_WITHOUT_NUMBER = words("street road avenue strasse str gasse boulevard rue calle ulica straat gatan caddesi")
PLACES = words(
    "uk gb england scotland wales ireland eire united kingdom great britain germany deutschland france "
    "spain espana italy italia netherlands nederland holland belgium belgie belgique poland polska czech "
    "republic czechia cesko turkey turkiye portugal sweden sverige norway norge denmark danmark finland "
    "suomi austria osterreich switzerland schweiz suisse usa us united states america canada australia "
    "new zealand india luxembourg greece hungary romania slovakia slovenia croatia bulgaria estonia "
    "latvia lithuania iceland northern london manchester birmingham leeds glasgow edinburgh bristol "
    "liverpool sheffield cardiff belfast newcastle nottingham leicester oxford cambridge brighton reading "
    "southampton york bath milton keynes coventry dublin cork galway berlin munich munchen hamburg "
    "frankfurt cologne koln stuttgart dusseldorf paris lyon marseille madrid barcelona valencia seville "
    "sevilla rome roma milan milano turin torino naples napoli amsterdam rotterdam utrecht brussels "
    "bruxelles antwerp warsaw warszawa krakow wroclaw gdansk poznan prague praha brno istanbul ankara "
    "izmir lisbon lisboa porto stockholm gothenburg goteborg oslo copenhagen kobenhavn helsinki vienna "
    "wien zurich geneva geneve new york san francisco los angeles chicago boston toronto sydney melbourne "
)


# A label's text split into words (normalize.split_tokens), memoised: reading a label splits a line, then each of
# its parts, which are mostly the line itself. Directory names are split once each, by name_tokens, unmemoised here.
label_words = lru_cache(maxsize=16384)(split_tokens)


@dataclass(frozen=True, slots=True)
class Segment:
    tokens: tuple[str, ...]
    text: str
    piece: int  # which piece of the label (lines, and the parts between c/o, Attn, FAO, "/")
    sub: int = -1  # -1: the whole piece; otherwise its n-th comma-separated part (the first, for a run of parts)
    had_title: bool = False
    org_like: bool = False  # a legal form was written, or a company word
    span: int = 1  # how many comma-separated parts, from `sub` on ("Johnson, Smith and Smith": 2)
    commas: bool = False  # the piece was written with commas ("Huang, B.": the surname first on purpose)
    form_dropped: bool = False  # a company reading: a last word dropped as a legal form ("Ansh Asa", "Jules Vos")
    form_kept: bool = False  # ...and the person reading beside it, which keeps that word as a surname
    hyphened: frozenset[str] = frozenset()  # words written joined by a hyphen ("Gray-Williams": gray, williams)

    def overlaps(self, other: Segment) -> bool:
        if self.piece != other.piece or self.sub < 0 or other.sub < 0:
            return self.piece == other.piece
        return self.sub < other.sub + other.span and other.sub < self.sub + self.span


@dataclass(slots=True)
class Label:
    segments: list[Segment] = field(default_factory=list)
    po_boxes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # address/tracking lines, for explanations
    known_weight: float = 0.0  # weight of the label's words that the directory knows (set while matching)
    max_weight: float = 1.0  # the weight of a word seen once in the directory (set while matching)


_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_OCR_DIGITS = frozenset("0158")  # digits a scanner reads for the letters O, l/I, S, B


def is_code(token: str) -> bool:
    """A house number, postcode part or tracking number, as opposed to a name with a scanning error (5lavica,
    J0E, C00K, M0R1EY: letters with a few digits that look like letters)."""
    if token.isalpha():
        return False
    digits = sum(ch.isdigit() for ch in token)
    if not digits:
        return False
    letters = sum(ch.isalpha() for ch in token)
    if (
        letters >= 2
        and digits <= letters
        and all(ch in _OCR_DIGITS for ch in token if ch.isdigit())
        and not _ORDINAL.fullmatch(token)
    ):
        return False
    return letters < 3 or letters < 2 * digits


def _is_address(folded: str, tokens: Sequence[str]) -> bool:
    if not tokens:
        return True
    if PLACES.issuperset(tokens):
        return True
    if not TITLES.isdisjoint(tokens) or not LEGAL_FORMS.isdisjoint(tokens):
        return False
    has_number = any(is_code(t) for t in tokens)
    if has_number and any(t in STREET_WORDS for t in tokens):
        return True
    if len(tokens) >= 2 and tokens[-1] in STREETS_WITHOUT_NUMBER:
        return True
    return (is_code(tokens[0]) and len(tokens) > 1) or all(is_code(t) for t in tokens)


_DIGIT = re.compile(r"\d")


def _strip_codes(folded: str) -> str:
    if "@" not in folded and "http" not in folded and "www." not in folded and not _DIGIT.search(folded):
        return folded  # no e-mail or web address, and no number (every postcode and code has one): nothing to strip
    folded = _EMAIL_URL.sub(" ", folded)
    folded = _UK_POSTCODE.sub(" ", folded)
    return _WITH_DIGITS.sub(lambda m: " " if is_code(m.group(0)) else m.group(0), folded)


MAX_LABEL_CHARS = 4_000  # a label longer than this is cut (the desk says so)
MAX_LABEL_LINES = 64
MAX_LABEL_WORDS = 256  # words read from one label; a real address block has about 30
MAX_LINE_WORDS = 24  # words read from one line; a name line has fewer than 15
MAX_WORD_REPEATS = 2  # times one word is read in one label
MAX_WORD_CHARS = 48  # the longest names are about 30 letters; longer "words" are cut
MAX_NAME_WORDS = 12  # words of name parts (after address and tracking lines are dropped) scored per label
MAX_PIECE_WORDS = 12  # words of one name part (the longest real ones have about 10)
MAX_NAME_PIECES = 6  # name parts scored per label (a person, a company, a c/o name: a real label has 2 or 3)
MAX_COMMA_PARTS = 4  # a part with more commas than this is read whole and part by part, not in runs of parts
_WORD_OR_SPACE = re.compile(r"\S+|\s+")
_TOKEN_RUN = re.compile(r"[^\W_]+")
_SIGNS_ONLY = re.compile(r"(?<!\S)[\W_]+(?!\S)")  # a word without a letter or digit ("&", "-")
_LABEL_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")


def bound_label_text(text: str) -> tuple[str, bool]:
    """The label text the matcher reads, and whether it had to be cut: at most MAX_LABEL_CHARS characters,
    MAX_LABEL_LINES lines, MAX_LINE_WORDS words a line, MAX_LABEL_WORDS words and MAX_WORD_CHARS characters a word;
    control characters become spaces. Every step after this one is then bounded by these numbers, whatever was
    pasted, scanned or sent (e.g. one 50,000-character word, or "Smith " 3,333 times)."""
    cut = False
    if len(text) > MAX_LABEL_CHARS:
        text, cut = text[:MAX_LABEL_CHARS], True
    if _LABEL_CONTROLS.search(text):
        text = _LABEL_CONTROLS.sub(" ", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LABEL_LINES:
        lines, cut = lines[:MAX_LABEL_LINES], True
    elif _within_bounds(text := "\n".join(lines)):
        return text, cut  # the usual label: nothing to cut, so no need to read it word by word
    return cut_word_by_word(lines, cut)


def cut_word_by_word(lines: list[str], cut: bool = False) -> tuple[str, bool]:
    """bound_label_text's word limits, word by word: a line's words past MAX_LINE_WORDS and the label's past
    MAX_LABEL_WORDS are cut, a word past MAX_WORD_CHARS characters is cut short, and a word read a third time
    is left out."""
    budget = MAX_LABEL_WORDS
    kept: list[str] = []
    seen: dict[str, int] = {}
    for line in lines:
        if budget <= 0:
            cut = cut or bool(line.strip())
            continue
        parts: list[str] = []
        words = 0
        for m in _WORD_OR_SPACE.finditer(line):
            part = m.group(0)
            if part[0].isspace():
                parts.append(part)
                continue
            if len(part) > MAX_WORD_CHARS:
                part, cut = part[:MAX_WORD_CHARS], True
            # Counted as the matcher reads it: "Al-Qasimi-Al-Qasimi" is four words, two of them repeated.
            pieces = _TOKEN_RUN.findall(part.casefold()) or [part]
            count = sum(len(p) > 1 for p in pieces) + any(len(p) == 1 for p in pieces)  # "S.A.R.L." is one
            if words + count > MAX_LINE_WORDS or budget < count:
                cut = True
                break
            repeated = False
            for key in pieces:
                if len(key) > 2 and not key.isdigit():  # names; numbers and initials may repeat
                    seen[key] = seen.get(key, 0) + 1
                    repeated = repeated or seen[key] > MAX_WORD_REPEATS
            if repeated:  # "Willow Willow Media" is a name; "Smith Smith Smith Smith" is not
                cut = True
                continue
            parts.append(part)
            words += count
            budget -= count
        kept.append("".join(parts))
    return "\n".join(kept), cut


def _within_bounds(text: str) -> bool:
    """The label's lines need no cutting word by word (cut_word_by_word): no word is too long or read too often,
    and no line has too many words (a word counts as its letter-and-digit runs, at least one)."""
    words = text.split()
    if not words:
        return True
    if max(map(len, words)) > MAX_WORD_CHARS:
        return False
    folded = text.casefold()
    found = _TOKEN_RUN.findall(folded)
    count = len(found) + len(_SIGNS_ONLY.findall(folded))  # at least the words bound_label_text counts
    if count > MAX_LABEL_WORDS:
        return False
    if count > MAX_LINE_WORDS:
        for line in folded.split("\n"):
            if len(_TOKEN_RUN.findall(line)) + len(_SIGNS_ONLY.findall(line)) > MAX_LINE_WORDS:
                return False
    runs: dict[str, int] = {}
    for key in found:
        if len(key) > 2 and not key.isdigit():
            runs[key] = runs.get(key, 0) + 1
    return max(runs.values(), default=0) <= MAX_WORD_REPEATS


def parse_label(text: str) -> Label:
    text = bound_label_text(text)[0]
    label = Label()
    piece = 0
    name_words = 0
    for raw_line in _LINE_SPLIT.split(text):
        line = read_line(raw_line)
        label.po_boxes.extend(line.po_boxes)
        if line.dropped:
            label.dropped.append(raw_line.strip())
        for piece_text, n_words in line.pieces:
            _add_piece(label, piece_text, piece)
            piece += 1
            name_words += n_words
            if name_words >= MAX_NAME_WORDS or piece >= MAX_NAME_PIECES:  # the scoring work stays bounded
                return label
    return label


@dataclass(frozen=True, slots=True)
class _Line:
    """What one line of a label holds: its PO box numbers, whether it was dropped (an address, tracking or contact
    line, kept for explanations), and the parts that may name an addressee, each with its word count."""

    po_boxes: tuple[str, ...] = ()
    dropped: bool = False
    pieces: tuple[tuple[str, int], ...] = ()


@lru_cache(maxsize=4096)
def read_line(raw_line: str) -> _Line:
    """One line of a label, read. Memoised: the same lines come back label after label (the centre's own address
    on every parcel, "United Kingdom", a courier's "Deliver to:")."""
    line = fold(raw_line).strip()
    if not line:
        return _Line()
    boxes = tuple(_PO_BOX.findall(line))
    if boxes:
        line = _PO_BOX.sub(" ", line)
    line = _SHIPPING.sub("", line, count=1)
    line = _SHIPPING_BARE.sub("", line, count=1)
    if _TRACKING_WORDS.search(line):
        return _Line(boxes, dropped=True)
    raw_tokens = label_words(line)
    if _is_address(line, raw_tokens):
        return _Line(boxes, dropped=bool(raw_tokens))
    line = _strip_codes(line)
    line = join_slashed_forms(line)  # "A/S", "S/A": a legal form, not two pieces
    if "(" in line:  # "Beijing Xinhua Technology (HK) Limited": a country code in brackets is part of the name
        line = _BRACKETED_CODE.sub(r" \1 ", line)
    # The marker search is the dearest step for a line: done only when a word or sign of a marker is there.
    marked = not _MARKER_WORDS.isdisjoint(raw_tokens) or any(sign in line for sign in _MARKER_SIGNS)
    pieces: list[tuple[str, int]] = []
    for piece_text in _MARKERS.split(line) if marked else (line,):
        piece_text = piece_text.strip(" ,.:-")
        if not piece_text:
            continue
        piece_words = piece_text.split()
        if len(piece_words) > MAX_PIECE_WORDS:
            piece_text = " ".join(piece_words[:MAX_PIECE_WORDS])
        pieces.append((piece_text, len(label_words(piece_text))))
    return _Line(boxes, pieces=tuple(pieces))


def _add_piece(label: Label, text: str, piece: int) -> None:
    parts = [p for p in (s.strip(" .:-") for s in text.split(",")) if p]
    whole = _segments(" ".join(parts), piece, -1, commas=len(parts) > 1)
    label.segments.extend(whole)
    if len(parts) > 1:
        read = {seg.tokens for seg in whole}
        for sub, p in enumerate(parts):
            label.segments.extend(seg for seg in _segments(p, piece, sub) if seg.tokens not in read)
        # A company name with commas ("Howell, Walker and Price Ltd") behind a person's name ("Mrs Barros, Johnson,
        # Smith and Smith"): each run of neighbouring parts is read too, so the name is read whole before its pieces.
        if len(parts) <= MAX_COMMA_PARTS:
            for span in range(2, len(parts)):
                for sub in range(len(parts) - span + 1):
                    text = " ".join(parts[sub : sub + span])
                    label.segments.extend(
                        replace(seg, span=span) for seg in _segments(text, piece, sub) if seg.tokens not in read
                    )


def _segments(text: str, piece: int, sub: int, commas: bool = False) -> list[Segment]:
    """The part read as written, and, when it ends in a word that is also a legal form ("A Sá", "Noel Ó Sé"), read
    as a person's name too: both readings are scored and the better one counts."""
    raw = label_words(text)
    if not raw or PLACES.issuperset(raw):
        return []
    found: list[Segment] = []
    # Only a last word that may be a legal form (or the end of one written in parts, "S.A.", "sp. z o.o.") reads
    # differently as a person's name.
    readings = (False, True) if raw[-1] in LEGAL_FORMS or len(raw[-1]) <= 2 else (False,)
    if len(readings) > 1 and "-" in text.rsplit(None, 1)[-1]:
        readings = (True,)  # a legal form is not hyphened to a name: "Anna Hunt-Vos" is a double surname
    hyphened = frozenset(t for word in text.split() if "-" in word for t in label_words(word))
    for person in readings:
        tokens, had_title = clean_tokens(raw, person=person)
        if tokens and all(tokens != seg.tokens for seg in found):
            org_like = not person and not LEGAL_FORMS.isdisjoint(raw)
            found.append(
                Segment(
                    tokens,
                    text,
                    piece,
                    sub,
                    had_title=had_title,
                    org_like=org_like,
                    commas=commas,
                    hyphened=hyphened & set(tokens),
                )
            )
    if len(found) == 2:  # the company reading dropped a word the person reading keeps: no person is read in it
        found[0] = replace(found[0], form_dropped=True)
        found[1] = replace(found[1], form_kept=True)
    return found
