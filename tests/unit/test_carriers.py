"""Tracking-number recognition. Expected check digits below were worked out by hand (not with the code under test)."""

from __future__ import annotations

import pytest

from app.desk.carriers import Carrier, Confidence, recognise


@pytest.mark.parametrize(
    ("scan", "carrier", "number"),
    [
        ("1Z999AA10123456784", Carrier.UPS, "1Z999AA10123456784"),  # UPS's published example
        ("1z 999 aa1 0123 4567 84", Carrier.UPS, "1Z999AA10123456784"),  # typed by a human
        ("986578788855", Carrier.FEDEX, "986578788855"),  # 1,3,7 weights: 269 mod 11 = 5
        ("RA473124829GB", Carrier.ROYAL_MAIL, "RA473124829GB"),  # S10: 200 mod 11 = 2 -> 9
        ("RA473124829US", Carrier.USPS, "RA473124829US"),
        ("CP473124829GB", Carrier.PARCELFORCE, "CP473124829GB"),
        ("RA473124829DE", Carrier.POST, "RA473124829DE"),
        ("1234567891", Carrier.DHL, "1234567891"),  # 123456789 mod 7 = 1
        ("TBA123456789012", Carrier.AMAZON, "TBA123456789012"),
        ("GM6051234567890123", Carrier.DHL, "GM6051234567890123"),
        ("JJD000390007781234567", Carrier.DHL, "JJD000390007781234567"),
        ("PB1234567", Carrier.PARCELFORCE, "PB1234567"),
        ("H00A1B2345678901", Carrier.EVRI, "H00A1B2345678901"),
        # USPS 22 digits: 940011189922310000000 -> 3/1 weighted sum 100 -> check 0
        ("9400111899223100000000", Carrier.USPS, "9400111899223100000000"),
        # the same behind a "420" + ZIP routing prefix, as an IMpb barcode carries it
        ("42010001" + "9400111899223100000000", Carrier.USPS, "9400111899223100000000"),
        ("420100011234" + "9400111899223100000000", Carrier.USPS, "9400111899223100000000"),
        # FedEx Ground 15 digits: 04144176022896 -> 3/1 weighted sum 86 -> check 4
        ("041441760228964", Carrier.FEDEX, "041441760228964"),
        # the 96 barcode carries the 15-digit number in its last 15 digits
        ("9612019" + "041441760228964", Carrier.FEDEX, "041441760228964"),
        ("%0W1A1AA15501234567890101826", Carrier.DPD, "15501234567890"),
    ],
)
def test_recognises_carriers(scan: str, carrier: Carrier, number: str) -> None:
    info = recognise(scan)
    assert info.carrier is carrier, info
    assert info.tracking_number == number
    assert info.label == f"{carrier.value} · {number}"


@pytest.mark.parametrize(
    "scan",
    [
        "1Z999AA10123456785",  # UPS, wrong check digit
        "986578788856",  # FedEx Express, wrong check digit
        "RA473124828GB",  # S10, wrong check digit
        "1234567890",  # DHL, wrong check digit
        "9400111899223100000003",  # USPS, wrong check digit
    ],
)
def test_wrong_check_digit_is_not_a_match(scan: str) -> None:
    info = recognise(scan)
    assert info.carrier is None
    assert info.confidence is Confidence.NONE
    assert "check digit" in info.why
    assert info.label == "unknown carrier"


@pytest.mark.parametrize("scan", ["HELLO", "12345", "ABC-123-XYZ-999", "0000000000000000000000000000000000000000"])
def test_unknown_formats_say_unknown(scan: str) -> None:
    info = recognise(scan)
    assert info.carrier is None
    assert info.label == "unknown carrier"


def test_ambiguous_twenty_digits_do_not_guess() -> None:
    # 0307179000052348374 -> 3/1 weighted sum 79 -> check 1: valid, but USPS and FedEx both use 20 digits
    info = recognise("03071790000523483741")
    assert info.carrier is None
    assert info.confidence is Confidence.CHECKED
    assert "USPS or FedEx" in info.why


def test_checked_vs_format_only() -> None:
    assert recognise("1Z999AA10123456784").confidence is Confidence.CHECKED
    assert recognise("TBA123456789012").confidence is Confidence.FORMAT


def test_empty_scan() -> None:
    info = recognise("   ")
    assert info.tracking_number == ""
    assert info.label == ""
