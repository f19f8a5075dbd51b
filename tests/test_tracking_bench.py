"""The writers benchmark accounts for every attempt: stored plus refused equals attempts, stored equals rows."""
from __future__ import annotations

from bench.writers import run


def test_writers_benchmark_loses_nothing(tmp_path) -> None:
    r = run(f"sqlite:///{tmp_path / 'bench.sqlite3'}", writers=8, items=2, attempts=5)
    assert r["attempts"] == 40
    assert r["stored"] + r["conflict"] == 40 and r["errors"] == 0
    assert r["stored"] == r["rows"] and r["lost"] == 0 and r["gaps"] == 0
    assert r["stored"] >= 2  # every item got at least its first record
