"""Fit the matcher's logistic calibration (app/matching/calibration.py COEFFICIENTS) on generated data.

    .venv/bin/python -m tests.support.fit_calibration [--contracts 3000] [--labels 6000]

Directories: tests/support/directory_gen.py (seeds 101-103) and app.sandbox.generate (seeds 104-105); labels:
tests/support/label_families.py (every family, strangers included). For each label the matcher's top contracts
become samples: 1 when the contract is the expected one, 0 otherwise (all 0 for strangers). Fitted by Newton's
method with a small L2 penalty, first stage (a contract's own evidence) then second stage (its logit and its lead
over the best other contract). Prints the coefficients to paste into calibration.py. The matching-dev set is not
used.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from app.matching import MatchIndex, calibration
from app.sandbox.generate import generate_directory
from tests.support.directory_gen import generate
from tests.support.fixture_records import records_from_fixture
from tests.support.label_families import BASE_FAMILIES, EXTRA_FAMILIES, generate_labels

TOP = 6
SANDBOX_SEEDS = (104, 105)  # directories from the sandbox's own generator too: other names, other shapes
L2 = 1.0


Group = tuple[list[tuple[float, ...]], list[int]]  # one label: its candidates' first-stage features, 1/0 each


def samples(contracts: int, labels: int, seeds: tuple[int, ...], sandbox_seeds: tuple[int, ...] = ()) -> list[Group]:
    groups: list[Group] = []
    for seed in (*seeds, *sandbox_seeds):
        data = generate_directory(seed, contracts) if seed in sandbox_seeds else generate(seed, contracts)
        index = MatchIndex.build(*records_from_fixture(data))
        for row in generate_labels(data, labels, seed=seed, families=BASE_FAMILIES + EXTRA_FAMILIES):
            expect = row["expect"]
            evidence = index.evidence(row["text"])[:TOP]
            groups.append(
                (
                    [ev.features for ev in evidence],
                    [int(expect is not None and ev.contract_id == expect["contract_id"]) for ev in evidence],
                )
            )
    return groups


def competition_samples(groups: list[Group], coefficients: list[float]) -> tuple[list[tuple[float, ...]], list[int]]:
    """Second-stage samples: each candidate's first-stage logit and its lead over the best other candidate."""
    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    for features, labels in groups:
        logits = [sum(c * v for c, v in zip(coefficients, f, strict=True)) for f in features]
        order = sorted(range(len(logits)), key=lambda k: logits[k], reverse=True)
        for rank, k in enumerate(order):
            other = (
                logits[order[1]] if rank == 0 and len(order) > 1 else logits[order[0]] if rank else calibration.NO_RIVAL
            )
            xs.append(calibration.competition(logits[k], other, features[k]))
            ys.append(labels[k])
    return xs, ys


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        for r in range(n):
            if r != col and m[col][col]:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def fit(xs: list[tuple[float, ...]], ys: list[int], iterations: int = 12) -> list[float]:
    k = len(xs[0])
    w = [0.0] * k
    for _ in range(iterations):
        grad = [-L2 * wi for wi in w]
        hess = [[(L2 if i == j else 0.0) for j in range(k)] for i in range(k)]
        for x, y in zip(xs, ys, strict=True):
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            r = y - p
            s = p * (1 - p)
            for i in range(k):
                if x[i]:
                    grad[i] += r * x[i]
                    sx = s * x[i]
                    row = hess[i]
                    for j in range(k):
                        if x[j]:
                            row[j] += sx * x[j]
        step = _solve(hess, grad)
        w = [wi + si for wi, si in zip(w, step, strict=True)]
    return w


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contracts", type=int, default=3000)
    ap.add_argument("--labels", type=int, default=4000)
    ap.add_argument("--keep-first-stage", action="store_true", help="fit only the second stage")
    ap.add_argument("--cache", type=Path, help="keep the first-stage samples in this JSON file (reused if present)")
    args = ap.parse_args()
    if args.cache and args.cache.exists():
        groups = [(list(map(tuple, f)), y) for f, y in json.loads(args.cache.read_text())]
    else:
        groups = samples(args.contracts, args.labels, (101, 102, 103), SANDBOX_SEEDS)
        if args.cache:
            args.cache.write_text(json.dumps(groups))
    xs = [f for features, _y in groups for f in features]
    ys = [y for _f, labels in groups for y in labels]
    print(f"{len(xs)} samples, {sum(ys)} positive")
    if args.keep_first_stage:
        w = list(calibration.COEFFICIENTS)
    else:
        w = fit(xs, ys)
        for k in (calibration.FEATURE_NAMES.index("alias"), calibration.FEATURE_NAMES.index("po_box")):
            # alias and po_box never occur in generated labels: keep the hand-set weights
            w[k] = calibration.COEFFICIENTS[k]
    for name, value in zip(calibration.FEATURE_NAMES, w, strict=True):
        print(f"  {name:22s} {value:8.3f}")
    print("COEFFICIENTS = (" + ", ".join(f"{v:.3f}" for v in w) + ")")
    x2, y2 = competition_samples(groups, w)
    w2 = fit(x2, y2)
    print("COMPETITION_COEFFICIENTS = (" + ", ".join(f"{v:.3f}" for v in w2) + ")")


if __name__ == "__main__":
    main()
