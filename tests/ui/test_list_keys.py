"""↓ from a filter enters its list and a lone row is selected, in the directory and the contract picker (issue 11).
A real database synced over HTTP from the sandbox; real widgets offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from app.desk.directory import DirectoryService
from app.desk.matching_service import MatchingService
from app.desk.register import RegisterService
from app.ui.contract_picker import ContractPicker
from app.ui.directory_view import DirectoryView
from app.ui.tasks import SyncTaskRunner
from tests.unit.test_desk_intake_directory import directory, synced_engine


@pytest.fixture
def engine(sandbox_factory: Any, sqlite_url: str) -> Iterator[Engine]:
    eng = synced_engine(sqlite_url, sandbox_factory(data=directory()))
    yield eng
    eng.dispose()


def test_directory_down_from_the_search_enters_the_list(qtbot: QtBot, engine: Engine) -> None:
    view = DirectoryView(DirectoryService(engine), SyncTaskRunner())
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    view.refresh()
    view.focus_search()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search)
    qtbot.keyClicks(view.search, "Zephyr")
    qtbot.waitUntil(lambda: view.contracts.rowCount() == 1, timeout=3000)
    assert view.contract_table.selectionModel().selectedRows()  # the lone row is selected
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is view.contract_table
    assert view.current is not None and view.current.contract_id == 300
    assert "Advertising mail:" in view.heading.text()  # every handling preference, in the vocabulary's words


def test_contract_picker_selects_a_lone_contract(qtbot: QtBot, engine: Engine) -> None:
    register = RegisterService(engine, MatchingService(engine), "desk@centre.test")
    picker = ContractPicker(SyncTaskRunner(), lambda text: register.search_contracts(text)[:1])
    qtbot.addWidget(picker)
    picker.search_now()  # nothing typed yet, one contract listed: it is the one meant
    assert picker.chosen() is not None
