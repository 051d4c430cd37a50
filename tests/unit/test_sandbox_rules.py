"""Pieces of the sandbox that need no server: the rule table, TOTP, the throttle, fault specs, list queries."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from app.nexudus import validation_rules as rules
from app.nexudus.resources import Resource
from app.sandbox.faults import FaultInjector, FaultSpec
from app.sandbox.listing import parse_batch_ids, parse_list_query
from app.sandbox.throttle import DOCUMENTED_LIMITS, Throttle, retry_after_header
from app.sandbox.totp import totp_code, verify_totp


def test_rfc6238_sha1_test_vectors() -> None:
    secret = base64.b32encode(b"12345678901234567890").decode()
    for at, code in ((59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (20000000000, "65353130")):
        assert totp_code(secret, at, digits=8) == code
    assert verify_totp(secret, totp_code(secret, 1000), at=1029)
    assert verify_totp(secret, totp_code(secret, 1000), at=1000 + 31)  # one step of drift
    assert not verify_totp(secret, totp_code(secret, 1000), at=1000 + 95)


def test_validate_record_orders_errors_by_the_table_and_treats_blank_as_missing() -> None:
    errors = rules.validate_record("ContractContact", {"CoworkerContractId": 0, "FullName": " ", "Email": "x"})
    assert [(e.property_name, e.message, e.attempted_value) for e in errors] == [
        ("CoworkerContractId", rules.REQUIRED, 0),
        ("FullName", rules.REQUIRED, None),
        ("Email", rules.NOT_AN_EMAIL, "x"),
    ]
    assert rules.join_messages(errors).split(rules.MESSAGE_SEPARATOR)[0] == "CoworkerContractId: is a required field"


def test_reference_checks_use_the_callers_data() -> None:
    record = {"CoworkerContractId": 5, "FullName": "A", "CountryId": 7}
    assert rules.validate_record("ContractContact", record, exists=lambda entity, i: True) == []
    errors = rules.validate_record("ContractContact", record, exists=lambda entity, i: entity != "Country")
    assert [(e.property_name, e.message) for e in errors] == [("CountryId", "refers to a Country that does not exist")]


def test_past_dates_and_parsing() -> None:
    rule = rules.FieldRule("DateOfBirth", rules.Kind.PAST_DATE)
    assert rules.check_value(rule, "2020-02-02", today=date(2020, 2, 2)) is None
    assert rules.check_value(rule, "2020-02-03T00:00:00Z", today=date(2020, 2, 2)) == rules.IN_THE_FUTURE
    for text in ("2025-01-15T10:30:00Z", "2025-01-15T10:30:00", "2025-01-15T10:30:00.123+01:00", "2025-01-15"):
        assert rules.parse_date(text) is not None
    assert rules.parse_date("15/01/2025") is None


def test_throttle_follows_the_documented_windows() -> None:
    t = Throttle()
    assert t.check("u", False, now=0.0) is None
    assert t.check("u", False, now=0.05) == pytest.approx(0.05)  # 1 per 100 ms
    assert t.check("other", False, now=0.05) is None  # per user
    now = 0.0
    for _ in range(119):
        now += 0.1
        assert t.check("u", False, now=now) is None
    assert t.check("u", False, now=now + 0.1) == pytest.approx(60 - 12.0)  # 120 calls a minute
    w = Throttle()
    now = 0.0
    for _ in range(60):
        assert w.check("w", True, now=now) is None
        now += 0.2
    wait = w.check("w", True, now=now)
    assert wait == pytest.approx(48)  # 60 writes a minute
    assert w.check("w", False, now=now) is None  # reads are still allowed
    assert retry_after_header(0.05) == "1" and retry_after_header(47.2) == "48"
    assert {(lim.calls, lim.seconds, lim.writes_only) for lim in DOCUMENTED_LIMITS} >= {(5000, 86400, True)}


def test_fault_spec_parse_and_draws() -> None:
    spec = FaultSpec.parse("seed=7, 500=0.05,503=0.05,slow=0.02,drop=0.02,truncate=0.02,throttle=0.03,slow_seconds=3")
    assert spec.seed == 7 and spec.slow_seconds == 3 and spec.probabilities["throttle"] == 0.03 and not spec.auth
    a, b = FaultInjector(spec), FaultInjector(spec)
    draws = [a.draw(is_write=i % 3 == 0) for i in range(2000)]
    assert draws == [b.draw(is_write=i % 3 == 0) for i in range(2000)]
    kinds = {d.kind for d in draws if d is not None}
    assert kinds == {"500", "503", "slow", "drop", "truncate", "throttle"}
    share = sum(d is not None for d in draws) / len(draws)
    assert 0.12 < share < 0.26
    reads = [d for i, d in enumerate(draws) if d is not None and i % 3 != 0]
    assert all(d.applied for d in reads)
    uncertain_writes = [d for i, d in enumerate(draws) if d and i % 3 == 0 and d.kind in ("slow", "drop", "truncate")]
    assert {d.applied for d in uncertain_writes} == {True, False}


def test_list_query_parsing() -> None:
    q = parse_list_query(
        Resource.CONTRACT_CONTACTS,
        [("PAGE", "3"), ("size", "5000"), ("orderBy", "fullname"), ("dir", "-1"),
         ("ContractContact_CoworkerContract", "12"), ("from_ContractContact_UpdatedOn", "2025-01-15T10:30"),
         ("Coworker_FullName", "ignored"), ("ContractContact_NoSuchField", "ignored")],
    )  # fmt: skip
    assert (q.page, q.size, q.order_field, q.descending) == (3, 1000, "FullName", True)
    assert [(f.field, f.op, f.value) for f in q.filters] == [
        ("CoworkerContractId", "eq", "12"),
        ("UpdatedOn", "from", "2025-01-15T10:30"),
    ]
    default = parse_list_query(Resource.CONTRACT_CONTACTS, [("page", "x"), ("size", "0")])
    assert (default.page, default.size) == (1, 25)
    assert parse_batch_ids("[1, 2,3]") == [1, 2, 3] and parse_batch_ids("1,2") == [1, 2]
    assert parse_batch_ids("[a]") is None
