"""Sign-in for the sandbox: users with roles, the token endpoint, bearer-token checks.

Built-in users (all with password `sandbox`, all with API access):
- `admin@sandbox.test`: full administrator.
- `desk@sandbox.test`: only the `<Entity>-List` and `<Entity>-Read` roles, so writes answer 401.
- `twofactor@sandbox.test`: full administrator with two-factor on. Its RFC 6238 secret is `TWO_FACTOR_SECRET`
  (base32); a test gets a valid code with `app.sandbox.totp.totp_code(TWO_FACTOR_SECRET)`.
`--users FILE` replaces them with a JSON list of
`{"email", "password", "roles": [...] | "admin", "api_access": true, "totp_secret": "BASE32..."}`.

The token endpoint follows nexudus-api.md: a form-encoded password grant (optional `totp`, optional `client_id`
form field or header, defaulting to the e-mail) and a refresh grant with a `client_id` header. Each grant issues
a new refresh token for that client_id and invalidates the older ones. Access tokens expire after
`access_token_seconds` (settable, so tests can make it short).

Failures: a JSON body or an unknown grant -> 400 `{"error": "unsupported_grant_type"}`; wrong credentials ->
400 `invalid_grant` "The user name or password is incorrect."; two-factor code missing -> 400 `invalid_grant`
"A two-factor authentication code is required."; wrong code -> 400 `invalid_grant` "The two-factor authentication
code is incorrect."; a bad refresh token -> 400 `invalid_grant`. A missing, unknown or expired bearer token, API
access off, or a missing role -> 401 with `{"Message": "Authorization has been denied for this request.",
"Reason": "..."}` (Nexudus does not document the 401 body; clients must not depend on it).

Tokens survive a restart: with `tokens_file` set (the server sets it next to its `--state` file, as
`<state>.tokens.json`, readable by its owner only), every issued token is written there and read back at start,
so a sandbox stopped and started again ("Nexudus was down") keeps everyone signed in, like the real service.
`revoke(email=None)` signs users out (every token, or one user's), for tests of an expired sign-in.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from app.nexudus.resources import Resource
from app.sandbox.totp import verify_totp
from app.sandbox.variants import PLAIN_TWO_FACTOR, Variants

log = logging.getLogger(__name__)

DEFAULT_PASSWORD = "sandbox"
ADMIN_EMAIL = "admin@sandbox.test"
DESK_EMAIL = "desk@sandbox.test"
TWO_FACTOR_EMAIL = "twofactor@sandbox.test"
TWO_FACTOR_SECRET = "JBSWY3DPEHPK3PXP"
ACCESS_TOKEN_SECONDS = 604799  # as documented
REFRESH_TOKEN_SECONDS = 15 * 24 * 3600

DENIED = "Authorization has been denied for this request."
WRONG_CREDENTIALS = "The user name or password is incorrect."
TOTP_REQUIRED = "A two-factor authentication code is required."
TOTP_WRONG = "The two-factor authentication code is incorrect."
BAD_REFRESH = "The refresh token is not valid for this client_id, or it has expired or been replaced."


@dataclass(frozen=True)
class User:
    email: str
    password: str
    admin: bool = False
    roles: frozenset[str] = frozenset()
    api_access: bool = True
    totp_secret: str | None = None


def read_only_roles() -> frozenset[str]:
    return frozenset(f"{res.entity}-{action}" for res in Resource for action in ("List", "Read"))


def default_users() -> list[User]:
    return [
        User(ADMIN_EMAIL, DEFAULT_PASSWORD, admin=True),
        User(DESK_EMAIL, DEFAULT_PASSWORD, roles=read_only_roles()),
        User(TWO_FACTOR_EMAIL, DEFAULT_PASSWORD, admin=True, totp_secret=TWO_FACTOR_SECRET),
    ]


def users_from_json(items: Any) -> list[User]:
    """Users from the `--users` format; a ValueError names what is wrong."""
    if not isinstance(items, list) or not items:
        raise ValueError("users: expected a non-empty JSON list of {email, password, roles, api_access}")
    users = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping) or not item.get("email") or not isinstance(item.get("password"), str):
            raise ValueError(f"users: entry {n} needs an 'email' and a 'password'")
        roles = item.get("roles", [])
        if roles != "admin" and not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
            raise ValueError(f'users: entry {n}: \'roles\' must be "admin" or a list like ["ContractContact-List"]')
        users.append(
            User(
                email=str(item["email"]),
                password=item["password"],
                admin=roles == "admin",
                roles=frozenset() if roles == "admin" else frozenset(roles),
                api_access=bool(item.get("api_access", True)),
                totp_secret=item.get("totp_secret") or None,
            )
        )
    return users


def load_users_file(path: str | Path) -> list[User]:
    with open(path, encoding="utf-8") as fh:
        return users_from_json(json.load(fh))


@dataclass
class _Grant:
    email: str
    client_id: str
    token: str
    expires_at: float


@dataclass
class TokenResult:
    status: int
    body: dict[str, Any]


@dataclass
class Denied:
    reason: str


@dataclass
class Auth:
    """Users and the tokens issued to them. Thread-safe."""

    users: Sequence[User] = field(default_factory=default_users)
    access_token_seconds: float = ACCESS_TOKEN_SECONDS
    refresh_token_seconds: float = REFRESH_TOKEN_SECONDS

    tokens_file: Path | None = None

    def __post_init__(self) -> None:
        self._by_email = {u.email.lower(): u for u in self.users}
        self._lock = threading.Lock()
        self.variants = Variants()  # the server sets its own (app.sandbox.variants)
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}  # client_id -> the one valid refresh token
        if self.tokens_file is not None:
            self.load_tokens(self.tokens_file)

    # --- tokens kept across restarts ------------------------------------------------------------------------------
    def load_tokens(self, path: str | Path) -> None:
        """Read the tokens issued before a restart (a missing or unreadable file: nobody is signed in)."""
        self.tokens_file = Path(path)
        try:
            data = json.loads(self.tokens_file.read_text(encoding="utf-8"))
            access = {g["token"]: _Grant(**g) for g in data.get("access", [])}
            refresh = {g["client_id"]: _Grant(**g) for g in data.get("refresh", [])}
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("Sandbox tokens file %s unreadable (%s); everyone signs in again", path, exc)
            return
        now = time.time()
        with self._lock:
            self._access = {t: g for t, g in access.items() if g.expires_at > now}
            self._refresh = {c: g for c, g in refresh.items() if g.expires_at > now}

    def save_tokens(self) -> None:
        if self.tokens_file is None:
            return
        with self._lock:
            data = {
                "access": [vars(g) for g in self._access.values()],
                "refresh": [vars(g) for g in self._refresh.values()],
            }
        path = self.tokens_file
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def revoke(self, email: str | None = None) -> None:
        """Sign out every user (or one): their access and refresh tokens stop working at once."""
        gone = email.lower() if email is not None else None
        with self._lock:
            self._access = {t: g for t, g in self._access.items() if gone is not None and g.email.lower() != gone}
            self._refresh = {c: g for c, g in self._refresh.items() if gone is not None and g.email.lower() != gone}
        self.save_tokens()

    # --- the token endpoint ---------------------------------------------------------------------------------------
    def token_endpoint(self, headers: Mapping[str, str], body: bytes) -> TokenResult:
        text = body.decode("utf-8", "replace")
        if "json" in headers.get("content-type", "").lower() or text.lstrip().startswith(("{", "[")):
            return TokenResult(400, {"error": "unsupported_grant_type"})
        form = dict(parse_qsl(text, keep_blank_values=True))
        grant = form.get("grant_type", "")
        if grant == "password":
            return self._password_grant(form, headers)
        if grant == "refresh_token":
            return self._refresh_grant(form, headers)
        return TokenResult(400, {"error": "unsupported_grant_type"})

    def _password_grant(self, form: Mapping[str, str], headers: Mapping[str, str]) -> TokenResult:
        user = self._by_email.get(form.get("username", "").strip().lower())
        if user is None or not secrets.compare_digest(user.password, form.get("password", "")):
            return _invalid_grant(WRONG_CREDENTIALS)
        if user.totp_secret:
            code = form.get("totp", "").strip()
            if not code:
                return _invalid_grant(PLAIN_TWO_FACTOR if self.variants.two_factor == "plain" else TOTP_REQUIRED)
            if not verify_totp(user.totp_secret, code):
                return _invalid_grant(TOTP_WRONG)
        client_id = form.get("client_id") or headers.get("client_id") or user.email
        return self._issue(user, client_id)

    def _refresh_grant(self, form: Mapping[str, str], headers: Mapping[str, str]) -> TokenResult:
        client_id = headers.get("client_id", "")
        token = form.get("refresh_token", "")
        with self._lock:
            grant = self._refresh.get(client_id)
        if grant is None or not secrets.compare_digest(grant.token, token) or grant.expires_at < time.time():
            return _invalid_grant(BAD_REFRESH)
        user = self._by_email.get(grant.email.lower())
        if user is None:
            return _invalid_grant(BAD_REFRESH)
        return self._issue(user, client_id)

    def _issue(self, user: User, client_id: str) -> TokenResult:
        now = time.time()
        access = _Grant(user.email, client_id, secrets.token_urlsafe(32), now + self.access_token_seconds)
        refresh = _Grant(user.email, client_id, secrets.token_urlsafe(32), now + self.refresh_token_seconds)
        with self._lock:
            self._access = {t: g for t, g in self._access.items() if g.expires_at > now}
            self._access[access.token] = access
            self._refresh[client_id] = refresh
        self.save_tokens()
        body = {
            "access_token": access.token,
            "token_type": "bearer",
            "expires_in": max(0, math.ceil(self.access_token_seconds)),
            "refresh_token": refresh.token,
        }
        return TokenResult(200, body)

    # --- bearer tokens and roles ---------------------------------------------------------------------------------
    def authenticate(self, authorization: str | None) -> User | Denied:
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Denied("No bearer access token was sent (Authorization: Bearer <access_token>).")
        with self._lock:
            grant = self._access.get(token.strip())
        if grant is None:
            return Denied("The access token is not valid.")
        if grant.expires_at <= time.time():
            return Denied("The access token has expired; refresh it or sign in again.")
        user = self._by_email.get(grant.email.lower())
        if user is None:
            return Denied("The access token is not valid.")
        if not user.api_access:
            return Denied("API access is switched off for this user.")
        return user

    @staticmethod
    def permits(user: User, entity: str, action: str) -> Denied | None:
        if user.admin or f"{entity}-{action}" in user.roles:
            return None
        return Denied(f"This user is not a full administrator and lacks the {entity}-{action} role.")


def _invalid_grant(description: str) -> TokenResult:
    return TokenResult(400, {"error": "invalid_grant", "error_description": description})


def denied_body(denied: Denied) -> dict[str, str]:
    return {"Message": DENIED, "Reason": denied.reason}
