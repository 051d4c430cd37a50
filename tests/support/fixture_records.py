"""Sandbox fixture dict (Coworkers, CoworkerContracts, ContractContacts) -> plain matching records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from app.matching import ContactEntry, ContactKind, ContractEntry


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def records_from_fixture(data: dict[str, Any]) -> tuple[list[ContractEntry], list[ContactEntry]]:
    coworkers = {c["Id"]: c for c in data.get("Coworkers", [])}
    contracts: list[ContractEntry] = []
    for c in data.get("CoworkerContracts", []):
        holder = coworkers.get(c.get("CoworkerId"), {})
        company = holder.get("CompanyName") or c.get("CoworkerCompanyName") or ""
        contracts.append(
            ContractEntry(
                contract_id=int(c["Id"]),
                company_name=company,
                billing_name=holder.get("BillingName") or company,
                holder_name=holder.get("FullName") or c.get("CoworkerFullName") or "",
                cancelled=bool(c.get("Cancelled")) or c.get("Active") is False,
                cancelled_on=_date(c.get("CancellationDate")),
                location_id=c.get("BusinessId"),
                po_box=str(c.get("PoBoxNumber") or ""),
            )
        )
    contacts = [
        ContactEntry(
            contact_id=int(cc["Id"]),
            contract_id=int(cc["CoworkerContractId"]),
            kind=ContactKind.from_api(int(cc.get("ContractContactType") or 0)),
            name=cc.get("FullName") or "",
        )
        for cc in data.get("ContractContacts", [])
    ]
    return contracts, contacts


def load_fixture(path: str | Path) -> tuple[list[ContractEntry], list[ContactEntry]]:
    return records_from_fixture(json.loads(Path(path).read_text(encoding="utf-8")))
