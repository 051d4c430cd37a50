"""A database made by the first schema revision opens with the newest code, data intact (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from app.store import open_database, session_scope, status_summary
from app.store.engine import create_database_engine, current_revision, first_revision, head_revision, migrate
from app.store.queries import contract_detail


def test_first_revision_database_opens_with_newest_code(db_url: str) -> None:
    assert first_revision() != head_revision()
    old = create_database_engine(db_url)
    migrate(old, first_revision())
    assert current_revision(old) == first_revision()
    with old.begin() as conn:  # rows as the first release wrote them (its columns only)
        conn.execute(
            text(
                "INSERT INTO contracts (id, coworker_id, holder_name, company_name, billing_name, email, business_id,"
                " tariff_id, tariff_name, active, cancelled, po_box, delivery_instructions, handling_mail,"
                " handling_parcels, handling_checks, handling_publicity)"
                " VALUES (9000000000123, NULL, 'Ann Lee', 'Old Co Ltd', '', '', 1, NULL, 'VO', :t, :f, 'PO 9', '',"
                " 1, 1, 1, 1)"
            ),
            {"t": True, "f": False},
        )
        conn.execute(
            text(
                "INSERT INTO outbox (kind, payload, system_id, state, attempts, last_error, field_errors, created_at,"
                " updated_at, created_by) VALUES ('create_delivery', '{}', 'm', 'pending', 0, '', '{}',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'jo')"
            )
        )
    old.dispose()

    engine = open_database(db_url)
    assert current_revision(engine) == head_revision()
    with session_scope(engine) as s:
        detail = contract_detail(s, 9_000_000_000_123)
        summary = status_summary(s)
    assert detail.company_name == "Old Co Ltd" and detail.po_box == "PO 9" and not detail.gone
    assert (summary.contracts, summary.outbox_pending) == (1, 1)
    open_database(db_url)  # opening again is a no-op


def test_sqlite_file_is_private_and_folder_created(tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "desk.sqlite3"
    engine = open_database(f"sqlite:///{db}")
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000
