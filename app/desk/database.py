"""The desk's database as the screens need it: open it (creating or upgrading its tables), and say whether its
schema is the newest this copy knows (the self-test). The UI reaches the store only through app.desk."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from app.store.engine import current_revision, head_revision, open_database


def open_desk_database(url: str) -> Engine:
    """An engine on `url` with the tables migrated to the newest revision (DatabaseError when it cannot)."""
    return open_database(url)


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """(the database's revision, the newest revision this copy knows)."""
    return current_revision(engine), head_revision()
