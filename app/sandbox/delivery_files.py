"""Files of a delivery (label image, signature, scan, forwarding receipt) as the sandbox keeps and serves them.

Documented: the slots `FileDataFileName` + `NewFileDataUrl` and `SignatureFileName` + `NewSignatureUrl`, the
scan's and the forwarding receipt's `ScannedFileData*` / `ForwardedFileData*`, and the reads
`GET /api/spaces/coworkerdeliveries/getfiledata/{id}` and `/getsignature/{id}`.
INFERRED (undocumented, kept here in one place):
- `New{Slot}Url` is write-only: a URL the server fetches the file from. The sandbox accepts a `data:` URL
  (`data:image/png;base64,...`) and keeps the bytes; an http(s) URL is accepted and remembered but not fetched.
- `getscannedfiledata/{id}` and `getforwardedfiledata/{id}` read the other two slots.
- A read answers the file's bytes with its media type, or 404 "Not found" when the slot is empty.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.nexudus.validation_rules import NOT_VALID, FieldError
from app.sandbox.answers import Response, not_found
from app.sandbox.shapes import DELIVERY_FILE_SLOTS

_DATA_URL = re.compile(
    r"^data:(?P<type>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^;,]*)*?)(?P<b64>;base64)?,(?P<data>.*)$", re.DOTALL
)


@dataclass(frozen=True)
class StoredFile:
    name: str
    media_type: str
    data: bytes
    url: str = ""  # an http(s) URL given instead of data (not fetched)


def decode_url(value: Any) -> StoredFile | None:
    """A `New{Slot}Url` value -> the file it carries; None when it is neither a data: nor an http(s) URL."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith(("http://", "https://")):
        return StoredFile("", "application/octet-stream", b"", url=text)
    match = _DATA_URL.match(text)
    if match is None:
        return None
    raw = match.group("data")
    try:
        data = base64.b64decode(raw, validate=True) if match.group("b64") else raw.encode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return StoredFile("", match.group("type") or "application/octet-stream", data)


def take_files(body: Mapping[str, Any]) -> tuple[dict[str, StoredFile], list[FieldError]]:
    """The files a write carries, by slot (body keys are lower case), and the errors for unreadable URLs."""
    found: dict[str, StoredFile] = {}
    errors: list[FieldError] = []
    for slot in DELIVERY_FILE_SLOTS:
        key = f"new{slot}url".lower()
        if body.get(key) is None:
            continue
        stored = decode_url(body[key])
        if stored is None:
            errors.append(FieldError(f"New{slot}Url", NOT_VALID, None))
            continue
        name = body.get(f"{slot}FileName".lower())
        found[slot] = StoredFile(str(name) if name else f"{slot.lower()}", stored.media_type, stored.data, stored.url)
    return found, errors


def file_answer(stored: StoredFile | None) -> Response:
    if stored is None or (not stored.data and not stored.url):
        return not_found()
    if stored.url and not stored.data:
        return Response(302, b"", (("Location", stored.url),), content_type=None)
    disposition = stored.name.replace('"', "")
    return Response(
        200,
        stored.data,
        (("Content-Disposition", f'inline; filename="{disposition}"'),),
        content_type=stored.media_type,
    )
