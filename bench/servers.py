"""A Streamlit server on loopback for the benchmark and the browser tests: one way to start it and wait."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, env_extra: dict | None = None, log_path: Path | None = None,
                     timeout_s: float = 90) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve ``script`` on 127.0.0.1 and yield (url, process) once it answers its health check.

    The server's output goes to ``log_path`` (or nowhere): an unread pipe would fill up and block it.
    Raises RuntimeError, with the log, if the server exits or does not answer within ``timeout_s``.
    """
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **(env_extra or {})}
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("w") if log_path is not None else None
    out: IO[str] | int = log_file if log_file is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.enableStaticServing", "true"],
        cwd=script.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def log_text() -> str:
        return log_path.read_text(errors="replace") if log_path is not None else "(no log kept)"

    try:
        deadline = time.time() + timeout_s
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited serving {script.name}: {log_text()}") from None
                if time.time() > deadline:
                    raise RuntimeError(f"streamlit did not answer within {timeout_s:.0f} s: {log_text()}") from None
                time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_file is not None:
            log_file.close()
