"""The load test's client (bench/load.py): it speaks the server's protocol and its figures mean what they say."""
from __future__ import annotations

import os

import pytest

from bench.load import (
    FILTER_KEY,
    LoadError,
    SimulatedSession,
    capacity,
    drive,
    loopback_only,
    parse_think,
    percentile,
    pick_first,
    table_line,
    user_key,
)
from bench.servers import ROOT, streamlit_server
from layers.locate import catalogue_frame
from tests.conftest import run_in_own_loop


def test_widget_ids_give_back_the_key_they_were_made_with() -> None:
    assert user_key("$$ID-154874f7058509340310682ad247d42d-f_categories") == "f_categories"
    keyed = "$$ID-21ae64325c6ce4770f744e7cbe57e292-shenzhen-14fyp-filtered_csv"
    assert user_key(keyed) == "shenzhen-14fyp-filtered_csv"  # a key with dashes
    assert user_key("$$ID-81bc4fbae497fae7d1e76678bdd91590-None") is None  # a widget without a key
    assert user_key("plain") is None


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile(values, 100) == 20
    assert percentile([3.0], 95) == 3.0
    assert percentile([], 95) is None


def test_capacity_is_the_largest_n_meeting_the_target_without_errors() -> None:
    rows = [{"sessions": 1, "errors": 0, "filter_p95_ms": 300.0},
            {"sessions": 5, "errors": 0, "filter_p95_ms": 480.0},
            {"sessions": 10, "errors": 1, "filter_p95_ms": 400.0},
            {"sessions": 20, "errors": 0, "filter_p95_ms": 900.0}]
    assert capacity(rows) == 5
    assert capacity(rows[3:]) is None


def test_only_loopback_is_load_tested() -> None:
    loopback_only("http://127.0.0.1:8501")
    with pytest.raises(LoadError, match="loopback"):
        loopback_only("http://203.0.113.9:8501")


def test_think_time_parsing() -> None:
    assert parse_think("0") == (0.0, 0.0)
    assert parse_think("1-3") == (1.0, 3.0)
    with pytest.raises(Exception, match="expected seconds"):
        parse_think("3-1")


def test_sessions_against_one_server_report_reruns_memory_and_cpu() -> None:
    log = ROOT / "build" / "load-test-server.log"
    with streamlit_server(ROOT / "app.py", log_path=log, timeout_s=120) as (url, proc):
        row = run_in_own_loop(drive(url, n=2, changes=2, think=(0.0, 0.2), ramp_s=0.2, timeout_s=120, seed=3,
                                server_pids=[proc.pid]))
    assert row["errors"] == 0, row["error_samples"]
    assert row["reruns"] == 6 and len(row["samples_ms"]["filter"]) == 4
    assert 0 < row["filter_p50_ms"] <= row["filter_p95_ms"] <= row["filter_max_ms"]
    assert row["rss_before_mb"] > 50 and row["rss_with_sessions_mb"] > 50
    assert row["server_cpu_ms_per_rerun"] > 1  # the server did the work, not the client
    assert os.path.exists(log)
    line = table_line(row)
    assert line.startswith("| 2 | 6 | 0 |") and "MB" in line


def test_a_simulated_filter_change_reaches_the_app() -> None:
    """The widget value the client sends is the one the app filters by: the results count follows it."""
    frame = catalogue_frame()
    railways = int((frame["category"] == "railway").sum())
    assert 0 < railways < len(frame)

    async def visit(url: str) -> tuple[list[str], list[str], str]:
        session = SimulatedSession(url, timeout_s=120)
        try:
            await session.open()
            before = list(session.texts)
            label = pick_first(session.options(FILTER_KEY))
            await session.choose(FILTER_KEY, [label])
            return before, list(session.texts), session.query_string
        finally:
            await session.close()

    with streamlit_server(ROOT / "app.py", log_path=ROOT / "build" / "load-test-server.log", timeout_s=120) as (url, _):
        before, after, query = run_in_own_loop(visit(url))
    assert any(f"共 {len(frame)} 项" in t for t in before)
    assert any(f"共 {railways} 项" in t for t in after)
    assert "railway" in query  # the app wrote the filter into the link, and the client keeps it like a browser
