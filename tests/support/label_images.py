"""Generate photographed/scanned post (envelopes and parcel labels) from addressee texts, seeded.

Made independently of the capture-dev set, to check the reader is not fitted to it: other fonts (DejaVu, Liberation,
FreeFont: Debian packages fonts-dejavu, fonts-liberation2, fonts-freefont-ttf), other layouts (centred envelope,
window envelope on the left, parcel label with TO/FROM headings, a return address on the bottom edge), other
centre addresses, sender blocks (banks, offices, shops, and customers of the directory as senders), postage and
carrier marks, barcodes, printed tracking numbers (valid Royal Mail / UPS numbers), and damage by tier:

  tier 0  a clean scan (straight, sharp, even light)
  tier 1  a phone photo (tilted, shadow/gradient, slight blur, the table around the item)
  tier 2  a poor photo (low resolution, heavy JPEG, speckle, a faded streak, low contrast, blur)

    python -m tests.support.label_images OUT_DIR [--n 150] [--seed 11]

writes OUT_DIR/NNNN.jpg and OUT_DIR/images.jsonl ({"id", "image", "family", "tier", "expect", "text",
"tracking"}), in the shape of capture-dev's images.jsonl. Addressee texts: matching-dev labels not used by
capture-dev plus the extra families of tests/support/label_families.py.
"""

from __future__ import annotations

import argparse
import io
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"))
FONT_NAMES = (
    "DejaVuSans.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansCondensed.ttf",
    "DejaVuSans-Bold.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationMono-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "FreeSans.ttf",
    "FreeSerif.ttf",
    "FreeMono.ttf",
    "FreeSansBold.ttf",
)
CENTRES = (
    ("Suite 4, Harbour House", "12 Harbour Street", "LONDON", "EC2A 4BX"),
    ("Floor 3, The Exchange", "45 Deansgate", "MANCHESTER", "M3 2AY"),
    ("Unit 12, Canal Works", "8 Wharf Road", "BIRMINGHAM", "B1 2JS"),
    ("Office 210, Riverside Court", "100 Quayside", "NEWCASTLE UPON TYNE", "NE1 3DX"),
    ("The Hive, 2nd Floor", "27 Queen Street", "EDINBURGH", "EH2 1JX"),
)
SENDERS = (
    ("HM Revenue & Customs", "BX9 1AS"),
    ("Lloyds Bank plc", "PO Box 1000", "Andover BX1 1LT"),
    ("NatWest", "Freepost RTJJ-LZSY", "Edinburgh EH12 1HQ"),
    ("British Gas", "PO Box 4805", "Worthing BN11 9QP"),
    ("Companies House", "Crown Way", "Cardiff CF14 3UZ"),
    ("John Lewis Partnership", "171 Victoria Street", "London SW1E 5NN"),
    ("Aviva Insurance Ltd", "Pitheavlis", "Perth PH2 0NH"),
    ("TV Licensing", "Darlington DL98 1TL"),
    ("Santander UK plc", "Bootle L30 4GB"),
    ("ASOS.com Ltd", "Greater London House", "London NW1 7FB"),
)
RETURN_CUES = ("If undelivered please return to:", "Return address:", "From:", "Sender:", "If undeliverable return to")
POSTAGE = (
    ("1st Class",),
    ("2nd Class", "Large Letter"),
    ("ROYAL MAIL", "POSTAGE PAID GB"),
    ("SIGNED FOR",),
    ("Special Delivery", "Guaranteed by 1pm"),
    ("DPD NEXT DAY",),
    ("Evri", "Standard Parcel"),
    ("UPS EXPRESS",),
    ("Parcelforce Worldwide", "express48"),
    ("DHL Express",),
    ("Tracked 48",),
    ("PAR AVION", "Priority"),
)
PAPERS = ((250, 250, 246), (236, 224, 196), (245, 245, 250), (226, 214, 180), (240, 238, 232), (214, 219, 226))
INKS = ((20, 20, 20), (35, 35, 45), (10, 20, 60), (50, 45, 40))
LAYOUTS = ("centre", "window", "label", "bottom_return")
TIER_NAMES = {0: "clean", 1: "phone", 2: "poor"}


def fonts() -> list[Path]:
    found: list[Path] = []
    for name in FONT_NAMES:
        for base in FONT_DIRS:
            hits = sorted(base.rglob(name)) if base.is_dir() else []
            if hits:
                found.append(hits[0])
                break
    if not found:
        raise RuntimeError("no TrueType fonts: install fonts-dejavu fonts-liberation2 fonts-freefont-ttf")
    return found


def s10_number(rng: random.Random) -> str:
    from app.desk.carriers import s10_check_digit

    serial = "".join(rng.choice("0123456789") for _ in range(8))
    return f"{rng.choice(('RR', 'JD', 'AB', 'KG', 'TT'))}{serial}{s10_check_digit(serial)}GB"


def ups_number(rng: random.Random) -> str:
    from app.desk.carriers import ups_check_digit

    body = (
        "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(6))
        + "01"
        + "".join(rng.choice("0123456789") for _ in range(7))
    )
    return f"1Z{body}{ups_check_digit(body)}"


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _barcode(
    draw: ImageDraw.ImageDraw, x: int, y: int, w: int, h: int, ink: tuple[int, int, int], rng: random.Random
) -> None:
    pos = x
    while pos < x + w:
        bar = rng.choice((2, 3, 4, 6))
        draw.rectangle((pos, y, pos + bar - 1, y + h), fill=ink)
        pos += bar + rng.choice((2, 3, 4, 5))


def _text_block(
    draw: ImageDraw.ImageDraw,
    x: int,
    y: int,
    lines: list[str],
    font: ImageFont.FreeTypeFont,
    ink: tuple[int, int, int],
    spacing: float = 1.25,
) -> int:
    size = font.size
    for line in lines:
        draw.text((x, y), line, font=font, fill=ink)
        y += int(size * spacing)
    return y


def render_label(
    text: str,
    rng: random.Random,
    *,
    sender: list[str],
    centre: tuple[str, ...],
    tracking: str | None,
    layout: str | None = None,
) -> Image.Image:
    """A clean, flat picture of the item: addressee block, sender block, postage, barcode, tracking number."""
    font_paths = fonts()
    portrait = rng.random() < 0.3
    width, height = (1200, 1800) if portrait else rng.choice(((1600, 1100), (1800, 1200), (1700, 1000)))
    paper = rng.choice(PAPERS)
    ink = rng.choice(INKS)
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    body_font = _font(rng.choice(font_paths), rng.randint(44, 64) if not portrait else rng.randint(48, 64))
    small_font = _font(rng.choice(font_paths), rng.randint(22, 30))
    name_lines = [ln for ln in text.splitlines() if ln.strip()]
    block = name_lines + list(centre)
    layout = layout or rng.choice(LAYOUTS)
    # postage marks in a box at the top right
    marks = list(rng.choice(POSTAGE))
    bx = width - rng.randint(380, 460)
    by = rng.randint(30, 60)
    draw.rectangle((bx, by, width - 40, by + 40 + 38 * len(marks)), outline=ink, width=3)
    _text_block(draw, bx + 18, by + 18, marks, small_font, ink)
    # the sender's block
    if layout == "bottom_return":
        cue = [rng.choice(RETURN_CUES), ", ".join(sender)]
        _text_block(draw, 50, height - rng.randint(120, 160), cue, small_font, ink)
    elif layout == "label":
        _text_block(draw, 50, 50, ["FROM:", *sender], small_font, ink)
    else:
        lines = ([rng.choice(RETURN_CUES)] if rng.random() < 0.3 else []) + sender
        _text_block(draw, 50, 50, lines, small_font, ink)
    # the addressee block
    if layout == "window":
        ax, ay = rng.randint(90, 160), int(height * rng.uniform(0.30, 0.42))
    elif layout == "label":
        ax, ay = rng.randint(90, 200), int(height * rng.uniform(0.28, 0.38))
        draw.text(
            (ax, ay - int(body_font.size * 1.3)),
            rng.choice(("TO:", "DELIVER TO:", "Ship to:")),
            font=small_font,
            fill=ink,
        )
    else:
        ax, ay = int(width * rng.uniform(0.25, 0.38)), int(height * rng.uniform(0.30, 0.40))
    _text_block(draw, ax, ay, block, body_font, ink, spacing=rng.uniform(1.15, 1.35))
    # a barcode, and sometimes the tracking number printed under it
    bar_y = height - rng.randint(260, 320) if layout != "bottom_return" else height - rng.randint(420, 480)
    bar_x = rng.randint(50, 120)
    _barcode(draw, bar_x, bar_y, rng.randint(500, 700), rng.randint(80, 110), ink, rng)
    if tracking:
        spaced = " ".join(tracking[i : i + 4] for i in range(0, len(tracking), 4)) if rng.random() < 0.4 else tracking
        draw.text((bar_x, bar_y + 120), spaced, font=_font(rng.choice(font_paths), 30), fill=ink)
    return image


def _phone(image: Image.Image, rng: random.Random) -> Image.Image:
    w, h = image.size
    angle = rng.uniform(2.0, 7.0) * rng.choice((-1, 1))
    margin = int(max(w, h) * 0.06)
    table = tuple(rng.randint(40, 110) for _ in range(3))
    canvas = Image.new("RGB", (w + 2 * margin, h + 2 * margin), table)
    canvas.paste(image, (margin, margin))
    canvas = canvas.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=table)
    arr = np.asarray(canvas, dtype=np.float32)
    yy, xx = np.mgrid[0 : arr.shape[0], 0 : arr.shape[1]]
    direction = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(direction) * xx / arr.shape[1] + np.sin(direction) * yy / arr.shape[0]
    light = 1.0 - rng.uniform(0.2, 0.4) * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    arr = np.clip(arr * light[..., None], 0, 255)
    out = Image.fromarray(arr.astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4)))
    scale = rng.uniform(0.9, 1.1)
    return out.resize((int(out.size[0] * scale), int(out.size[1] * scale)), Image.Resampling.BILINEAR)


def _poor(image: Image.Image, rng: random.Random) -> Image.Image:
    out = _phone(image, rng)
    arr = np.asarray(out, dtype=np.float32)
    contrast = rng.uniform(0.45, 0.7)
    arr = 128 + (arr - 128) * contrast + rng.uniform(10, 40)
    streak_x = rng.randint(int(arr.shape[1] * 0.2), int(arr.shape[1] * 0.7))
    streak_w = rng.randint(15, 40)
    arr[:, streak_x : streak_x + streak_w] = arr[:, streak_x : streak_x + streak_w] * 0.35 + 255 * 0.65
    noise = np.random.default_rng(rng.randint(0, 2**31)).random(arr.shape[:2])
    arr[noise < 0.004] = 30
    arr[noise > 0.996] = 240
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).convert("L" if rng.random() < 0.5 else "RGB")
    long_side = rng.randint(700, 1100)
    factor = long_side / max(out.size)
    out = out.resize((int(out.size[0] * factor), int(out.size[1] * factor)), Image.Resampling.BILINEAR)
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=rng.randint(18, 35))
    return Image.open(io.BytesIO(buffer.getvalue()))


def damage(image: Image.Image, tier: int, rng: random.Random) -> Image.Image:
    if tier == 0:
        return image
    return _phone(image, rng) if tier == 1 else _poor(image, rng)


def addressee_texts(n: int, seed: int, matching_dev: Path, skip_ids: set[str]) -> list[dict[str, Any]]:
    """Addressee texts: matching-dev labels (not capture-dev's) and the extra label families, mixed."""
    from tests.support.label_families import generate_labels

    rng = random.Random(seed)
    labels = [
        json.loads(x) for x in (matching_dev / "labels.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()
    ]
    pool = [lab for lab in labels if lab["id"] not in skip_ids]
    rng.shuffle(pool)
    extra_n = n // 4
    directory = json.loads((matching_dev / "directory.json").read_text(encoding="utf-8"))
    extra = generate_labels(directory, extra_n, seed=seed)
    for k, lab in enumerate(extra):
        lab["id"] = f"G{seed}-X{k:04d}"
    rows = pool[: n - extra_n] + extra
    rng.shuffle(rows)
    return rows


def customer_senders(matching_dev: Path, rng: random.Random, k: int = 40) -> list[list[str]]:
    """Some senders are customers too (their company's name must never decide)."""
    directory = json.loads((matching_dev / "directory.json").read_text(encoding="utf-8"))
    names = [c.get("CompanyName") for c in directory.get("Coworkers", []) if c.get("CompanyName")]
    rng.shuffle(names)
    return [
        [
            name,
            f"{rng.randint(1, 200)} {rng.choice(('High Street', 'Mill Lane', 'King Street'))}",
            rng.choice(("Leeds LS1 4AP", "Bristol BS1 6QA", "Reading RG1 1AZ")),
        ]
        for name in names[:k]
    ]


def generate(
    out: Path,
    n: int,
    seed: int,
    matching_dev: Path,
    skip_ids: set[str] | None = None,
    tiers: tuple[int, ...] = (0, 1, 2),
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    texts = addressee_texts(n, seed, matching_dev, skip_ids or set())
    customers = customer_senders(matching_dev, rng)
    centre = rng.choice(CENTRES)
    rows: list[dict[str, Any]] = []
    for k, lab in enumerate(texts[:n]):
        tier = tiers[k % len(tiers)]
        sender = list(rng.choice(customers) if rng.random() < 0.3 else rng.choice(SENDERS))
        tracking = rng.choice((s10_number, ups_number))(rng) if rng.random() < 0.35 else None
        flat = render_label(lab["text"], rng, sender=sender, centre=centre, tracking=tracking)
        image = damage(flat, tier, rng)
        name = f"{k:04d}.jpg"
        image.convert("RGB").save(out / name, "JPEG", quality=90 if tier < 2 else 95)
        rows.append(
            {
                "id": lab["id"],
                "image": name,
                "family": lab["family"],
                "tier": tier,
                "expect": lab["expect"],
                "text": lab["text"],
                "tracking": tracking,
            }
        )
    (out / "images.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return rows


def main(argv: list[str] | None = None) -> int:
    from tests.bench.capture_dev import DEFAULT_CAPTURE_DEV, DEFAULT_MATCHING_DEV

    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--matching-dev", type=Path, default=DEFAULT_MATCHING_DEV)
    args = ap.parse_args(argv)
    skip: set[str] = set()
    dev_images = DEFAULT_CAPTURE_DEV / "images.jsonl"
    if dev_images.exists():
        skip = {json.loads(x)["id"] for x in dev_images.read_text(encoding="utf-8").splitlines() if x.strip()}
    rows = generate(args.out, args.n, args.seed, args.matching_dev, skip)
    print(f"{len(rows)} images in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
