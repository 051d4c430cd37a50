"""Generated sandbox directories (placeholder: a minimal directory until the realistic generator lands)."""

from __future__ import annotations

import random
from typing import Any


def generate_directory(seed: int, contracts: int = 300) -> dict[str, Any]:
    rng = random.Random(seed)
    coworkers: list[dict[str, Any]] = []
    deals: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    for n in range(contracts):
        cid = 1_600_000_000 + n
        name = f"Person {n}"
        coworkers.append({"Id": cid, "FullName": name, "Email": f"p{n}@example.com", "CompanyName": f"Co {n} Ltd"})
        deals.append({"Id": 1_700_000_000 + n, "CoworkerId": cid, "IssuedById": 1, "TariffName": "Virtual Office"})
        for k in range(rng.randint(2, 6)):
            contacts.append(
                {
                    "Id": 2_200_000_000 + len(contacts),
                    "CoworkerContractId": 1_700_000_000 + n,
                    "FullName": f"Contact {n}-{k}",
                    "ContractContactType": 1,
                    "UpdatedOn": "2025-01-15T10:30:00Z",
                }
            )
    return {"Coworkers": coworkers, "CoworkerContracts": deals, "ContractContacts": contacts}
