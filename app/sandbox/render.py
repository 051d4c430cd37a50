"""Turning a stored (sparse) record into the record a GET answers: template defaults, stored fields, echo fields.

Echo fields are read-only and come from the links at read time, so a change to a coworker shows on its contacts
at once. Where a link does not resolve, whatever the record itself carries (e.g. from a fixture) is kept.

A contact's `Coworker*` echo fields follow the naming convention: they describe the contact's own `CoworkerId`
(and a linked contact takes its `FullName` and `Email` from that coworker, documented). INFERRED: a contact with no
coworker of its own shows the contract holder's, which is what the desk shows next to a contact.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from app.nexudus.resources import Resource
from app.sandbox.shapes import TEMPLATES

Lookup = Callable[[Resource, Any], "dict[str, Any] | None"]
Record = dict[str, Any]

_UNIQUE_ID_NAMESPACE = uuid.UUID("5b1f4c52-6a0e-4c43-9a52-70696765686f")


def stable_unique_id(resource: Resource, record_id: int) -> str:
    """A GUID for a fixture record that came without one: the same on every load."""
    return str(uuid.uuid5(_UNIQUE_ID_NAMESPACE, f"{resource.entity}/{record_id}"))


def render(lookup: Lookup, resource: Resource, stored: Record) -> Record:
    out = dict(TEMPLATES[resource])
    out.update(stored)
    fill = _FILLERS.get(resource)
    if fill is not None:
        fill(lookup, out)
    return out


_HOLDER_ECHO = (
    ("CoworkerFullName", "FullName"),
    ("CoworkerCompanyName", "CompanyName"),
    ("CoworkerBillingName", "BillingName"),
    ("CoworkerEmail", "Email"),
)


def _fill_contract(lookup: Lookup, out: Record) -> None:
    holder = lookup(Resource.COWORKERS, out["CoworkerId"])
    if holder is not None:
        for echo, name in _HOLDER_ECHO:
            out[echo] = holder.get(name)


def _fill_contact(lookup: Lookup, out: Record) -> None:
    linked = lookup(Resource.COWORKERS, out["CoworkerId"]) if out["CoworkerId"] is not None else None
    if linked is not None:
        out["FullName"] = linked.get("FullName")
        out["Email"] = linked.get("Email")
    contract = lookup(Resource.COWORKER_CONTRACTS, out["CoworkerContractId"])
    if contract is not None:
        out["CoworkerContractTariffName"] = contract.get("TariffName")
        holder = linked or lookup(Resource.COWORKERS, contract.get("CoworkerId"))
        if holder is not None:
            for echo, name in _HOLDER_ECHO:
                out[echo] = holder.get(name)
            out["CoworkerActive"] = holder.get("Active", True)
        else:  # the contract's own echo fields (e.g. from a fixture without coworkers)
            for echo, _ in _HOLDER_ECHO:
                out[echo] = contract.get(echo)
    if out["CountryId"] is not None:
        country = lookup(Resource.COUNTRIES, out["CountryId"])
        if country is not None:
            out["CountryName"] = country.get("Name")


def _fill_delivery(lookup: Lookup, out: Record) -> None:
    business = lookup(Resource.BUSINESSES, out["BusinessId"])
    if business is not None:
        out["BusinessName"] = business.get("Name")
    contact_stored = lookup(Resource.CONTRACT_CONTACTS, out["ContractContactId"])
    contact = None if contact_stored is None else render(lookup, Resource.CONTRACT_CONTACTS, contact_stored)
    if contact is not None:
        out["ContractContactFullName"] = contact["FullName"]
        out["ContractContactEmail"] = contact["Email"]
    coworker = lookup(Resource.COWORKERS, out["CoworkerId"])
    if coworker is not None:
        out["CoworkerFullName"] = coworker.get("FullName")
        out["CoworkerEmail"] = coworker.get("Email")
    elif contact is not None:
        out["CoworkerFullName"] = contact["CoworkerFullName"]
        out["CoworkerEmail"] = contact["CoworkerEmail"]


_FILLERS: dict[Resource, Callable[[Lookup, Record], None]] = {
    Resource.COWORKER_CONTRACTS: _fill_contract,
    Resource.CONTRACT_CONTACTS: _fill_contact,
    Resource.COWORKER_DELIVERIES: _fill_delivery,
}
