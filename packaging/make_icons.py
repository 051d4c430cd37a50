"""Build the Windows .ico and the macOS .icns from the PNG sizes in app/resources/icons (standard library only).

Both formats are containers of PNG images: an .ico holds PNG-compressed entries (supported since Windows Vista),
an .icns holds PNG entries under their OSType codes. No Pillow needed.

    python packaging/make_icons.py OUT_DIR      -> OUT_DIR/pigeonhole.ico, OUT_DIR/pigeonhole.icns
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "app" / "resources" / "icons"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# OSType -> pixel size of the PNG stored under it (the @2x variants reuse the larger PNGs).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),  # 16@2x
    (b"ic12", 64),  # 32@2x
    (b"ic13", 256),  # 128@2x
    (b"ic14", 512),  # 256@2x
)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _png(icons: Path, size: int) -> bytes | None:
    path = icons / f"pigeonhole-{size}.png"
    if not path.exists():
        return None
    data = path.read_bytes()
    if png_size(data) != (size, size):
        raise ValueError(f"{path} is {png_size(data)}, expected {size}x{size}")
    return data


def build_ico(icons: Path = ICONS) -> bytes:
    images = [(size, data) for size in ICO_SIZES if (data := _png(icons, size)) is not None]
    if not images:
        raise FileNotFoundError(f"no pigeonhole-N.png icons in {icons}")
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def build_icns(icons: Path = ICONS) -> bytes:
    body = b""
    for ostype, size in ICNS_TYPES:
        data = _png(icons, size)
        if data is not None:
            body += ostype + struct.pack(">I", 8 + len(data)) + data
    if not body:
        raise FileNotFoundError(f"no pigeonhole-N.png icons in {icons}")
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(out_dir: Path, icons: Path = ICONS) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    ico, icns = out_dir / "pigeonhole.ico", out_dir / "pigeonhole.icns"
    ico.write_bytes(build_ico(icons))
    icns.write_bytes(build_icns(icons))
    return ico, icns


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_icons.py OUT_DIR")
    for written in write_icons(Path(sys.argv[1])):
        print(written)
