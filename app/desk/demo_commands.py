"""`pigeonhole --demo status|outbox|match|sync`: the headless commands on the demo workspace.

The demo keeps its own SQLite database and its sandbox's data in `<data>/demo/` (app.desk.session). `status`,
`outbox` and `match` read that database and never create it: before the demo was ever opened they say how to set it
up and exit as their command documents for a missing database (7 for status and outbox, 1 for match). `sync`
starts the demo's sandbox on loopback for the length of the command, signs in as the demo administrator, pulls the
directory into the demo database (creating it, as asked) and sends what the demo desk recorded.
"""

from __future__ import annotations

import argparse
import sys

from app.config import Connection, Paths, Settings

HEADLESS = ("status", "outbox", "match", "sync")
EXIT_USAGE, EXIT_MATCH_PROBLEM, EXIT_DATABASE = 2, 1, 7
NOT_SET_UP = (
    "The demo workspace has not been set up yet: open it once with `pigeonhole --demo`, or run "
    "`pigeonhole --demo sync`."
)


def run(args: argparse.Namespace) -> int:
    from app.sync import cli as sync_cli

    command = str(args.command)
    if getattr(args, "db", None):
        print("Error: --demo uses the demo workspace's own database; leave out --db.", file=sys.stderr)
        return EXIT_USAGE
    paths = Paths.default()
    args.db = paths.demo_db_url
    if command == "sync":
        return _sync(args, paths)
    if not paths.demo_db_file.is_file():
        print(f"Error: {NOT_SET_UP}", file=sys.stderr)
        return EXIT_MATCH_PROBLEM if command == "match" else EXIT_DATABASE
    if command == "match":
        from app.desk.match_command import run as run_match

        return run_match(args)
    return int(getattr(sync_cli, f"{command}_command")(args))


def _sync(args: argparse.Namespace, paths: Paths) -> int:
    from app.desk.session import DEMO_ADMIN, start_demo_sandbox
    from app.sync.cli import sync_command

    server = start_demo_sandbox(paths)
    try:
        client_id = Settings.load(paths).client_id
        connection = Connection(
            api_url=server.url, username=DEMO_ADMIN[0], password=DEMO_ADMIN[1], totp="", client_id=client_id
        )
        return sync_command(args, connection=connection)
    finally:
        server.stop()
