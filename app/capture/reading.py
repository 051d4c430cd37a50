"""read_label: a label's bytes in, who it is addressed to out (with every line read and its role).

Pure: Pillow, numpy, Tesseract. No Qt, no SQL, no HTTP. See app/capture/__init__.py for the shapes.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image
from rapidfuzz import fuzz

from app.capture.errors import CaptureError
from app.capture.layout import (
    ADDRESSEE_CUE,
    POSTAGE,
    SENDER_CUE,
    Line,
    barcode_like,
    build_blocks,
    build_lines,
    fold,
    is_centre_line,
    looks_like_address,
    looks_like_town,
    tracking_candidates,
)
from app.capture.loading import load_image
from app.capture.ocr import read_words
from app.capture.prepare import prepare

ROLES = ("addressee", "sender", "centre", "postage", "tracking", "other")


@dataclass(frozen=True)
class ReadLine:
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h in LabelReading.image_size (display image) coordinates
    confidence: float  # 0..1, mean word confidence of the line
    role: str  # "addressee" | "sender" | "centre" | "postage" | "tracking" | "other"


@dataclass(frozen=True)
class LabelReading:
    text: str  # the addressee block's lines (centre address removed), "\n"-joined: what is matched
    lines: tuple[ReadLine, ...]  # every line read, with its role
    block: tuple[int, int, int, int] | None  # the addressee block's box, display-image coordinates
    tracking: str | None  # a tracking number read off the label (printed), if any
    confidence: float  # 0..1 for the addressee block
    display_jpeg: bytes  # the prepared (upright, deskewed, long side <= 1600 px) image as JPEG
    image_size: tuple[int, int]  # (width, height) of display_jpeg
    tracking_candidates: tuple[str, ...] = ()  # every string shaped like a tracking number (desk picks one)
    sender_text: str = ""  # the sender's return block, "\n"-joined (never matched as the addressee)
    skew: float = 0.0  # degrees the image was turned to level its lines
    complete: bool = True  # False when part of the name may be missing (a line starting right of the block's
    # left edge, or a wide gap inside a name line: a faded streak or a fold can take a word away)


def clean_text(text: str) -> str:
    """Light clean-up of an OCR line before matching: stray symbols out, spaces single, an 'To:' cue dropped."""
    text = ADDRESSEE_CUE.sub("", text)
    text = re.sub(r"(?:(?<=\s)|^)0(?=\s+[A-Z])", "O", text)  # "0 Morain": an O (Ó) read as a zero
    text = re.sub(r"\bll(?=[a-z]{2})", "Il", text)  # "llaria": a capital I read as l (no name starts "ll")
    text = re.sub(r"[|_~*#«»“”\"‘’`^<>{}\[\]=+]+", " ", text)
    text = re.sub(r"(?<=\s)[—–-]+(?=\s|$)|^[—–\-.,:;]+|[—–\-,:;]+$", " ", text)
    return " ".join(text.split()).strip(" .,;:")


def _assign_roles(lines: list[Line], ink: np.ndarray, centre: Sequence[str]) -> list[Line]:
    """Give every line a role; returns the addressee lines (centre lines and address removed), top to bottom."""
    height, width = ink.shape
    cues: list[Line] = []
    for line in lines:
        if ADDRESSEE_CUE.match(line.text) and len(ADDRESSEE_CUE.sub("", line.text).strip()) < 2:
            line.role = "cue"  # "DELIVER TO:" on a line of its own: the block under it is the addressee's
            cues.append(line)
        elif barcode_like(ink, line.box):
            line.role = "barcode"
        elif (
            tracking_candidates(line.text)
            and sum(c.isdigit() for c in line.text) >= 7
            and len(re.sub(r"[^A-Za-z]", "", line.text)) <= 8
        ):
            line.role = "tracking"
        elif POSTAGE.search(line.text):
            line.role = "postage"
    blocks = build_blocks([ln for ln in lines if ln.role == "other"])
    # the sender's block: it starts with a return cue, or is small text in the top-left corner
    sizes = sorted((ln.height for ln in lines if ln.role == "other"), reverse=True)
    big = sizes[0] if sizes else 0.0
    candidates: list[tuple[float, list[Line]]] = []
    for block in blocks:
        text = " ".join(ln.text for ln in block)
        top = min(ln.y for ln in block)
        left = min(ln.x for ln in block)
        size = statistics_median([ln.height for ln in block])
        cue = any(SENDER_CUE.search(ln.text) for ln in block)
        corner = top < 0.22 * height and left < 0.25 * width and size < 0.8 * big
        if cue or corner:
            for ln in block:
                ln.role = "sender"
            continue
        letters = sum(c.isalpha() for c in text)
        if letters < 3:
            continue
        # an address with no name over it (a sender's street read apart from its block) is a poor candidate
        bare_address = all(
            looks_like_address(ln.text, strict=True) or (k > 0 and looks_like_town(ln.text))
            for k, ln in enumerate(block)
        )
        conf = sum(ln.confidence for ln in block) / len(block)
        cx = (left + max(ln.right for ln in block)) / 2 / width
        cy = (top + max(ln.bottom for ln in block)) / 2 / height
        central = 1.0 - 0.5 * min(1.0, abs(cx - 0.5) + abs(cy - 0.5))
        score = size * central * (0.2 + conf) ** 2 * min(1.0, 0.5 + 0.1 * letters)
        if _under_cue(block[0], cues):
            score *= 10.0
        elif bare_address:
            score *= 0.3
        candidates.append((score, block))
    if not candidates:
        return []
    candidates.sort(key=lambda item: -item[0])
    block = candidates[0][1]
    names: list[Line] = []
    in_address = False
    for index, line in enumerate(block):
        if (
            is_centre_line(line.text, centre)
            or looks_like_address(line.text, strict=not names)
            or (in_address and names)
            or (index > 0 and block[index - 1].role == "centre" and looks_like_town(line.text))
        ):
            line.role = "centre"
            in_address = True
            continue
        line.role = "addressee"
        names.append(line)
    if not names:
        above = _line_above(block[0], lines)
        if above is not None:
            above.role = "addressee"
            names.append(above)
    return names


def _complete(names: list[Line], lines: list[Line]) -> bool:
    """Does the addressee text look whole? Post is printed left-aligned: a name line that starts well right of the
    block's other lines, or has a gap of several letters inside it, has lost words."""
    if not names:
        return False
    block = [ln for ln in lines if ln.block == names[0].block and ln.role in {"addressee", "centre"}]
    left = min(ln.x for ln in block)
    for line in names:
        if line.x - left > 1.2 * line.height:
            return False
        words = sorted(line.words, key=lambda w: w.box[0])
        for prev, word in itertools.pairwise(words):
            if word.box[0] - (prev.box[0] + prev.box[2]) > 2.0 * line.height:
                return False
    return True


def cut_address(texts: Sequence[str], centre: Sequence[str]) -> bool:
    """Were the address lines under the name cut (a faded streak, the picture's edge)? A street line that begins
    in the middle of a word ('een Street'), or a shorter piece of one of the centre's known lines."""
    known = [fold(c) for c in centre if fold(c)]
    for text in texts:
        stripped = text.strip()
        if stripped[:1].islower():
            return True
        key = fold(stripped)
        if not key:
            continue
        for line in known:
            if key != line and len(key) <= len(line) - 3 and fuzz.partial_ratio(key, line) >= 90:
                return True
    return False


def _next_centre(lines: Sequence[ReadLine]) -> list[str]:
    """The centre line right under the name: a streak that cut the name's start cuts it too (lines further down
    may be cut by a barcode or the edge without the name being touched)."""
    after = False
    for line in lines:
        if line.role == "addressee":
            after = True
        elif after and line.role == "centre":
            return [line.text]
    return []


def apply_centre_lines(reading: LabelReading, centre_lines: Sequence[str]) -> LabelReading:
    """The reading with addressee lines that are the centre's own (configured or learnt later) set aside, and
    `complete` re-checked against them."""
    if not centre_lines:
        return reading
    lines = tuple(
        replace(ln, role="centre") if ln.role == "addressee" and is_centre_line(ln.text, centre_lines) else ln
        for ln in reading.lines
    )
    complete = reading.complete and not cut_address(_next_centre(lines), centre_lines)
    if lines == reading.lines and complete == reading.complete:
        return reading
    text = "\n".join(t for t in (clean_text(ln.text) for ln in lines if ln.role == "addressee") if t)
    return replace(reading, lines=lines, text=text, complete=complete)


def _under_cue(first: Line, cues: list[Line]) -> bool:
    """Is this line just under (or right of) a "Deliver to:" cue?"""
    for cue in cues:
        below = (
            0 <= first.y - cue.bottom <= 3.0 * max(cue.height, first.height * 0.5)
            and abs(first.x - cue.x) <= 4.0 * first.height
        )
        beside = abs(first.y - cue.y) <= first.height and 0 <= first.x - cue.right <= 4.0 * first.height
        if below or beside:
            return True
    return False


def _line_above(first: Line, lines: list[Line]) -> Line | None:
    """The name line over an address block that was read apart from it (a faded or damaged name)."""
    best: Line | None = None
    for line in lines:
        if line.role not in {"other"} or line.bottom > first.y + 0.3 * first.height:
            continue
        if first.y - line.bottom > 2.5 * first.height:
            continue
        if min(line.right, first.right) - max(line.x, first.x) <= 0:
            continue
        if best is None or line.bottom > best.bottom:
            best = line
    return best


def statistics_median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def read_label(data: bytes, *, filename: str = "", centre_lines: Sequence[str] = ()) -> LabelReading:
    """Read who the item is for. Raises CaptureError (with words for staff) for anything that is not a picture."""
    image = load_image(data, filename)
    prepared = prepare(image)
    try:
        words = read_words(prepared.ocr)
    except CaptureError:
        raise
    except RuntimeError as exc:  # Tesseract refused the image (e.g. too small)
        raise CaptureError(f"The text on this picture could not be read ({exc}).") from None
    lines = build_lines(words)
    names = _assign_roles(lines, np.asarray(prepared.ocr), centre_lines)
    scale = prepared.scale

    def to_display(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return (round(box[0] / scale), round(box[1] / scale), round(box[2] / scale), round(box[3] / scale))

    read = tuple(
        ReadLine(
            ln.text, to_display(ln.box), round(ln.confidence, 3), "other" if ln.role in {"barcode", "cue"} else ln.role
        )
        for ln in lines
    )
    text_lines = [t for t in (clean_text(ln.text) for ln in names) if t]
    block_box = None
    confidence = 0.0
    if names:
        x1 = min(ln.x for ln in names)
        y1 = min(ln.y for ln in names)
        x2 = max(ln.right for ln in names)
        y2 = max(ln.bottom for ln in names)
        block_box = to_display((x1, y1, x2 - x1, y2 - y1))
        words_in = [w for ln in names for w in ln.words if any(c.isalnum() for c in w.text)]
        confidence = sum(w.confidence for w in words_in) / len(words_in) if words_in else 0.0
    complete = _complete(names, lines) and not cut_address(_next_centre(read), centre_lines)
    found: list[str] = []
    for ln in sorted(lines, key=lambda ln: ln.role != "tracking"):
        if ln.role != "addressee":
            found.extend(c for c in tracking_candidates(ln.text) if c not in found)
    buffer = io.BytesIO()
    display = prepared.display if prepared.display.mode in {"RGB", "L"} else prepared.display.convert("RGB")
    display.save(buffer, "JPEG", quality=82, optimize=True)
    return LabelReading(
        text="\n".join(text_lines),
        lines=read,
        block=block_box,
        tracking=found[0] if found else None,
        confidence=round(confidence, 3),
        display_jpeg=buffer.getvalue(),
        image_size=display.size,
        tracking_candidates=tuple(found),
        sender_text="\n".join(ln.text for ln in lines if ln.role == "sender"),
        skew=prepared.skew,
        complete=complete,
    )


def open_display(reading: LabelReading) -> Image.Image:
    """The reading's display image as a Pillow image (for tests and tools)."""
    return Image.open(io.BytesIO(reading.display_jpeg))
