"""Reading a label image: a naive stand-in (whole-image Tesseract), to be replaced by the real reader.

Shapes follow CAPTURE-API.md exactly; the desk half (issue 10) is built and tested against them.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 50 MP file is refused before it is decoded
DISPLAY_LONG_SIDE = 1600
PDF_LONG_SIDE = 2000


@dataclass(frozen=True)
class ReadLine:
    text: str
    box: tuple[int, int, int, int]
    confidence: float
    role: str


@dataclass(frozen=True)
class LabelReading:
    text: str
    lines: tuple[ReadLine, ...]
    block: tuple[int, int, int, int] | None
    tracking: str | None
    confidence: float
    display_jpeg: bytes
    image_size: tuple[int, int]


class CaptureError(Exception):
    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def _norm(line: str) -> str:
    return " ".join("".join(ch for ch in line.casefold() if ch.isalnum() or ch.isspace()).split())


def _open_image(data: bytes, filename: str) -> Image.Image:
    if not data:
        raise CaptureError("The file is empty: there is no picture in it.")
    if data[:5] == b"%PDF-":
        return _pdf_first_page(data)
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        name = f"“{filename}” " if filename else "This file "
        raise CaptureError(f"{name}is not a picture or a PDF the desk can read.") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise CaptureError(
            f"This picture is too large ({width * height / 1e6:.0f} megapixels). Take it at a lower resolution "
            f"(up to {MAX_PIXELS // 1_000_000} megapixels)."
        )
    try:
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        raise CaptureError("This picture is damaged or incomplete: it could not be read.") from None
    return image


def _pdf_first_page(data: bytes) -> Image.Image:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise CaptureError("This PDF is damaged: it could not be opened.") from None
    try:
        if len(pdf) == 0:
            raise CaptureError("This PDF has no pages.")
        page = pdf[0]
        width, height = page.get_size()
        scale = PDF_LONG_SIDE / max(width, height, 1)
        return page.render(scale=scale).to_pil()
    finally:
        pdf.close()


_local = threading.local()


def _api():  # type: ignore[no-untyped-def]
    api = getattr(_local, "api", None)
    if api is None:
        import tesserocr

        from app.capture.engine_paths import tessdata_dir

        api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang="eng")
        _local.api = api
    return api


def read_label(data: bytes, *, filename: str = "", centre_lines: Sequence[str] = ()) -> LabelReading:
    import tesserocr

    image = _open_image(data, filename)
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("RGB")
    if max(image.size) > DISPLAY_LONG_SIDE:
        image.thumbnail((DISPLAY_LONG_SIDE, DISPLAY_LONG_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    api = _api()
    api.SetImage(image.convert("L"))
    api.Recognize()
    centre = {_norm(c) for c in centre_lines if _norm(c)}
    lines: list[ReadLine] = []
    iterator = api.GetIterator()
    level = tesserocr.RIL.TEXTLINE
    if iterator is not None:
        for item in tesserocr.iterate_level(iterator, level):
            text = (item.GetUTF8Text(level) or "").strip()
            box = item.BoundingBox(level)
            if not text or box is None:
                continue
            x1, y1, x2, y2 = box
            role = "centre" if _norm(text) in centre else "addressee"
            lines.append(ReadLine(text, (x1, y1, x2 - x1, y2 - y1), item.Confidence(level) / 100.0, role))
    addressee = [ln for ln in lines if ln.role == "addressee"]
    block: tuple[int, int, int, int] | None = None
    if addressee:
        x1 = min(ln.box[0] for ln in addressee)
        y1 = min(ln.box[1] for ln in addressee)
        x2 = max(ln.box[0] + ln.box[2] for ln in addressee)
        y2 = max(ln.box[1] + ln.box[3] for ln in addressee)
        block = (x1, y1, x2 - x1, y2 - y1)
    confidence = sum(ln.confidence for ln in addressee) / len(addressee) if addressee else 0.0
    return LabelReading(
        text="\n".join(ln.text for ln in addressee),
        lines=tuple(lines),
        block=block,
        tracking=None,
        confidence=confidence,
        display_jpeg=out.getvalue(),
        image_size=image.size,
    )


class CentreLines:
    """Learns lines seen on most items (the centre's own address)."""

    def __init__(self, configured: Sequence[str] = (), learnt: Mapping[str, int] | None = None, seen: int = 0) -> None:
        self._configured = tuple(c.strip() for c in configured if c.strip())
        self._learnt: dict[str, int] = dict(learnt or {})
        self._seen = seen

    def observe(self, reading: LabelReading) -> None:
        self._seen += 1
        for line in {ln.text.strip() for ln in reading.lines if ln.text.strip()}:
            self._learnt[line] = self._learnt.get(line, 0) + 1

    def lines(self) -> tuple[str, ...]:
        learnt: tuple[str, ...] = ()
        if self._seen >= 5:
            learnt = tuple(t for t, n in self._learnt.items() if n >= 0.6 * self._seen)
        return self._configured + tuple(t for t in learnt if t not in self._configured)

    def state(self) -> dict[str, object]:
        return {"learnt": dict(self._learnt), "seen": self._seen}
