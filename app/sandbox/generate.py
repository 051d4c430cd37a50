"""A realistic virtual-office directory, generated from a seed, in the sandbox fixture format.

`generate_directory(seed, contracts)` builds, deterministically per seed: three locations (Businesses), every
country, one customer (Coworker) per contract — companies with legal forms in many jurisdictions, and
individuals — plus members who are also directors, the contracts (tariffs, handling preferences, PO boxes,
delivery instructions, some cancelled) and about 4-5 contacts per contract: directors (some linked to their
coworker record), trading names and legal names (CompanyAlias, some in Chinese, Greek, Cyrillic or Arabic
script), and nominated recipients (people from other locales, "Accounts Department"...), with dates of birth,
addresses, AML statuses and notes; and recent deliveries. Dates spread over the years before `REFERENCE_TIME`.

Records are sparse (fields without a value are left out) to keep 200,000-contract directories in memory; the
server fills every field when it answers. Ids are above 2**31 for contacts and deliveries, so 32-bit storage
fails loudly.
"""

from __future__ import annotations

import random
import re
import time
from bisect import bisect_right
from calendar import timegm
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Generic, TypeVar

from anyascii import anyascii

from app.nexudus.enums import (
    AmlCheckStatus,
    ContractContactType,
    CoworkerType,
    DeliveryType,
    HandlingPreference,
)
from app.sandbox.countries import builtin_countries
from app.sandbox.locales import (
    ACCOUNTS_RECIPIENTS,
    AML_NOTES,
    CONTACT_NOTES,
    DELIVERY_INSTRUCTIONS,
    ENGLISH_ADJECTIVES,
    ENGLISH_NOUNS,
    LOCALES,
    TARIFFS,
    US,
    Locale,
)

Record = dict[str, Any]
T = TypeVar("T")

REFERENCE_TIME = timegm((2026, 11, 1, 9, 0, 0, 0, 0, 0))  # "now" for generated data, fixed for determinism
DAY = 86_400
YEAR = 365 * DAY

BUSINESSES = (
    "Pigeonhole Works London Bridge",
    "Pigeonhole Works Manchester Piccadilly",
    "Pigeonhole Works Dublin Docklands",
)
BUSINESS_WEIGHTS = (0.55, 0.25, 0.2)
BUSINESS_ID_BASE = 1_414_000_000
COWORKER_ID_BASE = 1_600_000_000
CONTRACT_ID_BASE = 1_700_000_000
CONTACT_ID_BASE = 2_200_000_000
DELIVERY_ID_BASE = 2_600_000_000

STAFF = (
    "reception@pigeonhole-works.example",
    "sarah.okafor@pigeonhole-works.example",
    "tom.reilly@pigeonhole-works.example",
    "ops@pigeonhole-works.example",
)
CN_BRANDS = ("Huaxin", "Dongfang", "Jinhai", "Hengtong", "Xinhua", "Ruifeng", "Changcheng", "Tianyu")
ABBREVIATED_FIRST = 0.04  # "J. Smith"
UPPER_SURNAME = {"fr": 0.15, "de": 0.03, "es": 0.03}

_GUID_MASK = ~(0xF000 << 64) & ~(0xC000 << 48)
_GUID_BITS = (0x4000 << 64) | (0x8000 << 48)
_SLUG = re.compile(r"[^a-z0-9]+")


class _Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once (random.choices recomputes them per call)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cum = list(accumulate(weights))

    def draw(self, rng: random.Random) -> T:
        return self.items[bisect_right(self.cum, rng.random() * self.cum[-1])]


_HP = HandlingPreference
_LOCALE = _Weighted(LOCALES, [loc.weight for loc in LOCALES])
_DIRECTORS = _Weighted((1, 2, 3), (0.5, 0.35, 0.15))
_RECIPIENTS = _Weighted((0, 1, 2, 3, 4), (0.15, 0.3, 0.3, 0.17, 0.08))
_TARIFF = _Weighted(range(len(TARIFFS)), [w for _, w in TARIFFS])
_BUSINESS = _Weighted(range(len(BUSINESSES)), BUSINESS_WEIGHTS)
_DELIVERY_TYPE = _Weighted(list(DeliveryType)[1:], (0.6, 0.3, 0.03, 0.05, 0.02))
_AML_DIRECTOR = _Weighted(list(AmlCheckStatus), (0.15, 0.08, 0.6, 0.05, 0.01, 0.02, 0.09))
_AML_OTHER = _Weighted(list(AmlCheckStatus), (0.5, 0.1, 0.35, 0.02, 0.0, 0.01, 0.02))
_HANDLING: dict[str, _Weighted[HandlingPreference]] = {
    "DeliveryHandlingPreferenceMail": _Weighted(
        (_HP.OPEN_SCAN_FORWARD, _HP.STORE_FOR_COLLECTION, _HP.FORWARD, _HP.OPEN_SCAN_STORE_FOR_COLLECTION,
         _HP.OPEN_SCAN_SHRED, _HP.OPEN_SCAN_RECYCLE, _HP.NONE),
        (0.25, 0.3, 0.2, 0.1, 0.05, 0.05, 0.05),
    ),
    "DeliveryHandlingPreferenceParcels": _Weighted(
        (_HP.STORE_FOR_COLLECTION, _HP.FORWARD, _HP.RETURN_TO_SENDER, _HP.NONE), (0.6, 0.3, 0.05, 0.05)
    ),
    "DeliveryHandlingPreferenceChecks": _Weighted(
        (_HP.DEPOSIT_CHECK, _HP.STORE_FOR_COLLECTION, _HP.FORWARD, _HP.UNKNOWN), (0.3, 0.5, 0.15, 0.05)
    ),
    "DeliveryHandlingPreferencePublicity": _Weighted(
        (_HP.RECYCLE, _HP.SHRED, _HP.STORE_FOR_COLLECTION, _HP.NONE), (0.5, 0.1, 0.3, 0.1)
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Person:
    given: str
    surname: str
    full_name: str
    female: bool
    locale: Locale


def _ts(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _slug(text: str, sep: str = "") -> str:
    return _SLUG.sub(sep, anyascii(text).lower()).strip(sep)


class _Generator:
    def __init__(self, seed: int, contracts: int) -> None:
        self.rng = random.Random(seed)
        self.n_contracts = contracts
        self.countries = builtin_countries()
        self.country_ids = {c["TwoDigitsCode"]: c["Id"] for c in self.countries}
        self.next_ids = {
            "coworker": COWORKER_ID_BASE,
            "contract": CONTRACT_ID_BASE,
            "contact": CONTACT_ID_BASE,
            "delivery": DELIVERY_ID_BASE,
        }
        self.businesses = [
            {
                "Id": BUSINESS_ID_BASE + i + 1,
                "UniqueId": self.guid(),
                "Name": name,
                "RootLocationId": BUSINESS_ID_BASE + 1,
                "CreatedOn": _ts(REFERENCE_TIME - 9 * YEAR),
                "UpdatedOn": _ts(REFERENCE_TIME - 2 * YEAR + i * DAY),
                "UpdatedBy": STAFF[0],
            }
            for i, name in enumerate(BUSINESSES)
        ]
        self.coworkers: list[Record] = []
        self.contracts: list[Record] = []
        self.contacts: list[Record] = []
        self.deliveries: list[Record] = []

    # --- small helpers --------------------------------------------------------------------------------------------
    def guid(self) -> str:
        """A version-4 GUID from the seeded generator."""
        h = f"{self.rng.getrandbits(128) & _GUID_MASK | _GUID_BITS:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def randint(self, a: int, b: int) -> int:
        return a + int(self.rng.random() * (b - a + 1))

    def new_id(self, kind: str) -> int:
        self.next_ids[kind] += self.randint(1, 7)  # gaps, as in a real database
        return self.next_ids[kind]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.rng.random() * len(items))]

    def locale(self) -> Locale:
        return _LOCALE.draw(self.rng)

    def fill_pattern(self, pattern: str) -> str:
        letters = "ABCDEFGHJKLMNPRSTUVWXY"
        return "".join(
            str(self.randint(0, 9)) if ch == "#" else self.pick(letters) if ch == "A" else ch for ch in pattern
        )

    def stamp(self, start: float) -> tuple[str, str]:
        """CreatedOn at `start`, UpdatedOn later, mostly within the last two years."""
        span = max(DAY, REFERENCE_TIME - start)
        updated = REFERENCE_TIME - span * (self.rng.random() ** 2.5)
        return _ts(start), _ts(updated)

    # --- people and companies -------------------------------------------------------------------------------------
    def person(self, loc: Locale | None = None) -> Person:
        rng = self.rng
        loc = loc or self.locale()
        female = rng.random() < 0.5
        names = loc.female if female else loc.male
        given = self.pick(names)
        if loc.key == "cn" and self.chance(0.12):
            given = self.pick(US.female if female else US.male)  # an English name, "Kevin Wang"
        surname = self.pick(loc.surnames)
        native_given = (loc.native_female if female else loc.native_male).get(given)
        native_surname = loc.native_surnames.get(surname)
        if native_given and native_surname and self.chance(loc.native_share):
            sep = "" if loc.key == "cn" else " "
            full = native_surname + sep + native_given if loc.key == "cn" else native_given + sep + native_surname
            return Person(given, surname, full, female, loc)
        shown_surname = surname
        if self.chance(loc.double_surname):
            shown_surname = f"{surname} {self.pick(loc.surnames)}"
        if self.chance(UPPER_SURNAME.get(loc.key, 0.0)):
            shown_surname = shown_surname.upper()
        shown_given = given
        if self.chance(loc.middle_name):
            middle = self.pick(names)
            if middle != given:
                shown_given = f"{given} {middle}"
        if self.chance(ABBREVIATED_FIRST):
            shown_given = given[0] + "."
        full = f"{shown_surname} {shown_given}" if self.chance(loc.surname_first) else f"{shown_given} {shown_surname}"
        return Person(given, surname, full, female, loc)

    def email(self, person: Person, domain: str | None) -> str:
        first, last = _slug(person.given.split(" ")[0]), _slug(person.surname)
        style = self.rng.random()
        if domain is None:
            domain = self.pick(("mail.example", "inbox.example", "post.example.org", "webmail.example.net"))
            local = f"{first}.{last}{self.randint(1, 99)}" if style < 0.5 else f"{first}{last}"
        elif style < 0.55:
            local = f"{first}.{last}"
        elif style < 0.8:
            local = first
        else:
            local = f"{first[:1]}{last}"
        return f"{local or 'info'}@{domain}"

    def company(self, loc: Locale, founders: list[Person]) -> tuple[str, str]:
        """(legal name, name without the legal form)."""
        rng = self.rng
        surname = founders[0].surname
        roll = rng.random()
        if loc.key == "cn":
            brand = self.pick(CN_BRANDS)
            base = f"{self.pick(loc.cities)} {brand} {self.pick(loc.trade_words)}"
        elif roll < 0.3:
            word = self.pick(loc.trade_words)
            word_first = loc.key in ("es", "fr", "it", "pt")
            base = f"{word} {surname}" if word_first else f"{surname} {word}"
        elif roll < 0.6:
            base = f"{self.pick(ENGLISH_ADJECTIVES)} {self.pick(loc.trade_words)}"
        elif roll < 0.72 and len(founders) > 1:
            base = f"{surname} & {founders[1].surname}"
        elif roll < 0.8:
            base = f"{self.pick(ENGLISH_ADJECTIVES)} {self.pick(ENGLISH_ADJECTIVES)} {self.pick(ENGLISH_NOUNS)}"
        elif roll < 0.88:
            letters = "".join(self.pick(tuple("ABCDEFGHJKLMNPRSTW")) for _ in range(self.randint(2, 3)))
            base = f"{letters} {self.pick(loc.trade_words)}"
        else:
            base = f"{self.pick(ENGLISH_ADJECTIVES)}{self.pick(('works', 'ly', 'hub', 'base', 'point', 'field'))}"
        return f"{base} {self.pick(loc.legal_forms)}", base

    def native_company(self, loc: Locale) -> str | None:
        if not loc.native_company_words:
            return None
        return (
            self.pick(loc.native_company_words) + (" " if loc.key != "cn" else "") + self.pick(loc.native_legal_forms)
        )

    def address(self, loc: Locale) -> tuple[str, str, str, int]:
        street = self.pick(loc.surnames)
        n = self.randint(1, 240)
        if loc.key in ("de", "nordic", "pl", "nl"):
            line = f"{street}{'straße' if loc.key == 'de' else 'vej' if loc.key == 'nordic' else 'weg'} {n}"
        elif loc.key in ("fr",):
            line = f"{n} rue {street}"
        elif loc.key in ("es", "pt", "it"):
            line = f"Calle {street}, {n}"
        else:
            line = f"{n} {street} {self.pick(('Road', 'Street', 'Lane', 'Avenue', 'Court', 'Gardens'))}"
        country = loc.countries[0] if self.chance(0.8) else self.pick(loc.countries)
        return line, self.fill_pattern(loc.postcode), self.pick(loc.cities), self.country_ids.get(country, 0)

    def phone(self, loc: Locale) -> str:
        return f"{loc.phone_prefix} {self.randint(1000, 9999)} {self.randint(1000, 9999)}"

    # --- records --------------------------------------------------------------------------------------------------
    def coworker(
        self, person: Person, start: float, *, company: str | None, domain: str | None, active: bool
    ) -> Record:
        loc = person.locale
        created, updated = self.stamp(start)
        line, postcode, city, country_id = self.address(loc)
        rec: Record = {
            "Id": self.new_id("coworker"),
            "UniqueId": self.guid(),
            "CoworkerType": int(CoworkerType.COMPANY if company else CoworkerType.INDIVIDUAL),
            "FullName": person.full_name,
            "Email": self.email(person, domain),
            "Salutation": self.pick(loc.salutations_female if person.female else loc.salutations_male),
            "Active": active,
            "MobilePhone": self.phone(loc),
            "Address": line,
            "PostCode": postcode,
            "CityName": city,
            "CountryId": country_id,
            "NotifyOnDelivery": self.chance(0.85),
            "CreatedOn": created,
            "UpdatedOn": updated,
            "UpdatedBy": self.pick(STAFF),
        }
        if company:
            rec["CompanyName"] = company
            rec["BillingName"] = company if self.chance(0.85) else f"Accounts, {company}"
        else:
            rec["BillingName"] = person.full_name
        if person.given[:1] and self.chance(0.1):
            rec["NickName"] = person.given.split(" ")[0][:5]
        self.coworkers.append(rec)
        return rec

    def contact(
        self,
        contract: Record,
        name: str,
        kind: ContractContactType,
        start: float,
        *,
        person: Person | None = None,
        coworker: Record | None = None,
        domain: str | None = None,
    ) -> Record:
        rng = self.rng
        created, updated = self.stamp(start + rng.random() * 30 * DAY)
        rec: Record = {
            "Id": self.new_id("contact"),
            "UniqueId": self.guid(),
            "CoworkerContractId": contract["Id"],
            "FullName": name,
            "ContractContactType": int(kind),
            "CreatedOn": created,
            "UpdatedOn": updated,
            "UpdatedBy": self.pick(STAFF),
        }
        if coworker is not None:
            rec["CoworkerId"] = coworker["Id"]
            rec["FullName"] = coworker["FullName"]
            rec["Email"] = coworker["Email"]
        elif person is not None and self.chance(0.7):
            rec["Email"] = self.email(person, domain)
        elif kind is ContractContactType.COMPANY_ALIAS and domain and self.chance(0.2):
            rec["Email"] = f"{self.pick(('info', 'hello', 'office', 'post'))}@{domain}"
        if person is not None:
            loc = person.locale
            if kind is ContractContactType.DIRECTOR and self.chance(0.6):
                age = self.randint(22, 78) * YEAR + self.randint(0, YEAR)
                rec["DateOfBirth"] = _ts(REFERENCE_TIME - age - (REFERENCE_TIME - age) % DAY)
            if self.chance(0.4):
                line, postcode, city, country_id = self.address(loc)
                rec.update(Address=line, PostCode=postcode, CityName=city, CountryId=country_id)
            if self.chance(0.4):
                rec["PhoneNumber"] = self.phone(loc)
            self.aml(rec, kind)
        if self.chance(0.08):
            rec["Notes"] = self.pick(CONTACT_NOTES)
        self.contacts.append(rec)
        return rec

    def aml(self, rec: Record, kind: ContractContactType) -> None:
        if kind is ContractContactType.COMPANY_ALIAS:
            return
        status = (_AML_DIRECTOR if kind is ContractContactType.DIRECTOR else _AML_OTHER).draw(self.rng)
        if status is AmlCheckStatus.NOT_STARTED:
            return
        checked = REFERENCE_TIME - self.rng.random() * 3 * YEAR
        rec["AmlCheckStatus"] = int(status)
        rec["AmlCheckDate"] = _ts(checked)
        if status in (AmlCheckStatus.POTENTIAL_MATCH, AmlCheckStatus.CONFIRMED_MATCH, AmlCheckStatus.ERROR):
            rec["AmlNotes"] = self.pick(AML_NOTES)
        if status is AmlCheckStatus.MANUALLY_CLEARED:
            rec["AmlNotes"] = self.pick(AML_NOTES)
            rec["AmlClearedBy"] = self.pick(STAFF)
            rec["AmlClearedOn"] = _ts(checked + self.randint(1, 20) * DAY)

    def handling(self, rec: Record) -> None:
        for name, choice in _HANDLING.items():
            rec[name] = int(choice.draw(self.rng))

    def contract(self) -> None:
        rng = self.rng
        loc = self.locale()
        start = REFERENCE_TIME - rng.random() * 8 * YEAR - 10 * DAY
        cancelled = self.chance(0.07)
        is_company = self.chance(0.72)
        n_directors = 1 if not is_company else _DIRECTORS.draw(rng)
        founders = [self.person(loc) for _ in range(n_directors)]
        legal = base = None
        if is_company:
            legal, base = self.company(loc, founders)
        domain = f"{_slug(base)}.example" if base else None
        own_domain = domain or (f"{_slug(founders[0].surname)}.example" if self.chance(0.3) else None)
        holder = self.coworker(
            founders[0], start, company=legal, domain=own_domain, active=not cancelled or self.chance(0.3)
        )
        tariff_i = _TARIFF.draw(rng)
        created, updated = self.stamp(start)
        contract: Record = {
            "Id": self.new_id("contract"),
            "UniqueId": self.guid(),
            "CoworkerId": holder["Id"],
            "IssuedById": self.businesses[_BUSINESS.draw(rng)]["Id"],
            "TariffId": 3_000 + tariff_i,
            "TariffName": TARIFFS[tariff_i][0],
            "Active": not cancelled,
            "Cancelled": cancelled,
            "StartDate": _ts(start - start % DAY),
            "CreatedOn": created,
            "UpdatedOn": updated,
            "UpdatedBy": self.pick(STAFF),
        }
        if cancelled:
            end = start + rng.random() * (REFERENCE_TIME - start)
            contract["CancellationDate"] = _ts(end - end % DAY)
        if self.chance(0.2):
            contract["PoBoxNumber"] = f"PO Box {self.randint(100, 9999)}"
        if self.chance(0.25):
            contract["DeliveryInstructions"] = self.pick(DELIVERY_INSTRUCTIONS)
        self.handling(contract)
        self.contracts.append(contract)
        contacts = self.contract_contacts(contract, loc, founders, holder, legal, base, domain, start)
        self.recent_deliveries(contract, holder, contacts)

    def contract_contacts(
        self,
        contract: Record,
        loc: Locale,
        founders: list[Person],
        holder: Record,
        legal: str | None,
        base: str | None,
        domain: str | None,
        start: float,
    ) -> list[Record]:
        rng = self.rng
        cct = ContractContactType
        out = []
        for i, person in enumerate(founders):
            linked: Record | None = None
            if i == 0 and self.chance(0.4):
                linked = holder
            elif i > 0 and self.chance(0.15):  # a director who is also a member
                linked = self.coworker(person, start, company=None, domain=None, active=holder["Active"])
            out.append(
                self.contact(
                    contract, person.full_name, cct.DIRECTOR, start, person=person, coworker=linked, domain=domain
                )
            )
        if legal and base:
            if self.chance(0.75):
                out.append(self.contact(contract, legal, cct.COMPANY_ALIAS, start, domain=domain))
            if self.chance(0.25):
                out.append(self.contact(contract, base, cct.COMPANY_ALIAS, start, domain=domain))
            if self.chance(0.4):
                trading = f"{self.pick(ENGLISH_ADJECTIVES)} {self.pick(loc.trade_words)}"
                out.append(self.contact(contract, trading, cct.COMPANY_ALIAS, start, domain=domain))
            native = self.native_company(loc) if self.chance(0.5) else None
            if native:
                out.append(self.contact(contract, native, cct.COMPANY_ALIAS, start, domain=domain))
            if self.chance(0.08):
                former, _ = self.company(loc, founders[::-1])
                out.append(self.contact(contract, former, cct.COMPANY_ALIAS, start, domain=domain))
        elif self.chance(0.6):
            trade = self.pick(("Photography", "Consulting", "Design", "Tutoring", "Events", "Coaching", "Translations"))
            out.append(
                self.contact(contract, f"{founders[0].full_name} {trade}", cct.COMPANY_ALIAS, start, domain=domain)
            )
        n_recipients = _RECIPIENTS.draw(rng)
        for _ in range(n_recipients):
            if legal and self.chance(0.15):
                out.append(
                    self.contact(
                        contract, self.pick(ACCOUNTS_RECIPIENTS), cct.NOMINATED_RECIPIENT, start, domain=domain
                    )
                )
                continue
            person = self.person(loc if self.chance(0.65) else None)
            kind = cct.NOMINATED_RECIPIENT if self.chance(0.95) else cct.NONE
            out.append(self.contact(contract, person.full_name, kind, start, person=person, domain=domain))
        return out

    def recent_deliveries(self, contract: Record, holder: Record, contacts: list[Record]) -> None:
        rng = self.rng
        if not contract["Active"] or not self.chance(0.35):
            return
        for _ in range(self.randint(1, 3)):
            dtype = _DELIVERY_TYPE.draw(rng)
            received = REFERENCE_TIME - rng.random() * 90 * DAY
            label = {
                DeliveryType.MAIL: ("Letter", "Recorded letter", "Letter - HMRC", "Bank statement", "Large envelope"),
                DeliveryType.PARCEL: ("Parcel - Royal Mail", "Parcel - DHL", "Box - Amazon", "Parcel - DPD"),
                DeliveryType.CHECK: ("Cheque",),
                DeliveryType.PUBLICITY: ("Catalogue", "Flyer"),
                DeliveryType.OTHER: ("Keys", "Tube"),
            }[dtype]
            rec: Record = {
                "Id": self.new_id("delivery"),
                "UniqueId": self.guid(),
                "BusinessId": contract["IssuedById"],
                "Name": self.pick(label),
                "Location": f"Pigeonhole {self.pick(tuple('ABCDEFG'))}{self.randint(1, 60)}"
                if dtype is not DeliveryType.PARCEL
                else f"Parcel shelf {self.randint(1, 8)}",
                "DeliveryType": int(dtype),
                "ReceivedBy": self.pick(("Sarah Okafor", "Tom Reilly", "Reception")),
                "RequiresSignature": dtype is DeliveryType.PARCEL and self.chance(0.2),
                "CreatedOn": _ts(received),
                "UpdatedOn": _ts(received),
                "UpdatedBy": self.pick(STAFF),
            }
            if contacts and self.chance(0.7):
                rec["ContractContactId"] = self.pick(contacts)["Id"]
            else:
                rec["CoworkerId"] = holder["Id"]
            if received < REFERENCE_TIME - 7 * DAY and self.chance(0.7):
                rec["Collected"] = True
                rec["CollectedOn"] = _ts(received + rng.random() * 7 * DAY)
                rec["UpdatedOn"] = rec["CollectedOn"]
            self.deliveries.append(rec)

    def run(self) -> dict[str, Any]:
        for _ in range(self.n_contracts):
            self.contract()
        return {
            "Businesses": self.businesses,
            "Countries": self.countries,
            "Coworkers": sorted(self.coworkers, key=lambda r: r["Id"]),
            "CoworkerContracts": self.contracts,
            "ContractContacts": self.contacts,
            "CoworkerDeliveries": self.deliveries,
        }


def generate_directory(seed: int, contracts: int = 300) -> dict[str, Any]:
    """A directory in the sandbox fixture format; the same seed and size always give the same data."""
    return _Generator(seed, contracts).run()
