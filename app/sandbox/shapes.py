"""The shape of each resource's records as the sandbox answers them.

Records are stored sparse (only the fields that were given); a read starts from the resource's template below
(every documented field, in a stable order, with its default) and adds the stored fields and the read-only echo
fields computed from the links (see `render.py`).
"""

from __future__ import annotations

from typing import Any

from app.nexudus.enums import AmlCheckStatus, ContractContactType, CoworkerType, HandlingPreference
from app.nexudus.resources import Resource
from app.nexudus.validation_rules import (
    DELIVERY_FILE_SLOTS,
    DELIVERY_OUTCOME_FLAGS,
    DELIVERY_PRODUCT_FIELDS,
)

META_FIELDS: dict[str, Any] = {
    "Id": None,
    "UniqueId": None,
    "CreatedOn": None,
    "UpdatedOn": None,
    "UpdatedBy": None,
    "IsNew": False,
    "SystemId": None,
}

CONTRACT_CONTACT_WRITABLE: dict[str, Any] = {
    "CoworkerContractId": None,
    "CoworkerId": None,
    "FullName": None,
    "Email": None,
    "ContractContactType": int(ContractContactType.DIRECTOR),
    "DateOfBirth": None,
    "Address": None,
    "PostCode": None,
    "CityName": None,
    "State": None,
    "CountryId": None,
    "PhoneNumber": None,
    "Notes": None,
    "AmlCheckStatus": int(AmlCheckStatus.NOT_STARTED),
    "AmlCheckDate": None,
    "AmlNotes": None,
    "AmlClearedBy": None,
    "AmlClearedOn": None,
}

CONTRACT_CONTACT_ECHO = (
    "CoworkerFullName",
    "CoworkerCompanyName",
    "CoworkerBillingName",
    "CoworkerEmail",
    "CoworkerActive",
    "CoworkerContractTariffName",
    "CountryName",
)

DELIVERY_OUTCOME_FIELDS: dict[str, Any] = {
    key: value for flag in DELIVERY_OUTCOME_FLAGS for key, value in ((flag, False), (f"{flag}On", None))
}
DELIVERY_FILE_NAME_FIELDS: tuple[str, ...] = tuple(f"{slot}FileName" for slot in DELIVERY_FILE_SLOTS)
# INFERRED: `New{Slot}Url` is write-only (a URL the server fetches the file from); the sandbox accepts a `data:`
# URL, keeps the bytes (app.sandbox.delivery_files), and never echoes the field back.
DELIVERY_FILE_URL_FIELDS: tuple[str, ...] = tuple(f"New{slot}Url" for slot in DELIVERY_FILE_SLOTS)

COWORKER_DELIVERY_WRITABLE: dict[str, Any] = {
    "BusinessId": None,
    "Name": None,
    "Location": None,
    "DeliveryType": None,
    "CoworkerId": None,
    "ContractContactId": None,
    "ReceivedBy": None,
    "Notes": None,
    "RequiresSignature": False,
    "HandlingPreference": int(HandlingPreference.NONE),
    "Collected": False,
    "CollectedOn": None,
    **DELIVERY_OUTCOME_FIELDS,
    "Signed": False,
    "Notified": False,
    "Billed": False,
    **dict.fromkeys(DELIVERY_PRODUCT_FIELDS),
    **dict.fromkeys(DELIVERY_FILE_NAME_FIELDS),
}

COWORKER_DELIVERY_ECHO = (
    "BusinessName",
    "CoworkerFullName",
    "CoworkerEmail",
    "ContractContactFullName",
    "ContractContactEmail",
)

COWORKER_CONTRACT_FIELDS: dict[str, Any] = {
    "CoworkerId": None,
    "CoworkerFullName": None,
    "CoworkerCompanyName": None,
    "CoworkerBillingName": None,
    "CoworkerEmail": None,
    "IssuedById": None,
    "TariffId": None,
    "TariffName": None,
    "Active": True,
    "Cancelled": False,
    "CancellationDate": None,
    "StartDate": None,
    "PoBoxNumber": None,
    "DeliveryInstructions": None,
    "DeliveryHandlingPreferenceMail": int(HandlingPreference.NONE),
    "DeliveryHandlingPreferenceParcels": int(HandlingPreference.NONE),
    "DeliveryHandlingPreferenceChecks": int(HandlingPreference.NONE),
    "DeliveryHandlingPreferencePublicity": int(HandlingPreference.NONE),
}

COWORKER_FIELDS: dict[str, Any] = {
    "CoworkerType": int(CoworkerType.INDIVIDUAL),
    "FullName": None,
    "Email": None,
    "CompanyName": None,
    "BillingName": None,
    "NickName": None,
    "Salutation": None,
    "Active": True,
    "MobilePhone": None,
    "Address": None,
    "PostCode": None,
    "CityName": None,
    "CountryId": None,
    "NotifyOnDelivery": True,
}

TEMPLATES: dict[Resource, dict[str, Any]] = {
    Resource.CONTRACT_CONTACTS: {
        **META_FIELDS,
        **CONTRACT_CONTACT_WRITABLE,
        **dict.fromkeys(CONTRACT_CONTACT_ECHO),
    },
    Resource.COWORKER_DELIVERIES: {
        **META_FIELDS,
        **COWORKER_DELIVERY_WRITABLE,
        **dict.fromkeys(COWORKER_DELIVERY_ECHO),
    },
    Resource.COWORKER_CONTRACTS: {**META_FIELDS, **COWORKER_CONTRACT_FIELDS},
    Resource.COWORKERS: {**META_FIELDS, **COWORKER_FIELDS},
    Resource.COUNTRIES: {**META_FIELDS, "Name": None, "TwoDigitsCode": None, "Culture": None},
    Resource.BUSINESSES: {**META_FIELDS, "Name": None, "RootLocationId": None},
}

# What a client may write (create/update); anything else in a body is ignored, like Nexudus ignores unknown or
# read-only properties. A PUT clears writable fields it leaves out (the documented risk of a partial PUT).
WRITABLE: dict[Resource, dict[str, Any]] = {
    Resource.CONTRACT_CONTACTS: CONTRACT_CONTACT_WRITABLE,
    Resource.COWORKER_DELIVERIES: COWORKER_DELIVERY_WRITABLE,
}
SETTABLE_ON_CREATE = ("UniqueId", "CreatedOn", "IsNew", "SystemId")

# Read-only echo fields: filled from the links on read, never stored from a write.
ECHO_FIELDS: dict[Resource, tuple[str, ...]] = {
    Resource.CONTRACT_CONTACTS: CONTRACT_CONTACT_ECHO,
    Resource.COWORKER_DELIVERIES: COWORKER_DELIVERY_ECHO,
    Resource.COWORKER_CONTRACTS: ("CoworkerFullName", "CoworkerCompanyName", "CoworkerBillingName", "CoworkerEmail"),
}

# Fields a batch get leaves out (documented: coworker batch results have no CompanyName).
OMITTED_IN_BATCH: dict[Resource, tuple[str, ...]] = {
    Resource.COWORKERS: ("CompanyName",),
}

# Operations each resource supports beyond list and get (batch get is a list).
WRITABLE_RESOURCES = frozenset({Resource.CONTRACT_CONTACTS, Resource.COWORKER_DELIVERIES})
# GET {path}/{name}/{id}: a file of a delivery (getfiledata and getsignature documented; the other two INFERRED).
FILE_ENDPOINTS: dict[str, str] = {
    "getfiledata": "FileData",
    "getsignature": "Signature",
    "getscannedfiledata": "ScannedFileData",
    "getforwardedfiledata": "ForwardedFileData",
}
COMMANDS: dict[Resource, frozenset[str]] = {
    Resource.COWORKER_DELIVERIES: frozenset({"DELIVERY_COLLECT"}),
}

# Fixture-format keys (DESIGN.md "The sandbox fixture format").
FIXTURE_KEYS: dict[Resource, str] = {
    Resource.BUSINESSES: "Businesses",
    Resource.COUNTRIES: "Countries",
    Resource.COWORKERS: "Coworkers",
    Resource.COWORKER_CONTRACTS: "CoworkerContracts",
    Resource.CONTRACT_CONTACTS: "ContractContacts",
    Resource.COWORKER_DELIVERIES: "CoworkerDeliveries",
}


def resolve_resource(name: Resource | str) -> Resource:
    """A Resource from itself, its entity name, its fixture key or its path ("billing/contractcontacts")."""
    if isinstance(name, Resource):
        return name
    wanted = name.strip("/").lower()
    if wanted.startswith("api/"):
        wanted = wanted[4:]
    for res in Resource:
        if wanted in (res.entity.lower(), FIXTURE_KEYS[res].lower(), res.path.lower(), res.path.split("/")[-1]):
            return res
    raise KeyError(f"unknown resource {name!r}")
