"""`pigeonhole match`: who is this label for? Reads the local database (run `pigeonhole sync` first).

    pigeonhole match TEXT [--json] [--limit N]        one label; a readable ranked list, or JSON
    pigeonhole match --batch FILE.jsonl --json        lines {"id", "text"} -> lines {"id", "decision", "candidates"}

The index is built once per run, so a batch of thousands of labels costs one build plus about a millisecond each.
`--batch -` reads standard input. Exit codes: 0 done, 1 a problem with the data or database (explained on stderr),
2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from app.config import Paths, Settings, resolve_db_url
from app.desk.matching_service import MatchingService
from app.matching import Decision, MatchResult
from app.store import DatabaseError, open_database

log = logging.getLogger(__name__)

DECISION_WORDS = {
    Decision.AUTO: "auto — safe to accept with one keystroke",
    Decision.REVIEW: "review — check the candidates before accepting",
    Decision.NONE: "none — nobody on the directory matches",
}


def human_report(text: str, result: MatchResult) -> str:
    lines = [f"Label: {' / '.join(s.strip() for s in text.splitlines() if s.strip())}"]
    lines.append(f"Decision: {DECISION_WORDS.get(result.decision, str(result.decision))}")
    if result.reason:
        lines.append(f"Check: {result.reason}")
    if not result.candidates:
        lines.append("No candidates.")
    for rank, c in enumerate(result.candidates, 1):
        kind = str(c.kind).replace("_", " ")
        ids = f"contract {c.contract_id}" + (f", contact {c.contact_id}" if c.contact_id is not None else "")
        flags = "".join([" [contract cancelled]" if c.cancelled else "", " [removed in Nexudus]" if c.gone else ""])
        who = c.name if c.name and c.name != c.company else ""
        title = f"{who} — {kind}, {c.company}" if who else f"{c.company} — {kind}"
        lines.append(f"{rank:>2}. {title} ({ids}) {round(c.confidence * 100):>3}%{flags}")
        if c.why:
            lines.append(f"    why: {'; '.join(c.why)}")
    return "\n".join(lines)


def _batch_lines(stream: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError as exc:
            yield number, None, f"not JSON ({exc})"
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield number, None, 'expected an object with "id" and "text"'
            continue
        yield number, item, ""


def run_batch(service: MatchingService, stream: Iterable[str], out: TextIO, limit: int) -> int:
    """Match every line; returns how many lines could not be read (reported on stderr)."""
    bad = 0
    for number, item, problem in _batch_lines(stream):
        if item is None:
            bad += 1
            print(f"line {number}: {problem}; skipped", file=sys.stderr)
            continue
        result = service.match(item["text"], limit)
        out.write(json.dumps({"id": item.get("id"), **result.to_json()}, ensure_ascii=False) + "\n")
    return bad


def run(args: argparse.Namespace) -> int:
    text: str | None = getattr(args, "text", None)
    batch: str | None = getattr(args, "batch", None)
    limit = max(1, int(getattr(args, "limit", 5) or 5))
    if bool(text) == bool(batch):
        print("Give either a label text or --batch FILE.jsonl (not both).", file=sys.stderr)
        return 2
    paths = Paths.default()
    url = resolve_db_url(paths, Settings.load(paths), getattr(args, "db", None))
    try:
        engine = open_database(url)
    except DatabaseError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    try:
        service = MatchingService(engine)
        started = time.perf_counter()
        service.ensure_loaded()
        log.info("match: index ready in %.2f s", time.perf_counter() - started)
        if service.entry_count == 0:
            print("The local directory is empty: run `pigeonhole sync` first.", file=sys.stderr)
        if batch:
            if batch == "-":
                bad = run_batch(service, sys.stdin, sys.stdout, limit)
            else:
                try:
                    with Path(batch).open(encoding="utf-8") as stream:
                        bad = run_batch(service, stream, sys.stdout, limit)
                except OSError as exc:
                    print(f"Cannot read {batch}: {exc.strerror or exc}", file=sys.stderr)
                    return 1
            sys.stdout.flush()
            return 1 if bad else 0
        assert text is not None
        result = service.match(text, limit)
        if getattr(args, "json", False):
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(human_report(text, result))
        return 0
    finally:
        engine.dispose()
