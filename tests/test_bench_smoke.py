"""The benchmark's server-side part runs and reports every figure (timings are not asserted)."""
from __future__ import annotations

import shutil
import threading

import pytest

from bench.run import (
    PROGRESS_FIRST,
    PROGRESS_LADDER,
    PROGRESS_LAST,
    PROGRESS_PER_ITEM,
    SITE_TARGET,
    Report,
    fill_progress,
    main,
    progress_server_figures,
    server_figures,
    site_figures,
)


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


def test_benchmark_progress_records_climb_the_ladder_in_a_throwaway_store(tmp_path):
    from layers.locate import catalogue_frame
    from tracking.vocab import STATUS_KEYS

    frame = catalogue_frame().head(7)
    store = fill_progress(frame, tmp_path)
    try:
        assert (tmp_path / "progress.sqlite3").is_file()
        tops = set()
        for item_id in frame["id"]:
            history = store.history(item_id)
            assert len(history) == PROGRESS_PER_ITEM
            days = [r.as_of for r in history]
            assert days == sorted(set(days)) and days[0] == PROGRESS_FIRST and days[-1] == PROGRESS_LAST
            ranks = [PROGRESS_LADDER.index(r.status) for r in history]
            assert ranks == sorted(ranks) and all(r.status in STATUS_KEYS for r in history)
            tops.add(history[-1].status)
        assert tops == set(PROGRESS_LADDER)  # every rung is someone's latest status: every colour is drawn
        assert set(store.status_as_of()) == set(frame["id"])
    finally:
        store.close()


def test_benchmark_progress_figures_are_reported_beside_the_same_without_progress():
    report = Report()
    raw = progress_server_figures(report, quick=True, factors=(1,))
    rows = {r.figure: r for r in report.rows}
    for stat in ("median", "p95"):
        row = rows[f"server: map build per filter change with 10 progress records per item, {stat}"]
        assert row.app is not None and row.app > 0 and row.base is not None and row.base > 0
    assert len(raw["x1"]["with_progress"]) >= 10 and len(raw["x1"]["without_progress"]) >= 10
    assert raw["x1"]["records"] == raw["x1"]["items"] * PROGRESS_PER_ITEM


def test_benchmark_puts_the_published_site_beside_the_baseline_page():
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    # in a thread of its own: the browser tests keep Playwright's sync API (and its event loop) running in the
    # main thread for the whole session, and a second sync_playwright there is refused
    report, out = Report(), dict[str, dict]()
    thread = threading.Thread(target=lambda: out.update(raw=site_figures(report, quick=True)), name="bench-site")
    thread.start()
    thread.join()
    assert "raw" in out, "site_figures failed (its traceback is printed above)"
    raw = out["raw"]
    rows = {r.figure.split(" (")[0]: r for r in report.rows}
    for figure in ("site: bytes received on cold load", "site: cold load to map drawn, median",
                   "site: filter change to map updated, p95"):
        row = rows[figure]
        assert row.app is not None and row.app > 0 and row.base is not None and row.base > 0, figure
        assert row.ratio is not None and row.target == f"≤ {SITE_TARGET}× baseline" and row.met in (True, False)
    assert raw["site_bytes"] > raw["site_index_bytes"] > 100_000  # the page with its data, and Leaflet beside it
    assert len(raw["site_load_ms"]) >= 2 and len(raw["site_filter_ms"]) >= 4
    assert "| site: cold load to map drawn, median" in report.table()


def test_benchmark_site_figures_need_the_browser():
    with pytest.raises(SystemExit):
        main(["--only", "site", "--server-only"])
