"""Matching benchmark: index build time, peak memory and p95 latency of index.match at 13,000, 100,000 and 500,000
contacts, against a raw rapidfuzz scan (process.extract(query, names, scorer=fuzz.ratio, limit=5)) over the same
contact names, measured in the same run; and the desk's time from database open to first match.

    .venv/bin/python -m tests.bench.bench_matching [--sizes 13000,100000,500000] [--labels 300] [--no-ready]
    .venv/bin/pytest tests/bench/bench_matching.py -s

Open to first match ("ready"): the generated directory is written to a SQLite database by the sync's own page
writer (app.store.directory.upsert_page, as a sync would leave it; cached under .cache/ by size), then, each in a
fresh process: MatchingService(engine).ensure_loaded() + one match, first with no snapshot (read the rows, build,
save the snapshot: the first start after an upgrade), then again (the snapshot, as at every start after a sync).
Targets on the snapshot start: 0.5 s at 13k, 2 s at 100k, 8 s at 500k, checked on the process's CPU time (wall time
printed next to it: on a loaded machine it mostly counts the wait for a core); peak memory of the building process
under 1.5 GB at 500k; a contact registered at the desk found by the next match within 1 s.

Each size runs in a fresh subprocess so its peak memory (ru_maxrss) is its own. The directory comes from the
sandbox's generator (app.sandbox.generate.generate_directory; --generator support uses tests/support/directory_gen.py).

Timings are interleaved label by label (ours, then the scan, on the same label) so machine load hits both alike.
Both wall-clock and thread CPU time (time.thread_time: time spent waiting for a busy CPU is not counted) are taken;
the CPU-time ratio is the robust one on a loaded machine, the wall ratio is printed next to it.

The matcher is measured as it is installed: compiled where packaging/compile_matching.py has built it (.ci/run does,
and the bundle ships it), interpreted otherwise (about 1.4 times as long per label); the first line says which.

Each size is measured in --runs independent processes (3 by default), each printed; the verdict is on their median.
On this shared machine one run's ratio moves by a fifth either way with the neighbours' load (the scan streams
through every name and slows more than we do when memory is busy), so a single run is a coin toss near the target.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_SIZES = (13_000, 100_000, 500_000)
TARGET_RATIO = 0.5  # p95 of one label at most half the scan's p95
READY_TARGET_S = {13_000: 0.5, 100_000: 2.0, 500_000: 8.0}  # open to first match, from the snapshot
P95_MAX_MS = {500_000: 14.0}  # CPU p95 of one label
PEAK_MAX_MB = 1536.0  # the process that reads and builds the index
CACHE = Path(__file__).resolve().parents[2] / ".cache"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _directory(contacts: int, generator: str) -> dict[str, Any]:
    if generator == "sandbox":
        from app.sandbox.generate import generate_directory

        return generate_directory(seed=5, contracts=max(1, round(contacts / 4.5)))
    from tests.support.directory_gen import generate

    return generate(seed=5, contracts=max(1, round(contacts / 4.78)))


def run_size(contacts: int, n_labels: int, generator: str = "sandbox") -> dict[str, float]:
    from rapidfuzz import fuzz, process

    from app.matching import MatchIndex
    from app.process import collector_paused, keep_large_index_out_of_gc
    from tests.support.fixture_records import records_from_fixture
    from tests.support.label_families import BASE_FAMILIES, EXTRA_FAMILIES, generate_labels

    data = _directory(contacts, generator)
    labels = [r["text"] for r in generate_labels(data, n_labels, seed=5, families=BASE_FAMILIES + EXTRA_FAMILIES)]
    contracts, contact_records = records_from_fixture(data)
    names = [c.name for c in contact_records]
    del data
    gc.collect()
    rss_before = _rss_mb()
    start = time.perf_counter()
    with collector_paused():  # as the desk builds it (app.ui.main)
        index = MatchIndex.build(contracts, contact_records)
    build_s = time.perf_counter() - start
    keep_large_index_out_of_gc(len(index))  # as the desk does after a build (app.ui.main)
    gc.collect()
    rss_after = _rss_mb()
    for text in labels[:20]:  # warm-up: imports, regexes
        index.match(text)
        process.extract(text, names, scorer=fuzz.ratio, limit=5)
    ours: list[float] = []
    scan: list[float] = []
    ours_cpu: list[float] = []
    scan_cpu: list[float] = []
    clock, cpu = time.perf_counter, time.thread_time
    for text in labels:
        c0, t0 = cpu(), clock()
        index.match(text)
        c1, t1 = cpu(), clock()
        process.extract(text, names, scorer=fuzz.ratio, limit=5)
        c2, t2 = cpu(), clock()
        ours.append(t1 - t0)
        scan.append(t2 - t1)
        ours_cpu.append(c1 - c0)
        scan_cpu.append(c2 - c1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "contacts": len(names),
        "names_indexed": len(index),
        "build_s": build_s,
        "index_mb": rss_after - rss_before,
        "peak_rss_mb": peak,
        "p50_ms": sorted(ours)[len(ours) // 2] * 1000,
        "p95_ms": _p95(ours) * 1000,
        "scan_p95_ms": _p95(scan) * 1000,
        "ratio": _p95(ours) / _p95(scan),
        "cpu_p95_ms": _p95(ours_cpu) * 1000,
        "scan_cpu_p95_ms": _p95(scan_cpu) * 1000,
        "cpu_ratio": _p95(ours_cpu) / _p95(scan_cpu),
    }


def _ready_db(contacts: int, generator: str) -> Path:
    """A SQLite database holding the generated directory as a sync leaves it (cached by size and generator)."""
    from datetime import UTC, datetime

    from app.nexudus.resources import Resource
    from app.store import open_database
    from app.store.directory import prepare_page, write_page

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"bench-ready-{generator}-{contacts}.sqlite3"
    if path.exists():
        return path
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    data = _directory(contacts, generator)
    engine = open_database(f"sqlite:///{tmp}")
    now = datetime.now(UTC)
    for kind, key in (
        (Resource.BUSINESSES, "Businesses"),
        (Resource.COWORKERS, "Coworkers"),
        (Resource.COWORKER_CONTRACTS, "CoworkerContracts"),
        (Resource.CONTRACT_CONTACTS, "ContractContacts"),
    ):
        records = data.get(key) or []
        for start in range(0, len(records), 5000):
            with engine.begin() as conn:
                page = prepare_page(kind, records[start : start + 5000], conn.dialect.name)
                write_page(conn, page, now, fresh=True)
    engine.dispose()
    tmp.rename(path)
    return path


def run_ready(db: Path) -> dict[str, Any]:
    """Open the database and match one label, as the desk does at start; in its own process."""
    from app.desk.matching_service import MatchingService
    from app.process import collector_paused
    from app.store import open_database

    started = time.perf_counter()
    cpu = time.process_time()
    engine = open_database(f"sqlite:///{db}")
    service = MatchingService(engine, while_building=collector_paused)  # as the desk does (app.ui.main)
    service.ensure_loaded()
    service.match("J. Smith, 12 High Street, London EC1A 1BB")
    took = time.perf_counter() - started
    ready_cpu = time.process_time() - cpu
    # A recipient registered at the desk: how long until a match finds them (target: within 1 s).
    assert service._index is not None
    contract_id = next(iter(service._index._contracts))
    written = time.perf_counter()
    service.add_contact(-(10**9), contract_id, 1, "Quentin Zebedee Blackwood")
    best = service.match("Quentin Blackwood").best
    write_s = time.perf_counter() - written
    assert best is not None and best.contact_id == -(10**9)
    return {
        "ready_s": took,
        "ready_cpu_s": ready_cpu,
        "from": service.loaded_from,
        "write_to_match_s": write_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "names": service.entry_count,
    }


def _ready(size: int, generator: str) -> tuple[dict[str, Any], dict[str, Any]]:
    db = _ready_db(size, generator)
    for old in db.parent.glob(db.name + ".matchindex*"):
        old.unlink()
    runs = []
    for _ in range(2):  # no snapshot: build and save it; then from the snapshot
        out = subprocess.run(
            [sys.executable, "-m", "tests.bench.bench_matching", "--ready-db", str(db)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return runs[0], runs[1]


def _run_one(size: int, labels: int, generator: str) -> dict[str, float]:
    """One run of run_size in a fresh process, printed as a row of the table."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.bench_matching",
            "--one",
            str(size),
            "--labels",
            str(labels),
            "--generator",
            generator,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    r: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    print(
        f"{r['contacts']:>9,} {r['build_s']:>8.1f} {r['index_mb']:>9.0f} {r['peak_rss_mb']:>8.0f} "
        f"{r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['scan_p95_ms']:>9.2f} {r['ratio']:>6.2f} "
        f"{r['cpu_p95_ms']:>8.2f} {r['scan_cpu_p95_ms']:>9.2f} {r['cpu_ratio']:>9.2f}",
        flush=True,
    )
    return r


def _which_matcher() -> str:
    """Compiled or interpreted (docs/architecture.md, "The matcher, compiled"): each run imports the same."""
    import app.matching.pipeline  # noqa: F401  (the stages, as a run imports them)
    from app.matching.compiled import is_compiled

    if is_compiled():
        return "compiled (mypyc), as CI and the bundle run it"
    return "interpreted (python packaging/compile_matching.py compiles it, as CI and the bundle do)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    ap.add_argument("--labels", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3, help="independent runs per size; the verdict is on their median")
    ap.add_argument("--generator", choices=("sandbox", "support"), default="sandbox")
    ap.add_argument("--no-ready", action="store_true", help="skip the open-to-first-match measure")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--ready-db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_size(args.one, args.labels, args.generator)))
        return 0
    if args.ready_db:
        print(json.dumps(run_ready(args.ready_db)))
        return 0
    misses: list[str] = []
    print(f"matcher: {_which_matcher()}")
    print(
        f"{'contacts':>9} {'build s':>8} {'index MB':>9} {'peak MB':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'scan p95':>9} {'ratio':>6} {'cpu p95':>8} {'scan cpu':>9} {'cpu ratio':>9}"
    )
    worst = 0.0
    for size in (int(s) for s in args.sizes.split(",")):
        runs = [_run_one(size, args.labels, args.generator) for _ in range(max(1, args.runs))]
        ratio = statistics.median(r["cpu_ratio"] for r in runs)
        p95_ms = statistics.median(r["cpu_p95_ms"] for r in runs)
        if len(runs) > 1:
            print(f"{'':>9} median of {len(runs)} runs: cpu p95 {p95_ms:.2f} ms, cpu ratio {ratio:.2f}", flush=True)
        worst = max(worst, ratio)
        if ratio > TARGET_RATIO:
            misses.append(f"{size:,}: p95 ratio {ratio:.2f} > {TARGET_RATIO} (median of {len(runs)} runs)")
        if size in P95_MAX_MS and p95_ms > P95_MAX_MS[size]:
            misses.append(f"{size:,}: p95 {p95_ms:.1f} ms > {P95_MAX_MS[size]} ms (median of {len(runs)} runs)")
        if not args.no_ready:
            cold, warm = _ready(size, args.generator)
            print(
                f"{'':>9} open to first match: {cold['ready_s']:.2f} s building from the database "
                f"(CPU {cold['ready_cpu_s']:.2f} s, peak {cold['peak_rss_mb']:.0f} MB), {warm['ready_s']:.2f} s "
                f"from the snapshot (CPU {warm['ready_cpu_s']:.2f} s, {warm['from']}, peak "
                f"{warm['peak_rss_mb']:.0f} MB)",
                flush=True,
            )
            if "write_to_match_s" in warm:
                print(
                    f"{'':>9} a registration shows in matches after {warm['write_to_match_s'] * 1000:.0f} ms",
                    flush=True,
                )
                if warm["write_to_match_s"] > 1.0:
                    misses.append(f"{size:,}: a registration took {warm['write_to_match_s']:.2f} s to show")
            target = READY_TARGET_S.get(size)
            if warm["from"] != "snapshot":
                misses.append(f"{size:,}: the second start did not read the snapshot")
            # Checked on the process's CPU time, like the latency ratio: on this shared 2-core machine (load average
            # 7-9) the wall clock mostly counts the wait for a core; both are printed.
            if target is not None and warm["ready_cpu_s"] > target:
                misses.append(f"{size:,}: open to first match {warm['ready_cpu_s']:.2f} s CPU > {target} s")
            if max(cold["peak_rss_mb"], warm["peak_rss_mb"]) > PEAK_MAX_MB:
                misses.append(f"{size:,}: peak memory {max(cold['peak_rss_mb'], warm['peak_rss_mb']):.0f} MB")
    print(f"worst p95 ratio by CPU time (ours / rapidfuzz scan): {worst:.2f} (target <= {TARGET_RATIO})")
    for miss in misses:
        print(f"MISS {miss}")
    return 1 if misses else 0


def test_bench_matching() -> None:
    assert main(["--sizes", "13000,100000"]) == 0


if __name__ == "__main__":
    sys.exit(main())
