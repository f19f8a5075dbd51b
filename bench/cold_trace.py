"""Where a cold load's time goes: the app and the Streamlit floor, alternately, one timeline per load.

    python -m bench.cold_trace            # 4 loads of each, alternating (after one untimed load of each)
    python -m bench.cold_trace --runs 6

Each load is a new browser context. Times are milliseconds from the start of the top page's navigation
(its ``performance.timeOrigin``): the page's and the map frame's resource timings, the websocket messages the
server sends (decoded: session start, the map component's delta, script finished), and marks set in the map
frame from animation frames (Leaflet container created, the districts drawn). Nothing is polled to take a time,
so the driver's round trips are not counted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import Browser, floor_app_dir, folium_frame, wait_map  # noqa: E402
from bench.servers import streamlit_server  # noqa: E402

# In every frame: the epoch time of the first animation frame that sees a Leaflet container and of the first
# that sees ``window.__szMin`` shapes (11 districts for the app, 1 point for the floor). (A MutationObserver set
# here would watch the frame's initial empty document, which its navigation replaces while keeping the window.)
MARKS_JS = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  const marks = window.__coldMarks = window.__coldMarks || {origin: performance.timeOrigin};
  const look = () => {
    if (!marks.container && document.querySelector('.leaflet-container')) marks.container = now();
    const n = document.querySelectorAll('path.leaflet-interactive, .leaflet-marker-icon').length;
    if (!marks.drawn && n >= (window.top.__szMin || 11)) marks.drawn = now();
    if (!marks.drawn) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  if (document.readyState !== 'loading') marks.dcl = marks.dcl || now();
  document.addEventListener('DOMContentLoaded', () => { marks.dcl = now(); });
  window.addEventListener('load', () => { marks.load = now(); });
})();"""

RESOURCES_JS = """() => performance.getEntriesByType('resource').map(e => ({
  name: e.name, start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.responseEnd,
  size: e.encodedBodySize}))"""


def decode(payload: bytes | str) -> str:
    """A short name for one ForwardMsg from the server."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return "text"
    msg = ForwardMsg()
    msg.ParseFromString(payload)
    kind = msg.WhichOneof("type") or "?"
    if kind == "delta":
        d = msg.delta
        which = d.WhichOneof("type")
        if which == "new_element":
            el = d.new_element.WhichOneof("type")
            if el == "component_instance":
                return "delta:component:" + d.new_element.component_instance.component_name
            return "delta:" + str(el)
        return "delta:" + str(which)
    if kind == "script_finished":
        return f"script_finished:{msg.script_finished}"
    return kind


def one_load(browser: Browser, url: str, min_shapes: int, server_log: Path | None = None) -> dict[str, Any]:
    ctx, page = browser.page()
    log_from = server_log.stat().st_size if server_log is not None and server_log.exists() else 0
    ctx.add_init_script(f"window.__szMin = {min_shapes};" + MARKS_JS)
    ws_events: list[tuple[float, str, int]] = []

    def on_ws(ws) -> None:
        ws_events.append((time.time() * 1000, "ws:created", 0))
        ws.on("framereceived", lambda f: ws_events.append((time.time() * 1000, decode(f), len(f))))
        ws.on("framesent", lambda f: ws_events.append((time.time() * 1000, "sent", len(f))))

    page.on("websocket", on_ws)
    page.goto(url, wait_until="commit")
    wait_map(page, min_shapes)
    seen = time.time() * 1000  # as the benchmark sees it: polled from here, every 20 ms plus a round trip
    page.wait_for_timeout(3000)  # what follows the map (the app's second run) lands in the log too
    frame = folium_frame(page)
    marks = frame.evaluate("() => window.__coldMarks || {}")
    top = page.evaluate("() => window.__coldMarks")
    origin = top["origin"]
    out: dict[str, Any] = {
        "top": {k: v - origin for k, v in top.items() if k != "origin"},
        "frame": {k: v - origin for k, v in marks.items()},
        "top_resources": [{**r, "start": r["start"] - origin, "end": r["end"] - origin}
                          for r in page.evaluate(RESOURCES_JS)],
        "frame_resources": [{**r, "start": r["start"] - origin, "end": r["end"] - origin}
                            for r in frame.evaluate(RESOURCES_JS)],
        "ws": [(t - origin, name, size) for t, name, size in ws_events],
        "seen": seen - origin,
        "server": [],
    }
    if server_log is not None and server_log.exists():
        with server_log.open() as f:
            f.seek(log_from)
            for line in f:
                stamp, _, what = line.strip().partition(" ")
                out["server"].append((float(stamp) - origin, what))
    ctx.close()
    return out


def summary(load: dict[str, Any]) -> dict[str, float]:
    """The milestones of one load, in ms from navigation."""
    s: dict[str, float] = {}
    tops = load["top_resources"]
    js = [r for r in tops if r["name"].endswith(".js") and "/static/js/" in r["name"]]
    if js:
        s["streamlit js loaded (last bundle end)"] = max(r["end"] for r in js
                                                          if r["start"] < load["top"].get("load", 1e9))
    chunks = [r for r in js if r["start"] > load["top"].get("load", 1e9)]
    if chunks:
        s[f"element chunks ({len(chunks)}): first request"] = min(r["start"] for r in chunks)
        s["element chunks: last end"] = max(r["end"] for r in chunks)
    comp = [r for r in js if "/ComponentInstance." in r["name"]]
    if comp:
        s["ComponentInstance chunk: request"] = comp[0]["start"]
        s["ComponentInstance chunk: end"] = comp[0]["end"]
    fonts = [r for r in tops if r["name"].endswith((".woff2", ".woff", ".ttf"))]
    if fonts:
        s["fonts: last end"] = max(r["end"] for r in fonts)
    s["top DOMContentLoaded"] = load["top"].get("dcl", float("nan"))
    s["top load event"] = load["top"].get("load", float("nan"))
    ws = load["ws"]
    first: dict[str, float] = {}
    for t, name, _size in ws:
        key = name.split(":")[0] if not name.startswith("delta:component") else "map delta"
        if name.startswith("script_finished"):
            key = "script_finished"
        first.setdefault(key, t)
    for key, label in (("ws", "websocket created"), ("sent", "first message sent (rerun request)"),
                       ("new_session", "new_session (script run 1 starts)"), ("map delta", "map component delta"),
                       ("script_finished", "script run 1 finished")):
        if key in first:
            s[label] = first[key]
    frames = load["frame_resources"]
    if frames:
        s["map frame: first request"] = min(r["start"] for r in frames)
        main = [r for r in frames if "/static/js/main" in r["name"]]
        if main:
            s["map frame: component main.js end"] = main[0]["end"]
        links = [r for r in frames if "/app/static/" in r["name"] and r["name"].endswith(".js")]
        if links:
            s["map frame: first js_link start"] = min(r["start"] for r in links)
            s["map frame: last js_link end"] = max(r["end"] for r in links)
    seen_server: dict[str, int] = {}
    for t, what in load["server"]:
        n = seen_server[what] = seen_server.get(what, 0) + 1
        s[f"server: {what}" + (f" ({n})" if n > 1 else "")] = t
    s["map frame: leaflet container"] = load["frame"].get("container", float("nan"))
    s["map frame: shapes drawn"] = load["frame"].get("drawn", float("nan"))
    s["shapes seen by the benchmark's poll"] = load["seen"]
    return s


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(prog="python -m bench.cold_trace", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="the app script to load")
    parser.add_argument("--server-log", type=Path, help="a file of 'epoch-ms label' lines the app writes "
                        "(times within each load are added to its timeline)")
    parser.add_argument("--verbose", action="store_true", help="print every load's resources and messages")
    args = parser.parse_args(argv)
    loads: dict[str, list[dict[str, Any]]] = {"app": [], "floor": []}
    with sync_playwright() as pw:
        browser = Browser(pw)
        try:
            with streamlit_server(floor_app_dir()) as (floor_url, _), \
                    streamlit_server(args.app.resolve()) as (app_url, _p):
                for url, n in ((floor_url, 1), (app_url, 11)):  # warm both servers
                    ctx, page = browser.page()
                    page.goto(url)
                    wait_map(page, n, timeout=240)
                    ctx.close()
                for _ in range(args.runs):
                    loads["floor"].append(one_load(browser, floor_url, 1))
                    loads["app"].append(one_load(browser, app_url, 11, args.server_log))
        finally:
            browser.browser.close()
    for kind, runs in loads.items():
        rows = [summary(r) for r in runs]
        keys = list(dict.fromkeys(k for r in rows for k in r))
        print(f"\n{kind}: ms from navigation, per load (median last)")
        for k in keys:
            vals = [r.get(k, float("nan")) for r in rows]
            med = statistics.median(v for v in vals if v == v) if any(v == v for v in vals) else float("nan")
            print(f"  {k:42s} " + " ".join(f"{v:7.0f}" for v in vals) + f"   | {med:7.0f}")
        if args.verbose:
            for r in runs:
                print(f"\n  {kind} load:")
                for res in sorted(r["top_resources"] + r["frame_resources"], key=lambda x: x["start"]):
                    print(f"    {res['start']:7.0f} {res['end']:7.0f} {res['size']:9d} {res['name'][-70:]}")
                for t, name, size in r["ws"]:
                    print(f"    {t:7.0f}         {size:9d} ws {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
