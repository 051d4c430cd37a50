"""The client reads every documented way real Nexudus may answer (issue 14, the tolerant reader): the sandbox
answers each way (`--variant`, app/sandbox/variants.py) and each test runs both ways.

Before: a batch get answering 404 raised (deletions never applied), a 429 saying "Wait N seconds" without
Retry-After was waited out blindly, a list without HasNextPage ended after its first page, a missing reference
named `CoworkerContract` was a general error, and two-factor was recognised only in the sandbox's own words."""

from __future__ import annotations

from typing import Any

import pytest

from app.nexudus import errors
from app.nexudus.client import NexudusClient, has_next_page, wait_from_body
from app.nexudus.resources import Resource
from app.nexudus.schemas import PageInfo
from app.sandbox.auth import TWO_FACTOR_EMAIL
from app.sandbox.server import SandboxServer
from app.sandbox.variants import Variants
from tests.fixtures.sandbox import SandboxFactory
from tests.integration.sync_support import client_for


def _srv(factory: SandboxFactory, variant: str) -> SandboxServer:
    return factory(seed=3, contracts=12, variants=variant)


@pytest.mark.parametrize("variant", ["batch=array", "batch=404"])
def test_a_batch_get_of_ids_that_are_gone(sandbox_factory: SandboxFactory, variant: str) -> None:
    srv = _srv(sandbox_factory, variant)
    some = [int(r["Id"]) for r in srv.state.records(Resource.CONTRACT_CONTACTS)[:2]]
    with client_for(srv) as client:
        assert client.get_many(Resource.CONTRACT_CONTACTS, [999_999_991, 999_999_992]) == []
        assert {int(r["Id"]) for r in client.get_many(Resource.CONTRACT_CONTACTS, [*some, 999_999_993])} == set(some)


@pytest.mark.parametrize("variant", ["throttle=409-header", "throttle=429-body"])
def test_a_throttled_answer_says_how_long_to_wait(sandbox_factory: SandboxFactory, variant: str) -> None:
    srv = _srv(sandbox_factory, variant)
    srv.set_faults("throttle=1,retry_after=7")
    with client_for(srv, max_throttle_retries=0) as client, pytest.raises(errors.ThrottledError) as info:
        client.get_many(Resource.CONTRACT_CONTACTS, [1])
    assert info.value.retry_after == 7.0
    assert wait_from_body(b'{"Message": "Quota exceeded. Wait 12 seconds."}') == 12.0
    assert wait_from_body(b"slow down") is None


@pytest.mark.parametrize("variant", ["paging=has-next", "paging=no-has-next"])
def test_every_page_is_read_with_or_without_has_next_page(sandbox_factory: SandboxFactory, variant: str) -> None:
    srv = _srv(sandbox_factory, variant)
    with client_for(srv) as client:
        pages = list(client.iter_pages(Resource.CONTRACT_CONTACTS, size=7))
    assert len(pages) > 2
    assert sum(len(p.records) for p in pages) == srv.state.count(Resource.CONTRACT_CONTACTS)
    assert has_next_page(PageInfo(current_page=2, total_pages=3)) and not has_next_page(
        PageInfo(current_page=3, total_pages=3)
    )


@pytest.mark.parametrize("variant", ["refs=id", "refs=relation"])
def test_a_missing_reference_belongs_to_its_field(sandbox_factory: SandboxFactory, variant: str) -> None:
    srv = _srv(sandbox_factory, variant)
    with client_for(srv) as client, pytest.raises(errors.ValidationError) as info:
        client.create(
            Resource.CONTRACT_CONTACTS,
            {"CoworkerContractId": 999_999, "FullName": "Nobody Known", "ContractContactType": 1},
        )
    assert "CoworkerContractId" in info.value.by_field(), info.value.by_field()
    assert "" not in info.value.by_field()


@pytest.mark.parametrize("variant", ["two-factor=sandbox", "two-factor=plain"])
def test_the_two_factor_prompt_in_any_words(sandbox_factory: SandboxFactory, variant: str) -> None:
    srv = _srv(sandbox_factory, variant)
    with NexudusClient(srv.url, client_id="t") as client, pytest.raises(errors.TwoFactorRequired):
        client.login(TWO_FACTOR_EMAIL, "sandbox")
    with NexudusClient(srv.url, client_id="t") as client, pytest.raises(errors.AuthenticationError) as info:
        client.login(TWO_FACTOR_EMAIL, "wrong password")
    assert not isinstance(info.value, errors.TwoFactorRequired)


def test_a_contacts_coworker_fields_come_from_its_own_coworker(sandbox_factory: SandboxFactory) -> None:
    srv = _srv(sandbox_factory, "")
    contact: dict[str, Any] = srv.state.records(Resource.CONTRACT_CONTACTS)[0]
    contract = srv.state.get(Resource.COWORKER_CONTRACTS, contact["CoworkerContractId"]) or {}
    other = next(c for c in srv.state.records(Resource.COWORKERS) if c["Id"] != contract.get("CoworkerId"))
    srv.state.update_record(Resource.CONTRACT_CONTACTS, contact["Id"], {"CoworkerId": other["Id"]})
    with client_for(srv) as client:
        got = client.get(Resource.CONTRACT_CONTACTS, contact["Id"])
    assert got["CoworkerFullName"] == other["FullName"] and got["CoworkerEmail"] == other["Email"]


def test_variants_parse_and_refuse_unknown_ones() -> None:
    assert Variants.parse(["throttle=429-body", "two-factor=plain"]).describe() == "throttle=429-body, two-factor=plain"
    with pytest.raises(ValueError):
        Variants.parse("throttle=carrier-pigeon")
    with pytest.raises(ValueError):
        Variants.parse("colour=blue")
