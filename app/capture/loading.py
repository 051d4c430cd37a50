"""Bytes in, a picture out: JPEG/PNG/TIFF/BMP/WebP through Pillow, a PDF's first page through pypdfium2.

Everything that is not a readable picture is refused with a `CaptureError` whose message reception staff can act
on; nothing here lets a decoder's traceback through.
"""

from __future__ import annotations

import io
import re
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from app.capture.errors import CaptureError

MAX_PIXELS = 40_000_000  # a 40 MP photo is the largest we read; a 50 MP file is refused before it is decoded
MAX_BYTES = 80 * 1024 * 1024
WORK_LONG_SIDE = 1600  # JPEGs are decoded straight to at least this long side (DCT scaling): 12 MP costs ~3 MP
PDF_LONG_SIDE = 2000  # a PDF page is rendered to this many pixels on its long side
FORMATS = {"JPEG", "PNG", "TIFF", "BMP", "WEBP", "MPO"}


def _refuse_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise CaptureError("This picture has no content (it is 0 pixels wide or high).")
    if width * height > MAX_PIXELS:
        mp = width * height / 1_000_000
        raise CaptureError(
            f"This picture is too large to read ({mp:.0f} megapixels; the most is "
            f"{MAX_PIXELS // 1_000_000}). Take the photo at a lower resolution or scan at 300 dpi."
        )


def load_image(data: bytes, filename: str = "") -> Image.Image:
    """The picture in `data`, upright (EXIF orientation applied), RGB or L, long side at most about WORK_LONG_SIDE."""
    if not data:
        raise CaptureError("The file is empty: there is no picture in it.")
    if len(data) > MAX_BYTES:
        raise CaptureError(f"The file is too large ({len(data) // (1024 * 1024)} MB) to be a label photo or scan.")
    if data[:5] == b"%PDF-" or filename.lower().endswith(".pdf"):
        return _load_pdf(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            image: Image.Image = opened
            if opened.format not in FORMATS:
                raise CaptureError(
                    f"This file is a {opened.format or 'kind of'} picture, which cannot be read here. "
                    "Use a JPEG, PNG, TIFF, BMP or WebP picture, or a PDF."
                )
            _refuse_size(*image.size)
            if opened.format in {"JPEG", "MPO"}:
                width, height = opened.size
                factor = min(1.0, WORK_LONG_SIDE / max(width, height))
                opened.draft("L" if image.mode == "L" else "RGB", (int(width * factor), int(height * factor)))
            image.load()
            image = ImageOps.exif_transpose(image) or image
    except CaptureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CaptureError(
            f"This picture is too large to read (more than {MAX_PIXELS // 1_000_000} megapixels). "
            "Take the photo at a lower resolution or scan at 300 dpi."
        ) from None
    except UnidentifiedImageError:
        raise CaptureError(
            "This file is not a picture that can be read (not a JPEG, PNG, TIFF, BMP, WebP or PDF)."
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, MemoryError) as exc:
        raise CaptureError(
            "This picture is damaged or cut short and cannot be read. Scan or photograph the item "
            f"again. ({type(exc).__name__})"
        ) from None
    if image.mode not in {"RGB", "L"}:
        try:
            image = _flatten(image)
        except (OSError, ValueError) as exc:
            raise CaptureError(f"This picture's colours cannot be read ({type(exc).__name__}).") from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if image.mode in {"I;16", "I;16B", "I;16L", "I", "F"}:
        return ImageOps.autocontrast(
            image.convert("F").convert("L") if image.mode == "F" else image.point(lambda v: v / 256).convert("L")
        )
    return image.convert("RGB")


def _no_pages(data: bytes) -> bool:
    """A PDF whose page tree counts no pages and that has no page object."""
    return bool(re.search(rb"/Count\s*0(?![0-9])", data)) and not re.search(rb"/Type\s*/Page(?![s0-9A-Za-z])", data)


def _load_pdf(data: bytes) -> Image.Image:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception:  # pypdfium2 raises its own PdfiumError (and others) for a broken file
        if _no_pages(data):  # PDFium refuses to open a document whose page tree is empty
            raise CaptureError("This PDF has no pages: there is nothing to read.") from None
        raise CaptureError("This PDF is damaged and cannot be opened. Scan the item again.") from None
    try:
        if len(pdf) == 0:
            raise CaptureError("This PDF has no pages: there is nothing to read.")
        page = pdf[0]
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise CaptureError("The PDF's first page is empty (it has no size).")
        scale = min(PDF_LONG_SIDE / max(width, height), 8.0)
        _refuse_size(int(width * scale), int(height * scale))
        try:
            image = page.render(scale=scale, grayscale=True).to_pil()
        except Exception:
            raise CaptureError("The PDF's first page cannot be drawn; it may be damaged.") from None
        return image.convert("L")
    finally:
        pdf.close()
