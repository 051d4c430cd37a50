"""Label capture: read who an item of post is for from a photo, a scan or a PDF (pure: Pillow, numpy, Tesseract).

    read_label(data, filename=..., centre_lines=...) -> LabelReading   (raises CaptureError on bad input)
    CentreLines: learns the centre's own address lines from what most items carry.

No Qt, no SQL, no HTTP; the desk (app.desk.capture) matches what is read.
"""

from app.capture.centre import CentreLines
from app.capture.errors import CaptureError
from app.capture.reading import LabelReading, ReadLine, apply_centre_lines, read_label

__all__ = ["CaptureError", "CentreLines", "LabelReading", "ReadLine", "apply_centre_lines", "read_label"]
