"""The `pigeonhole` command. Parses arguments and hands each sub-command to the package that owns it.

The contract (tests, benchmarks and scripts rely on it) is in DESIGN.md:
  pigeonhole                   the desk (GUI)
  pigeonhole --demo            the desk on an embedded sandbox, no account needed
  pigeonhole --self-test       offscreen end-to-end check of an installed bundle
  pigeonhole sandbox ...       an embedded Nexudus-compatible server
  pigeonhole sync [--full]     pull the directory, flush the outbox
  pigeonhole status [--json]
  pigeonhole outbox [list | retry ID | discard ID]
  pigeonhole match TEXT [--json] [--limit N] | --image FILE [--json] | --batch FILE.jsonl --json
  pigeonhole --demo status|outbox|match|sync   the same on the demo workspace (app.desk.demo_commands)
The commands that only read (status, outbox, match) never create a database or a settings file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__
from app.config import PASSWORD_ON_COMMAND_LINE, url_has_password


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pigeonhole", description="Mail-room desk for Nexudus coworking centres.")
    p.add_argument("--version", action="version", version=f"pigeonhole {__version__}")
    p.add_argument("--db", help="database URL (default: SQLite in the data folder; or PIGEONHOLE_DB)")
    p.add_argument("--demo", action="store_true", help="open the desk on a demo workspace (no account needed)")
    p.add_argument("--self-test", action="store_true", help="run an offscreen end-to-end check and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    from app.sandbox.faults import FAULTS_HELP

    s = sub.add_parser(
        "sandbox",
        help="run an embedded Nexudus-compatible server",
        epilog=FAULTS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    src = s.add_mutually_exclusive_group()
    src.add_argument("--data", metavar="FILE", help="fixture JSON (Businesses, Countries, Coworkers, ...)")
    src.add_argument("--seed", type=int, help="generate a directory from this seed")
    s.add_argument("--contracts", type=int, default=300, help="contracts to generate with --seed")
    s.add_argument("--faults", metavar="SPEC", help="fault injection, e.g. 'seed=1,500=0.05,503=0.05,slow=0.02'")
    s.add_argument("--realistic-limits", action="store_true", help="throttle like Nexudus (409 + Retry-After)")
    s.add_argument("--state", metavar="FILE", help="keep the sandbox's data in this file across restarts")
    s.add_argument("--users", metavar="FILE", help="JSON list of users replacing the built-in ones")
    s.add_argument(
        "--variant",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="answer a documented variant way, e.g. throttle=429-body, batch=404, paging=no-has-next, "
        "refs=relation, two-factor=plain (see app/sandbox/variants.py); repeatable",
    )

    y = sub.add_parser("sync", help="pull the directory from Nexudus and send what is waiting")
    y.add_argument("--full", action="store_true", help="pull everything, not only what changed")

    t = sub.add_parser("status", help="counts, last sync, outbox")
    t.add_argument("--json", action="store_true")

    o = sub.add_parser("outbox", help="what is waiting to be sent to Nexudus")
    o.add_argument("action", nargs="?", choices=["list", "retry", "discard"], default="list")
    o.add_argument("entry_id", nargs="?", type=int)
    o.add_argument("--json", action="store_true")

    m = sub.add_parser("match", help="who is this label for?")
    m.add_argument("text", nargs="?", help="addressee text (a name, a company, a whole label)")
    m.add_argument(
        "--batch",
        metavar="FILE",
        help='JSON lines {"id", "text"} or {"id", "image"} -> '
        '{"id", "decision", "candidates"} (+ "read_text" for images; relative image paths are read from '
        "the batch file's folder)",
    )
    m.add_argument("--image", metavar="FILE", help="a photo, scan or PDF of the label: read it, then match")
    m.add_argument("--json", action="store_true")
    m.add_argument("--limit", type=int, default=5)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command
    if getattr(args, "db", None) and url_has_password(args.db):
        print(PASSWORD_ON_COMMAND_LINE, file=sys.stderr)
    if command == "sandbox":
        from app.sandbox.cli import run as run_sandbox

        return run_sandbox(args)
    if getattr(args, "demo", False) and command in ("sync", "status", "outbox", "match"):
        from app.desk import demo_commands

        return demo_commands.run(args)
    if command in ("sync", "status", "outbox"):
        from app.sync import cli as sync_cli

        return int(getattr(sync_cli, f"{command}_command")(args))
    if command == "match":
        from app.desk.match_command import run as run_match
        from app.process import collector_paused

        return run_match(args, while_building=collector_paused)  # process-wide: decided here (app.process)
    if getattr(args, "self_test", False):
        from app.ui.self_test import run as run_self_test

        return int(run_self_test(args))
    from app.ui.main import run as run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
