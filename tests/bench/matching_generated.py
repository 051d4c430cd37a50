"""The matcher's safety on a generated directory of any size, scored with the matching-dev score.py.

    .venv/bin/python -m tests.bench.matching_generated [--contacts 500000] [--labels 3000] [--generator sandbox]

The directory comes from the sandbox's generator (app.sandbox.generate) or tests/support/directory_gen.py; the
labels from tests/support/label_families.py (every family: the dev set's and the judged set's extra kinds, strangers
included). Directory and labels are cached under .cache/ (they take a while at 500,000 contacts). Exits 1 when auto
precision < 0.998 or strangers decided auto > 0.3% (issue 12: "a generated 500,000-contact directory").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app.matching import MatchIndex
from tests.bench.matching_dev import run_labels, score
from tests.support.fixture_records import records_from_fixture
from tests.support.label_families import BASE_FAMILIES, EXTRA_FAMILIES, generate_labels

CACHE = Path(__file__).resolve().parents[2] / ".cache"


def _data(contacts: int, generator: str, seed: int) -> dict[str, Any]:
    path = CACHE / f"generated-{generator}-{contacts}-{seed}.json"
    if path.exists():
        cached: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return cached
    if generator == "sandbox":
        from app.sandbox.generate import generate_directory

        data = generate_directory(seed=seed, contracts=max(1, round(contacts / 4.5)))
    else:
        from tests.support.directory_gen import generate

        data = generate(seed=seed, contracts=max(1, round(contacts / 4.78)))
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=500_000)
    ap.add_argument("--labels", type=int, default=3000)
    ap.add_argument("--generator", choices=("sandbox", "support"), default="sandbox")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--show-wrong", action="store_true", help="print the labels decided auto for the wrong contract")
    args = ap.parse_args(argv)
    data = _data(args.contacts, args.generator, args.seed)
    labels = generate_labels(data, args.labels, seed=args.seed, families=BASE_FAMILIES + EXTRA_FAMILIES)
    started = time.perf_counter()
    index = MatchIndex.build(*records_from_fixture(data))
    print(
        f"{args.generator} directory, {len(data.get('ContractContacts', []))} contacts: index of {len(index)} names "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    del data
    with tempfile.TemporaryDirectory() as tmp:
        labels_path = Path(tmp) / "labels.jsonl"
        labels_path.write_text("".join(json.dumps(x) + "\n" for x in labels), encoding="utf-8")
        preds = Path(tmp) / "predictions.jsonl"
        took = run_labels(index, labels, preds)
        print(f"{len(labels)} labels in {took:.1f} s")
        if args.show_wrong:
            for label, line in zip(labels, preds.read_text(encoding="utf-8").splitlines(), strict=True):
                pred = json.loads(line)
                best = (pred["candidates"] or [{}])[0]
                expect = label["expect"]
                if pred["decision"] == "auto" and (expect is None or best.get("contract_id") != expect["contract_id"]):
                    print(
                        f"  wrong auto [{label['family']}] {label['text']!r} -> {best.get('name')} "
                        f"({best.get('company')}, {best.get('contract_id')}) expected {expect}"
                    )
        res = json.loads(score(labels_path, preds, Path("/nonexistent"), as_json=True))
    for key in ("top1", "top3", "contact1", "auto_prec", "auto_cover", "unk_auto"):
        print(f"{key:12s} {res[key]:.4f}")
    for family, numbers in res["families"].items():
        print(f"  {family:22s} {numbers}")
    ok = res["auto_prec"] >= 0.998 and res["unk_auto"] <= 0.003
    print("safe" if ok else "MISS: auto precision < 0.998 or strangers auto > 0.3%")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
