"""Many users at once: N simulated sessions speaking Streamlit's own websocket protocol to one server.

Why the protocol and not browsers or AppTest: twenty headless browsers on the same two cores as the server measure
the browsers more than the server, and ``AppTest`` runs the script inside the test process without the server's
websocket, session manager, message queue and serialisation, so several AppTest processes would not measure the
path a visitor's rerun takes. One asyncio process that sends what the frontend sends (a ``BackMsg`` with
``rerun_script``: the query string, every widget value it holds, the hashes of the messages it has cached) and reads
what the server sends (``ForwardMsg``) goes through exactly that path at the cost of a fraction of one core.

Each session loads the page (``GET /``, which also sets the XSRF cookie), opens ``/_stcore/stream``, asks for the
first run, then makes K filter changes: it sets the sidebar's category multiselect to one category (national
railways first, then others), using the widget id and option labels the server sent in that session's own
``ForwardMsg`` deltas. Each rerun is timed from sending the ``BackMsg`` until the ``script_finished`` message that
ends it (a run the app restarts itself with ``st.rerun`` counts until the final one). Between changes a session
waits a random "think time", like a person looking at the map; ``--think 0`` gives the saturation figure.

Everything is bounded: a fixed number of sessions and changes, a timeout on every message and on the whole run,
loopback addresses only.

    .venv/bin/python -m bench.load                       # N = 1, 5, 10, 20, 50 against a fresh server each
    .venv/bin/python -m bench.load --sessions 10 --changes 3 --think 0
    .venv/bin/python -m bench.load --instances 2          # the same through nginx to two instances
    .venv/bin/python -m bench.load --url http://127.0.0.1:8080 --sessions 2   # an already running server or proxy
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import random
import statistics
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

from layers.schema import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
XSRF_COOKIE = "_streamlit_xsrf"  # streamlit.web.server.starlette.starlette_server_config.XSRF_COOKIE_NAME
FILTER_KEY = "f_categories__zh"  # the category multiselect in Chinese, the default (its user key ends the widget id)
FIRST_CATEGORY = "railway"
TARGET_P95_S = 0.5
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class LoadError(Exception):
    """A session could not do what a visitor does: the message says what and where."""


@dataclass
class Rerun:
    """One script run as the client saw it."""

    kind: str  # "open" (the session's first run), "filter" or "reconnect"
    seconds: float
    bytes_received: int
    messages: int


@dataclass
class SessionResult:
    index: int
    reruns: list[Rerun] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def user_key(widget_id: str) -> str | None:
    """The ``key=`` a widget was created with: Streamlit's ids read ``$$ID-<hash>-<key>``."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" and parts[2] != "None" else None


def loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise LoadError(f"{url}: the load test only talks to loopback addresses")


class SimulatedSession:
    """One visitor's tab: holds what the frontend holds (widget values, query string, cached message hashes)."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        loopback_only(base_url)
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.ws: ClientConnection | None = None
        self.page_script_hash = ""
        self.query_string = ""
        self.widgets: dict[str, tuple[str, list[str]]] = {}  # user key -> (widget id, option labels)
        self.states: dict[str, WidgetState] = {}  # widget id -> value sent with every rerun, as the frontend does
        self.cached: set[str] = set()
        self.map_id = ""  # the map component's widget id (its value carries the browser's "drawn" report)
        self.drawn: Rerun | None = None  # the run that report brought, on opening
        self.app_errors: list[str] = []
        self.texts: list[str] = []  # the Markdown texts of the last run, to check what it showed
        self.session_id = ""  # the server's id for this session, sent with every run
        self.cookies: dict[str, str] = {}

    async def open(self) -> Rerun:
        """Load the page, open the websocket and run the script once, as a browser opening the app does."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def get_page() -> bytes:
            with opener.open(self.base_url + "/", timeout=self.timeout_s) as resp:
                return resp.read()

        page = await asyncio.to_thread(get_page)
        if b'id="root"' not in page:
            raise LoadError(f"{self.base_url}/: the page is not the Streamlit app ({len(page)} bytes)")
        self.cookies = {c.name: c.value or "" for c in jar}
        await self._connect(resume=False)
        opened = await self.rerun("open")
        if self.map_id:
            # The browser reports that it has drawn the map (static/view_sync.js, through the map component's
            # value), and that run brings the sidebar's controls and the table (app.first_map_view).
            state = WidgetState(id=self.map_id)
            state.json_value = json.dumps({"last_active_drawing": None, "map_drawn": True})
            self.states[self.map_id] = state
            self.drawn = await self.rerun("map drawn")
        return opened

    async def reconnect(self) -> Rerun:
        """Drop the websocket and open a new one that asks to resume this session, as the frontend does after a
        lost connection; then rerun. The server resumes the session only if it still holds it."""
        await self.close()
        await self._connect(resume=True)
        return await self.rerun("reconnect")

    async def _connect(self, resume: bool) -> None:
        # The subprotocol entries carry the XSRF cookie's token and, to resume, the session's id (in that order).
        protocols = [Subprotocol("streamlit"), Subprotocol(self.cookies.get(XSRF_COOKIE) or "-")]
        if resume and self.session_id:
            protocols.append(Subprotocol(self.session_id))
        cookies = self.cookies
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        ws_url = "ws" + self.base_url[len("http"):] + "/_stcore/stream"
        self.ws = await connect(ws_url, subprotocols=protocols, origin=Origin(self.base_url),
                                additional_headers=headers, max_size=None, open_timeout=self.timeout_s,
                                ping_interval=None, compression=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def options(self, key: str) -> list[str]:
        if key not in self.widgets:
            raise LoadError(f"the server sent no widget with key {key!r} (widgets: {sorted(self.widgets)})")
        return self.widgets[key][1]

    async def choose(self, key: str, labels: Sequence[str]) -> Rerun:
        """Set a multiselect to ``labels`` (its option texts) and rerun, as a click in the sidebar does."""
        widget_id = self.widgets[key][0] if key in self.widgets else ""
        if not widget_id:
            raise LoadError(f"the server sent no widget with key {key!r}")
        state = WidgetState(id=widget_id)
        state.string_array_value.data.extend(labels)
        self.states[widget_id] = state
        return await self.rerun("filter")

    async def rerun(self, kind: str) -> Rerun:
        """Send a rerun request and read messages until the run it started has finished."""
        if self.ws is None:
            raise LoadError("the session is not open")
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_script_hash
        cs.widget_states.widgets.extend(self.states.values())
        cs.cached_message_hashes.extend(sorted(self.cached))
        cs.context_info.timezone = "Asia/Shanghai"
        cs.context_info.locale = "zh-CN"
        cs.context_info.url = self.base_url + "/" + (f"?{self.query_string}" if self.query_string else "")
        self.texts = []
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        received = count = 0
        errors_before = len(self.app_errors)
        while True:
            remaining = self.timeout_s - (time.perf_counter() - start)
            if remaining <= 0:
                raise LoadError(f"{kind} rerun: no script_finished within {self.timeout_s:.0f} s")
            try:
                data = await asyncio.wait_for(self.ws.recv(decode=False), remaining)
            except TimeoutError:
                raise LoadError(f"{kind} rerun: no script_finished within {self.timeout_s:.0f} s") from None
            received += len(data)
            count += 1
            fm = ForwardMsg()
            fm.ParseFromString(data)
            status = self._take(fm)
            if status is None:
                continue
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise LoadError(f"{kind} rerun: the script did not compile")
            if status in DONE:
                break
        elapsed = time.perf_counter() - start
        if len(self.app_errors) > errors_before:
            raise LoadError(f"{kind} rerun showed an error: {self.app_errors[-1][:200]}")
        return Rerun(kind, elapsed, received, count)

    def _take(self, fm: ForwardMsg) -> int | None:
        """Keep what the frontend keeps from one message; return the status if it ends a run."""
        if fm.metadata.cacheable and fm.hash:
            self.cached.add(fm.hash)
        kind = fm.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = fm.new_session.page_script_hash
            self.session_id = fm.new_session.initialize.session_id
        elif kind == "page_info_changed":
            self.query_string = fm.page_info_changed.query_string
        elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            element = fm.delta.new_element
            etype = element.WhichOneof("type")
            if etype == "markdown":
                self.texts.append(element.markdown.body)
            elif etype == "exception":
                self.app_errors.append(f"{element.exception.type}: {element.exception.message}")
            elif etype == "component_instance" and "streamlit_folium" in element.component_instance.component_name:
                self.map_id = self.map_id or element.component_instance.id
            elif etype == "multiselect":
                key = user_key(element.multiselect.id)
                if key:
                    self.widgets[key] = (element.multiselect.id, list(element.multiselect.options))
        elif kind == "script_finished":
            return int(fm.script_finished)
        return None


def pick_first(options: list[str], category: str = FIRST_CATEGORY) -> str:
    """The option for ``category``: labels read "<中文> <English> (<count>)"."""
    label = f"{CATEGORIES[category][1]} {CATEGORIES[category][2]}"
    for opt in options:
        if opt.startswith(label):
            return opt
    raise LoadError(f"no {FILTER_KEY} option starts with {label!r}")


@dataclass
class Progress:
    """Shared by the sessions of one run: how many are done, and the event that lets them leave."""

    finished: int = 0
    leave: asyncio.Event = field(default_factory=asyncio.Event)


async def one_session(index: int, url: str, changes: int, think: tuple[float, float], delay: float,
                      timeout_s: float, rng: random.Random, progress: Progress) -> SessionResult:
    """A visitor: open the app, make ``changes`` category choices with think time between them, leave.

    A session that is done stays connected until ``progress.leave`` is set, so that the server's memory is read
    with every session still open.
    """
    result = SessionResult(index)
    await asyncio.sleep(delay)
    session = SimulatedSession(url, timeout_s)
    try:
        result.reruns.append(await session.open())
        if session.drawn is not None:
            result.reruns.append(session.drawn)
        options = session.options(FILTER_KEY)
        for j in range(changes):
            await asyncio.sleep(rng.uniform(*think))
            label = pick_first(options) if j == 0 else rng.choice(options)
            result.reruns.append(await session.choose(FILTER_KEY, [label]))
            options = session.options(FILTER_KEY)
        progress.finished += 1
        await progress.leave.wait()
    except Exception as exc:  # noqa: BLE001 - any failure is this session's error, counted, not the run's end
        progress.finished += 1
        result.errors.append(f"session {index}: {type(exc).__name__}: {exc}")
    finally:
        # Closing a broken connection may fail too; there is nothing left to do then.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(session.close(), 5)
    return result


def rss_bytes(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process, from /proc (no psutil needed)."""
    rss = hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    return rss, hwm


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100); None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


async def drive(url: str, n: int, changes: int, think: tuple[float, float], ramp_s: float, timeout_s: float,
                seed: int, server_pids: Sequence[int] = ()) -> dict:
    """Run ``n`` concurrent sessions against ``url`` and summarise them.

    Memory and CPU are read from ``server_pids`` (summed: several instances behind a proxy count together).
    """
    rng = random.Random(seed)
    progress = Progress()
    before_rss = sum(rss_bytes(pid)[0] for pid in server_pids)
    before_cpu = sum(cpu_seconds(pid) for pid in server_pids)
    peak_rss = before_rss
    started = time.perf_counter()
    tasks = [asyncio.create_task(one_session(i, url, changes, think, ramp_s * i / max(n, 1), timeout_s,
                                             random.Random(rng.random()), progress)) for i in range(n)]
    # Every rerun has its own timeout, so this bound is only reached if something hangs outside them.
    overall = ramp_s + (changes + 1) * (think[1] + timeout_s) + 10
    while progress.finished < n and time.perf_counter() - started < overall:
        if server_pids:
            peak_rss = max(peak_rss, sum(rss_bytes(pid)[0] for pid in server_pids))
        await asyncio.sleep(0.2)
    held_rss = sum(rss_bytes(pid)[0] for pid in server_pids)
    peak_rss = max(peak_rss, held_rss)
    cpu = sum(cpu_seconds(pid) for pid in server_pids) - before_cpu
    busy_s = time.perf_counter() - started
    progress.leave.set()
    done, pending = await asyncio.wait(tasks, timeout=30)
    for t in pending:
        t.cancel()
    wall = time.perf_counter() - started
    results = [t.result() for t in done]
    errors = [e for r in results for e in r.errors]
    errors += [f"a session did not finish within {overall:.0f} s" for _ in pending]
    opens = [r.seconds for s in results for r in s.reruns if r.kind == "open"]
    changes_s = [r.seconds for s in results for r in s.reruns if r.kind == "filter"]
    change_bytes = [r.bytes_received for s in results for r in s.reruns if r.kind == "filter"]
    summary: dict = {
        "sessions": n, "changes_per_session": changes, "think_s": list(think), "ramp_s": ramp_s,
        "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine shows up here
        "wall_s": round(wall, 2), "reruns": len(opens) + len(changes_s), "errors": len(errors),
        "error_samples": errors[:10],
        "open_p50_ms": _ms(percentile(opens, 50)), "open_p95_ms": _ms(percentile(opens, 95)),
        "filter_p50_ms": _ms(percentile(changes_s, 50)), "filter_p95_ms": _ms(percentile(changes_s, 95)),
        "filter_max_ms": _ms(max(changes_s) if changes_s else None),
        "kib_per_filter_rerun": round(statistics.mean(change_bytes) / 1024, 1) if change_bytes else None,
        "samples_ms": {"open": [_ms(v) for v in opens], "filter": [_ms(v) for v in changes_s]},
    }
    if server_pids:
        summary.update({
            "instances": len(server_pids),
            "rss_before_mb": _mb(before_rss), "rss_with_sessions_mb": _mb(held_rss), "rss_peak_mb": _mb(peak_rss),
            "mb_per_session": round((held_rss - before_rss) / n / 2**20, 2) if n else None,
            "server_cpu_s": round(cpu, 2), "server_cpu_share": round(cpu / busy_s, 2) if busy_s else None,
            "server_cpu_ms_per_rerun": round(1000 * cpu / max(1, len(opens) + len(changes_s)), 1),
        })
    return summary


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _mb(n: int) -> float:
    return round(n / 2**20, 1)


def measure(sessions: Sequence[int], changes: int, think: tuple[float, float], ramp_s: float, timeout_s: float,
            seed: int, instances: int = 1) -> list[dict]:
    """For each N, fresh servers: warm each with one session, then drive N sessions and read memory and CPU.

    Fresh servers per N keep one run's leftovers (sessions kept for reconnection, grown heaps) out of the next.
    With ``instances`` > 1 the sessions go through nginx to that many instances (deploy/cluster.py).
    """
    from bench.servers import streamlit_server
    from deploy.cluster import cluster

    rows = []
    for n in sessions:
        with contextlib.ExitStack() as stack:
            if instances == 1:
                url, proc = stack.enter_context(streamlit_server(ROOT / "app.py",
                                                                 log_path=RESULTS / f"load-server-{n}.log"))
                direct, pids = [url], [proc.pid]
            else:
                c = stack.enter_context(cluster(instances))
                url, direct, pids = c.url, c.instances, c.instance_pids
            for d in direct:
                warm = asyncio.run(drive(d, 1, 0, (0.0, 0.0), 0.0, timeout_s, seed))
                if warm["errors"]:
                    raise LoadError(f"the warm-up session on {d} failed: {warm['error_samples']}")
            row = asyncio.run(drive(url, n, changes, think, ramp_s, timeout_s, seed, server_pids=pids))
            row["server_peak_rss_mb"] = _mb(sum(rss_bytes(pid)[1] for pid in pids))
        rows.append(row)
        print(table_line(row), flush=True)
    return rows


TABLE_HEAD = ("| sessions | reruns | errors | open p50 / p95 | filter change p50 / p95 (max) | server CPU per rerun "
              "| server RSS before → with sessions (peak) | memory per session | load average |\n"
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def table_line(row: dict) -> str:
    def ms(key: str) -> str:
        return "—" if row.get(key) is None else f"{row[key]:,.0f}"

    mem = (f"{row['rss_before_mb']:.0f} → {row['rss_with_sessions_mb']:.0f} MB ({row['rss_peak_mb']:.0f})"
           if "rss_before_mb" in row else "—")
    per = f"{row['mb_per_session']:.1f} MB" if row.get("mb_per_session") is not None else "—"
    cpu = f"{row['server_cpu_ms_per_rerun']:.0f} ms" if "server_cpu_ms_per_rerun" in row else "—"
    return (f"| {row['sessions']} | {row['reruns']} | {row['errors']} | {ms('open_p50_ms')} / {ms('open_p95_ms')} ms "
            f"| {ms('filter_p50_ms')} / {ms('filter_p95_ms')} ({ms('filter_max_ms')}) ms | {cpu} | {mem} | {per} "
            f"| {row.get('load_average_1min', '—')} |")


def capacity(rows: Sequence[dict], target_ms: float = TARGET_P95_S * 1000) -> int | None:
    """The largest N tested whose filter-change p95 met the target with no errors (None if none did)."""
    ok = [r["sessions"] for r in rows
          if r["errors"] == 0 and r["filter_p95_ms"] is not None and r["filter_p95_ms"] <= target_ms]
    return max(ok) if ok else None


def parse_think(text: str) -> tuple[float, float]:
    """``"2"`` → (2, 2); ``"1-3"`` → (1, 3): seconds a visitor waits between two changes."""
    low, _, high = text.partition("-")
    lo, hi = float(low), float(high or low)
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError(f"--think {text!r}: expected seconds like 2 or 1-3")
    return lo, hi


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20, 50], help="N values to run")
    ap.add_argument("--changes", type=int, default=4, help="filter changes per session (default 4)")
    ap.add_argument("--think", type=parse_think, default=(1.0, 3.0),
                    help="seconds between a session's changes, N or MIN-MAX (default 1-3; 0 = saturation)")
    ap.add_argument("--ramp", type=float, default=5.0, help="seconds over which the sessions arrive (default 5)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds allowed for one rerun (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--instances", type=int, default=1,
                    help="app instances behind nginx (deploy/cluster.py); default 1: one server, no proxy")
    ap.add_argument("--url", help="an already running server or proxy on loopback (no memory figures)")
    ap.add_argument("--output", type=Path, help="JSON file (default bench/results/load-<time>.json)")
    args = ap.parse_args(argv)
    if any(n < 1 or n > 500 for n in args.sessions) or not 0 <= args.changes <= 100:
        ap.error("--sessions must be 1..500 and --changes 0..100")
    if not 1 <= args.instances <= 16:
        ap.error("--instances must be 1..16")
    if args.url:
        try:
            loopback_only(args.url)
        except LoadError as exc:
            ap.error(str(exc))
    RESULTS.mkdir(parents=True, exist_ok=True)
    where = args.url or (f"{args.instances} instances behind nginx" if args.instances > 1 else "one server")
    print(f"{where}; {args.changes} filter changes per session, {args.think[0]:g}-{args.think[1]:g} s apart\n")
    print(TABLE_HEAD, flush=True)
    if args.url:
        rows = []
        for n in args.sessions:
            rows.append(asyncio.run(drive(args.url, n, args.changes, args.think, args.ramp, args.timeout, args.seed)))
            print(table_line(rows[-1]), flush=True)
    else:
        rows = measure(args.sessions, args.changes, args.think, args.ramp, args.timeout, args.seed, args.instances)
    cap = capacity(rows)
    print(f"\nfilter change p95 ≤ {TARGET_P95_S * 1000:.0f} ms with no errors up to: "
          + (f"{cap} sessions (of those run)" if cap else "none of the N run"))
    for r in rows:
        for e in r["error_samples"]:
            print("error:", e, file=sys.stderr)
    out = args.output or RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "url": args.url,
                               "instances": 1 if args.url else args.instances,
                               "target_p95_ms": TARGET_P95_S * 1000, "capacity_sessions": cap, "runs": rows},
                              ensure_ascii=False, indent=1))
    print(f"written: {out}")
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
