"""The directory: search by company, person or PO box; a contract with its contacts and their badges."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.config import Paths
from app.desk.directory import DirectoryService, contact_badge
from app.desk.matching_service import MatchingService
from app.desk.register import RegisterService
from app.nexudus.enums import ContractContactType
from app.store.records import ContactDraft
from app.ui.directory_view import DirectoryView
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import screenshot, signed_in_desk


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


def test_search_detail_and_badges(
    qtbot: QtBot, qtmodeltester: Any, sandbox: Any, sqlite_url: str, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    desk = signed_in_desk(sandbox, sqlite_url, pigeonhole_home)
    contract = sandbox.state.records("CoworkerContract")[3]
    company = contract.get("CoworkerCompanyName") or contract.get("CoworkerBillingName") or ""
    register = RegisterService(desk.engine, MatchingService(desk.engine), desk.session.email)
    register.register(
        ContactDraft(
            contract_id=contract["Id"], full_name="Pending Person", contact_type=ContractContactType.NOMINATED_RECIPIENT
        )
    )

    view = DirectoryView(DirectoryService(desk.engine), runner)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000) as loaded:
        view.refresh()
    assert loaded.args[0] == min(200, sandbox.state.count("CoworkerContract"))
    qtmodeltester.check(view.contracts)

    qtbot.keyClicks(view.search, "Pending Person")
    qtbot.waitUntil(lambda: [c.contract_id for c in view.contracts.rows()] == [contract["Id"]], timeout=5000)
    qtbot.waitUntil(lambda: view.current is not None and view.current.contract_id == contract["Id"], timeout=5000)
    qtmodeltester.check(view.contacts)
    pending = next(c for c in view.contacts.rows() if c.full_name == "Pending Person")
    assert contact_badge(pending) == "Waiting to send"
    column = view.contacts.column_titles().index("Sync")
    row = view.contacts.rows().index(pending)
    assert view.contacts.data(view.contacts.index(row, column)) == "Waiting to send"
    assert company in view.heading.text()
    screenshot(view, "directory-pending-badge")

    view.search.clear()
    qtbot.keyClicks(view.search, "no such company anywhere")
    qtbot.waitUntil(lambda: view.contracts.rowCount() == 0, timeout=5000)
    assert view.current is None
