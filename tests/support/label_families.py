"""Generate labels of many families from a directory (sandbox fixture dict), seeded.

Besides the families of the matching-dev set (exact, typo, ocr, initials, nickname, reversed, titles, case_punct,
deaccent, company, person_company, unknown) it makes the judged set's extra kinds:
  multiline            whole labels: shipping words, person, company, street, city, postcode, country, tracking
  stranger_at_company  someone not on the directory at a company that is (expect the company's contract)
  surname_company      "Ms Craig, Beacon Labs"
  middle_name          a middle name on one side only
  stranger_surname     a stranger who shares a surname with a contact (expect nobody)
Output rows are shaped like labels.jsonl: {"id", "family", "text", "expect": {"contract_id", "contact_ids"} | None}.
"""

from __future__ import annotations

import random
import string
from collections import defaultdict
from typing import Any

from anyascii import anyascii

BASE_FAMILIES = (
    "exact",
    "typo",
    "ocr",
    "initials",
    "nickname",
    "reversed",
    "titles",
    "case_punct",
    "deaccent",
    "company",
    "person_company",
    "unknown",
)
EXTRA_FAMILIES = ("multiline", "stranger_at_company", "surname_company", "middle_name", "stranger_surname")

_NEEDS_COMPANY = ("company", "person_company", "stranger_at_company", "surname_company")
_OCR = {
    "o": "0",
    "l": "1",
    "i": "1",
    "s": "5",
    "b": "8",
    "m": "rn",
    "w": "vv",
    "d": "cl",
    "e": "c",
    "n": "ri",
    "h": "b",
    "a": "o",
    "B": "8",
    "O": "0",
    "I": "1",
    "S": "5",
    "E": "F",
}
_NICK = {
    "robert": "Bob",
    "william": "Bill",
    "elizabeth": "Liz",
    "margaret": "Maggie",
    "james": "Jim",
    "richard": "Dick",
    "michael": "Mike",
    "christopher": "Chris",
    "jennifer": "Jenny",
    "katherine": "Kate",
    "thomas": "Tom",
    "joseph": "Joe",
    "daniel": "Dan",
    "matthew": "Matt",
    "anthony": "Tony",
    "stephen": "Steve",
    "edward": "Ted",
    "patricia": "Patty",
    "susan": "Sue",
    "rebecca": "Becky",
    "deborah": "Debbie",
    "samuel": "Sam",
    "benjamin": "Ben",
    "alexander": "Alex",
    "nicholas": "Nick",
    "jonathan": "Jon",
    "andrew": "Andy",
    "kenneth": "Ken",
    "dorothy": "Dot",
    "pamela": "Pam",
}
_STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Hauptstraße",
    "Rue de la Paix",
    "Calle Mayor",
    "Park Avenue",
    "Mill Lane",
    "King Street",
)
_CITIES = ("London", "Manchester", "Leeds", "Dublin", "Berlin", "Madrid", "Basingstoke", "Milton Keynes", "Bristol")
_COUNTRIES = ("United Kingdom", "UK", "Ireland", "Germany", "Spain")
_SHIPPING = ("Deliver to:", "Ship to:", "DELIVER TO", "To:", "Recipient:", "")


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("del", "ins", "sub", "swap"))
    if op == "del":
        return word[:i] + word[i + 1 :]
    if op == "ins":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    if op == "sub":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _ocr(text: str, rng: random.Random) -> str:
    chars = [i for i, ch in enumerate(text) if ch in _OCR]
    if not chars:
        return text
    out = list(text)
    for i in rng.sample(chars, min(len(chars), rng.choice((1, 1, 2, 3)))):
        out[i] = _OCR[out[i]]
    text = "".join(out)
    return text.upper() if rng.random() < 0.3 else text


def _split(name: str) -> tuple[str, list[str], str]:
    parts = name.split()
    return parts[0], parts[1:-1], parts[-1]


class _Directory:
    def __init__(self, data: dict[str, Any]) -> None:
        coworkers = {c["Id"]: c for c in data.get("Coworkers", [])}
        self.company: dict[int, str] = {}
        for c in data.get("CoworkerContracts", []):
            holder = coworkers.get(c.get("CoworkerId"), {})
            self.company[c["Id"]] = holder.get("CompanyName") or c.get("CoworkerCompanyName") or ""
        self.people: list[tuple[int, int, str]] = []
        self.trading: dict[int, list[str]] = defaultdict(list)
        for cc in data.get("ContractContacts", []):
            if cc.get("ContractContactType") == 2:
                self.trading[cc["CoworkerContractId"]].append(cc["FullName"])
            elif len(cc["FullName"].split()) >= 2:
                self.people.append((cc["CoworkerContractId"], cc["Id"], cc["FullName"]))
        self.full_names = {anyascii(p[2]).lower() for p in self.people}
        self.firsts = sorted({p[2].split()[0] for p in self.people})
        self.surnames = sorted({p[2].split()[-1] for p in self.people})
        self.pairs = {(anyascii(p[2].split()[0]).lower(), anyascii(p[2].split()[-1]).lower()) for p in self.people}
        self.contracts = sorted(self.company)

    def stranger(self, rng: random.Random, surname: str | None = None) -> str:
        for _ in range(1000):
            first = rng.choice(self.firsts)
            last = surname or rng.choice(self.surnames)
            pair = (anyascii(first).lower(), anyascii(last).lower())
            # Nor the other way round: "Huang Brittany" is Brittany Huang written surname first, not a stranger.
            if pair not in self.pairs and pair[::-1] not in self.pairs:
                return f"{first} {last}"
        return "Zebedee Quixotic"


def _person_label(family: str, name: str, rng: random.Random) -> str:
    first, middle, last = _split(name)
    if family == "exact":
        return name
    if family == "typo":
        words = name.split()
        k = rng.randrange(len(words))
        words[k] = _typo(words[k], rng)
        return " ".join(words)
    if family == "ocr":
        return _ocr(name, rng)
    if family == "initials":
        return rng.choice(
            (f"{first[0]} {last}", f"{first[0]}. {last}", f"{first} {last[0]}.", f"{first[0].upper()} {last.upper()}")
        )
    if family == "nickname":
        nick = _NICK.get(anyascii(first).lower())
        return f"{nick} {last}" if nick else name
    if family == "reversed":
        return rng.choice((f"{last}, {first}", f"{last.upper()}, {first}", f"{last} {first}", f"{last}, {first[0]}."))
    if family == "titles":
        title = rng.choice(("Mr", "Mrs", "Ms", "Dr.", "Prof.", "Miss"))
        return rng.choice(
            (
                f"{title} {first[0]} {last}",
                f"{title} {last}, {first}",
                f"{first} {last} Jr.",
                f"{title} {first} {last}",
                f"{first} {last} PhD",
            )
        )
    if family == "case_punct":
        return rng.choice((name.lower(), name.upper(), f"{name}.", name.upper() + "."))
    if family == "deaccent":
        text = anyascii(name)
        return text.replace("ue", "u") if rng.random() < 0.5 else text
    if family == "middle_name":
        if middle:
            return f"{first} {last}"
        return f"{first} {rng.choice(('Anne', 'James', 'Marie', 'John', 'Louise', 'Lee', 'Maria'))} {last}"
    return name


def generate_labels(
    data: dict[str, Any], n: int, seed: int = 0, families: tuple[str, ...] = EXTRA_FAMILIES
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    d = _Directory(data)
    rows: list[dict[str, Any]] = []
    for k in range(n):
        family = families[k % len(families)]
        contract_id, contact_id, name = rng.choice(d.people)
        company = d.company.get(contract_id) or (d.trading[contract_id] or [""])[0]
        while not company and family in _NEEDS_COMPANY:  # a private person's contract has no company to name
            contract_id, contact_id, name = rng.choice(d.people)
            company = d.company.get(contract_id) or (d.trading[contract_id] or [""])[0]
        trading = rng.choice(d.trading[contract_id]) if d.trading[contract_id] else company
        expect: dict[str, Any] | None = {"contract_id": contract_id, "contact_ids": [contact_id]}
        _first, _middle, last = _split(name)
        if family == "unknown":
            text, expect = d.stranger(rng), None
        elif family == "stranger_surname":
            text, expect = d.stranger(rng, surname=last), None
            if rng.random() < 0.3:
                text = f"{rng.choice(('Mr', 'Ms', 'Dr'))} {text}"
        elif family == "stranger_at_company":
            stranger = d.stranger(rng)
            text = rng.choice(
                (
                    f"{stranger} c/o {trading}",
                    f"{trading}\nFAO {stranger}",
                    f"{stranger}, {trading}",
                    f"Attn: {stranger}\n{trading}",
                )
            )
            expect = {"contract_id": contract_id, "contact_ids": []}
        elif family == "surname_company":
            title = rng.choice(("Mr", "Ms", "Mrs", "Dr"))
            text = rng.choice(
                (f"{title} {last}, {trading}", f"{title} {last} c/o {trading}", f"{trading}\n{title} {last}")
            )
        elif family == "company":
            base = trading
            if rng.random() < 0.3:
                base = f"The {base}"
            text = base.upper() if rng.random() < 0.3 else base
            expect = {"contract_id": contract_id, "contact_ids": []}
        elif family == "person_company":
            person = _person_label(rng.choice(("exact", "typo", "initials", "reversed")), name, rng)
            text = rng.choice(
                (
                    f"{person} c/o {trading}",
                    f"{trading} / {person}",
                    f"{trading} FAO {person}",
                    f"{person}, {trading}",
                    f"{trading} Attn: {person}",
                )
            )
        elif family == "multiline":
            person = _person_label(rng.choice(("exact", "typo", "titles", "initials", "middle_name")), name, rng)
            lines = [rng.choice(_SHIPPING), person]
            if rng.random() < 0.7:
                lines.append(trading)
            lines.append(f"{rng.randint(1, 250)} {rng.choice(_STREETS)}")
            lines.append(rng.choice(_CITIES))
            lines.append(rng.choice(("EC1A 1BB", "SW1A 2AA", "M1 4BT", "10115", "28013", "D02 X285")))
            if rng.random() < 0.5:
                lines.append(rng.choice(_COUNTRIES))
            if rng.random() < 0.6:
                lines.append(f"Tracking: 1Z{rng.randint(10**9, 10**10 - 1)}{rng.choice('ABCDEFGH')}")
            text = "\n".join(x for x in lines if x)
        else:
            text = _person_label(family, name, rng)
        rows.append({"id": f"G{seed:03d}-{k:05d}", "family": family, "text": text, "expect": expect})
    return rows
