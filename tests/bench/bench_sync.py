"""Benchmark: a full directory sync vs fetching and parsing the same pages without storing them, in the same run.

    .venv/bin/pytest tests/bench/bench_sync.py -s          (PostgreSQL too when PIGEONHOLE_TEST_PG is set)
    .venv/bin/python tests/bench/bench_sync.py [--contracts 25000] [--rounds 5]

Starts a local sandbox (`python -m app sandbox`, its own process, as the real Nexudus is a server elsewhere: its
work of answering must not share the interpreter of the sync being measured) with ~100,000 contacts on ~25,000
contracts, then for each engine (SQLite, PostgreSQL):
  baseline  every page of every resource the sync reads, fetched through the client (`iter_pages`: HTTP + JSON)
  full      pull_directory(full=True) into an empty database
  ratio     full / baseline (target <= 2.5)
  incr      100 contacts changed on the server (HTTP PUTs), then an incremental pull_directory (target < 1 s)
The machine is shared and noisy: baseline and full sync alternate for --rounds rounds (a fresh database each
round), then --rounds incremental syncs follow; the best and the median of each are printed. The ratio target is
checked on the median of the rounds' ratios (each round's full sync over that round's baseline: a busy spell hits
both sides of one round), the incremental target on the best run; best full / best baseline is for the record.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

if __name__ == "__main__":  # run as a script from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.nexudus.client import NexudusClient
from app.nexudus.resources import Resource
from app.store import open_database
from app.sync.directory import ORDER, pull_directory
from tests.support.sandbox_process import SandboxProcess

TARGET_RATIO = 2.5
TARGET_INCREMENTAL = 1.0


def _client(url: str) -> NexudusClient:
    client = NexudusClient(url, client_id="bench", timeout=(5, 60))
    client.login("admin@sandbox.test", "sandbox")
    return client


def fetch_only(url: str) -> tuple[float, int]:
    with _client(url) as client:
        started = time.perf_counter()
        records = 0
        for resource in ORDER:
            for page in client.iter_pages(resource):
                records += len(page.records)
        return time.perf_counter() - started, records


class _PgDatabases:
    """Fresh PostgreSQL databases on the PIGEONHOLE_TEST_PG server, dropped at close()."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine

        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def new(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"ph_bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def _figures(values: list[float]) -> str:
    return f"best {min(values):.2f} s, median {statistics.median(values):.2f} s"


def _contact_ids(url: str) -> list[int]:
    with _client(url) as client:
        return sorted(int(r["Id"]) for page in client.iter_pages(Resource.CONTRACT_CONTACTS) for r in page.records)


def _change_notes(url: str, contact_ids: list[int], tag: str) -> None:
    """Change each contact on the server the way a Nexudus user would: read it, PUT it back with new notes."""
    with _client(url) as client:
        for i, contact_id in enumerate(contact_ids):
            record = client.get(Resource.CONTRACT_CONTACTS, contact_id)
            client.update(Resource.CONTRACT_CONTACTS, {**record, "Notes": f"bench change {tag}.{i}"})


def bench_engine(url: str, new_url: Callable[[], str], label: str, rounds: int) -> dict[str, float]:
    baselines: list[float] = []
    fulls: list[float] = []
    engine = None
    records = 0
    with _client(url) as client:
        for _ in range(rounds):  # alternate, so a busy spell of the machine hits both sides
            baseline, records = fetch_only(url)
            baselines.append(baseline)
            if engine is not None:
                engine.dispose()
            engine = open_database(new_url())
            started = time.perf_counter()
            report = pull_directory(engine, client, full=True)
            fulls.append(time.perf_counter() - started)
            assert sum(report.pulled.values()) == records, (report.pulled, records)
        assert engine is not None
        ids = _contact_ids(url)
        step = max(1, len(ids) // 100)
        incrementals: list[float] = []
        received: list[dict[str, int]] = []
        for n in range(rounds):
            _change_notes(url, ids[n::step][:100], str(n))
            started = time.perf_counter()
            incr_report = pull_directory(engine, client)
            incrementals.append(time.perf_counter() - started)
            assert len(incr_report.changed_contact_ids) == 100, incr_report.summary()
            received.append(dict(incr_report.pulled))
    engine.dispose()
    ratio_best = min(fulls) / min(baselines)
    ratio_median = statistics.median(f / b for f, b in zip(fulls, baselines, strict=True))
    incremental = min(incrementals)
    print(
        f"[{label}] {records} records, {rounds} rounds: fetch+parse {_figures(baselines)}; "
        f"full sync {_figures(fulls)}; ratio median of rounds {ratio_median:.2f}, best/best {ratio_best:.2f} "
        f"(target <= {TARGET_RATIO})\n"
        f"[{label}] incremental, 100 changed contacts: {_figures(incrementals)} (target < {TARGET_INCREMENTAL} s); "
        f"received {received[-1]} in the last round"
    )
    return {
        "baseline": min(baselines),
        "full": min(fulls),
        "ratio": ratio_best,
        "ratio_median": ratio_median,
        "incremental": incremental,
        "incremental_median": statistics.median(incrementals),
    }


def run(contracts: int = 25_000, rounds: int = 5) -> dict[str, dict[str, float]]:
    started = time.perf_counter()
    sandbox = SandboxProcess("--port", "0", "--seed", "42", "--contracts", str(contracts))
    try:
        url = sandbox.wait_for_url(timeout=600)
        fetch_only(url)  # the sandbox's first answers warm its caches: not part of either side
        with _client(url) as client:
            contacts = next(client.iter_pages(Resource.CONTRACT_CONTACTS, size=1)).total_items
        print(
            f"sandbox (own process): {contracts} contracts, {contacts} contacts "
            f"(generated and warmed in {time.perf_counter() - started:.1f} s)"
        )
        results: dict[str, dict[str, float]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            files = iter(range(1000))
            results["sqlite"] = bench_engine(
                url, lambda: f"sqlite:///{Path(tmp) / f'bench{next(files)}.sqlite3'}", "sqlite", rounds
            )
        admin_url = os.environ.get("PIGEONHOLE_TEST_PG")
        if admin_url:
            databases = _PgDatabases(admin_url)
            try:
                results["postgresql"] = bench_engine(url, databases.new, "postgresql", rounds)
            finally:
                databases.close()
        else:
            print("[postgresql] skipped: set PIGEONHOLE_TEST_PG")
        return results
    finally:
        sandbox.terminate()


def test_bench_sync() -> None:
    results = run(int(os.environ.get("BENCH_CONTRACTS", "25000")), int(os.environ.get("BENCH_ROUNDS", "5")))
    for label, r in results.items():
        assert r["ratio_median"] <= TARGET_RATIO, (label, r)
        assert r["incremental"] < TARGET_INCREMENTAL, (label, r)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    run(options.contracts, options.rounds)
