"""`pigeonhole sandbox ...`: run the embedded Nexudus-compatible server until Ctrl+C or SIGTERM.

Prints the API base URL (first line: `Nexudus sandbox listening on http://HOST:PORT`) and the sign-in users.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from app.sandbox.auth import DEFAULT_PASSWORD, User, default_users, load_users_file
from app.sandbox.server import SandboxServer

READY_PREFIX = "Nexudus sandbox listening on "


def _describe(user: User) -> str:
    if user.admin:
        rights = "full administrator"
    elif user.roles and all(r.endswith(("-List", "-Read")) for r in user.roles):
        rights = f"only List and Read roles: {len(user.roles)}"
    elif user.roles:
        rights = ", ".join(sorted(user.roles)) if len(user.roles) <= 4 else f"{len(user.roles)} roles"
    else:
        rights = "no roles"
    extras = []
    if not user.api_access:
        extras.append("API access off")
    if user.totp_secret:
        extras.append(f"two-factor, TOTP secret {user.totp_secret}")
    password = user.password if user.password == DEFAULT_PASSWORD else "(password from the users file)"
    suffix = f"; {', '.join(extras)}" if extras else ""
    return f"  {user.email} / {password}  ({rights}{suffix})"


def run(args: argparse.Namespace) -> int:
    try:
        users = load_users_file(args.users) if args.users else default_users()
        srv = SandboxServer.start(
            data_file=args.data,
            seed=args.seed,
            contracts=args.contracts,
            faults=args.faults,
            realistic_limits=args.realistic_limits,
            state_file=args.state,
            users=users,
            host=args.host,
            port=args.port,
            variants=getattr(args, "variant", None) or None,
        )
    except (OSError, ValueError) as exc:
        print(f"pigeonhole sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        print(f"{READY_PREFIX}{srv.url}", flush=True)
        print(f"API base: {srv.url}/api/  (set PIGEONHOLE_API_URL={srv.url})")
        print("Sign in as:")
        for user in srv.auth.users:
            print(_describe(user))
        counts = ", ".join(f"{srv.state.count(name)} {name}" for name in ("ContractContacts", "CoworkerContracts"))
        print(f"Data: {counts}{'; state kept in ' + args.state if args.state else ''}")
        if args.faults:
            print(f"Faults: {args.faults}")
        if srv.variants.describe():
            print(f"Variants: {srv.variants.describe()}")
        if args.realistic_limits:
            print("Throttling like Nexudus (409 + Retry-After)")
        print("Press Ctrl+C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        srv.stop()
    return 0
