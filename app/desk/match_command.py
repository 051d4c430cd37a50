"""`pigeonhole match`: who is this label for? Reads the local database (run `pigeonhole sync` first).

    pigeonhole match TEXT [--json] [--limit N]        one label; a readable ranked list, or JSON
    pigeonhole match --image FILE [--json]            a photo, scan or PDF of the label: read, then matched
    pigeonhole match --batch FILE.jsonl --json        lines {"id", "text"} -> lines {"id", "decision", "candidates"}

A batch line may carry "image" (a file path; relative paths are read from the batch file's folder) instead of
"text": its output line adds "read_text" (the addressee block read), "tracking" and "carrier"; an image that cannot
be read gets {"error": ...} with decision "none", and the batch goes on. Images are read two at a time.

The index is built once per run, so a batch of thousands of labels costs one build plus about a millisecond each.
`--batch -` reads standard input. Exit codes: 0 done, 1 a problem with the data or database (explained on stderr;
a missing database is not created), 2 wrong usage. `pigeonhole --demo match ...` reads the demo workspace.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TextIO

from app.capture import CaptureError, CentreLines
from app.config import Paths, Settings, resolve_db_url
from app.desk.capture import CaptureMatch, read_and_match
from app.desk.capture_intake import centre_lines_from
from app.desk.matching_service import MatchingService, chunks
from app.matching import Decision, MatchResult
from app.store import DatabaseError, open_existing_database
from app.store.engine import DatabaseUrlError

log = logging.getLogger(__name__)

IMAGE_THREADS = 2  # images read at once in a batch (one OCR engine per thread)

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
        if not isinstance(item, dict) or not (isinstance(item.get("text"), str) or isinstance(item.get("image"), str)):
            yield number, None, 'expected an object with "id" and "text" (or "image")'
            continue
        yield number, item, ""


def capture_json(capture: CaptureMatch) -> dict[str, Any]:
    """The JSON of a match read from an image: the text match's shape plus what was read."""
    return {
        **capture.result.to_json(),
        "read_text": capture.reading.text,
        "tracking": capture.reading.tracking,
        "carrier": capture.carrier,
        "read_confidence": capture.reading.confidence,
    }


def _read_image(service: MatchingService, path: Path, limit: int, centre: Sequence[str]) -> CaptureMatch | str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot open {path}: {exc.strerror or exc}"
    try:
        return read_and_match(service, data, filename=path.name, centre_lines=centre, limit=limit)
    except CaptureError as exc:
        return exc.user_message


def run_batch(
    service: MatchingService, stream: Iterable[str], out: TextIO, limit: int, folder: Path | None = None
) -> int:
    """Match every line; returns how many lines could not be read or matched (reported on stderr)."""
    bad = 0
    base = folder or Path.cwd()
    centre = CentreLines(centre_lines_setting())
    with ThreadPoolExecutor(max_workers=IMAGE_THREADS) as pool:
        for chunk in chunks(_batch_lines(stream), IMAGE_THREADS * 4):
            futures: dict[int, Future[CaptureMatch | str]] = {}
            known = centre.lines()  # learnt from the items before this chunk (read once: workers only read it)
            for pos, (_number, item, _problem) in enumerate(chunk):
                if item is not None and not isinstance(item.get("text"), str):
                    path = Path(item["image"]).expanduser()
                    futures[pos] = pool.submit(
                        _read_image, service, path if path.is_absolute() else base / path, limit, known
                    )
            for pos, (number, item, problem) in enumerate(chunk):
                if item is None:
                    bad += 1
                    print(f"line {number}: {problem}; skipped", file=sys.stderr)
                    continue
                if pos not in futures:
                    result = service.match(item["text"], limit)
                    out.write(json.dumps({"id": item.get("id"), **result.to_json()}, ensure_ascii=False) + "\n")
                    continue
                capture = futures[pos].result()
                if isinstance(capture, str):
                    bad += 1
                    print(f"line {number}: {item['image']}: {capture}", file=sys.stderr)
                    row: dict[str, Any] = {
                        "id": item.get("id"),
                        "decision": "none",
                        "candidates": [],
                        "read_text": "",
                        "error": capture,
                    }
                else:
                    centre.observe(capture.reading)
                    row = {"id": item.get("id"), **capture_json(capture)}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return bad


def centre_lines_setting() -> tuple[str, ...]:
    """The centre's own address lines: those entered in Desk ▸ Settings and those the desk has learnt."""
    try:
        settings = Settings.load(Paths.default())
    except Exception:  # settings unreadable: capture still works without the centre's lines
        return ()
    return centre_lines_from(settings.centre_address, settings.centre_lines_state).lines()


def run_image(service: MatchingService, image: str, limit: int, as_json: bool) -> int:
    path = Path(image).expanduser()
    capture = _read_image(service, path, limit, centre_lines_setting())
    if isinstance(capture, str):
        print(f"{image}: {capture}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(capture_json(capture), ensure_ascii=False))
        return 0
    reading = capture.reading
    print(human_report(reading.text or "(no addressee found)", capture.result))
    print(f"Read with {round(reading.confidence * 100)}% confidence.")
    if reading.tracking:
        print(f"Tracking number: {reading.tracking} ({capture.carrier or 'unknown carrier'})")
    return 0


def run(
    args: argparse.Namespace, while_building: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext
) -> int:
    """`while_building`: the composition root's process-wide measure while the index is built (app.cli passes
    app.process.collector_paused; see MatchingService)."""
    text: str | None = getattr(args, "text", None)
    batch: str | None = getattr(args, "batch", None)
    image: str | None = getattr(args, "image", None)
    limit = max(1, int(getattr(args, "limit", 5) or 5))
    if sum(bool(x) for x in (text, batch, image)) != 1:
        print("Give one of: a label text, --image FILE, or --batch FILE.jsonl.", file=sys.stderr)
        return 2
    if image and not Path(image).expanduser().is_file():
        print(f"{image}: no such file.", file=sys.stderr)
        return 1
    paths = Paths.default()
    url = resolve_db_url(paths, Settings.load(paths), getattr(args, "db", None))
    try:
        engine = open_existing_database(url)
    except DatabaseError as exc:
        print(str(exc), file=sys.stderr)
        return 2 if isinstance(exc, DatabaseUrlError) else 1  # an unreadable address is a settings problem
    try:
        service = MatchingService(engine, while_building=while_building)
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
                        bad = run_batch(service, stream, sys.stdout, limit, Path(batch).resolve().parent)
                except OSError as exc:
                    print(f"Cannot read {batch}: {exc.strerror or exc}", file=sys.stderr)
                    return 1
            sys.stdout.flush()
            return 1 if bad else 0
        if image:
            return run_image(service, image, limit, bool(getattr(args, "json", False)))
        assert text is not None
        result = service.match(text, limit)
        if getattr(args, "json", False):
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(human_report(text, result))
        return 0
    finally:
        engine.dispose()
