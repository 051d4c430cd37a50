"""Matching benchmark: index build time, peak memory and p95 latency of index.match at 13,000, 100,000 and 500,000
contacts, against a raw rapidfuzz scan (process.extract(query, names, scorer=fuzz.ratio, limit=5)) over the same
contact names, measured in the same run.

    .venv/bin/python -m tests.bench.bench_matching [--sizes 13000,100000,500000] [--labels 300]
    .venv/bin/pytest tests/bench/bench_matching.py -s

Each size runs in a fresh subprocess so its peak memory (ru_maxrss) is its own. The directory comes from
tests/support/directory_gen.py (the sandbox's generator is a placeholder so far).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time

DEFAULT_SIZES = (13_000, 100_000, 500_000)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def run_size(contacts: int, n_labels: int) -> dict[str, float]:
    from rapidfuzz import fuzz, process

    from app.matching import MatchIndex
    from tests.support.directory_gen import generate
    from tests.support.fixture_records import records_from_fixture
    from tests.support.label_families import BASE_FAMILIES, EXTRA_FAMILIES, generate_labels

    data = generate(seed=5, contracts=max(1, round(contacts / 4.78)))
    labels = [r["text"] for r in generate_labels(data, n_labels, seed=5, families=BASE_FAMILIES + EXTRA_FAMILIES)]
    contracts, contact_records = records_from_fixture(data)
    names = [c.name for c in contact_records]
    del data
    gc.collect()
    rss_before = _rss_mb()
    start = time.perf_counter()
    index = MatchIndex.build(contracts, contact_records)
    build_s = time.perf_counter() - start
    gc.collect()
    rss_after = _rss_mb()
    for text in labels[:20]:  # warm-up: imports, caches of the regexes
        index.match(text)
        process.extract(text, names, scorer=fuzz.ratio, limit=5)
    ours: list[float] = []
    scan: list[float] = []
    for text in labels:
        t0 = time.perf_counter()
        index.match(text)
        t1 = time.perf_counter()
        process.extract(text, names, scorer=fuzz.ratio, limit=5)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        scan.append(t2 - t1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "contacts": len(names), "names_indexed": len(index), "build_s": build_s,
        "index_mb": rss_after - rss_before, "peak_rss_mb": peak,
        "p50_ms": sorted(ours)[len(ours) // 2] * 1000, "p95_ms": _p95(ours) * 1000,
        "scan_p95_ms": _p95(scan) * 1000, "ratio": _p95(ours) / _p95(scan),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    ap.add_argument("--labels", type=int, default=300)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_size(args.one, args.labels)))
        return 0
    print(f"{'contacts':>9} {'build s':>8} {'index MB':>9} {'peak MB':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'scan p95':>9} {'ratio':>6}")
    worst = 0.0
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, "-m", "tests.bench.bench_matching", "--one", str(size),
                              "--labels", str(args.labels)], check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        worst = max(worst, r["ratio"])
        print(f"{r['contacts']:>9,} {r['build_s']:>8.1f} {r['index_mb']:>9.0f} {r['peak_rss_mb']:>8.0f} "
              f"{r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['scan_p95_ms']:>9.2f} {r['ratio']:>6.2f}", flush=True)
    print(f"worst p95 ratio (ours / rapidfuzz scan): {worst:.2f} (target <= 0.5)")
    return 0


def test_bench_matching() -> None:
    assert main(["--sizes", "13000,100000"]) == 0


if __name__ == "__main__":
    sys.exit(main())
