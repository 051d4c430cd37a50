"""Helpers for the item-life tests: a sandbox directory whose contracts have known handling preferences, a desk
database pulled from it, and deliveries recorded and sent."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from app.nexudus.enums import AmlCheckStatus, DeliveryType, HandlingPreference
from app.nexudus.resources import Resource
from app.sandbox.server import SandboxServer
from app.store import DeliveryDraft, open_database, record_delivery, session_scope
from app.sync import OutboxSender, pull_directory
from tests.integration.sync_support import client_for, directory

HP = HandlingPreference
# contract index -> the preference set for every kind of item
PREFERENCES: tuple[HandlingPreference, ...] = (
    HP.STORE_FOR_COLLECTION,
    HP.FORWARD,
    HP.OPEN_SCAN_FORWARD,
    HP.RETURN_TO_SENDER,
    HP.SHRED,
    HP.RECYCLE,
    HP.DEPOSIT_CHECK,
    HP.OPEN_SCAN_STORE_FOR_COLLECTION,
    HP.STORE_FOR_COLLECTION,
    HP.STORE_FOR_COLLECTION,
)
CANCELLED = 8  # contract index whose contract is cancelled
FAILED_ID = 9  # contract index whose contacts failed the ID check


def item_life_directory(seed: int = 5, contracts: int = 30) -> dict[str, Any]:
    data = directory(seed, contracts)
    ordered = sorted(data["CoworkerContracts"], key=lambda r: int(r["Id"]))
    for i, contract in enumerate(ordered):
        pref = PREFERENCES[i] if i < len(PREFERENCES) else HP.STORE_FOR_COLLECTION
        for kind in ("Mail", "Parcels", "Checks", "Publicity"):
            contract[f"DeliveryHandlingPreference{kind}"] = int(pref)
        contract["Cancelled"] = i == CANCELLED
        contract["Active"] = True
    failed = int(ordered[FAILED_ID]["Id"])
    for contact in data["ContractContacts"]:
        contract_id = int(contact["CoworkerContractId"])
        contact["AmlCheckStatus"] = int(
            AmlCheckStatus.CONFIRMED_MATCH if contract_id == failed else AmlCheckStatus.CLEAR
        )
    return data


def contract_id(srv: SandboxServer, index: int) -> int:
    return sorted(int(r["Id"]) for r in srv.state.records(Resource.COWORKER_CONTRACTS))[index]


def contact_id(srv: SandboxServer, index: int) -> int | None:
    wanted = contract_id(srv, index)
    ids = sorted(
        int(r["Id"]) for r in srv.state.records(Resource.CONTRACT_CONTACTS) if int(r["CoworkerContractId"]) == wanted
    )
    return ids[0] if ids else None


def business_id(srv: SandboxServer) -> int:
    return int(srv.state.records(Resource.BUSINESSES)[0]["Id"])


def desk_database(db_url: str, srv: SandboxServer) -> Engine:
    engine = open_database(db_url)
    with client_for(srv) as client:
        pull_directory(engine, client)
    return engine


def record(
    engine: Engine,
    srv: SandboxServer,
    index: int,
    *,
    kind: DeliveryType = DeliveryType.MAIL,
    tracking: str = "",
    requires_signature: bool = False,
    name: str = "Letter",
    shelf: str = "A1",
) -> int:
    with session_scope(engine) as s:
        row = record_delivery(
            s,
            DeliveryDraft(
                contract_id=contract_id(srv, index),
                business_id=business_id(srv),
                name=name,
                location=shelf,
                shelf=shelf,
                delivery_type=kind,
                contact_id=contact_id(srv, index),
                tracking_number=tracking,
                requires_signature=requires_signature,
            ),
            actor="jo",
        )
        return row.delivery_id


def flush(engine: Engine, srv: SandboxServer, **kwargs: Any) -> Any:
    with client_for(srv) as client:
        return OutboxSender(engine, client, backoff_base=0.01, respect_backoff=False, **kwargs).flush()


def server_record(srv: SandboxServer, engine: Engine, delivery_id: int) -> dict[str, Any]:
    from sqlalchemy import select

    from app.store.tables import deliveries_table

    with engine.connect() as conn:
        nexudus_id = conn.execute(
            select(deliveries_table.c.nexudus_id).where(deliveries_table.c.id == delivery_id)
        ).scalar()
    assert nexudus_id is not None, "the delivery has not reached the sandbox"
    found = srv.state.get(Resource.COWORKER_DELIVERIES, int(nexudus_id))
    assert found is not None
    return found
