"""RFC 6238 time-based one-time passwords (HMAC-SHA1, 30-second steps, 6 digits), standard library only.

A test signing in as the sandbox's two-factor user sends `totp=totp_code(TWO_FACTOR_SECRET)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

STEP_SECONDS = 30
DIGITS = 6


def _key(secret_b32: str) -> bytes:
    text = secret_b32.replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def totp_code(secret_b32: str, at: float | None = None, *, digits: int = DIGITS, step: int = STEP_SECONDS) -> str:
    """The code for the base32 `secret_b32` at Unix time `at` (default now)."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(_key(secret_b32), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def verify_totp(secret_b32: str, code: str, at: float | None = None, *, window: int = 1) -> bool:
    """True when `code` is the code of this step or of up to `window` steps before or after (clock drift)."""
    now = time.time() if at is None else at
    given = code.strip()
    return any(
        hmac.compare_digest(totp_code(secret_b32, now + k * STEP_SECONDS), given) for k in range(-window, window + 1)
    )
