"""Which carrier is this barcode from? Tracking-number recognition for the scan field.

`recognise(scan)` normalizes what a barcode scanner typed (spaces, dashes, lower case, a USPS "420 + ZIP" routing
prefix, a DPD "%"-barcode wrapper) and checks it against the formats below. Where a format defines a check digit it
is verified; a number that fits a pattern but fails its check digit is reported as such, never as a match. When the
format is shared by several carriers, or nothing fits, the carrier is None ("unknown carrier"): the desk says so
rather than guess.

Formats (check digit in brackets):
- UPS: "1Z" + 6 shipper + 2 service + 7 digits + check [UPS mod 10, letters mapped (ord - 3) mod 10].
- FedEx: 12 digits (Express) [weights 1,3,7 from the right, mod 11 mod 10]; 15 digits (Ground) [mod 10, 3/1];
  the 22-digit "96" Ground barcode (tracking number = last 15 digits); 34-digit Express barcode (last 12).
- DHL Express: 10 digits [first nine mod 7]; DHL eCommerce "GM" + 16-18 digits, "JJD" + 18-20 digits,
  "JVGL" + 16-20 digits (no check digit defined: format only).
- USPS: 20 or 22 digits [mod 10 weights 3/1 from the right]; 22-digit service prefixes 91-95; "420" + 5- or
  9-digit ZIP routing prefix removed; S10 international items ending in "US".
- UPU S10 (Royal Mail "…GB", USPS "…US", Parcelforce, other posts): 2 letters + 8 digits + check + 2-letter country
  [weights 8,6,4,2,3,5,9,7; 11 - sum mod 11; 10 -> 0, 11 -> 5].
- Royal Mail 2D Mailmark: starts with "JGB " (format only).
- Amazon Logistics: "TBA" + 12 digits (format only).
- Parcelforce domestic: 2 letters + 7 digits, e.g. "PB1234567" (format only).
- DPD: "%"-barcode of 28 characters (7 postcode + 14 parcel + 3 service + 3 country), or "DPD" prefixed numbers.
- Evri (Hermes UK): 16 characters, "H" or "T" followed by 15 letters/digits with at least 12 digits (format only).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Carrier(StrEnum):
    UPS = "UPS"
    FEDEX = "FedEx"
    DHL = "DHL"
    USPS = "USPS"
    ROYAL_MAIL = "Royal Mail"
    PARCELFORCE = "Parcelforce"
    AMAZON = "Amazon"
    DPD = "DPD"
    EVRI = "Evri"
    POST = "Postal service"  # an S10 item from a post other than the ones above


class Confidence(StrEnum):
    CHECKED = "check digit verified"
    FORMAT = "format only (no check digit)"
    NONE = "not recognised"


@dataclass(frozen=True, slots=True)
class TrackingInfo:
    """What the scan field shows: the normalized number, the carrier (None = unknown carrier) and why."""

    tracking_number: str
    carrier: Carrier | None
    confidence: Confidence
    why: str

    @property
    def label(self) -> str:
        """Short text for the scan field: "UPS · 1Z999AA10123456784" or "unknown carrier"."""
        if not self.tracking_number:
            return ""
        if self.carrier is None:
            return "unknown carrier"
        return f"{self.carrier.value} · {self.tracking_number}"


# -- check digits ---------------------------------------------------------------------------------------------


def _digit_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else (ord(ch) - 3) % 10


def ups_check_digit(body: str) -> int:
    """UPS: the 15 characters after "1Z" without the check digit."""
    total = 0
    for i, ch in enumerate(body):
        v = _digit_value(ch)
        total += v * 2 if i % 2 else v
    return (10 - total % 10) % 10


def mod10_31_check_digit(body: str) -> int:
    """USPS / FedEx Ground / GS1: weights 3,1,3,1... from the rightmost digit of the body."""
    total = sum(int(ch) * (3 if i % 2 == 0 else 1) for i, ch in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def fedex_express_check_digit(body: str) -> int:
    """FedEx Express 12-digit: weights 1,3,7 from the right, sum mod 11 mod 10."""
    weights = (1, 3, 7)
    total = sum(int(ch) * weights[i % 3] for i, ch in enumerate(reversed(body)))
    return total % 11 % 10


def dhl_check_digit(body: str) -> int:
    """DHL Express 10-digit waybill: the first nine digits mod 7."""
    return int(body) % 7


def s10_check_digit(serial: str) -> int:
    """UPU S10: eight serial digits, weights 8,6,4,2,3,5,9,7."""
    total = sum(int(ch) * w for ch, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


# -- recognisers ----------------------------------------------------------------------------------------------

_CLEAN = re.compile(r"[\s\-.]")
_S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
_S10_COUNTRY: dict[str, Carrier] = {"GB": Carrier.ROYAL_MAIL, "US": Carrier.USPS}
_PARCELFORCE_S10_SERVICES = ("CK", "CL", "CM", "CP", "CS", "CX", "EK", "EN", "EP", "ER")
_USPS_22_PREFIXES = ("91", "92", "93", "94", "95")


def _checked(number: str, carrier: Carrier | None, ok: bool, name: str) -> TrackingInfo:
    if ok:
        return TrackingInfo(number, carrier, Confidence.CHECKED, f"{name}: check digit verified")
    return TrackingInfo(number, None, Confidence.NONE, f"looks like {name} but the check digit is wrong (mis-scan?)")


def _ups(s: str) -> TrackingInfo | None:
    if re.fullmatch(r"1Z[A-Z0-9]{16}", s) and s[-1].isdigit():
        return _checked(s, Carrier.UPS, ups_check_digit(s[2:-1]) == int(s[-1]), "UPS")
    return None


def _s10(s: str) -> TrackingInfo | None:
    m = _S10.match(s)
    if not m:
        return None
    service, serial, check, country = m.groups()
    carrier = _S10_COUNTRY.get(country, Carrier.POST)
    if country == "GB" and service in _PARCELFORCE_S10_SERVICES:
        carrier = Carrier.PARCELFORCE
    name = f"{carrier.value} international (S10, {country})" if carrier is Carrier.POST else f"{carrier.value} (S10)"
    return _checked(s, carrier, s10_check_digit(serial) == int(check), name)


def _prefixed(s: str) -> TrackingInfo | None:
    patterns: tuple[tuple[str, Carrier, str], ...] = (
        (r"TBA\d{12}", Carrier.AMAZON, "Amazon Logistics"),
        (r"GM\d{16,18}", Carrier.DHL, "DHL eCommerce"),
        (r"JJD\d{18,20}", Carrier.DHL, "DHL Parcel"),
        (r"JVGL\d{16,20}", Carrier.DHL, "DHL Parcel"),
        (r"JGB[A-Z0-9]{20,}", Carrier.ROYAL_MAIL, "Royal Mail Mailmark 2D barcode"),
        (r"[A-Z]{2}\d{7}", Carrier.PARCELFORCE, "Parcelforce"),
        (r"[HT](?=(?:[A-Z]*\d){12})[A-Z0-9]{15}", Carrier.EVRI, "Evri"),
    )
    for pattern, carrier, name in patterns:
        if re.fullmatch(pattern, s):
            return TrackingInfo(s, carrier, Confidence.FORMAT, f"{name} number format (no check digit to verify)")
    return None


def _dpd(s: str) -> TrackingInfo | None:
    m = re.fullmatch(r"%[A-Z0-9]{7}(\d{14})\d{3}\d{3}", s)
    if m:
        return TrackingInfo(m.group(1), Carrier.DPD, Confidence.FORMAT, "DPD parcel barcode (format only)")
    return None


def _strip_usps_routing(s: str) -> str:
    """USPS IMpb barcodes carry "420" + ZIP (5 or 9 digits) in front of the tracking number."""
    if s.startswith("420"):
        for zip_len in (5, 9):
            rest = s[3 + zip_len :]
            if rest.isdigit() and (
                len(rest) == 20 or (len(rest) in (22, 26, 30) and rest.startswith(_USPS_22_PREFIXES))
            ):
                return rest
    return s


def _digits(s: str) -> TrackingInfo | None:
    if not s.isdigit():
        return None
    n = len(s)
    if n == 10:
        return _checked(s, Carrier.DHL, dhl_check_digit(s[:9]) == int(s[9]), "DHL Express")
    if n == 12:
        return _checked(s, Carrier.FEDEX, fedex_express_check_digit(s[:11]) == int(s[11]), "FedEx Express")
    if n == 15:
        return _checked(s, Carrier.FEDEX, mod10_31_check_digit(s[:14]) == int(s[14]), "FedEx Ground")
    if n == 22 and s.startswith("96"):
        tracking = s[7:]
        ok = mod10_31_check_digit(tracking[:-1]) == int(tracking[-1])
        return _checked(tracking, Carrier.FEDEX, ok, "FedEx Ground (96 barcode)")
    if n == 34:
        tracking = s[22:]
        ok = fedex_express_check_digit(tracking[:-1]) == int(tracking[-1])
        return _checked(tracking, Carrier.FEDEX, ok, "FedEx Express (34-digit barcode)")
    if n in (22, 26, 30) and s.startswith(_USPS_22_PREFIXES):
        return _checked(s, Carrier.USPS, mod10_31_check_digit(s[:-1]) == int(s[-1]), "USPS")
    if n == 20:
        if mod10_31_check_digit(s[:-1]) == int(s[-1]):
            return TrackingInfo(
                s, None, Confidence.CHECKED, "20 digits with a valid check digit: USPS or FedEx — carrier not certain"
            )
        return TrackingInfo(s, None, Confidence.NONE, "20 digits, check digit wrong for USPS and FedEx (mis-scan?)")
    return None


_RECOGNISERS: tuple[Callable[[str], TrackingInfo | None], ...] = (_ups, _s10, _dpd, _prefixed, _digits)


def normalize(scan: str) -> str:
    """Upper case, without spaces, dashes or dots; the USPS routing prefix removed."""
    s = scan.strip()
    if s.startswith("%"):
        return "%" + _CLEAN.sub("", s[1:]).upper()
    s = _CLEAN.sub("", s).upper()
    if s.startswith("JGB"):
        return s
    return _strip_usps_routing(s)


def recognise(scan: str) -> TrackingInfo:
    """Recognise the tracking number and carrier of a scanned barcode; carrier None means "unknown carrier"."""
    s = normalize(scan)
    if not s:
        return TrackingInfo("", None, Confidence.NONE, "nothing scanned")
    for recogniser in _RECOGNISERS:
        info = recogniser(s)
        if info is not None:
            return info
    number = s.lstrip("%")
    return TrackingInfo(number, None, Confidence.NONE, "not a tracking number format we know")
