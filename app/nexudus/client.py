"""The Nexudus REST client (requests). See shared/nexudus-api.md for the API as documented.

Behaviour in one place:
- Sign-in: password grant (form-encoded, optional two-factor code, our per-installation `client_id`), refresh grant
  with the `client_id` header. Tokens are refreshed shortly before they expire; on a 401 the client refreshes once
  and retries once, then raises AuthenticationError/PermissionDenied naming the likely causes (never loops).
  `on_tokens` is called whenever the tokens change (the desk keeps the refresh token in the keyring).
- Evidence of the connection: `on_answer(ok, detail)` (optional) is called after every HTTP attempt: ok=True when
  Nexudus answered (any status below 500), ok=False for no answer (network trouble, timeout) or a 5xx. The desk
  shows "Online" only from this evidence.
- Throttling: 409 with Retry-After, and 429, are waited out and retried (bounded count, bounded wait); a throttled
  call was not applied, so this holds for writes too. 409 without Retry-After is a real conflict (ConflictError).
- Reads retry with exponential backoff and jitter on 5xx, connection failures, timeouts and truncated or garbled
  answers (bounded by `max_read_retries`).
- Writes (POST/PUT/DELETE, runcommand) are never blindly re-sent: only a failure to connect (the request cannot
  have left) is retried. A timeout, a dropped connection or a cut answer after sending raises UnknownOutcomeError;
  a 5xx raises ServerError with `outcome_unknown=True`. The caller (the outbox) then looks for its SystemId marker.
- Every request has a timeout. Tokens, passwords and two-factor codes are never logged and are redacted in reprs.
"""

from __future__ import annotations

import functools
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from types import TracebackType
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urljoin, urlsplit

import pydantic
import requests
from pydantic import BaseModel, TypeAdapter
from urllib3.exceptions import ConnectTimeoutError

from app.config import check_url_is_safe
from app.nexudus import errors
from app.nexudus.resources import FILTER_DATE_FORMAT, MAX_PAGE_SIZE, TOKEN_PATH, Resource
from app.nexudus.schemas import CommandResult, ListPage, PageInfo, TypedPage, format_api_datetime, parse_record

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=PageInfo)

REFRESH_MARGIN_SECONDS = 120.0  # refresh this long before the access token expires
BATCH_GET_CHUNK = 100  # ids per `?id=[...]` request (keeps the URL short)
# The tolerant reader: documented (or seen) ways real Nexudus may answer, each behind one constant or function
# (nexudus-api.md; the sandbox answers each way with --variant, see app/sandbox/variants.py).
BATCH_404_MEANS_NONE = True  # a batch get answering 404 "Not found": none of these ids exist (the old form)
THROTTLE_BODY_WAIT = re.compile(r"\bwait\s+(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b", re.IGNORECASE)
# A missing or unknown reference is named by the relation without Id in live answers: the field it belongs to.
RELATION_FIELDS = {
    "CoworkerContract": "CoworkerContractId",
    "Business": "BusinessId",
    "Coworker": "CoworkerId",
    "Country": "CountryId",
    "ContractContact": "ContractContactId",
}
SYSTEM_ID_PAGE_SIZE = 50  # a SystemId look-up expects 0 or 1 records...
SYSTEM_ID_MAX_PAGES = 4  # ...and gives up rather than page through a collection whose filter was ignored
DEFAULT_MAX_THROTTLE_RETRIES = 5
DEFAULT_MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is raised as ThrottledError instead of waited out
USER_AGENT = "Pigeonhole (+https://github.com/pigeonhole)"

# Which role a call needs, by what it does (nexudus-api.md: roles are `<Entity>-<Action>`).
ACTION_LIST, ACTION_READ, ACTION_CREATE, ACTION_EDIT, ACTION_DELETE = "List", "Read", "Create", "Edit", "Delete"
_ACTION_WORDS = {
    ACTION_LIST: "list",
    ACTION_READ: "read",
    ACTION_CREATE: "create",
    ACTION_EDIT: "change",
    ACTION_DELETE: "delete",
}
# INFERRED: the role a runcommand (e.g. DELIVERY_COLLECT) needs; Nexudus does not document it.
RUNCOMMAND_ACTION = ACTION_EDIT


class InsecureConnectionError(errors.NexudusError, ValueError):
    """The API address is plain http:// to another computer."""


class RedirectRefusedError(InsecureConnectionError):
    """Nexudus answered with a redirect Pigeonhole will not follow (another scheme or host, plain http, a loop).

    The request was not applied (a redirect is an answer), so a refused write is not an unknown outcome.
    """

    default_user_message = (
        "The Nexudus address in the settings sends Pigeonhole on to another address, which it does not follow "
        "for safety. Check the Nexudus address (it should be https://spaces.nexudus.com)."
    )


@dataclass(frozen=True, repr=False)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds

    def __repr__(self) -> str:
        return f"Tokens(access_token=<redacted>, refresh_token=<redacted>, expires_at={self.expires_at:.0f})"

    __str__ = __repr__


class _Call(NamedTuple):
    method: str
    url: str
    write: bool  # never re-sent once it may have left
    action: str  # List/Read/Create/Edit/Delete, for the role name in 401 messages
    resource: Resource | None
    auth: bool = True  # send the bearer token and handle 401 with one refresh

    @property
    def role(self) -> str | None:
        return f"{self.resource.entity}-{self.action}" if self.resource else None


class NexudusClient:
    """One client per thread of work (requests.Session is not shared between threads); token refresh is locked."""

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        tokens: Tokens | None = None,
        on_tokens: Callable[[Tokens], None] | None = None,
        timeout: float | tuple[float, float] = (5, 30),
        max_read_retries: int = 4,
        session: requests.Session | None = None,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        max_throttle_retries: int = DEFAULT_MAX_THROTTLE_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        on_answer: Callable[[bool, str], None] | None = None,
    ) -> None:
        try:
            check_url_is_safe(base_url)
        except ValueError as exc:
            raise InsecureConnectionError(
                str(exc),
                user_message="The Nexudus address must start with https:// (plain http is only allowed for a "
                "sandbox on this computer).",
            ) from exc
        root = base_url.rstrip("/")
        if root.endswith("/api"):
            root = root[: -len("/api")]
        self.base_url = root
        self.client_id = client_id
        self._tokens = tokens
        self._on_tokens = on_tokens
        self._on_answer = on_answer
        self._timeout = timeout
        self._max_read_retries = max(0, max_read_retries)
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._max_throttle_retries = max(0, max_throttle_retries)
        self._max_retry_after = max_retry_after
        self._refresh_margin = refresh_margin
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        self._token_lock = threading.RLock()

    def __repr__(self) -> str:
        return f"NexudusClient({self.base_url!r}, client_id={self.client_id!r}, signed_in={self._tokens is not None})"

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> NexudusClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ authentication

    @property
    def tokens(self) -> Tokens | None:
        return self._tokens

    def login(self, username: str, password: str, totp: str | None = None) -> Tokens:
        """Password grant. Raises AuthenticationError (wrong e-mail/password), TwoFactorRequired, NetworkError."""
        form = {"grant_type": "password", "username": username, "password": password, "client_id": self.client_id}
        if totp:
            form["totp"] = totp
        tokens = self._token_request(form, two_factor_sent=bool(totp), refreshing=False)
        log.info("Signed in to %s as %s", self.base_url, username)
        return tokens

    def refresh(self) -> Tokens:
        """Refresh grant (rotates the refresh token). Raises AuthenticationError when it is no longer valid."""
        with self._token_lock:
            current = self._tokens
            if current is None or not current.refresh_token:
                raise errors.AuthenticationError(
                    "no refresh token", user_message="Pigeonhole is not signed in to Nexudus. Please sign in."
                )
            form = {"grant_type": "refresh_token", "refresh_token": current.refresh_token}
            tokens = self._token_request(form, two_factor_sent=False, refreshing=True)
            log.info("Refreshed the Nexudus sign-in")
            return tokens

    def _token_request(self, form: dict[str, str], *, two_factor_sent: bool, refreshing: bool) -> Tokens:
        call = _Call("POST", f"{self.base_url}/{TOKEN_PATH}", write=refreshing, action="", resource=None, auth=False)
        headers = {"client_id": self.client_id}
        resp, payload = self._send(call, form=form, headers=headers, decode_errors=True)
        if resp.status_code >= 400:
            raise _token_error(resp.status_code, payload, two_factor_sent=two_factor_sent, refreshing=refreshing)
        if not isinstance(payload, dict) or not payload.get("access_token"):
            raise errors.ResponseFormatError(
                f"token endpoint answered {resp.status_code} without an access token", status=resp.status_code
            )
        try:
            expires_in = float(payload.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0.0
        old_refresh = self._tokens.refresh_token if self._tokens else ""
        tokens = Tokens(
            access_token=str(payload["access_token"]),
            refresh_token=str(payload.get("refresh_token") or (old_refresh if refreshing else "")),
            expires_at=time.time() + expires_in,
        )
        self._set_tokens(tokens)
        return tokens

    def _set_tokens(self, tokens: Tokens) -> None:
        with self._token_lock:
            self._tokens = tokens
        if self._on_tokens is not None:
            self._on_tokens(tokens)

    def _access_token(self) -> str:
        """The bearer token to send, refreshed first when it is about to expire."""
        with self._token_lock:
            tokens = self._tokens
            if tokens is None:
                raise errors.AuthenticationError(
                    "not signed in", user_message="Pigeonhole is not signed in to Nexudus. Please sign in."
                )
            now = time.time()
            if tokens.refresh_token and now >= tokens.expires_at - self._refresh_margin:
                try:
                    tokens = self.refresh()
                except errors.NexudusError as exc:
                    if not tokens.access_token or now >= tokens.expires_at:
                        raise
                    log.warning("Early token refresh failed (%s); using the current token until it expires", exc)
            return tokens.access_token

    def _refresh_after_401(self, used_token: str) -> bool:
        """Refresh once after a 401, unless another thread already did. False when there is nothing to refresh."""
        with self._token_lock:
            current = self._tokens
            if current is None:
                return False
            if current.access_token != used_token:
                return True  # someone else refreshed meanwhile: just retry with the new token
            if not current.refresh_token:
                return False
            self.refresh()
            return True

    # ------------------------------------------------------------------ reads

    def iter_pages(
        self,
        resource: Resource,
        *,
        filters: Mapping[str, object] | None = None,
        updated_since: datetime | None = None,
        size: int = MAX_PAGE_SIZE,
    ) -> Iterator[ListPage]:
        """Every page of a list until HasNextPage is false. Page records stay raw dicts (`page.records`).

        `filters` are full API names: `{Entity}_{Property}` (see Resource.filter_key) and `from_`/`to_` ranges
        (Resource.range_keys); values may be bool, int, str, enums, dates or datetimes (formatted as the API wants).
        `updated_since` adds the inclusive `from_{Entity}_UpdatedOn` filter (minute precision, rounded down).
        """
        params = _list_params(resource, filters, updated_since, size)
        yield from self._paged(resource, params, lambda body: _list_page(json.loads(body), resource))

    def list_records(
        self,
        resource: Resource,
        model: type[M],
        *,
        filters: Mapping[str, object] | None = None,
        updated_since: datetime | None = None,
        size: int = MAX_PAGE_SIZE,
    ) -> Iterator[M]:
        """Every record of a list as `model` instances (see iter_pages for the arguments).

        Each page is validated straight from the JSON bytes in one pydantic call (the listing hot path); a page
        with a record that does not fit the model is re-read record by record with `parse_record`'s tolerance.
        """
        params = _list_params(resource, filters, updated_since, size)
        for page in self._paged(resource, params, _typed_page_parser(resource, model)):
            yield from page.records

    def list_page(self, resource: Resource, page: int, *, size: int = MAX_PAGE_SIZE) -> ListPage:
        """One page of the unfiltered list (records raw), e.g. to compare one range of Ids with the local copy."""
        params = _list_params(resource, None, None, size)
        params["page"] = str(max(1, int(page)))
        call = _Call("GET", self._url(resource.path), write=False, action=ACTION_LIST, resource=resource)
        _, result = self._send(call, params=params, parse=lambda body: _list_page(json.loads(body), resource))
        if result is None:
            raise errors.ResponseFormatError(f"list {resource.path}: empty answer")
        assert isinstance(result, ListPage)
        return result

    def _paged(self, resource: Resource, params: dict[str, str], parse: Callable[[bytes], P]) -> Iterator[P]:
        call = _Call("GET", self._url(resource.path), write=False, action=ACTION_LIST, resource=resource)
        page_number = 1
        while True:
            params["page"] = str(page_number)
            _, page = self._send(call, params=params, parse=parse)
            if page is None:
                raise errors.ResponseFormatError(f"list {resource.path}: empty answer")
            yield page
            if not has_next_page(page):
                return
            if not page.records:
                log.warning("%s page %d is empty but claims a next page; stopping", resource.entity, page_number)
                return
            page_number += 1

    def get(self, resource: Resource, record_id: int) -> dict[str, Any]:
        """One full record. NotFoundError when there is no such id."""
        call = _Call("GET", f"{self._url(resource.path)}/{int(record_id)}", False, ACTION_READ, resource)
        _, payload = self._send(call)
        if not isinstance(payload, dict):
            raise errors.ResponseFormatError(f"GET {resource.path}/{record_id}: expected a record")
        return payload

    def get_many(self, resource: Resource, ids: Iterable[int]) -> list[dict[str, Any]]:
        """Records by id with the batch form `?id=[1,2,3]`, in chunks. Unknown ids are simply absent."""
        unique = list(dict.fromkeys(int(i) for i in ids))
        call = _Call("GET", self._url(resource.path), write=False, action=ACTION_READ, resource=resource)
        found: list[dict[str, Any]] = []
        for start in range(0, len(unique), BATCH_GET_CHUNK):
            chunk = unique[start : start + BATCH_GET_CHUNK]
            try:
                _, payload = self._send(call, params={"id": "[" + ",".join(map(str, chunk)) + "]"})
            except errors.NotFoundError:
                if not BATCH_404_MEANS_NONE:
                    raise
                payload = []  # the older list-by-ids form answers 404 when none of the ids exist
            if isinstance(payload, dict) and isinstance(payload.get("Records"), list):
                payload = payload["Records"]
            if not isinstance(payload, list):
                raise errors.ResponseFormatError(f"batch GET {resource.path}: expected a JSON array")
            found.extend(r for r in payload if isinstance(r, dict))
        return found

    def get_file(self, resource: Resource, endpoint: str, record_id: int) -> bytes:
        """A record's file, e.g. `get_file(COWORKER_DELIVERIES, "getsignature", 12)`; NotFoundError when empty."""
        call = _Call("GET", f"{self._url(resource.path)}/{endpoint}/{int(record_id)}", False, ACTION_READ, resource)
        _, payload = self._send(call, parse=bytes)
        return payload if isinstance(payload, bytes) else b""

    def find_by_system_id(self, resource: Resource, system_id: str) -> dict[str, Any] | None:
        """The record carrying this SystemId marker (filter `{Entity}_SystemId`), or None.

        Raises ResponseFormatError instead of listing a whole collection when the server evidently ignores the
        filter (INFERRED: the live API's support for it is an open question in nexudus-api.md).
        """
        matches: list[dict[str, Any]] = []
        filters = {resource.filter_key("SystemId"): system_id}
        pages = self.iter_pages(resource, filters=filters, size=SYSTEM_ID_PAGE_SIZE)
        for number, page in enumerate(pages, start=1):
            matches.extend(r for r in page.records if r.get("SystemId") == system_id)
            if has_next_page(page) and number >= SYSTEM_ID_MAX_PAGES:
                raise errors.ResponseFormatError(
                    f"{resource.entity} SystemId filter seems to be ignored: more than "
                    f"{SYSTEM_ID_PAGE_SIZE * SYSTEM_ID_MAX_PAGES} records matched"
                )
        if len(matches) > 1:
            log.warning("%d %s records carry one SystemId marker; using the oldest", len(matches), resource.entity)
        return min(matches, key=lambda r: int(r.get("Id") or 0)) if matches else None

    # ------------------------------------------------------------------ writes

    def create(self, resource: Resource, body: Mapping[str, Any]) -> CommandResult:
        """POST a new record. `CommandResult.id` is the new Id. Raises ValidationError with per-field errors."""
        call = _Call("POST", self._url(resource.path), write=True, action=ACTION_CREATE, resource=resource)
        return self._command(call, dict(body))

    def update(self, resource: Resource, body: Mapping[str, Any]) -> CommandResult:
        """PUT the whole record (with its Id) to the collection: fields left out may be cleared by the server."""
        if not body.get("Id"):
            raise ValueError("update() needs the whole record including its Id")
        call = _Call("PUT", self._url(resource.path), write=True, action=ACTION_EDIT, resource=resource)
        return self._command(call, dict(body))

    def delete(self, resource: Resource, record_id: int) -> CommandResult:
        call = _Call("DELETE", f"{self._url(resource.path)}/{int(record_id)}", True, ACTION_DELETE, resource)
        return self._command(call, None)

    def run_command(self, resource: Resource, key: str, ids: Iterable[int]) -> CommandResult:
        """POST {path}/runcommand {"Key": key, "Ids": [...]}, e.g. DELIVERY_COLLECT."""
        call = _Call("POST", self._url(f"{resource.path}/runcommand"), True, RUNCOMMAND_ACTION, resource)
        return self._command(call, {"Key": key, "Ids": [int(i) for i in ids]})

    def _command(self, call: _Call, body: dict[str, Any] | None) -> CommandResult:
        resp, payload = self._send(call, json_body=body)
        if payload is None:  # e.g. 204 No Content
            return CommandResult(status=resp.status_code, was_successful=True)
        if not isinstance(payload, dict):
            raise errors.ResponseFormatError(
                f"{call.method} {call.url}: expected the command envelope", status=resp.status_code
            )
        result = CommandResult.model_validate(payload)
        if not result.was_successful:
            raise _validation_error(payload, resp.status_code)
        return result

    # ------------------------------------------------------------------ the request loop

    def _url(self, path: str) -> str:
        return f"{self.base_url}/api/{path.strip('/')}"

    def _send(
        self,
        call: _Call,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        decode_errors: bool = False,
        parse: Callable[[bytes], Any] = json.loads,
    ) -> tuple[requests.Response, Any]:
        """Send with the retry policy in the module docstring. Returns (response, decoded JSON body or None).

        Non-2xx answers raise typed errors, except that with `decode_errors` 4xx answers are returned for the
        caller to interpret (the token endpoint). `parse` turns a 2xx body into the result; a ValueError from it
        means the body was cut off or garbled (retried for reads).
        """
        data: bytes | Mapping[str, str] | None = form
        send_headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body, default=_json_default, ensure_ascii=False).encode("utf-8")
            send_headers["Content-Type"] = "application/json; charset=utf-8"
        failures = 0
        throttles = 0
        redirects = 0
        url, send_params = call.url, params
        refresh_tried = refreshed = False
        while True:
            token = ""
            if call.auth:
                token = self._access_token()
                send_headers["Authorization"] = f"Bearer {token}"
            started = time.monotonic()
            try:
                # Redirects are never followed by requests: each target goes through `redirect_target` first.
                resp = self._session.request(
                    call.method,
                    url,
                    params=send_params,
                    data=data,
                    headers=send_headers,
                    timeout=self._timeout,
                    allow_redirects=False,
                )
                body = resp.content  # already read (no streaming); a drop mid-body raised above
            except requests.RequestException as exc:
                failures += 1
                self._answered(False, f"{call.method} {_path_of(call.url)}: {type(exc).__name__}")
                self._on_transport_error(call, exc, failures)
                continue
            status = resp.status_code
            log.debug("%s %s -> %d in %.0f ms", call.method, _path_of(url), status, _ms_since(started))
            self._answered(status < 500, f"{call.method} {_path_of(url)}: HTTP {status}")
            if status in REDIRECT_STATUSES:
                redirects += 1
                url = redirect_target(call, url, resp, redirects)
                send_params = None  # the Location carries its own query
                continue
            if status == 401 and call.auth:
                if not refresh_tried:
                    refresh_tried = True
                    if self._refresh_after_401(token):
                        refreshed = True
                        continue
                raise _auth_error(call, resp, after_refresh=refreshed)
            if status == 429 or (status == 409 and "Retry-After" in resp.headers):
                throttles += 1
                self._wait_throttled(call, resp, throttles)
                continue
            if status >= 500:
                failures += 1
                self._on_server_error(call, resp, failures)
                continue
            if status >= 400:
                if decode_errors:
                    return resp, _loads_or_text(body)
                raise _client_error(call, resp, body)
            if not body.strip():
                return resp, None
            try:
                return resp, parse(body)
            except ValueError as exc:  # cut off or garbled (a parse that finds bad records raises other errors)
                failures += 1
                self._on_garbled_answer(call, status, exc, failures)

    def _answered(self, ok: bool, detail: str) -> None:
        if self._on_answer is not None:
            try:
                self._on_answer(ok, detail)
            except Exception:  # an observer must never break a call
                log.exception("Connection observer failed")

    def _backoff(self, attempt: int) -> None:
        delay = min(self._backoff_max, self._backoff_base * (2 ** (attempt - 1)))
        time.sleep(delay * random.uniform(0.5, 1.0))

    def _on_transport_error(self, call: _Call, exc: requests.RequestException, failures: int) -> None:
        """Retry (return) or raise for a request that got no complete answer."""
        where = f"{call.method} {_path_of(call.url)}"
        if isinstance(exc, requests.exceptions.SSLError):
            raise errors.NetworkError(
                f"{where}: TLS failed: {exc}",
                user_message="Pigeonhole could not make a secure connection to Nexudus. Check the address and the "
                "computer's date and time.",
            ) from exc
        before_sending = _failed_before_sending(exc)
        if call.write and not before_sending:
            raise errors.UnknownOutcomeError(f"{where}: no complete answer after sending: {exc}") from exc
        if failures > self._max_read_retries:
            raise errors.NetworkError(f"{where}: gave up after {failures} attempts: {exc}") from exc
        log.info("%s failed (%s); retry %d of %d", where, type(exc).__name__, failures, self._max_read_retries)
        self._backoff(failures)

    def _on_server_error(self, call: _Call, resp: requests.Response, failures: int) -> None:
        where = f"{call.method} {_path_of(call.url)}"
        detail = f"{where}: HTTP {resp.status_code}: {_short_text(resp)}"
        if call.write:
            raise errors.ServerError(detail, status=resp.status_code, outcome_unknown=True)
        if failures > self._max_read_retries:
            raise errors.ServerError(detail, status=resp.status_code)
        log.info("%s: HTTP %d; retry %d of %d", where, resp.status_code, failures, self._max_read_retries)
        self._backoff(failures)

    def _on_garbled_answer(self, call: _Call, status: int, exc: ValueError, failures: int) -> None:
        where = f"{call.method} {_path_of(call.url)}"
        if call.write:
            raise errors.UnknownOutcomeError(f"{where}: HTTP {status} with an unreadable body: {exc}") from exc
        if failures > self._max_read_retries:
            raise errors.NetworkError(
                f"{where}: unreadable answer after {failures} attempts: {exc}",
                user_message="The answers from Nexudus arrive cut off or garbled. Check the connection and try again.",
            ) from exc
        log.info("%s: unreadable answer (%s); retry %d of %d", where, exc, failures, self._max_read_retries)
        self._backoff(failures)

    def _wait_throttled(self, call: _Call, resp: requests.Response, throttles: int) -> None:
        where = f"{call.method} {_path_of(call.url)}"
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        if retry_after is None:
            retry_after = wait_from_body(resp.content)
        wait = retry_after if retry_after is not None else min(self._backoff_max, self._backoff_base * 2**throttles)
        if throttles > self._max_throttle_retries or wait > self._max_retry_after:
            raise errors.ThrottledError(
                f"{where}: throttled (HTTP {resp.status_code}, Retry-After {retry_after}) after {throttles} waits",
                status=resp.status_code,
                retry_after=wait,
            )
        log.info("%s throttled (HTTP %d); waiting %.1f s", where, resp.status_code, wait)
        time.sleep(wait)


# ---------------------------------------------------------------------- helpers (pure functions)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


def redirect_target(call: _Call, current_url: str, resp: requests.Response, redirects: int) -> str:
    """The URL a redirect answer points to, if Pigeonhole may follow it; else RedirectRefusedError.

    Followed only to the same scheme and host (and port), never to plain http (not even on this computer: a
    loopback sandbox has no reason to redirect), and through `check_url_is_safe` like every request. A write is
    followed only by 307/308, which keep the method and body; a 301/302/303 would turn it into a GET.
    """
    location = resp.headers.get("Location") or ""
    target = urljoin(current_url, location)
    where = f"{call.method} {_path_of(current_url)}"
    try:
        check_url_is_safe(target)
        here, there = urlsplit(current_url), urlsplit(target)
        same_place = (here.scheme, here.hostname, here.port) == (there.scheme, there.hostname, there.port)
    except ValueError:
        same_place = False
    if not location or not same_place or urlsplit(target).scheme != "https":
        detail = f"{where}: HTTP {resp.status_code} redirect to {target!r} refused"
        raise RedirectRefusedError(detail, status=resp.status_code)
    if call.method != "GET" and resp.status_code not in (307, 308):
        raise RedirectRefusedError(
            f"{where}: HTTP {resp.status_code} redirect of a {call.method} refused", status=resp.status_code
        )
    if redirects > MAX_REDIRECTS:
        raise RedirectRefusedError(f"{where}: more than {MAX_REDIRECTS} redirects", status=resp.status_code)
    log.info("%s: following HTTP %d to %s", where, resp.status_code, _path_of(target))
    return target


def encode_filter_value(value: object) -> str:
    """A filter value as the API wants it: booleans lower-case, enums as ints, dates as YYYY-MM-DDTHH:mm (UTC)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime(FILTER_DATE_FORMAT)
    if isinstance(value, date):
        return value.strftime(FILTER_DATE_FORMAT)
    return str(value)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def wait_from_body(body: bytes) -> float | None:
    """The wait a throttled answer states in its body ("... Wait 12 seconds ..."), when it sends no Retry-After."""
    match = THROTTLE_BODY_WAIT.search(body[:2000].decode("utf-8", "replace"))
    return float(match.group(1)) if match else None


def has_next_page(page: PageInfo) -> bool:
    """Whether a list has more pages: HasNextPage when the answer has it; else CurrentPage < TotalPages; else
    whether this page had records (the caller stops at the first empty page)."""
    if page.has_next_page is not None:
        return page.has_next_page
    if page.total_pages is not None:
        return page.current_page < page.total_pages
    return bool(getattr(page, "records", None))


def api_field(property_name: str) -> str:
    """The field a validation error belongs to: `CoworkerContract` (a relation, as live answers name a missing
    reference) -> `CoworkerContractId`; anything else as it is."""
    return RELATION_FIELDS.get(property_name, property_name)


def _failed_before_sending(exc: BaseException) -> bool:
    """True when the request cannot have reached the server (could not connect at all)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectTimeoutError):  # includes NewConnectionError and NameResolutionError
            return True
        todo.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        todo.extend(a for a in current.args if isinstance(a, BaseException))
    return False


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return format_api_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def _list_page(payload: Any, resource: Resource) -> ListPage:
    if not isinstance(payload, dict):
        raise errors.ResponseFormatError(f"list {resource.path}: expected the list envelope")
    envelope = dict(payload)
    records = envelope.pop("Records", None)
    if not isinstance(records, list):
        raise errors.ResponseFormatError(f"list {resource.path}: the envelope has no Records")
    page = ListPage.model_validate(envelope)
    page.records = records  # kept as-is: no per-record copy on the listing hot path
    return page


def _list_params(
    resource: Resource, filters: Mapping[str, object] | None, updated_since: datetime | None, size: int
) -> dict[str, str]:
    params: dict[str, str] = {k: encode_filter_value(v) for k, v in (filters or {}).items()}
    if updated_since is not None:
        params[resource.range_keys("UpdatedOn")[0]] = encode_filter_value(updated_since)
    params["size"] = str(max(1, min(int(size), MAX_PAGE_SIZE)))
    return params


@functools.cache
def _typed_page_adapter(model: type[BaseModel]) -> TypeAdapter[Any]:
    return TypeAdapter(TypedPage[model])  # type: ignore[valid-type]


def _typed_page_parser(resource: Resource, model: type[M]) -> Callable[[bytes], TypedPage[M]]:
    adapter = _typed_page_adapter(model)

    def parse(body: bytes) -> TypedPage[M]:
        try:
            page: TypedPage[M] = adapter.validate_json(body)
            return page
        except pydantic.ValidationError as exc:
            if any(err["type"] == "json_invalid" for err in exc.errors(include_input=False)):
                raise ValueError("the JSON is cut off or garbled") from None
        # Valid JSON, but some record (or the envelope) does not fit: the tolerant path, record by record.
        raw = _list_page(json.loads(body), resource)
        info = raw.model_dump(exclude={"records"})
        return TypedPage[model](records=[_validate(model, r) for r in raw.records], **info)  # type: ignore[valid-type]

    return parse


def _validate(model: type[M], raw: dict[str, Any]) -> M:
    try:
        return parse_record(model, raw)
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        raise errors.ResponseFormatError(f"{model.__name__} {raw.get('Id')!r} unreadable: {exc}") from exc


def _loads_or_text(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except ValueError:
        return body.decode("utf-8", "replace")


def _short_text(resp: requests.Response, limit: int = 300) -> str:
    return resp.content[:limit].decode("utf-8", "replace").strip()


def _path_of(url: str) -> str:
    return url.split("/api/", 1)[-1]


def _ms_since(started: float) -> float:
    return (time.monotonic() - started) * 1000


def _humanize(property_name: str) -> str:
    """`CoworkerContractId` -> `Coworker contract id`, for messages a receptionist reads."""
    words: list[str] = []
    current = ""
    for ch in property_name:
        if ch.isupper() and current and not current[-1].isupper():
            words.append(current)
            current = ch
        else:
            current += ch
    if current:
        words.append(current)
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def _validation_error(payload: Any, status: int) -> errors.ValidationError:
    field_errors: list[errors.FieldError] = []
    message = ""
    if isinstance(payload, dict):
        message = str(payload.get("Message") or "")
        for item in payload.get("Errors") or []:
            if isinstance(item, dict):
                field_errors.append(
                    errors.FieldError(
                        property_name=api_field(str(item.get("PropertyName") or "")),
                        message=str(item.get("Message") or ""),
                        attempted_value=item.get("AttemptedValue"),
                    )
                )
    elif isinstance(payload, str):
        message = payload
    if field_errors:
        parts = [f"{_humanize(e.property_name)}: {e.message}" if e.property_name else e.message for e in field_errors]
        user_message = "Nexudus did not accept the data. " + "; ".join(parts) + "."
    elif message:
        user_message = f"Nexudus did not accept the data: {message}"
    else:
        user_message = errors.ValidationError.default_user_message
    # The detail names fields and messages only: attempted values may be personal data (dates of birth).
    detail = f"HTTP {status}: " + ("; ".join(f"{e.property_name}: {e.message}" for e in field_errors) or message)
    return errors.ValidationError(detail, field_errors=field_errors, user_message=user_message, status=status)


def _client_error(call: _Call, resp: requests.Response, body: bytes) -> errors.NexudusError:
    status = resp.status_code
    where = f"{call.method} {_path_of(call.url)}"
    payload = _loads_or_text(body)
    if status == 400 or status == 422:
        return _validation_error(payload, status)
    if status == 403:
        return _permission_denied(call, f"{where}: HTTP 403: {_short_text(resp)}", status)
    if status == 404:
        return errors.NotFoundError(f"{where}: HTTP 404: {_short_text(resp)}", status=status)
    if status == 409:
        return errors.ConflictError(f"{where}: HTTP 409 without Retry-After: {_short_text(resp)}", status=status)
    return errors.NexudusError(f"{where}: HTTP {status}: {_short_text(resp)}", status=status)


def _permission_denied(call: _Call, detail: str, status: int) -> errors.PermissionDenied:
    role = call.role
    role_part = f"the role “{role}”" if role else "the role for this"
    return errors.PermissionDenied(
        detail,
        role=role,
        status=status,
        user_message=f"Nexudus did not allow this user to {_doing(call)}. Most likely the user is missing "
        f"{role_part}, or “API access” is switched off for the user. Ask a Nexudus administrator to check, "
        "then try again.",
    )


def _auth_error(call: _Call, resp: requests.Response, *, after_refresh: bool) -> errors.AuthenticationError:
    """A 401 that one refresh-and-retry did not cure (or that could not be refreshed)."""
    detail = f"{call.method} {_path_of(call.url)}: HTTP 401 (after refresh: {after_refresh}): {_short_text(resp)}"
    if after_refresh:
        # The refresh grant just worked, so the sign-in is good: what is missing is permission.
        return _permission_denied(call, detail, 401)
    role = call.role
    role_part = f" (“{role}”)" if role else ""
    return errors.AuthenticationError(
        detail,
        role=role,
        status=401,
        user_message=f"Nexudus refused to let this user {_doing(call)}. Likely causes: the password was changed "
        f"(sign in again), “API access” is switched off for the user, or the user is missing a role{role_part}. "
        "Ask a Nexudus administrator to check.",
    )


def _doing(call: _Call) -> str:
    """`create contract contact records`, for messages."""
    verb = _ACTION_WORDS.get(call.action, "use")
    thing = _humanize(call.resource.entity).lower() if call.resource else "these"
    return f"{verb} {thing} records"


# INFERRED: how Nexudus words "a two-factor code is needed" is not documented; any of these words in the error or
# its description is taken as that (not only the sandbox's own wording).
TWO_FACTOR_WORDS = re.compile(
    r"two[- ]?factor|two[- ]?step|\b2fa\b|\bmfa\b|\b(?:t)?otp\b|one[- ]time|verification|authenticator|"
    r"security code|\bcode\b",
    re.IGNORECASE,
)


def _token_error(status: int, payload: Any, *, two_factor_sent: bool, refreshing: bool) -> errors.NexudusError:
    """Interpret a 4xx from the token endpoint. INFERRED: how Nexudus says "two-factor code needed" is not
    documented; any error or description mentioning a code/two-factor is taken as that."""
    error = description = ""
    if isinstance(payload, dict):
        error = str(payload.get("error") or "")
        description = str(payload.get("error_description") or payload.get("Message") or "")
    elif isinstance(payload, str):
        description = payload
    detail = f"token endpoint HTTP {status}: {error} {description}".strip()
    text = f"{error} {description}".lower()
    if refreshing:
        return errors.AuthenticationError(
            detail,
            status=status,
            user_message="Your Nexudus sign-in has expired or was replaced by a newer one. Please sign in again.",
        )
    if TWO_FACTOR_WORDS.search(text):
        return errors.TwoFactorRequired(
            detail,
            status=status,
            user_message=(
                "That two-step verification code was not accepted. Enter the current 6-digit code from your "
                "authenticator app."
                if two_factor_sent
                else errors.TwoFactorRequired.default_user_message
            ),
        )
    if error == "invalid_grant" or status in (400, 401):
        return errors.AuthenticationError(
            detail,
            status=status,
            user_message="Nexudus did not accept that e-mail address and password. Check them and try again "
            "(and that “API access” is switched on for this user in Nexudus).",
        )
    return errors.NexudusError(detail, status=status)
