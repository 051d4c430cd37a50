"""Signing in to Nexudus, remembering the sign-in safely, and the demo workspace.

- `SignInService.sign_in(api_url, email, password, totp)` logs in (password grant), checks the read roles the desk
  needs (one small request each, so a missing role is named at sign-in, not at the first sync) and lists the
  locations (businesses) to work at. A wrong password, API access off, a missing role and a two-factor request each
  raise their own typed error from app.nexudus.errors with a plain `user_message`.
- The refresh token lives in the OS keyring (service "Pigeonhole", user name "<e-mail> @ <api url>"), never in a
  file. With no usable keyring backend (the null or fail backend, or a keyring error) nothing is stored and the
  desk asks for the password at each start. `SignInService.resume(...)` signs in again from the keyring.
- `DeskSession.new_client()` is the client factory for background jobs: each job gets its own HTTP session; the
  tokens are shared (a lock) so a refresh in one job is seen by the next one and saved to the keyring.
- `start_demo_workspace(paths)` runs an embedded sandbox on loopback (its data kept in `<data>/demo/` so the demo
  remembers across restarts), a separate SQLite database in the same folder, signs in as the demo administrator and
  runs the first sync.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import keyring.errors

from app.config import Paths, Settings, check_url_is_safe
from app.nexudus.errors import AuthenticationError as AuthenticationError  # re-exported for the UI
from app.nexudus.errors import NetworkError
from app.nexudus.errors import NexudusError as NexudusError  # re-exported for the UI
from app.nexudus.errors import TwoFactorRequired as TwoFactorRequired  # re-exported for the UI
from app.nexudus.resources import Resource

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.nexudus.client import NexudusClient, Tokens

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Pigeonhole"
DEMO_ADMIN = ("admin@sandbox.test", "sandbox")
DEMO_SEED = 2024
DEMO_CONTRACTS = 300
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)

# The read roles the desk needs before it can show anything; probed at sign-in with one small request each.
READ_ROLES: tuple[tuple[Resource, str], ...] = (
    (Resource.BUSINESSES, "Business-List"),
    (Resource.COWORKER_CONTRACTS, "CoworkerContract-List"),
    (Resource.CONTRACT_CONTACTS, "ContractContact-List"),
    (Resource.COWORKERS, "Coworker-List"),
    (Resource.COUNTRIES, "Country-List"),
    (Resource.COWORKER_DELIVERIES, "CoworkerDelivery-List"),
)


def access_problem(exc: AuthenticationError) -> str:
    """Plain words for a refused sign-in or call (the client's messages name the missing role when known)."""
    return exc.user_message


@dataclass(frozen=True)
class Location:
    id: int
    name: str


class TokenVault:
    """The refresh token in the OS keyring. `available` is False with the null/fail backend: then nothing is kept."""

    def __init__(self, service: str = KEYRING_SERVICE, enabled: bool = True) -> None:
        self.service = service
        self._enabled = enabled

    @property
    def available(self) -> bool:
        if not self._enabled:
            return False
        try:
            backend = keyring.get_keyring()
        except Exception as exc:  # a broken keyring configuration is "no keyring", not a crash
            log.warning("No usable keyring (%s); the password will be asked at each start", exc)
            return False
        module = type(backend).__module__
        return not (module.endswith("backends.null") or module.endswith("backends.fail") or backend.priority <= 0)

    @staticmethod
    def user_name(email: str, api_url: str) -> str:
        return f"{email.strip().lower()} @ {api_url.rstrip('/')}"

    def load(self, email: str, api_url: str) -> str | None:
        if not self.available:
            return None
        try:
            return keyring.get_password(self.service, self.user_name(email, api_url))
        except keyring.errors.KeyringError as exc:
            log.warning("Could not read the keyring: %s", exc)
            return None

    def save(self, email: str, api_url: str, refresh_token: str) -> bool:
        if not self.available or not refresh_token:
            return False
        try:
            keyring.set_password(self.service, self.user_name(email, api_url), refresh_token)
            return True
        except keyring.errors.KeyringError as exc:
            log.warning("Could not save the sign-in to the keyring: %s", exc)
            return False

    def forget(self, email: str, api_url: str) -> None:
        if not self.available:
            return
        try:
            keyring.delete_password(self.service, self.user_name(email, api_url))
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            log.warning("Could not remove the sign-in from the keyring: %s", exc)


class TokenHolder:
    """The current tokens, shared by every client a session makes; new refresh tokens go to the vault."""

    def __init__(self, tokens: Tokens, save: Callable[[Tokens], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._tokens = tokens
        self._save = save

    def current(self) -> Tokens:
        with self._lock:
            return self._tokens

    def update(self, tokens: Tokens) -> None:
        with self._lock:
            changed = tokens.refresh_token != self._tokens.refresh_token
            self._tokens = tokens
        if changed and self._save is not None:
            self._save(tokens)


@dataclass(frozen=True)
class DeskSession:
    """Who is signed in, where, and how to make a client. Plain values plus the shared token holder."""

    api_url: str
    email: str
    client_id: str
    tokens: TokenHolder = field(repr=False, compare=False)
    locations: tuple[Location, ...] = ()
    business_id: int | None = None
    demo: bool = False
    remembered: bool = False  # the refresh token is in the keyring
    timeout: tuple[float, float] = DEFAULT_TIMEOUT

    @property
    def location_name(self) -> str:
        return next((loc.name for loc in self.locations if loc.id == self.business_id), "")

    def new_client(self, on_answer: Callable[[bool, str], None] | None = None, quick: bool = False) -> NexudusClient:
        """`on_answer`: told after every HTTP attempt whether Nexudus answered (app.desk.connection). `quick`: for
        the reachability check: one attempt with short timeouts (the check's own backoff does the retrying)."""
        from app.nexudus.client import NexudusClient

        # Few, short retries: the desk retries on its own timer and must not sit on a dead connection.
        timeout = (min(self.timeout[0], 5.0), min(self.timeout[1], 10.0)) if quick else self.timeout
        return NexudusClient(
            self.api_url,
            client_id=self.client_id,
            tokens=self.tokens.current(),
            on_tokens=self.tokens.update,
            timeout=timeout,
            max_read_retries=0 if quick else 2,
            backoff_max=2.0,
            on_answer=on_answer,
        )


class SignInService:
    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        vault: TokenVault | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        remember: bool = True,
    ) -> None:
        """`remember`: save the address, user and location in the settings file (not for the demo)."""
        self.paths = paths
        self.settings = settings
        self.vault = vault or TokenVault()
        self.timeout = timeout
        self.remember = remember

    def sign_in(self, api_url: str, email: str, password: str, totp: str | None = None) -> DeskSession:
        """Log in and check access. Raises AuthenticationError / TwoFactorRequired / PermissionDenied /
        NetworkError (each with `user_message`) or ValueError for an unsafe address."""
        from app.nexudus.client import NexudusClient

        api_url = api_url.strip().rstrip("/")
        check_url_is_safe(api_url)
        email = email.strip()
        with NexudusClient(api_url, client_id=self.settings.client_id, timeout=self.timeout) as client:
            tokens = client.login(email, password, totp or None)
            locations = self._check_access(client)
            tokens = client.tokens or tokens
        return self._session(api_url, email, tokens, locations)

    def resume(self, api_url: str, email: str) -> DeskSession | None:
        """Sign in again with the refresh token from the keyring; None when there is none or it no longer works."""
        from app.nexudus.client import NexudusClient, Tokens

        if not email:
            return None
        api_url = api_url.strip().rstrip("/")
        refresh_token = self.vault.load(email, api_url)
        if not refresh_token:
            return None
        try:
            with NexudusClient(
                api_url,
                client_id=self.settings.client_id,
                timeout=self.timeout,
                tokens=Tokens(access_token="", refresh_token=refresh_token, expires_at=0.0),
            ) as client:
                tokens = client.refresh()
                locations = self._check_access(client)
                tokens = client.tokens or tokens
        except NetworkError as exc:
            # Offline at start: open the desk anyway (work is recorded locally); clients refresh when back online.
            log.info("Nexudus unreachable at start (%s); continuing with the remembered sign-in", exc.detail)
            tokens = Tokens(access_token="", refresh_token=refresh_token, expires_at=0.0)
            known = self.settings.business_id
            locations = [Location(known, "")] if known is not None else []
            return self._session(api_url, email, tokens, locations, save_now=False)
        except AuthenticationError as exc:
            log.info("Remembered sign-in for this user no longer works (%s); asking for the password", exc.detail)
            self.vault.forget(email, api_url)
            return None
        return self._session(api_url, email, tokens, locations)

    def choose_location(self, session: DeskSession, business_id: int | None) -> DeskSession:
        """Remember where this desk works and who signs in (never the password)."""
        chosen = replace(session, business_id=business_id)
        if not session.demo and self.remember:
            self.settings.api_url = session.api_url
            self.settings.username = session.email
            self.settings.business_id = business_id
            self.settings.save(self.paths)
        return chosen

    def sign_out(self, session: DeskSession) -> None:
        self.vault.forget(session.email, session.api_url)

    # -- internals ------------------------------------------------------------------------------------------

    def _session(
        self, api_url: str, email: str, tokens: Tokens, locations: list[Location], save_now: bool = True
    ) -> DeskSession:
        def save(t: Tokens) -> None:
            self.vault.save(email, api_url, t.refresh_token)

        remembered = self.vault.save(email, api_url, tokens.refresh_token) if save_now else self.vault.available
        preferred = self.settings.business_id if any(loc.id == self.settings.business_id for loc in locations) else None
        if preferred is None and len(locations) == 1:
            preferred = locations[0].id
        return DeskSession(
            api_url=api_url,
            email=email,
            client_id=self.settings.client_id,
            tokens=TokenHolder(tokens, save),
            locations=tuple(locations),
            business_id=preferred,
            remembered=remembered,
            timeout=self.timeout,
        )

    @staticmethod
    def _check_access(client: NexudusClient) -> list[Location]:
        locations: list[Location] = []
        for resource, _role in READ_ROLES:
            # A refused list raises PermissionDenied whose user_message names the role (e.g. "Coworker-List").
            page = next(iter(client.iter_pages(resource, size=1000 if resource is Resource.BUSINESSES else 1)), None)
            if page is None:
                continue
            if resource is Resource.BUSINESSES:
                locations = [Location(int(r["Id"]), str(r.get("Name") or f"Location {r['Id']}")) for r in page.records]
        return sorted(locations, key=lambda loc: loc.name.lower())


# -- the demo workspace ---------------------------------------------------------------------------------------


@dataclass
class DemoWorkspace:
    folder: Path
    server: Any  # app.sandbox.server.SandboxServer
    session: DeskSession
    db_url: str
    engine: Engine

    def stop(self) -> None:
        try:
            self.engine.dispose()
        finally:
            self.server.stop()


def demo_folder(paths: Paths) -> Path:
    return paths.demo_dir


def start_demo_sandbox(paths: Paths, *, contracts: int = DEMO_CONTRACTS, seed: int = DEMO_SEED) -> Any:
    """The demo's sandbox on loopback, with the data it kept in `<data>/demo/` (generated the first time)."""
    from app.sandbox.server import SandboxServer

    folder = demo_folder(paths)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SandboxServer.start(seed=seed, contracts=contracts, state_file=folder / "sandbox-state.json")


def start_demo_workspace(paths: Paths, *, contracts: int = DEMO_CONTRACTS, seed: int = DEMO_SEED) -> DemoWorkspace:
    """An embedded sandbox on loopback with a generated directory, a database of its own, signed in, synced."""
    from app.desk.sync_service import PlainContext, SyncService
    from app.store.engine import open_database

    folder = demo_folder(paths)
    server = start_demo_sandbox(paths, contracts=contracts, seed=seed)
    try:
        db_url = paths.demo_db_url
        engine = open_database(db_url)
        service = SignInService(paths, Settings(), vault=TokenVault(enabled=False))
        session = service.sign_in(server.url, *DEMO_ADMIN)
        session = replace(session, demo=True)
        SyncService(engine, session.new_client).run(PlainContext())
    except BaseException:
        server.stop()
        raise
    log.info("Demo workspace started at %s (data in %s)", server.url, folder)
    return DemoWorkspace(folder=folder, server=server, session=session, db_url=db_url, engine=engine)
