"""Make a label photo readable: grey, even light, stretched contrast, no speckle, upright lines, text big enough.

All of it is Pillow + numpy on an image of at most DISPLAY_LONG_SIDE pixels, so a 12 MP photo costs about what a
2 MP one does. The steps, in order:
1. grey and scaled so the long side is DISPLAY_LONG_SIDE (the display image; smaller scans are enlarged for OCR);
2. light: the paper's brightness is estimated with a max filter on a 1/8 image (text is thinner than the window)
   and divided out, which removes shadows, gradients and a faded streak's background;
3. contrast: the darkest ink is stretched to black, the paper to white;
4. speckle: a 3x3 median when isolated dots are many (measured, not assumed);
5. skew: the angle whose horizontal projection of ink is sharpest (text lines are then rows), -15..15 degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

DISPLAY_LONG_SIDE = 1600
OCR_MIN_LONG_SIDE = 1600  # smaller images are enlarged to this before OCR (small text reads better enlarged)
MAX_SKEW = 15.0
RULE_H = 120  # a horizontal ink run this long (OCR pixels) is a rule or border, not a letter
RULE_V = 80  # a vertical one this long is a bar or border (capital letters here are under 60 px)
SPECKLE_LEVEL = 0.0004  # share of pixels that are isolated dots; clean scans measure ~0, speckled photos more


@dataclass(frozen=True)
class Prepared:
    display: Image.Image  # upright, deskewed, colour kept if any; long side <= DISPLAY_LONG_SIDE
    ocr: Image.Image  # grey, even light, contrast stretched, despeckled, deskewed; OCR coordinates
    scale: float  # ocr coordinates / display coordinates
    skew: float  # degrees turned (counter-clockwise positive, as Image.rotate)
    speckled: bool


def _fit(image: Image.Image, long_side: int, enlarge: bool) -> Image.Image:
    width, height = image.size
    factor = long_side / max(width, height)
    if factor >= 1.0 and not enlarge:
        return image
    if abs(factor - 1.0) < 0.01:
        return image
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    if factor > 0.9 and factor < 1.0:
        return image  # within 10%: not worth a resample
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def even_light(grey: Image.Image) -> np.ndarray:
    """Divide by the paper's brightness (a smooth max-filtered background) and stretch: float32 0..255."""
    small = grey.reduce(8) if min(grey.size) >= 160 else grey
    background = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
    bg = np.asarray(background.resize(grey.size, Image.Resampling.BILINEAR), dtype=np.float32)
    arr = np.asarray(grey, dtype=np.float32)
    norm = np.clip(arr / np.maximum(bg, 8.0), 0.0, 1.0)
    ink = float(np.percentile(norm[::3, ::3], 0.3))
    paper = 0.97
    if paper - ink < 0.05:
        ink = paper - 0.05
    return np.clip((norm - ink) / (paper - ink), 0.0, 1.0) * 255.0


def speckle_level(arr: np.ndarray, reach: int = 2) -> float:
    """Share of pixels that are small dark dots: dark, while the pixels `reach` away on all four sides are paper."""
    dark = arr[reach:-reach, reach:-reach] < 128
    light = 170
    dots = (dark & (arr[:-2 * reach, reach:-reach] > light) & (arr[2 * reach:, reach:-reach] > light)
            & (arr[reach:-reach, :-2 * reach] > light) & (arr[reach:-reach, 2 * reach:] > light))
    return float(np.mean(dots))


def estimate_skew(arr: np.ndarray) -> float:
    """Degrees to turn the page (Image.rotate sense) so text lines run level; 0.0 when unsure."""
    h, w = arr.shape
    step = max(1, round(max(h, w) / 700))
    small = arr[::step, ::step]
    ys, xs = np.nonzero(small < 110)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 60_000:
        pick = np.random.default_rng(0).choice(len(ys), 60_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float32)
    xs = xs.astype(np.float32) - small.shape[1] / 2
    bins = small.shape[0] + small.shape[1]

    def sharpness(deg: float) -> float:
        t = np.tan(np.radians(deg))
        proj = ys + xs * t  # row of each ink point once the page is turned by deg
        hist = np.bincount(np.clip(proj + small.shape[1] * 0.5, 0, bins * 2 - 1).astype(np.int64),
                           minlength=bins * 2).astype(np.float64)
        return float(np.sum(hist * hist))

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 1.0, best + 1.01, 0.1)
    angle = float(max(fine, key=sharpness))
    base = sharpness(0.0)
    if angle and sharpness(angle) < base * 1.02:
        return 0.0
    return -angle


def _runs(dark: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels that belong to a straight run of at least `length` dark pixels along `axis`."""
    moved = np.moveaxis(dark, axis, -1)
    n = moved.shape[-1]
    if n < length:
        return np.zeros_like(dark)
    cs = np.concatenate([np.zeros((*moved.shape[:-1], 1), np.int32), np.cumsum(moved, axis=-1, dtype=np.int32)],
                        axis=-1)
    full = (cs[..., length:] - cs[..., :-length]) == length  # window [i, i+length) all dark
    mark = np.zeros((*moved.shape[:-1], n + 1), np.int32)
    mark[..., :n - length + 1] += full
    mark[..., length:n + 1] -= full
    covered = np.cumsum(mark, axis=-1)[..., :n] > 0
    return np.moveaxis(covered, -1, axis)


def remove_rules(image: Image.Image) -> Image.Image:
    """Erase ruled lines and bars: box borders, the envelope's edge, barcode bars (ink runs far longer than any
    letter: RULE_H pixels across, RULE_V down). Letters touching a box border then read on their own."""
    arr = np.asarray(image)
    dark = arr < 140
    rules = _runs(dark, RULE_H, axis=1) | _runs(dark, RULE_V, axis=0)
    if not rules.any():
        return image
    out = arr.copy()
    out[rules] = 255
    return Image.fromarray(out)


def prepare(image: Image.Image) -> Prepared:
    display = _fit(image, DISPLAY_LONG_SIDE, enlarge=False)
    grey = display.convert("L")
    arr = even_light(grey)
    level = speckle_level(arr)
    speckled = level > SPECKLE_LEVEL
    cleaned = Image.fromarray(arr.astype(np.uint8))
    if speckled:
        cleaned = cleaned.filter(ImageFilter.MedianFilter(3))
    skew = estimate_skew(np.asarray(cleaned))
    ocr = _fit(cleaned, OCR_MIN_LONG_SIDE, enlarge=True)
    if abs(skew) >= 0.3:
        ocr = ocr.rotate(skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        fill = (255, 255, 255) if display.mode == "RGB" else 255
        display = display.rotate(skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=fill)
        display = _fit(display, DISPLAY_LONG_SIDE, enlarge=False)
    ocr = remove_rules(ocr)
    scale = ocr.size[0] / display.size[0]
    return Prepared(display=display, ocr=ocr, scale=scale, skew=skew, speckled=speckled)
