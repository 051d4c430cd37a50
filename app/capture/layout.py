"""From OCR words to a label's parts: lines, blocks, and the role of each line.

Roles (see ReadLine.role): the addressee block is the block of largest text that is not postage, a sender's return
block or a tracking number; within it, the lines after the name(s) that read as a street address are the centre's
own address (every item delivered here is addressed to this building) and so are the configured/learnt centre
lines. What is left of the block is the addressee text that is matched.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from app.capture.ocr import Word

JOIN_GAP = 5.0  # pieces of one row closer than this many letter heights are one line (a faded streak cut it)
KEPT_SIGNS = {"/", "&", "+"}  # signs that join names ("Chahal / Jane Doe", "Verhaar & Maas")
MIN_WORD_CONFIDENCE = 0.30  # words below this that are not letters are noise (barcode bars, speckle, edges)

POSTAGE = re.compile(
    r"\b(1st|2nd|first|second)\s*class\b|\bsigned\s*for\b|\btracked\b|\broyal\s*mail\b|\bparcel\s*force\b|"
    r"\bparcelforce\b|\bdpd\b|\bevri\b|\bhermes\b|\bups\b|\bfedex\b|\bdhl\b|\byodel\b|\bnext\s*day\b|"
    r"\bspecial\s*delivery\b|\bpostage\s*paid\b|\bpost\s*paid\b|\bpriority\b|\bpar\s*avion\b|\bair\s*mail\b|"
    r"\brecorded\b|\bfranked\b|\bpostage\b|\bsignature\b|\binternational\b|\bstandard\s*parcel\b|\bexpress\b|"
    r"\bprinted\s*matter\b|\bdo\s*not\s*bend\b|\bfragile\b|\bpriv(ate|e)\s*(and|&)\s*confidential\b|"
    r"\bpost\s*office\b|\bmailmark\b|\bpostnl\b|\bdeutsche\s*post\b|\bla\s*poste\b|\bamazon\s*logistics\b|"
    r"\bhuk\s*\d|\bzone\s*\d|\bweight\b|\b\d+(\.\d+)?\s*kg\b|\bservice\b|\bpaid\b",
    re.IGNORECASE,
)
SENDER_CUE = re.compile(
    r"\bif\s*undeliv|\bundeliver|\breturn\s*(to|address)\b|\bplease\s*return\b|\bfrom\s*:|\bsender\b|"
    r"\bsent\s*by\b|\bexp(é|e)diteur\b|\babsender\b|\breturn\s*service\b",
    re.IGNORECASE,
)
ADDRESSEE_CUE = re.compile(
    r"^\s*(to|deliver\s*to|ship\s*to|addressee|recipient|attn|for the attention of)\b\s*[:.]?\s*", re.IGNORECASE
)
STREET = re.compile(
    r"\b(street|st|road|rd|avenue|ave|lane|ln|house|suite|floor|fl|unit|building|bldg|court|ct|square|sq|place|pl|"
    r"way|park|centre|center|terrace|row|wharf|yard|mews|hall|tower|quay|parade|gardens|close|crescent|hill|"
    r"drive|dr|estate|level|office|offices|business|apartment|apt|flat|block)\b",
    re.IGNORECASE,
)
ROADS = {"street", "road", "lane", "avenue", "st", "rd", "strasse", "straße"}  # a line ending so is a street
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b|\b\d{5}(-\d{4})?\b", re.IGNORECASE)
LEGAL = re.compile(
    r"\b(ltd|limited|llp|plc|inc|llc|gmbh|sarl|s\.?a\.?|s\.?r\.?l|b\.?v|n\.?v|a\.?s|ab|oy|co)\b\.?", re.IGNORECASE
)
PO_BOX = re.compile(r"\bp\.?\s*o\.?\s*box\b|\bpo\s*box\b|\bbox\s*\d", re.IGNORECASE)


@dataclass
class Line:
    words: list[Word]
    role: str = "other"
    block: int = -1
    text: str = field(default="")

    def __post_init__(self) -> None:
        self.text = " ".join(w.text for w in self.words)

    @property
    def x(self) -> int:
        return min(w.box[0] for w in self.words)

    @property
    def y(self) -> int:
        return min(w.box[1] for w in self.words)

    @property
    def right(self) -> int:
        return max(w.box[0] + w.box[2] for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.box[1] + w.box[3] for w in self.words)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.x, self.y, self.right - self.x, self.bottom - self.y

    @property
    def height(self) -> float:
        """Typical letter-box height of the line (median of its words' heights)."""
        return float(statistics.median(w.box[3] for w in self.words))

    @property
    def confidence(self) -> float:
        letters = [w for w in self.words if any(c.isalnum() for c in w.text)]
        use = letters or self.words
        return sum(w.confidence for w in use) / len(use)


def _is_noise(word: Word) -> bool:
    if word.text in KEPT_SIGNS:
        return False
    alnum = sum(c.isalnum() for c in word.text)
    if alnum == 0:
        return True
    if word.confidence < MIN_WORD_CONFIDENCE and alnum < len(word.text) * 0.6:
        return True
    if word.confidence < 0.1 and alnum < 3:
        return True
    return word.box[3] > 4 * max(word.box[2], 1) and alnum <= 2  # a bar, an edge


def build_lines(words: Sequence[Word]) -> list[Line]:
    """Words into lines: Tesseract's lines split where a gap is wider than 3 letter heights (two columns), noise
    words dropped, then pieces of one row that Tesseract cut apart (a faded streak, a dropped symbol) joined."""
    by_line: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        if w.text:
            by_line.setdefault((w.block, w.line), []).append(w)
    pieces: list[list[Word]] = []
    for group in by_line.values():
        group.sort(key=lambda w: w.box[0])
        kept = [w for w in group if not _is_noise(w)] or group
        height = statistics.median(w.box[3] for w in kept)
        current = [group[0]]
        for prev, w in itertools.pairwise(group):
            gap = w.box[0] - (prev.box[0] + prev.box[2])
            if gap > 3.0 * height:
                pieces.append(current)
                current = []
            current.append(w)
        pieces.append(current)
    lines = [Line(kept) for kept in ([w for w in piece if not _is_noise(w)] for piece in pieces) if kept]
    lines.sort(key=lambda ln: (ln.x, ln.y))
    joined: list[Line] = []
    for line in lines:
        for other in joined:
            small = min(line.height, other.height)
            overlap = min(line.bottom, other.bottom) - max(line.y, other.y)
            gap = line.x - other.right
            if (
                overlap >= 0.6 * small
                and -0.5 * small <= gap <= JOIN_GAP * small
                and 0.7 <= line.height / max(other.height, 1.0) <= 1.4
            ):
                other.words.extend(line.words)
                other.text = " ".join(w.text for w in other.words)
                break
        else:
            joined.append(Line(list(line.words)))
    joined.sort(key=lambda ln: (ln.y, ln.x))
    return joined


def barcode_like(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Is this box a barcode (bars: ink columns that run the whole height, many of them) rather than text?"""
    x, y, w, h = box
    crop = image[max(0, y) : y + h, max(0, x) : x + w]
    if crop.size == 0 or h < 8 or w < 3 * h:
        return False
    dark = crop < 128
    shift = max(1, h // 3)
    top, bottom = dark[:-shift], dark[shift:]
    inked = top.sum()
    if inked < 0.15 * top.size:
        return False
    coherence = float((top & bottom).sum() / max(inked, 1))
    cols = dark.mean(axis=0) > 0.7
    changes = int(np.count_nonzero(cols[1:] != cols[:-1]))
    return coherence > 0.8 and changes >= 20


def build_blocks(lines: list[Line]) -> list[list[Line]]:
    """Lines into blocks: a line joins the block above it when it starts near the same left edge (or overlaps it),
    is of a similar text size, and the gap is under 1.6 of its height."""
    blocks: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.y, ln.x)):
        home = None
        for block in blocks:
            last = block[-1]
            h = max(line.height, last.height)
            gap = line.y - last.bottom
            if gap > 1.6 * h or gap < -0.6 * h:
                continue
            if not 0.6 <= line.height / max(last.height, 1.0) <= 1.6:
                continue
            aligned = abs(line.x - last.x) <= 2.0 * h
            overlap = min(line.right, last.right) - max(line.x, last.x) > 0.3 * min(
                line.right - line.x, last.right - last.x
            )
            if aligned or overlap:
                home = block
                break
        if home is None:
            blocks.append([line])
        else:
            home.append(line)
    for number, block in enumerate(blocks):
        for line in block:
            line.block = number
    return blocks


def fold(text: str) -> str:
    """Lower case, no accents, letters and digits only, single spaces: for comparing lines."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def is_centre_line(text: str, centre: Sequence[str]) -> bool:
    key = fold(text)
    if not key:
        return False
    for line in centre:
        other = fold(line)
        if other and len(key) >= 3 and fuzz.ratio(key, other) >= 85:
            return True
    return False


def looks_like_address(text: str, strict: bool = False) -> bool:
    """A street address line: a number with a street word, a postcode, or 'Suite/Floor/Unit ...'. `strict` (for a
    block's first line, where a company name like '3M UK' may stand): only a postcode or a street word with a
    number."""
    if PO_BOX.search(text):
        return False
    has_digit = any(c.isdigit() for c in text)
    if POSTCODE.search(text) and has_digit:
        return True
    if strict:
        words = fold(text).split()
        if LEGAL.search(text) or not words:
            return False
        return (bool(STREET.search(text)) and has_digit) or (len(words) <= 3 and words[-1] in ROADS)
    if LEGAL.search(text):
        return False
    if STREET.search(text) and has_digit:
        return True
    words = fold(text).split()
    if words and 2 <= len(words) <= 4 and STREET.fullmatch(words[-1]):
        return True
    return bool(re.match(r"^\s*\d+[a-z]?\b", text, re.IGNORECASE)) and len(text.split()) >= 2


def looks_like_town(text: str) -> bool:
    """A town line under an address: one or two words in capitals (LONDON, MILTON KEYNES)."""
    words = text.split()
    return 1 <= len(words) <= 3 and text.upper() == text and sum(c.isalpha() for c in text) >= 3


TRACKING_SHAPES = (
    re.compile(r"\b[A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}\s?[A-Z]{2}\b"),  # UPU S10 (Royal Mail ...GB)
    re.compile(r"\b1Z\s?[0-9A-Z]{3}\s?[0-9A-Z]{3}\s?[0-9A-Z]{2}\s?[0-9A-Z]{4}\s?[0-9A-Z]{4}\b"),  # UPS
    re.compile(r"\bJJD\s?\d{18,20}\b|\bJVGL\s?\d{16,20}\b|\bGM\s?\d{16,18}\b"),  # DHL eCommerce
    re.compile(r"\bTBA\s?\d{12}\b"),  # Amazon
    re.compile(r"\b[HT][0-9A-Z]{15}\b"),  # Evri
    re.compile(r"\b[A-Z]{2}\d{7}\b"),  # Parcelforce domestic
    re.compile(r"\b(?:\d[\s-]?){10,22}\b"),  # digit-only numbers (FedEx, DHL Express, USPS, DPD)
)


def tracking_candidates(text: str) -> list[str]:
    """Strings in `text` shaped like a tracking number, spaces removed, most specific shapes first."""
    found: list[str] = []
    upper = text.upper().replace("O", "0") if re.search(r"\d{6}", text) else text.upper()
    for source in (text.upper(), upper):
        for shape in TRACKING_SHAPES:
            for m in shape.finditer(source):
                value = re.sub(r"[\s-]", "", m.group(0))
                if value not in found and sum(c.isdigit() for c in value) >= 7:
                    found.append(value)
    return found
