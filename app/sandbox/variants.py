"""Documented ways real Nexudus may answer that differ from the sandbox's default (nexudus-api.md), one switch each,
so the client's tolerant reader is tested both ways: `pigeonhole sandbox --variant throttle=429-body` (repeatable)
or `SandboxServer.start(variants="throttle=429-body,paging=no-has-next")`.

    batch=array | 404            a batch get (`?id=[..]`) of ids none of which exist: `[]`, or 404 "Not found" (the
                                 older list-by-ids form)
    throttle=409-header | 429-body
                                 a throttled call: 409 with Retry-After and an empty body, or 429 with no header and
                                 "... Wait N seconds ..." in the body (seen in a live client)
    paging=has-next | no-has-next
                                 list envelopes with HasNextPage, or without it (TotalPages/CurrentPage still there)
    refs=id | relation           a missing or unknown reference named by its property (`CoworkerContractId`), or by
                                 the relation without Id (`CoworkerContract`, as live answers do)
    two-factor=sandbox | plain   the "two-factor code needed" answer in the sandbox's words, or in other words
                                 (`invalid_grant` "MFA required: enter your one-time password")
"""

from __future__ import annotations

from dataclasses import dataclass, fields

CHOICES: dict[str, tuple[str, ...]] = {
    "batch": ("array", "404"),
    "throttle": ("409-header", "429-body"),
    "paging": ("has-next", "no-has-next"),
    "refs": ("id", "relation"),
    "two_factor": ("sandbox", "plain"),
}
THROTTLE_BODY = "API calls quota exceeded! maximum admitted 120 per 1m. Wait {seconds} seconds and try again."
PLAIN_TWO_FACTOR = "MFA required: enter your one-time password"


@dataclass(frozen=True)
class Variants:
    batch: str = "array"
    throttle: str = "409-header"
    paging: str = "has-next"
    refs: str = "id"
    two_factor: str = "sandbox"

    @classmethod
    def parse(cls, spec: str | list[str] | None) -> Variants:
        """`key=value` items, comma-separated or as a list; unknown keys or values raise ValueError."""
        items = spec if isinstance(spec, list) else (spec or "").split(",")
        values: dict[str, str] = {}
        for item in items:
            item = item.strip()
            if not item:
                continue
            key, sep, value = item.partition("=")
            key = key.strip().lower().replace("-", "_")
            if not sep or key not in CHOICES:
                raise ValueError(f"variant {item!r}: use one of {', '.join(k.replace('_', '-') for k in CHOICES)}")
            if value.strip() not in CHOICES[key]:
                raise ValueError(f"variant {item!r}: {key.replace('_', '-')} is one of {', '.join(CHOICES[key])}")
            values[key] = value.strip()
        return cls(**values)

    def describe(self) -> str:
        return ", ".join(
            f"{f.name.replace('_', '-')}={getattr(self, f.name)}"
            for f in fields(self)
            if getattr(self, f.name) != f.default
        )
