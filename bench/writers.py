"""Concurrent writers against the progress store: ``python -m bench.writers --backend sqlite|postgresql``.

50 writers (threads, each with its own ``Store`` and connection pool, as separate app processes would have) write
to a few shared items with optimistic concurrency: read the item's latest record, then record with that id as
``expected_latest_id``. Every attempt ends stored or refused as a conflict; at the end the stored count must equal
the rows in the records table and every item's sequence must be 1..n without gaps (nothing lost, nothing doubled).

PostgreSQL: the database in ``SZ_PLAN_DATABASE_URL`` if it is a PostgreSQL URL (it must be empty), else a
throwaway server started with the server binaries in ``/usr/lib/postgresql/*/bin`` (see ``tests/pg_server.py``).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date

from argon2 import PasswordHasher
from sqlalchemy import func, select

import settings
from tracking import Conflict, Store
from tracking.models import RecordRow

STATUSES = ("preparation", "under_construction", "partly_in_service", "in_service")


def run(url: str, writers: int, items: int, attempts: int) -> dict[str, float]:
    catalogue = {f"bench-item-{i}": ("futian",) for i in range(items)}
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    setup = Store.open(url, catalogue=catalogue, hasher=hasher)
    setup.add_user("bench-admin", "bench password 0123", "admin")
    stores = [Store(url, catalogue=catalogue, hasher=hasher) for _ in range(writers)]
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def writer(n: int) -> None:
        store = stores[n]
        mine: Counter[str] = Counter()
        times: list[float] = []
        barrier.wait()
        for k in range(attempts):
            item = f"bench-item-{(n + k) % items}"
            start = time.perf_counter()
            latest = store.latest_record(item)
            try:
                store.record(item, STATUSES[(n + k) % len(STATUSES)], date(2025, 1 + k % 12, 1),
                             f"writer {n} attempt {k}", user="bench-admin",
                             expected_latest_id=latest.id if latest else None)
                mine["stored"] += 1
            except Conflict:
                mine["conflict"] += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                mine[f"error: {type(exc).__name__}"] += 1
            times.append(time.perf_counter() - start)
        with lock:
            outcomes.update(mine)
            latencies.extend(times)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began

    with setup.engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(RecordRow)) or 0
        gaps = 0
        for item in catalogue:
            seqs = list(conn.scalars(select(RecordRow.seq).where(RecordRow.item_id == item)
                                     .order_by(RecordRow.seq)))
            gaps += int(seqs != list(range(1, len(seqs) + 1)))
    for s in [setup, *stores]:
        s.close()
    latencies.sort()
    errors = sum(v for k, v in outcomes.items() if k.startswith("error"))
    return {
        "attempts": writers * attempts, "stored": outcomes["stored"], "conflict": outcomes["conflict"],
        "errors": errors, "rows": rows, "lost": outcomes["stored"] - rows, "gaps": gaps, "wall_s": wall,
        "stored_per_s": outcomes["stored"] / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000, "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writers", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--items", type=int, default=5, help="shared items the writers compete for")
    parser.add_argument("--attempts", type=int, default=20, help="attempts per writer")
    args = parser.parse_args(argv)

    server = None
    with tempfile.TemporaryDirectory(prefix="sz-plan-bench-") as tmp:
        if args.backend == "sqlite":
            url = f"sqlite:///{tmp}/progress.sqlite3"
        else:
            url = os.environ.get(settings.DATABASE_URL_ENV, "")
            if not url.startswith("postgresql"):
                from tests.pg_server import PostgresServer, server_bin_dir

                bin_dir = server_bin_dir()
                if bin_dir is None:
                    print("error: no PostgreSQL server binaries (apt-get install postgresql) and no "
                          f"{settings.DATABASE_URL_ENV}", file=sys.stderr)
                    return 1
                server = PostgresServer(bin_dir)
                server.start()
                url = server.new_database()
        try:
            r = run(url, args.writers, args.items, args.attempts)
        finally:
            if server is not None:
                server.stop()

    print(f"{args.backend}: {args.writers} writers × {args.attempts} attempts on {args.items} shared items")
    print("| backend | attempts | stored | conflicts | errors | rows in table | lost | sequence gaps | wall | "
          "stored/s | attempt p50 / p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.backend} | {r['attempts']:.0f} | {r['stored']:.0f} | {r['conflict']:.0f} | {r['errors']:.0f} | "
          f"{r['rows']:.0f} | {r['lost']:.0f} | {r['gaps']:.0f} | {r['wall_s']:.1f} s | {r['stored_per_s']:.0f} | "
          f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f} ms |")
    accounted = r["stored"] + r["conflict"] + r["errors"] == r["attempts"]
    ok = accounted and r["lost"] == 0 and r["gaps"] == 0 and r["errors"] == 0
    print("every attempt accounted for, none lost" if ok else "MISMATCH: see the table")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
