"""An image of the item -> the addressee block's text (OCR, offline), the tracking number. No Qt, SQL or HTTP."""

from app.capture.reading import CaptureError, CentreLines, LabelReading, ReadLine, read_label

__all__ = ["CaptureError", "CentreLines", "LabelReading", "ReadLine", "read_label"]
