"""Make a label photo readable: grey, even light, stretched contrast, no speckle, upright lines, text big enough.

All of it is Pillow + numpy on an image of about OCR_LONG_SIDE pixels (JPEGs are decoded reduced), so a 12 MP photo
costs about what a 2 MP one does. The steps, in order:
1. grey and scaled so the long side is OCR_LONG_SIDE (smaller scans are enlarged after steps 2-4);
2. light: the paper's brightness is estimated with a max filter on a 1/8 image (text is thinner than the window)
   and divided out, which removes shadows, gradients and a faded streak's background;
3. contrast: the darkest ink is stretched to black, the paper to white;
4. speckle: a 3x3 median when isolated dots are many (measured, not assumed);
5. skew: the angle whose horizontal projection of ink is sharpest (text lines are then rows), -15..15 degrees;
The display image (colour, long side DISPLAY_LONG_SIDE) is turned by the same angle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

DISPLAY_LONG_SIDE = 1200  # the image shown and kept (the API allows up to 1600)
OCR_LONG_SIDE = 1600  # the OCR image: photos are reduced to this, small scans enlarged (small text reads better)
MAX_SKEW = 15.0
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
    dots = (
        dark
        & (arr[: -2 * reach, reach:-reach] > light)
        & (arr[2 * reach :, reach:-reach] > light)
        & (arr[reach:-reach, : -2 * reach] > light)
        & (arr[reach:-reach, 2 * reach :] > light)
    )
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
        hist = np.bincount(
            np.clip(proj + small.shape[1] * 0.5, 0, bins * 2 - 1).astype(np.int64), minlength=bins * 2
        ).astype(np.float64)
        return float(np.sum(hist * hist))

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 1.0, best + 1.01, 0.1)
    angle = float(max(fine, key=sharpness))
    base = sharpness(0.0)
    if angle and sharpness(angle) < base * 1.02:
        return 0.0
    return -angle


def prepare(image: Image.Image) -> Prepared:
    grey = _fit(image.convert("L") if image.mode != "L" else image, OCR_LONG_SIDE, enlarge=False)
    arr = even_light(grey)
    speckled = speckle_level(arr) > SPECKLE_LEVEL  # measured before enlarging: dots are then still dots
    cleaned = Image.fromarray(arr.astype(np.uint8))
    if speckled:
        cleaned = cleaned.filter(ImageFilter.MedianFilter(3))
    cleaned = _fit(cleaned, OCR_LONG_SIDE, enlarge=True)
    skew = estimate_skew(np.asarray(cleaned))
    display = _fit(image, DISPLAY_LONG_SIDE, enlarge=False)
    if abs(skew) >= 0.3:
        cleaned = cleaned.rotate(skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        fill = (255, 255, 255) if display.mode == "RGB" else 255
        display = display.rotate(skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=fill)
    scale = cleaned.size[0] / display.size[0]
    return Prepared(display=display, ocr=cleaned, scale=scale, skew=skew, speckled=speckled)
