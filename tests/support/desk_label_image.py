"""Label images for the desk's capture tests: an envelope with a sender block, postage and the addressee block.

Drawn with Pillow and DejaVu fonts (installed by .ci/run); real OCR reads them in the tests. Also a few bad files
(empty, corrupt, not an image, a PDF with no pages, a huge picture header) for the bad-input messages.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def label_image(
    addressee: Sequence[str],
    *,
    sender: Sequence[str] = ("From: Northwind Books", "12 Mill Lane, Leeds LS1 4AB"),
    size: tuple[int, int] = (1800, 1200),
    tint: tuple[int, int, int] = (246, 240, 226),
) -> Image.Image:
    """An envelope: sender top left, a postage mark top right, the addressee block in the middle."""
    width = size[0]
    image = Image.new("RGB", size, tint)
    draw = ImageDraw.Draw(image)
    unit = width / 1800
    small = _font(int(30 * unit))
    big = _font(int(54 * unit), bold=False)
    y = int(60 * unit)
    for line in sender:
        draw.text((int(60 * unit), y), line, fill=(40, 40, 40), font=small)
        y += int(42 * unit)
    box = (int(1450 * unit), int(50 * unit), int(1740 * unit), int(260 * unit))
    draw.rectangle(box, outline=(160, 30, 30), width=max(2, int(4 * unit)))
    draw.text((box[0] + int(30 * unit), box[1] + int(80 * unit)), "POSTAGE PAID", fill=(160, 30, 30), font=small)
    y = int(520 * unit)
    for line in addressee:
        draw.text((int(620 * unit), y), line, fill=(10, 10, 10), font=big)
        y += int(76 * unit)
    return image


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def label_png(addressee: Sequence[str], **kwargs: object) -> bytes:
    return encode(label_image(addressee, **kwargs))  # type: ignore[arg-type]


def label_jpeg(addressee: Sequence[str], **kwargs: object) -> bytes:
    return encode(label_image(addressee, **kwargs), "JPEG", quality=90)  # type: ignore[arg-type]


def label_pdf(addressee: Sequence[str]) -> bytes:
    return encode(label_image(addressee), "PDF", resolution=150)


# -- bad input --------------------------------------------------------------------------------------------------


def corrupt_jpeg(addressee: Sequence[str] = ("Jane Doe",)) -> bytes:
    """A JPEG cut off half-way (a transfer that stopped)."""
    data = label_jpeg(addressee)
    return data[: len(data) // 3]


def not_an_image() -> bytes:
    return b"Invoice 2024-113\nThis is a text file, not a photo of a label.\n" * 20


def empty_pdf() -> bytes:
    """A syntactically valid PDF whose page tree has no pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def huge_png(width: int = 10_000, height: int = 5_000) -> bytes:
    """A 50-megapixel PNG, small on disk (one grey colour, compressed): the header alone says how big it is."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" + b"\x80" * width
    compressor = zlib.compressobj(9)
    raw = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
