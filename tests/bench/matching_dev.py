"""Run the matcher over the matching-dev set and score it with the set's own score.py.

    .venv/bin/python -m tests.bench.matching_dev [--dev DIR] [--families N]

Writes predictions in the batch-output format ({"id", "decision", "candidates"}) to a temp file, runs score.py on
it and prints its report. With --families N it also generates N labels of the extra families
(tests/support/label_families.py) from the same directory and prints per-family numbers for those.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.matching import MatchIndex
from tests.support.fixture_records import load_fixture


def _shared() -> Path:
    """The shared folder beside the checkout (/work/shared for /work/main and for a worktree under /work/wt)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "matching-dev").is_dir():
            return parent / "shared"
    return Path(__file__).resolve().parents[3] / "shared"


DEFAULT_DEV = Path(os.environ.get("PIGEONHOLE_MATCHING_DEV", _shared() / "matching-dev"))
DEFAULT_DEV_100K = Path(os.environ.get("PIGEONHOLE_MATCHING_DEV_100K", _shared() / "matching-dev-100k"))


def run_labels(index: MatchIndex, labels: list[dict], out: Path) -> float:
    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        for lab in labels:
            result = index.match(lab["text"], limit=5)
            fh.write(json.dumps({"id": lab["id"], **result.to_json()}) + "\n")
    return time.perf_counter() - start


def score(labels_path: Path, preds_path: Path, dev: Path, as_json: bool = False) -> str:
    script = dev / "score.py" if (dev / "score.py").exists() else DEFAULT_DEV / "score.py"  # the 100k set has none
    cmd = [sys.executable, str(script), str(labels_path), str(preds_path)] + (["--json"] if as_json else [])
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    ap.add_argument("--families", type=int, default=0, help="also generate and score N extra-family labels")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="write predictions here instead of a temp file")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    contracts, contacts = load_fixture(args.dev / "directory.json")
    index = MatchIndex.build(contracts, contacts)
    print(f"index: {len(index)} names, built in {time.perf_counter() - start:.2f} s")
    labels_path = args.dev / "labels.jsonl"
    labels = [json.loads(x) for x in labels_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        preds = args.keep or Path(tmp) / "predictions.jsonl"
        took = run_labels(index, labels, preds)
        print(f"matching-dev: {len(labels)} labels in {took:.2f} s")
        print(score(labels_path, preds, args.dev), flush=True)
        if args.families:
            from tests.support.label_families import generate_labels

            extra = generate_labels(
                json.loads((args.dev / "directory.json").read_text(encoding="utf-8")), args.families, seed=args.seed
            )
            extra_path = Path(tmp) / "families.jsonl"
            extra_path.write_text("".join(json.dumps(x) + "\n" for x in extra), encoding="utf-8")
            extra_preds = Path(tmp) / "families-pred.jsonl"
            run_labels(index, extra, extra_preds)
            print(f"extra families (generated, seed {args.seed}): {len(extra)} labels")
            print(score(extra_path, extra_preds, args.dev))
    return 0


if __name__ == "__main__":
    sys.exit(main())
