"""The embedded Nexudus-compatible server: in-process, threaded, HTTP/1.1 keep-alive, on 127.0.0.1.

    from app.sandbox.server import SandboxServer
    with SandboxServer.start(seed=7, contracts=40) as srv:
        srv.url                      # "http://127.0.0.1:PORT"; endpoints at {url}/api/...
        srv.state.records("ContractContact")
        srv.set_faults("seed=1,500=0.1")
        srv.token_expires_in = 2     # seconds, for expiry tests
        srv.stop(); srv.restart()    # "network down, then back": same port, same data, same tokens
    A sandbox started with a `state_file` also keeps its tokens across processes (`<state>.tokens.json`).

Built on the standard library's `http.server` so that faults are written straight to the socket: a dropped
connection sends the status line and headers with the full Content-Length, part of the body, then closes.
Every answer goes out in a single write with TCP_NODELAY, so keep-alive clients see no Nagle delays.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections import Counter
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app.sandbox.answers import Request, Response, bad_request, json_response, server_error, throttled
from app.sandbox.api import WRITE_METHODS, SandboxApi, is_token_path
from app.sandbox.auth import Auth, User, users_from_json
from app.sandbox.faults import Fault, FaultInjector, FaultSpec
from app.sandbox.state import SandboxState
from app.sandbox.throttle import Throttle
from app.sandbox.variants import Variants
from app.sandbox.writes import unapplied_write_body

log = logging.getLogger(__name__)

DEFAULT_SEED = 1
SERVER_NAME = "Pigeonhole-Sandbox"


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("Sandbox connection from %s failed", client_address, exc_info=True)

    def close_connections(self) -> None:
        """Cut every open client connection (keep-alive ones included), as a network failure would."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = SERVER_NAME
    sys_version = ""
    timeout = 300  # idle keep-alive connections are closed after this
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self.send_answer(bad_request("The request body could not be read (bad Content-Length or chunking)."))
            return
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(method, parts.path, parse_qsl(parts.query, keep_blank_values=True), headers, body)
        try:
            self.server.sandbox._serve(self, req)
        except OSError as exc:  # the client went away (e.g. it timed out on a slow answer)
            log.debug("Client connection lost during %s %s: %s", method, parts.path, exc)
            self.close_connection = True

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    # --- writing answers -------------------------------------------------------------------------------------------
    def send_answer(self, resp: Response, *, body: bytes | None = None, content_length: int | None = None) -> None:
        """Status line, headers and body in one write. `body`/`content_length` override for faults."""
        payload = resp.body if body is None else body
        length = len(payload) if content_length is None else content_length
        try:
            reason = HTTPStatus(resp.status).phrase
        except ValueError:
            reason = ""
        lines = [
            f"HTTP/1.1 {resp.status} {reason}",
            f"Server: {SERVER_NAME}",
            f"Date: {formatdate(usegmt=True)}",
        ]
        if resp.content_type:
            lines.append(f"Content-Type: {resp.content_type}")
        lines.append(f"Content-Length: {length}")
        lines.extend(f"{k}: {v}" for k, v in resp.headers)
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + payload)

    def drop_connection(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """A running sandbox. Build it with `SandboxServer.start(...)`; stop it with `stop()` or a `with` block."""

    def __init__(
        self,
        state: SandboxState,
        *,
        auth: Auth | None = None,
        faults: str | None = None,
        realistic_limits: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        variants: str | list[str] | None = None,
    ) -> None:
        self.state = state
        self.variants = Variants.parse(variants)
        self.auth = auth or Auth()
        self.auth.variants = self.variants
        self.host = host
        self._requested_port = port
        self._faults: FaultInjector | None = None
        self.set_faults(faults)
        self.api = SandboxApi(state, self.auth, Throttle() if realistic_limits else None, self.variants)
        self._counts: Counter[tuple[str, str]] = Counter()
        self._counts_lock = threading.Lock()
        self._in_flight = 0  # requests being answered (tests wait for 0 instead of sleeping)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.port = 0

    # --- construction ----------------------------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        *,
        data: dict[str, Any] | None = None,
        data_file: str | Path | None = None,
        seed: int | None = None,
        contracts: int = 300,
        faults: str | None = None,
        realistic_limits: bool = False,
        state_file: str | Path | None = None,
        variants: str | list[str] | None = None,
        users: list[dict[str, Any]] | list[User] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        state: SandboxState | None = None,
    ) -> SandboxServer:
        """Build the data (state file if it exists, else `state`, `data`, `data_file`, or a generated directory
        from `seed` (default 1) with `contracts` contracts), then listen on host:port (0 = a free port)."""
        if state is None:
            state = _build_state(data, data_file, seed, contracts, state_file)
        elif state_file is not None:
            state.state_file = Path(state_file)
            state.persist()
        auth = Auth(users=_users(users)) if users is not None else Auth()
        if state_file is not None:  # a restarted sandbox keeps the tokens it issued
            auth.load_tokens(tokens_file_for(state_file))
        srv = cls(
            state, auth=auth, faults=faults, realistic_limits=realistic_limits, host=host, port=port, variants=variants
        )
        srv.restart()
        return srv

    # --- life cycle ------------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def restart(self) -> None:
        """Listen again (after `stop()`), on the same port once one was chosen, with the same data and tokens."""
        if self._httpd is not None:
            return
        port = self.port or self._requested_port
        self._stopping.clear()
        httpd = _HttpServer((self.host, port), self)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"sandbox:{self.port}", daemon=True
        )
        self._thread.start()
        log.info("Sandbox listening on %s", self.url)

    def stop(self) -> None:
        """Stop listening and cut every open connection. Idempotent."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.state.persist()
        log.info("Sandbox on port %s stopped", self.port)

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- knobs for tests -------------------------------------------------------------------------------------------
    def set_faults(self, spec: str | None) -> None:
        """Replace the fault spec (see app.sandbox.faults); None or "" turns faults off. Restarts the seed."""
        self._faults = FaultInjector(FaultSpec.parse(spec)) if spec else None

    @property
    def token_expires_in(self) -> float:
        return self.auth.access_token_seconds

    @token_expires_in.setter
    def token_expires_in(self, seconds: float) -> None:
        self.auth.access_token_seconds = seconds

    def request_count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        """Requests received (faulted ones included), optionally by method and path prefix like "/api/billing"."""
        with self._counts_lock:
            items = list(self._counts.items())
        return sum(
            n
            for (m, path), n in items
            if (method is None or m == method.upper())
            and (path_prefix is None or path.lower().startswith(path_prefix.lower()))
        )

    def requests_in_flight(self) -> int:
        """How many requests are being answered right now (a slow answer counts until it is sent)."""
        with self._counts_lock:
            return self._in_flight

    # --- serving ---------------------------------------------------------------------------------------------------
    def _serve(self, handler: _Handler, req: Request) -> None:
        with self._counts_lock:
            self._counts[(req.method, req.path)] += 1
            self._in_flight += 1
        try:
            self._answer(handler, req)
        finally:
            with self._counts_lock:
                self._in_flight -= 1

    def _answer(self, handler: _Handler, req: Request) -> None:
        injector = self._faults
        token = is_token_path(req.path)
        fault = None
        if (
            injector is not None
            and (not token or injector.applies_to_token_endpoint())
            and injector.spec.applies_to(req.method)
        ):
            fault = injector.draw(is_write=req.method in WRITE_METHODS and not token)
        if fault is None:
            handler.send_answer(self.api.handle(req))
            return
        self._serve_fault(handler, req, fault, injector.spec if injector else FaultSpec())

    def _serve_fault(self, handler: _Handler, req: Request, fault: Fault, spec: FaultSpec) -> None:
        log.debug("Fault %s (applied=%s) on %s %s", fault.kind, fault.applied, req.method, req.path)
        if fault.kind == "500":
            handler.send_answer(server_error())
            return
        if fault.kind == "503":
            handler.send_answer(json_response(503, {"Message": "The service is unavailable."}))
            return
        if fault.kind == "throttle":
            handler.send_answer(throttled(str(spec.retry_after), self.variants))
            return
        if fault.applied:
            resp = self.api.handle(req)
        elif fault.kind == "slow":
            resp = json_response(503, {"Message": "The service is unavailable."})
        else:
            resp = Response(200, unapplied_write_body())
        if fault.kind == "slow":
            if self._stopping.wait(spec.slow_seconds):
                handler.drop_connection()
                return
            handler.send_answer(resp)
            return
        cut = max(1, min(len(resp.body) - 1, int(len(resp.body) * fault.cut))) if len(resp.body) > 1 else 0
        if fault.kind == "truncate":
            handler.send_answer(resp, body=resp.body[:cut])
            return
        handler.send_answer(resp, body=resp.body[:cut], content_length=len(resp.body))  # drop
        handler.drop_connection()


def tokens_file_for(state_file: str | Path) -> Path:
    """Where a sandbox with `--state FILE` keeps its issued tokens: FILE's name with `.tokens.json`."""
    path = Path(state_file)
    return path.with_name(f"{path.stem}.tokens.json")


def _users(users: list[dict[str, Any]] | list[User]) -> list[User]:
    if all(isinstance(u, User) for u in users):
        return [u for u in users if isinstance(u, User)]
    return users_from_json(users)


def _build_state(
    data: dict[str, Any] | None,
    data_file: str | Path | None,
    seed: int | None,
    contracts: int,
    state_file: str | Path | None,
) -> SandboxState:
    if state_file is not None and Path(state_file).exists():
        return SandboxState.from_file(state_file, state_file=state_file)
    t0 = time.perf_counter()
    if data is not None:
        state = SandboxState(data, state_file=state_file)
    elif data_file is not None:
        state = SandboxState.from_file(data_file, state_file=state_file)
    else:
        from app.sandbox.generate import generate_directory

        generated = generate_directory(DEFAULT_SEED if seed is None else seed, contracts)
        state = SandboxState(generated, state_file=state_file, copy=False)
    log.info("Sandbox data ready in %.1f s", time.perf_counter() - t0)
    state.persist()
    return state
