"""Sign-in against the sandbox over real HTTP: good, wrong password, two-step code, missing role, API access off;
the refresh token goes to the keyring and nowhere else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.config import Paths, Settings
from app.desk.session import KEYRING_SERVICE, SignInService, TokenVault
from app.sandbox.auth import TWO_FACTOR_EMAIL, TWO_FACTOR_SECRET
from app.sandbox.totp import totp_code
from app.ui.signin_dialog import SignInDialog
from app.ui.tasks import TaskRunner
from tests.ui.desk_fixtures import screenshot


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in memory (the test's stand-in for the OS keyring)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.wait_for_done()


def _dialog(qtbot: QtBot, paths: Paths, runner: TaskRunner, url: str, vault: TokenVault | None = None) -> SignInDialog:
    settings = Settings.load(paths)
    settings.api_url = url
    dialog = SignInDialog(SignInService(paths, settings, vault=vault or TokenVault()), runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _sign_in(qtbot: QtBot, dialog: SignInDialog, email: str, password: str) -> None:
    dialog.email.setText(email)
    dialog.password.setText(password)
    dialog.password.setFocus()
    with qtbot.waitSignal(dialog.busy_changed, check_params_cb=lambda busy: not busy, timeout=15_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def _start_at_location(qtbot: QtBot, dialog: SignInDialog) -> None:
    """With several locations the dialog asks where this desk works: Enter takes the one offered."""
    if dialog.result() != QDialog.DialogCode.Accepted:
        assert dialog.form.isRowVisible(dialog.location), dialog.error_text()
        assert dialog.location.hasFocus()
        with qtbot.waitSignal(dialog.accepted, timeout=5000):
            qtbot.keyClick(dialog.location, Qt.Key.Key_Return)


def test_good_sign_in_remembers_in_keyring_only(
    qtbot: QtBot, sandbox: Any, pigeonhole_home: Paths, runner: TaskRunner, memory_keyring: MemoryKeyring
) -> None:
    dialog = _dialog(qtbot, pigeonhole_home, runner, sandbox.url)
    screenshot(dialog, "signin")
    _sign_in(qtbot, dialog, "admin@sandbox.test", "sandbox")
    _start_at_location(qtbot, dialog)
    session = dialog.session
    assert session is not None and session.email == "admin@sandbox.test"
    assert session.business_id in {loc.id for loc in session.locations} and session.location_name
    assert session.remembered
    user = TokenVault.user_name("admin@sandbox.test", sandbox.url)
    refresh_token = memory_keyring.secrets[(KEYRING_SERVICE, user)]
    # Nothing secret on disk: the settings file has the e-mail and location, not the password or the token.
    for file in pigeonhole_home.config_dir.rglob("*"):
        if file.is_file():
            text = file.read_text(encoding="utf-8", errors="replace")
            assert refresh_token not in text and 'sandbox"' not in text.replace('"admin@sandbox.test"', "")
    saved = Settings.load(pigeonhole_home)
    assert (saved.username, saved.business_id, saved.api_url) == (
        "admin@sandbox.test",
        session.business_id,
        sandbox.url,
    )

    # Next start: signed in again from the keyring, no password asked.
    again = SignInService(pigeonhole_home, saved).resume(saved.api_url, saved.username)
    assert again is not None and again.email == "admin@sandbox.test" and again.business_id == session.business_id
    assert memory_keyring.secrets[(KEYRING_SERVICE, user)] != refresh_token  # the refresh token rotated


def test_without_a_keyring_nothing_is_stored(sandbox: Any, pigeonhole_home: Paths) -> None:
    vault = TokenVault()  # the tests' null backend: no usable keyring
    assert not vault.available
    service = SignInService(pigeonhole_home, Settings.load(pigeonhole_home), vault=vault)
    session = service.sign_in(sandbox.url, "admin@sandbox.test", "sandbox")
    assert not session.remembered
    assert service.resume(sandbox.url, "admin@sandbox.test") is None  # asks for the password at each start


def test_wrong_password_is_said_in_the_dialog(
    qtbot: QtBot, sandbox: Any, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, pigeonhole_home, runner, sandbox.url)
    _sign_in(qtbot, dialog, "admin@sandbox.test", "not-the-password")
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    assert "password" in dialog.error_text().lower()
    assert dialog.password.hasFocus()
    screenshot(dialog, "signin-wrong-password")


def test_two_step_code(qtbot: QtBot, sandbox: Any, pigeonhole_home: Paths, runner: TaskRunner) -> None:
    dialog = _dialog(qtbot, pigeonhole_home, runner, sandbox.url)
    assert not dialog.form.isRowVisible(dialog.code)
    _sign_in(qtbot, dialog, TWO_FACTOR_EMAIL, "sandbox")
    assert dialog.form.isRowVisible(dialog.code)
    assert "code" in dialog.error_text().lower()
    assert dialog.code.hasFocus()
    screenshot(dialog, "signin-two-step")

    qtbot.keyClicks(dialog.code, "000000" if totp_code(TWO_FACTOR_SECRET) != "000000" else "111111")
    dialog.password.setText("sandbox")
    with qtbot.waitSignal(dialog.busy_changed, check_params_cb=lambda busy: not busy, timeout=15_000):
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "not accepted" in dialog.error_text()

    dialog.code.setText(totp_code(TWO_FACTOR_SECRET))
    dialog.password.setText("sandbox")
    with qtbot.waitSignal(dialog.busy_changed, check_params_cb=lambda busy: not busy, timeout=15_000):
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    _start_at_location(qtbot, dialog)
    assert dialog.session is not None and dialog.session.email == TWO_FACTOR_EMAIL


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"email": "norole@sandbox.test", "password": "pw", "roles": ["Business-List"]}, "CoworkerContract-List"),
        ({"email": "noapi@sandbox.test", "password": "pw", "roles": "admin", "api_access": False}, "API access"),
    ],
)
def test_missing_role_or_api_access(
    qtbot: QtBot, sandbox_factory: Any, pigeonhole_home: Paths, runner: TaskRunner, user: dict[str, Any], expected: str
) -> None:
    srv = sandbox_factory(seed=7, contracts=5, users=[user])
    dialog = _dialog(qtbot, pigeonhole_home, runner, srv.url)
    _sign_in(qtbot, dialog, user["email"], user["password"])
    assert dialog.session is None
    assert expected in dialog.error_text()
    screenshot(dialog, f"signin-{user['email'].split('@')[0]}")


def test_several_locations_are_offered(
    qtbot: QtBot, sandbox_factory: Any, pigeonhole_home: Paths, runner: TaskRunner
) -> None:
    from app.sandbox.generate import generate_directory

    data = generate_directory(3, 10)
    data["Businesses"] = [{"Id": 11, "Name": "Canary Wharf"}, {"Id": 12, "Name": "Angel"}]
    srv = sandbox_factory(data=data)
    dialog = _dialog(qtbot, pigeonhole_home, runner, srv.url)
    _sign_in(qtbot, dialog, "admin@sandbox.test", "sandbox")
    assert dialog.form.isRowVisible(dialog.location)
    assert [dialog.location.itemText(i) for i in range(dialog.location.count())] == ["Angel", "Canary Wharf"]
    assert dialog.location.hasFocus()
    screenshot(dialog, "signin-location")
    qtbot.keyClick(dialog.location, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.location, Qt.Key.Key_Return)
    assert dialog.session is not None and dialog.session.business_id == 11
    assert Settings.load(pigeonhole_home).business_id == 11
