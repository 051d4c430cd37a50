"""Capture end to end on the capture-dev set (or a generated one): read every image, match, score with score.py.

    python -m tests.bench.capture_dev [--dev DIR] [--images FILE.jsonl] [--cache DIR] [--jobs N] [--keep OUT]

The directory (../shared/matching-dev/directory.json) is loaded straight into the matcher (as
tests/bench/matching_dev.py does); the CLI path over a real sandbox is tested in tests/integration. Prints the
overall score and one per tier (0 clean, 1 phone, 2 poor). --cache keeps readings between runs (decision work).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from app.capture import CaptureError, CentreLines, LabelReading, apply_centre_lines, read_label
from app.desk.capture import _pick_tracking, match_reading
from app.matching import MatchIndex
from tests.support.fixture_records import records_from_fixture

SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents if (p / "shared" / "capture-dev").is_dir()),
    Path(__file__).resolve().parents[3] / "shared",
)  # shared/ beside the repo (or the worktrees' folder)
DEFAULT_CAPTURE_DEV = Path(os.environ.get("PIGEONHOLE_CAPTURE_DEV", SHARED / "capture-dev"))
DEFAULT_MATCHING_DEV = Path(os.environ.get("PIGEONHOLE_MATCHING_DEV", SHARED / "matching-dev"))


def _read(path: str) -> LabelReading | str:
    try:
        return read_label(Path(path).read_bytes(), filename=path)
    except CaptureError as exc:
        return exc.user_message


def read_all(items: list[dict[str, Any]], folder: Path, cache: Path | None, jobs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    todo: list[tuple[str, Path, Path | None]] = []
    for item in items:
        path = folder / item["image"]
        cached = None
        if cache is not None:
            key = hashlib.sha1(f"{path.resolve()}:{path.stat().st_mtime_ns}".encode()).hexdigest()
            cached = cache / f"{key}.pickle"
            if cached.exists():
                out[item["id"]] = pickle.loads(cached.read_bytes())
                continue
        todo.append((item["id"], path, cached))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for (item_id, _path, cached), reading in zip(todo, pool.map(_read, [str(p) for _, p, _ in todo]), strict=True):
            out[item_id] = reading
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(pickle.dumps(reading))
    return out


def predictions(index: MatchIndex, items: list[dict[str, Any]], readings: dict[str, Any]) -> list[dict[str, Any]]:
    """Match every reading. As `match --batch` does, the centre's own lines are learnt (CentreLines) from the
    readings: here from the whole set first (the batch learns them as it goes)."""
    learner = CentreLines()
    for reading in readings.values():
        if not isinstance(reading, str):
            learner.observe(reading)
    centre = learner.lines()
    rows = []
    for item in items:
        reading = readings[item["id"]]
        if isinstance(reading, str):
            rows.append({"id": item["id"], "decision": "none", "candidates": [], "error": reading})
            continue
        reading = apply_centre_lines(reading, centre)
        result = match_reading(index, reading)
        tracking, carrier = _pick_tracking(reading)
        rows.append(
            {
                "id": item["id"],
                **result.to_json(),
                "read_text": reading.text,
                "tracking": tracking,
                "carrier": carrier,
                "read_confidence": reading.confidence,
            }
        )
    return rows


def score(labels: Path, preds: Path, matching_dev: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(matching_dev / "score.py"), str(labels), str(preds), "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def score_by_tier(
    items: list[dict[str, Any]], rows: list[dict[str, Any]], matching_dev: Path, tmp: Path
) -> dict[str, dict[str, Any]]:
    preds = tmp / "predictions.jsonl"
    preds.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    results: dict[str, dict[str, Any]] = {}
    groups: dict[str, list[dict[str, Any]]] = {"all": items}
    for item in items:
        groups.setdefault(f"tier {item.get('tier', '?')}", []).append(item)
    for name, group in groups.items():
        labels = tmp / f"labels-{name.replace(' ', '')}.jsonl"
        labels.write_text("".join(json.dumps(x) + "\n" for x in group), encoding="utf-8")
        results[name] = score(labels, preds, matching_dev)
    return results


def report(results: dict[str, dict[str, Any]]) -> str:
    lines = []
    for name, res in results.items():
        lines.append(
            f"{name:7s} n={res['labels']:4d} top1 {res['top1']:.4f} top3 {res['top3']:.4f} "
            f"auto_prec {res['auto_prec']:.4f} auto_cover {res['auto_cover']:.4f} "
            f"unk_auto {res['unk_auto']:.4f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=DEFAULT_CAPTURE_DEV, help="folder with images.jsonl")
    ap.add_argument("--images", type=Path, help="an images.jsonl elsewhere (default: DEV/images.jsonl)")
    ap.add_argument("--matching-dev", type=Path, default=DEFAULT_MATCHING_DEV)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="write predictions here")
    args = ap.parse_args(argv)
    images = args.images or args.dev / "images.jsonl"
    items = [json.loads(x) for x in images.read_text(encoding="utf-8").splitlines() if x.strip()]
    index = MatchIndex.build(
        *records_from_fixture(json.loads((args.matching_dev / "directory.json").read_text(encoding="utf-8")))
    )
    start = time.perf_counter()
    readings = read_all(items, images.parent, args.cache, args.jobs)
    print(f"read {len(items)} images in {time.perf_counter() - start:.1f} s")
    rows = predictions(index, items, readings)
    if args.keep:
        args.keep.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        print(report(score_by_tier(items, rows, args.matching_dev, Path(tmp))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
