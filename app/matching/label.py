"""Split a label into the parts that can name an addressee (person, organisation) and drop the rest.

A label may be one line ("Ms Craig, Beacon Labs") or a whole address block: shipping words, a person, a company,
street, city, postcode, country, phone and tracking numbers, "PO Box 123".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class Segment:
    tokens: tuple[str, ...]
    text: str
    piece: int  # which piece of the label (lines, and the parts between c/o, Attn, FAO, "/")
    sub: int = -1  # -1: the whole piece; otherwise its n-th comma-separated part
    had_title: bool = False
    org_like: bool = False  # a legal form was written, or a company word


    def overlaps(self, other: Segment) -> bool:
        return self.piece == other.piece and (self.sub < 0 or other.sub < 0 or self.sub == other.sub)


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
    if (letters >= 2 and digits <= letters and all(ch in _OCR_DIGITS for ch in token if ch.isdigit())
            and not _ORDINAL.fullmatch(token)):
        return False
    return letters < 3 or letters < 2 * digits


def _is_address(folded: str, tokens: list[str]) -> bool:
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


def _strip_codes(folded: str) -> str:
    folded = _EMAIL_URL.sub(" ", folded)
    folded = _UK_POSTCODE.sub(" ", folded)
    return _WITH_DIGITS.sub(lambda m: " " if is_code(m.group(0)) else m.group(0), folded)


def parse_label(text: str) -> Label:
    label = Label()
    piece = 0
    for raw_line in _LINE_SPLIT.split(text):
        line = fold(raw_line).strip()
        if not line:
            continue
        boxes = _PO_BOX.findall(line)
        if boxes:
            label.po_boxes.extend(boxes)
            line = _PO_BOX.sub(" ", line)
        line = _SHIPPING.sub("", line, count=1)
        line = _SHIPPING_BARE.sub("", line, count=1)
        if _TRACKING_WORDS.search(line):
            label.dropped.append(raw_line.strip())
            continue
        raw_tokens = split_tokens(line)
        if _is_address(line, raw_tokens):
            if raw_tokens:
                label.dropped.append(raw_line.strip())
            continue
        line = _strip_codes(line)
        line = join_slashed_forms(line)  # "A/S", "S/A": a legal form, not two pieces
        # The marker search is the dearest step for a line: done only when a word or sign of a marker is there.
        marked = not _MARKER_WORDS.isdisjoint(raw_tokens) or any(sign in line for sign in _MARKER_SIGNS)
        for piece_text in _MARKERS.split(line) if marked else (line,):
            piece_text = piece_text.strip(" ,.:-")
            if not piece_text:
                continue
            _add_piece(label, piece_text, piece)
            piece += 1
    return label


def _add_piece(label: Label, text: str, piece: int) -> None:
    parts = [p for p in (s.strip(" .:-") for s in text.split(",")) if p]
    whole = _segments(" ".join(parts), piece, -1)
    label.segments.extend(whole)
    if len(parts) > 1:
        read = {seg.tokens for seg in whole}
        for sub, p in enumerate(parts):
            label.segments.extend(seg for seg in _segments(p, piece, sub) if seg.tokens not in read)


def _segments(text: str, piece: int, sub: int) -> list[Segment]:
    """The part read as written, and, when it ends in a word that is also a legal form ("A Sá", "Noel Ó Sé"), read
    as a person's name too: both readings are scored and the better one counts."""
    raw = split_tokens(text)
    if not raw or PLACES.issuperset(raw):
        return []
    found: list[Segment] = []
    # Only a last word that may be a legal form (or the end of one written in parts, "S.A.", "sp. z o.o.") reads
    # differently as a person's name.
    readings = (False, True) if raw[-1] in LEGAL_FORMS or len(raw[-1]) <= 2 else (False,)
    for person in readings:
        tokens, had_title = clean_tokens(raw, person=person)
        if tokens and all(tokens != seg.tokens for seg in found):
            org_like = not person and not LEGAL_FORMS.isdisjoint(raw)
            found.append(Segment(tokens=tokens, text=text, piece=piece, sub=sub, had_title=had_title,
                                 org_like=org_like))
    return found
