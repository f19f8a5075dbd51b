"""On an intranet with no route out, the app starts without any outbound attempt of its own.

Streamlit looks up the machine's network address (a UDP socket towards 8.8.8.8) and external
address (HTTP to checkip.amazonaws.com) for its start banner unless ``browser.serverAddress``
is set; ``.streamlit/config.toml`` sets it. The app is started as ``make run`` starts it and
watched in two ways: strace records every socket connect, and an HTTP(S) proxy given in the
environment records any request that would have gone out.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import settings

_ADDR = re.compile(r'(connect|sendto)\(.*sa_family=AF_INET6?, .*?(?:inet_addr|inet_pton\(AF_INET6?, )\("([^"]+)"\)')
LOOPBACK = ("127.", "::1", "::ffff:127.")


def outbound_attempts(trace: str) -> list[str]:
    """Every connect/sendto in an strace log whose address is not loopback."""
    found = []
    for line in trace.splitlines():
        m = _ADDR.search(line)
        if m and not m.group(2).startswith(LOOPBACK) and m.group(2) not in ("0.0.0.0", "::"):
            found.append(line.strip())
    return found


def _strace_works() -> bool:
    strace = shutil.which("strace")
    if not strace:
        return False
    r = subprocess.run([strace, "-f", "-e", "trace=connect", "-o", "/dev/null", "true"], capture_output=True)
    return r.returncode == 0


needs_strace = pytest.mark.skipif(not _strace_works(), reason="strace missing or ptrace not permitted")


class ProxyRecorder:
    """A loopback listener given as HTTP_PROXY/HTTPS_PROXY: any request to the outside arrives here."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.requests.append(conn.recv(4096))
                except OSError:
                    self.requests.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(cmd: list[str], trace: Path | None, env: dict[str, str], out: Path) -> subprocess.Popen:
    if trace is not None:
        cmd = [str(shutil.which("strace")), "-f", "-e", "trace=connect,sendto", "-o", str(trace), *cmd]
    return subprocess.Popen(cmd, cwd=settings.ROOT, env=env, stdout=out.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    """Stop the process started here and its children (its own session), forcibly if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue


def _env(proxy: ProxyRecorder) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    url = f"http://127.0.0.1:{proxy.port}"
    env.update(HTTP_PROXY=url, HTTPS_PROXY=url, http_proxy=url, https_proxy=url, NO_PROXY="", no_proxy="")
    return env


@needs_strace
def test_the_watchers_see_streamlits_address_lookups(tmp_path: Path) -> None:
    """Control: the same harness does catch Streamlit's lookups when they run, so the next test can fail."""
    proxy = ProxyRecorder()
    try:
        code = "from streamlit import net_util; net_util.get_internal_ip(); net_util.get_external_ip()"
        proc = _start([sys.executable, "-c", code], tmp_path / "trace", _env(proxy), tmp_path / "out")
        proc.wait(timeout=60)
    finally:
        proxy.close()
    assert any("8.8.8.8" in a for a in outbound_attempts((tmp_path / "trace").read_text()))
    assert any(b"checkip.amazonaws.com" in r for r in proxy.requests)


def test_the_app_starts_without_outbound_attempts(tmp_path: Path) -> None:
    port = _free_port()
    proxy = ProxyRecorder()
    trace = tmp_path / "trace" if _strace_works() else None
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    proc = _start(cmd, trace, _env(proxy), out)
    try:
        deadline = time.monotonic() + 120
        # started = the banner is printed (Streamlit prints it after its address lookups) and the page is served
        while "URL:" not in out.read_text() or _status(f"http://127.0.0.1:{port}/_stcore/health") != 200:
            assert proc.poll() is None, out.read_text()
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.2)
        assert _status(f"http://127.0.0.1:{port}/") == 200
    finally:
        _stop(proc)
        proxy.close()
    banner = out.read_text()
    assert "External URL" not in banner and "Network URL" not in banner
    assert "Did not auto detect external IP" not in banner
    assert proxy.requests == []
    if trace is not None:
        assert outbound_attempts(trace.read_text()) == []


def _status(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # straight to loopback
    try:
        with opener.open(url, timeout=5) as resp:
            return int(resp.status)
    except OSError:
        return 0
