"""The audit trail: who did what, when. Written in the same transaction as the change it describes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session

from app.store.tables import AuditEntry


def utcnow() -> datetime:
    return datetime.now(UTC)


def add_audit(session: Session, actor: str, action: str, subject: str, **details: object) -> None:
    """Never pass secrets or dates of birth in `details`."""
    session.add(
        AuditEntry(
            at=utcnow(),
            actor=actor,
            action=action,
            subject=subject,
            details=json.dumps(details, default=str, sort_keys=True),
        )
    )
