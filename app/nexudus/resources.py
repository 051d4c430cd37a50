"""The REST resources Pigeonhole uses: path under /api/ and the entity name used in filter keys.

Filter keys follow the documented pattern `{Entity}_{Property}`; range filters `from_{Entity}_{Property}` and
`to_{Entity}_{Property}` (dates as YYYY-MM-DDTHH:mm). Keep every such guess here, in one place.
"""

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class ResourceInfo:
    path: str  # e.g. "billing/contractcontacts" (under /api/)
    entity: str  # e.g. "ContractContact", used in filter names and messages


class Resource(Enum):
    CONTRACT_CONTACTS = ResourceInfo("billing/contractcontacts", "ContractContact")
    COWORKER_CONTRACTS = ResourceInfo("billing/coworkercontracts", "CoworkerContract")
    COWORKERS = ResourceInfo("spaces/coworkers", "Coworker")
    COWORKER_DELIVERIES = ResourceInfo("spaces/coworkerdeliveries", "CoworkerDelivery")
    COUNTRIES = ResourceInfo("sys/countries", "Country")
    BUSINESSES = ResourceInfo("sys/businesses", "Business")

    @property
    def path(self) -> str:
        return self.value.path

    @property
    def entity(self) -> str:
        return self.value.entity

    def filter_key(self, prop: str) -> str:
        """Equality filter name, e.g. ContractContact_CoworkerContract."""
        return f"{self.entity}_{prop}"

    def range_keys(self, prop: str) -> tuple[str, str]:
        """Inclusive range filter names (from_, to_)."""
        return f"from_{self.entity}_{prop}", f"to_{self.entity}_{prop}"


TOKEN_PATH = "api/token"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 25
FILTER_DATE_FORMAT = "%Y-%m-%dT%H:%M"
