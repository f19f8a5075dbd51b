"""Several app instances behind nginx on loopback: for trying the setup, the proxy test and load runs through it.

    python -m deploy.cluster                     # 2 instances + nginx on a free port; Ctrl-C stops everything
    python -m deploy.cluster --instances 3 --port 8080
    python -m deploy.cluster --print-site --listen 80 --upstream 127.0.0.1:8501 --upstream 127.0.0.1:8502

nginx runs in the foreground (``daemon off``) with its configuration, pid file, logs and temporary files in one
temporary directory given as its prefix (``-p``), so nothing on the system is touched; stopping the cluster stops
nginx and every instance it started. The site configuration (``site.conf.template``) is the one to use with a
system nginx as well.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import free_port, streamlit_server

ROOT = Path(__file__).resolve().parents[1]
SITE_TEMPLATE = Path(__file__).with_name("site.conf.template")
MAIN_CONF = """# Written by deploy/cluster.py: a foreground nginx whose files all live in its prefix directory.
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    client_body_temp_path {prefix}/tmp/client_body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/site.conf;
    # Which instance served each request, and for which route cookie (the proxy test reads this).
    log_format routed '$remote_addr "$request" $status upstream=$upstream_addr route=$sz_plan_map_route';
    access_log {prefix}/access.log routed;
}}
"""


class ClusterError(RuntimeError):
    """The proxy or an instance could not be started; the message says which and quotes its log."""


@dataclass
class Cluster:
    url: str  # the proxy, as visitors reach it
    instances: list[str] = field(default_factory=list)  # each instance's own URL
    instance_pids: list[int] = field(default_factory=list)
    prefix: Path = Path()


def nginx_binary() -> str | None:
    """Debian's nginx (``apt-get install nginx``), or None when it is not installed."""
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):  # not on a non-root PATH
        found = "/usr/sbin/nginx"
    return found


def render_site(upstreams: Sequence[str], listen: str) -> str:
    """The site configuration for ``upstreams`` (``host:port`` each) with nginx listening on ``listen``."""
    if not upstreams:
        raise ValueError("at least one upstream (host:port) is needed")
    for u in [*upstreams, listen]:
        if not u or any(c in u for c in " ;{}\n\"'$#"):
            raise ValueError(f"not an address for nginx: {u!r}")
    servers = "\n".join(f"    server {u};" for u in upstreams)
    return SITE_TEMPLATE.read_text().replace("{{UPSTREAM_SERVERS}}", servers).replace("{{LISTEN}}", listen)


def render_main(prefix: Path) -> str:
    return MAIN_CONF.format(prefix=prefix)


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.time() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            raise ClusterError(f"nginx exited with code {proc.returncode}: {_tail(log)}")
        if time.time() > deadline:
            raise ClusterError(f"nginx did not pass requests to the app within {timeout_s:.0f} s: {_tail(log)}")
        time.sleep(0.2)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) or "(empty log)"
    except OSError:
        return f"(no log at {path})"


@contextmanager
def cluster(instances: int = 2, port: int | None = None, script: Path = ROOT / "app.py",
            env_extra: dict | None = None, timeout_s: float = 120) -> Iterator[Cluster]:
    """Start ``instances`` app servers and nginx in front of them on 127.0.0.1; stop them all on exit."""
    nginx = nginx_binary()
    if nginx is None:
        raise ClusterError("nginx is not installed (Debian: apt-get install nginx)")
    if not 1 <= instances <= 16:
        raise ValueError(f"instances must be 1..16, not {instances}")
    with ExitStack() as stack:
        prefix = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sz-plan-map-nginx-")))
        # A root master runs its workers as "nobody", who must be able to enter the prefix.
        prefix.chmod(0o755)
        (prefix / "tmp").mkdir()
        urls, pids = [], []
        for i in range(instances):
            url, proc = stack.enter_context(streamlit_server(script, env_extra, prefix / f"instance-{i + 1}.log",
                                                             timeout_s))
            urls.append(url)
            pids.append(proc.pid)
        listen_port = port or free_port()
        (prefix / "site.conf").write_text(render_site([u.removeprefix("http://") for u in urls],
                                                      f"127.0.0.1:{listen_port}"))
        (prefix / "nginx.conf").write_text(render_main(prefix))
        error_log = prefix / "error.log"
        base = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(error_log)]
        check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise ClusterError(f"nginx rejected {prefix / 'nginx.conf'}: {check.stderr.strip()}")
        proc = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stack.callback(_stop, proc)
        proxy = f"http://127.0.0.1:{listen_port}"
        _wait_healthy(proxy, proc, error_log, timeout_s)
        yield Cluster(proxy, urls, pids, prefix)


def _stop(proc: subprocess.Popen) -> None:
    """Graceful stop (SIGQUIT lets open requests finish), then a hard one if nginx lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__.split("\n\n")[0])
    ap.add_argument("--instances", type=int, default=2, help="app instances to start (default 2)")
    ap.add_argument("--port", type=int, help="port nginx listens on, on 127.0.0.1 (default: a free one)")
    ap.add_argument("--print-site", action="store_true", help="print the site configuration and exit")
    ap.add_argument("--upstream", action="append", default=[], help="with --print-site: an instance's host:port")
    ap.add_argument("--listen", default="80", help="with --print-site: nginx's listen address (default 80)")
    args = ap.parse_args(argv)
    if args.print_site:
        try:
            print(render_site(args.upstream, args.listen), end="")
        except ValueError as exc:
            ap.error(str(exc))
        return 0
    stop = {"now": False}

    def on_signal(signum: int, _frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    try:
        with cluster(args.instances, args.port) as c:
            print(f"proxy: {c.url}  instances: {', '.join(c.instances)}  files: {c.prefix}", flush=True)
            print("Ctrl-C stops nginx and the instances.", flush=True)
            while not stop["now"]:
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except (ClusterError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
