"""Integer enums exactly as the Nexudus API sends them (see shared/nexudus-api.md)."""

from enum import IntEnum


class ContractContactType(IntEnum):
    NONE = 0
    DIRECTOR = 1
    COMPANY_ALIAS = 2
    NOMINATED_RECIPIENT = 3


class AmlCheckStatus(IntEnum):
    NOT_STARTED = 0
    PENDING = 1
    CLEAR = 2
    POTENTIAL_MATCH = 3
    CONFIRMED_MATCH = 4
    ERROR = 5
    MANUALLY_CLEARED = 6


class HandlingPreference(IntEnum):
    NONE = 0
    STORE_FOR_COLLECTION = 1
    FORWARD = 2
    OPEN_SCAN_FORWARD = 3
    OPEN_SCAN_RECYCLE = 4
    OPEN_SCAN_SHRED = 5
    OPEN_SCAN_STORE_FOR_COLLECTION = 6
    RECYCLE = 7
    RETURN_TO_SENDER = 8
    SHRED = 9
    DEPOSIT_CHECK = 10
    UNKNOWN = 11


class DeliveryType(IntEnum):
    NONE = 0
    MAIL = 1
    PARCEL = 2
    CHECK = 3
    PUBLICITY = 4
    OTHER = 5


class CoworkerType(IntEnum):
    INDIVIDUAL = 1
    COMPANY = 2


DELIVERY_COLLECT = "DELIVERY_COLLECT"
