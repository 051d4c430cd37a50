"""A small, hand-made directory for the intake tests (sandbox fixture format), and helpers to sync it.

Acme Trading Ltd (contract 100, PO box 123, parcels forwarded, letters kept for collection):
    Jane Doe (director, ID check clear), Robert Smith (nominated recipient, ID check: potential match),
    Acme Widgets (trading name)
Beacon Labs Ltd (contract 200, cancelled on 1 Mar 2025): Mary Craig (director)
Zephyr Consulting LLP (contract 300): Jan Smith (director, ID check not started)
Sam Taylor: a nominated recipient at Acme AND a director at Zephyr (a tie between contracts: never auto)
Peter Linked: a coworker with no contract contact (to link a new recipient to)
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.engine import Engine

from app.nexudus.client import NexudusClient
from app.sandbox.server import SandboxServer
from app.store import open_database
from app.sync.directory import SyncReport, pull_directory

ADMIN = "admin@sandbox.test"
PASSWORD = "sandbox"
BUSINESS_ID = 11

DIRECTORY: dict[str, Any] = {
    "Businesses": [{"Id": BUSINESS_ID, "Name": "Central House"}],
    "Coworkers": [
        {
            "Id": 501,
            "FullName": "John Holder",
            "Email": "john@acme.test",
            "CompanyName": "Acme Trading Ltd",
            "CoworkerType": 2,
            "Active": True,
        },
        {
            "Id": 502,
            "FullName": "Beatrice Beacon",
            "Email": "bea@beacon.test",
            "CompanyName": "Beacon Labs Ltd",
            "CoworkerType": 2,
            "Active": True,
        },
        {
            "Id": 503,
            "FullName": "Zed Zephyr",
            "Email": "zed@zephyr.test",
            "CompanyName": "Zephyr Consulting LLP",
            "CoworkerType": 2,
            "Active": True,
        },
        {
            "Id": 504,
            "FullName": "Peter Linked",
            "Email": "peter@linked.test",
            "CompanyName": "",
            "CoworkerType": 1,
            "Active": True,
        },
    ],
    "CoworkerContracts": [
        {
            "Id": 100,
            "CoworkerId": 501,
            "IssuedById": BUSINESS_ID,
            "Active": True,
            "Cancelled": False,
            "PoBoxNumber": "123",
            "DeliveryInstructions": "Ring twice",
            "DeliveryHandlingPreferenceParcels": 2,
            "DeliveryHandlingPreferenceMail": 1,
            "DeliveryHandlingPreferenceChecks": 10,
            "DeliveryHandlingPreferencePublicity": 7,
            "TariffName": "Virtual office",
        },
        {
            "Id": 200,
            "CoworkerId": 502,
            "IssuedById": BUSINESS_ID,
            "Active": False,
            "Cancelled": True,
            "CancellationDate": "2025-03-01T00:00:00Z",
            "TariffName": "Virtual office",
        },
        {
            "Id": 300,
            "CoworkerId": 503,
            "IssuedById": BUSINESS_ID,
            "Active": True,
            "Cancelled": False,
            "TariffName": "Virtual office",
        },
    ],
    "ContractContacts": [
        {"Id": 1001, "CoworkerContractId": 100, "FullName": "Jane Doe", "ContractContactType": 1, "AmlCheckStatus": 2},
        {
            "Id": 1002,
            "CoworkerContractId": 100,
            "FullName": "Robert Smith",
            "ContractContactType": 3,
            "AmlCheckStatus": 3,
        },
        {
            "Id": 1003,
            "CoworkerContractId": 100,
            "FullName": "Acme Widgets",
            "ContractContactType": 2,
            "AmlCheckStatus": 2,
        },
        {
            "Id": 2001,
            "CoworkerContractId": 200,
            "FullName": "Mary Craig",
            "ContractContactType": 1,
            "AmlCheckStatus": 2,
        },
        {"Id": 3001, "CoworkerContractId": 300, "FullName": "Jan Smith", "ContractContactType": 1, "AmlCheckStatus": 0},
        # the same name on two contracts: a tie, never decided automatically
        {
            "Id": 1004,
            "CoworkerContractId": 100,
            "FullName": "Sam Taylor",
            "ContractContactType": 3,
            "AmlCheckStatus": 2,
        },
        {
            "Id": 3002,
            "CoworkerContractId": 300,
            "FullName": "Sam Taylor",
            "ContractContactType": 1,
            "AmlCheckStatus": 2,
        },
    ],
}


def directory() -> dict[str, Any]:
    return copy.deepcopy(DIRECTORY)


def client_for(srv: SandboxServer) -> NexudusClient:
    client = NexudusClient(srv.url, client_id="pigeonhole-tests", timeout=(2, 5), max_read_retries=1)
    client.login(ADMIN, PASSWORD)
    return client


def sync(engine: Engine, srv: SandboxServer, *, full: bool = False) -> SyncReport:
    with client_for(srv) as client:
        return pull_directory(engine, client, full=full)


def synced_engine(url: str, srv: SandboxServer) -> Engine:
    """A database opened at `url` holding the sandbox's directory (a real sync over HTTP)."""
    engine = open_database(url)
    sync(engine, srv, full=True)
    return engine


def test_directory_syncs_as_written(sandbox_factory: Any, sqlite_url: str) -> None:
    srv = sandbox_factory(data=directory())
    engine = synced_engine(sqlite_url, srv)
    from app.store import search_contracts, session_scope

    with session_scope(engine) as session:
        found = {c.contract_id: c for c in search_contracts(session, "")}
    assert found[100].company_name == "Acme Trading Ltd"
    assert found[200].cancelled
    engine.dispose()
