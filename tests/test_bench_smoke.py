"""The benchmark's server-side part runs and reports every figure (timings are not asserted)."""
from __future__ import annotations

from bench.run import Report, server_figures


def test_benchmark_server_figures_are_reported():
    report = Report()
    raw = server_figures(report, quick=True)
    figures = [r.figure for r in report.rows]
    for expected in ("server: map build per filter change, median", "server: map build per filter change, p95",
                     "at 10× data (synthetic copies)", "payload: districts", "payload: projects",
                     "payload: map data total"):
        assert any(expected in f for f in figures), expected
    assert all(r.app is not None and r.app > 0 for r in report.rows)
    total = next(r for r in report.rows if r.figure == "payload: map data total")
    assert total.target and total.met in (True, False)
    assert len(raw[1]) >= 10 and len(raw[10]) >= 10
    assert "| figure | app | baseline / floor | ratio | target | met |" in report.table()
