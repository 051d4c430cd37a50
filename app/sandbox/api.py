"""Routing and the request pipeline of the sandbox, independent of the socket layer.

  POST   /api/token                              token endpoint (see auth.py)
  GET    /api/{path}                             list (envelope), or batch with ?id=[1,2,3] (array)   <Entity>-List
  GET    /api/{path}/{id}                        one record, or 404 "Not found"                        <Entity>-Read
  POST   /api/{path}                             create (contracts contacts, deliveries)               <Entity>-Create
  PUT    /api/{path}                             update, Id in the body                                <Entity>-Edit
  DELETE /api/{path}/{id}                        delete                                                <Entity>-Delete
  POST   /api/{path}/runcommand                  {"Key": "DELIVERY_COLLECT", "Ids": [...]}             <Entity>-Edit
  GET    /api/spaces/coworkerdeliveries/getsignature/{id} (getfiledata, getscannedfiledata,
         getforwardedfiledata): a delivery's file (see delivery_files.py)                              <Entity>-Read

Order of checks: route (404/405), bearer token and API access (401), role (401), realistic limits (409),
then the operation. Unexpected exceptions answer 500 {"Message": "An error has occurred."} and are logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from app.nexudus.resources import TOKEN_PATH, Resource
from app.sandbox import listing, writes
from app.sandbox.answers import (
    Request,
    Response,
    bad_request,
    json_response,
    not_found,
    raw_json,
    server_error,
    throttled,
)
from app.sandbox.auth import Auth, Denied, User, denied_body
from app.sandbox.delivery_files import file_answer
from app.sandbox.shapes import COMMANDS, FILE_ENDPOINTS, WRITABLE_RESOURCES
from app.sandbox.state import SandboxState
from app.sandbox.throttle import Throttle, retry_after_header
from app.sandbox.variants import Variants

log = logging.getLogger(__name__)

_BY_PATH = {res.path.lower(): res for res in Resource}
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})


def is_token_path(path: str) -> bool:
    return path.rstrip("/").lower() == "/" + TOKEN_PATH


def _no_route(path: str) -> Response:
    return json_response(404, {"Message": f"No HTTP resource was found that matches the request URI '{path}'."})


def _no_method(method: str) -> Response:
    return json_response(405, {"Message": f"The requested resource does not support http method '{method}'."})


class SandboxApi:
    def __init__(
        self, state: SandboxState, auth: Auth, throttle: Throttle | None = None, variants: Variants | None = None
    ) -> None:
        self.state = state
        self.auth = auth
        self.throttle = throttle
        self.variants = variants or Variants()

    def handle(self, req: Request) -> Response:
        try:
            return self._handle(req)
        except Exception:
            log.exception("Sandbox failed on %s %s", req.method, req.path)
            return server_error()

    def _handle(self, req: Request) -> Response:
        if is_token_path(req.path):
            if req.method != "POST":
                return _no_method(req.method)
            result = self.auth.token_endpoint(req.headers, req.body)
            return json_response(result.status, result.body)
        route = self._route(req)
        if isinstance(route, Response):
            return route
        res, action, operation = route
        user = self.auth.authenticate(req.headers.get("authorization"))
        if isinstance(user, Denied):
            return self._denied(user)
        denied = self.auth.permits(user, res.entity, action)
        if denied is not None:
            return self._denied(denied)
        if self.throttle is not None:
            wait = self.throttle.check(user.email.lower(), req.method in WRITE_METHODS)
            if wait is not None:
                return throttled(retry_after_header(wait), self.variants)
        return operation(user)

    @staticmethod
    def _denied(denied: Denied) -> Response:
        return json_response(401, denied_body(denied), (("WWW-Authenticate", 'Bearer realm="Nexudus"'),))

    def _route(self, req: Request) -> tuple[Resource, str, Callable[[User], Response]] | Response:
        parts = [p for p in req.path.split("/") if p]
        if len(parts) < 3 or parts[0].lower() != "api":
            return _no_route(req.path)
        res = _BY_PATH.get(f"{parts[1]}/{parts[2]}".lower())
        rest = parts[3:]
        if res is Resource.COWORKER_DELIVERIES and len(rest) == 2 and rest[0].lower() in FILE_ENDPOINTS:
            if req.method != "GET":
                return _no_method(req.method)
            if not rest[1].lstrip("-").isdigit():
                return _no_route(req.path)
            slot, file_id = FILE_ENDPOINTS[rest[0].lower()], int(rest[1])
            return res, "Read", lambda user: self._file(res, file_id, slot)
        if res is None or len(rest) > 1:
            return _no_route(req.path)
        method = req.method
        state = self.state
        writable = res in WRITABLE_RESOURCES
        if not rest:
            if method == "GET":
                return res, "List", lambda user: self._list(res, req)
            if method == "POST" and writable:
                return res, "Create", lambda user: writes.create(state, res, self._json(req), user.email, self.variants)
            if method == "PUT" and writable:
                return res, "Edit", lambda user: writes.update(state, res, self._json(req), user.email, self.variants)
            return _no_method(method)
        item = rest[0]
        if item.lower() == "runcommand":
            if method == "POST" and res in COMMANDS:
                return res, "Edit", lambda user: writes.run_command(state, res, self._json(req), user.email)
            return _no_method(method) if res in COMMANDS else _no_route(req.path)
        if not item.lstrip("-").isdigit():
            return _no_route(req.path)
        record_id = int(item)
        if method == "GET":
            return res, "Read", lambda user: self._get(res, record_id)
        if method == "DELETE" and writable:
            return res, "Delete", lambda user: writes.delete(state, res, record_id, user.email)
        return _no_method(method)

    @staticmethod
    def _json(req: Request) -> object:
        try:
            return json.loads(req.body or b"null")
        except ValueError:
            return _INVALID_JSON

    def _list(self, res: Resource, req: Request) -> Response:
        batch = [v for k, v in req.query if k.lower() == "id"]
        if batch:
            ids = listing.parse_batch_ids(",".join(batch))
            if ids is None:
                return bad_request("The request is invalid: id must be a list of record ids like [1,2,3].")
            body = listing.batch_json(self.state, res, ids)
            if body == b"[]" and self.variants.batch == "404":
                return not_found()  # the older list-by-ids form: nothing matched
            return raw_json(200, body)
        query = listing.parse_list_query(res, req.query)
        body = listing.list_page_json(self.state, res, query)
        if self.variants.paging == "no-has-next":
            body = body.replace(b',"HasNextPage":true', b"").replace(b',"HasNextPage":false', b"")
        return raw_json(200, body)

    def _file(self, res: Resource, record_id: int, slot: str) -> Response:
        with self.state.lock:
            if self.state.lookup(res, record_id) is None:
                return not_found()
            return file_answer(self.state.files.get((record_id, slot)))

    def _get(self, res: Resource, record_id: int) -> Response:
        with self.state.lock:
            stored = self.state.lookup(res, record_id)
            if stored is None:
                return not_found()
            return raw_json(200, self.state.record_json(res, stored))


class _InvalidJson:
    """Marks a body that is not JSON (writes answer it as "not a JSON object")."""


_INVALID_JSON = _InvalidJson()
