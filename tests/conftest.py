"""Shared test setup: run from the repository root so the app's relative paths resolve."""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
# The app's own progress database goes to a throwaway directory, never the checkout's var/ (set before settings loads).
os.environ.setdefault("SZ_PLAN_DATA_DIR", tempfile.mkdtemp(prefix="sz-plan-test-data-"))
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)


def run_in_own_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a fresh event loop in its own thread.

    The browser tests keep Playwright's event loop running in the main thread for the whole session, and
    ``asyncio.run`` refuses to start inside a running loop; a thread of its own has none.
    """
    import asyncio
    import threading

    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target, name="test-event-loop")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def start_app(timeout: float, **params: str) -> Any:
    """The app run in Streamlit's AppTest with these link parameters, until it shows what a visitor sees once the
    page has settled (on the map view the results table comes with the second run); fails on any exception."""
    from streamlit.testing.v1 import AppTest

    import settings

    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if "results_waited" in at.session_state and "results_shown" not in at.session_state:
        at.run()  # the map view's first run sends the map; the results table comes with the next run
    assert not at.exception, [e.value for e in at.exception]
    return at
