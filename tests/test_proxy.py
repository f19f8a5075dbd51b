"""Two app instances behind nginx (deploy/cluster.py): health, page, a full websocket session, sticky routing.

Skipped when nginx is not installed, unless REQUIRE_NGINX=1 (then it fails). Debian: apt-get install nginx.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import urllib.request
from collections import defaultdict
from collections.abc import Iterator

import pytest

from bench.load import FILTER_KEY, SimulatedSession, drive, pick_first
from deploy.cluster import Cluster, cluster, nginx_binary, render_site
from layers.locate import catalogue_frame
from tests.conftest import run_in_own_loop

ROUTE = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def proxied() -> Iterator[Cluster]:
    if nginx_binary() is None:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("nginx is required for the proxy tests (REQUIRE_NGINX is set) but is not installed")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    with cluster(2) as c:
        yield c


def browser() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """A fresh visitor: its own cookie jar, as a new browser has."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def served_by(c: Cluster) -> dict[str, set[str]]:
    """Route cookie → the instances (host:port) nginx passed its requests to, from the access log."""
    routes: dict[str, set[str]] = defaultdict(set)
    for line in (c.prefix / "access.log").read_text().splitlines():
        m = re.search(r"upstream=(\S+) route=(\S+)", line)
        if m:
            routes[m.group(2)].add(m.group(1))
    return routes


def test_health_endpoint_answers_through_the_proxy(proxied: Cluster) -> None:
    opener, _ = browser()
    with opener.open(proxied.url + "/_stcore/health", timeout=30) as resp:
        assert resp.status == 200
        assert resp.read() == b"ok"


def test_page_loads_and_the_browser_gets_a_route_cookie(proxied: Cluster) -> None:
    opener, jar = browser()
    with opener.open(proxied.url + "/", timeout=30) as resp:
        assert resp.status == 200
        page = resp.read()
    assert b'id="root"' in page  # Streamlit's page, which then loads the app over the websocket
    cookies = {c.name: c.value for c in jar}
    assert ROUTE.match(cookies.get("sz_plan_map_route") or ""), cookies
    # The browser keeps its cookie: nginx does not hand out a new one on the next request.
    with opener.open(proxied.url + "/_stcore/health", timeout=30) as resp:
        assert not [h for h in resp.headers.get_all("Set-Cookie") or [] if h.startswith("sz_plan_map_route=")]


def test_a_forged_route_cookie_is_replaced(proxied: Cluster) -> None:
    req = urllib.request.Request(proxied.url + "/_stcore/health", headers={"Cookie": "sz_plan_map_route=../x;"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        set_cookies = [h for h in resp.headers.get_all("Set-Cookie") or [] if h.startswith("sz_plan_map_route=")]
    assert len(set_cookies) == 1
    assert ROUTE.match(set_cookies[0].split(";")[0].split("=", 1)[1])


def test_websocket_sessions_complete_script_runs_through_the_proxy(proxied: Cluster) -> None:
    row = run_in_own_loop(drive(proxied.url, n=2, changes=1, think=(0.0, 0.0), ramp_s=0.0, timeout_s=120, seed=7))
    assert row["errors"] == 0, row["error_samples"]
    assert row["reruns"] == 4  # each session's first run and one filter change
    assert row["kib_per_filter_rerun"] > 10  # the map's layers came back for the new filter
    streams = [line for line in (proxied.prefix / "access.log").read_text().splitlines()
               if '"GET /_stcore/stream HTTP/1.1" 101' in line]
    assert len(streams) >= 2


def test_a_dropped_connection_resumes_its_session_and_filters_through_the_proxy(proxied: Cluster) -> None:
    """After a lost websocket the browser reconnects asking for its session: the proxy must send it to the
    instance that holds it, where the filter chosen before is still set."""
    frame = catalogue_frame()
    railways = int((frame["category"] == "railway").sum())

    async def visit() -> tuple[str, str, list[str]]:
        session = SimulatedSession(proxied.url, timeout_s=120)
        try:
            await session.open()
            first = session.session_id
            await session.choose(FILTER_KEY, [pick_first(session.options(FILTER_KEY))])
            # Send neither the widget value nor the link again: the filter has to come from the resumed session.
            session.states.clear()
            session.query_string = ""
            await session.reconnect()
            return first, session.session_id, session.texts
        finally:
            await session.close()

    for _ in range(3):  # three visitors, so that both instances are likely to be involved
        first, resumed, texts = run_in_own_loop(visit())
        assert first and resumed == first
        assert any(f"共 {railways} 项" in t for t in texts), texts


def test_each_browser_stays_on_one_instance_and_browsers_are_spread(proxied: Cluster) -> None:
    for _ in range(16):
        opener, _jar = browser()
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            with opener.open(proxied.url + path, timeout=30) as resp:
                resp.read()
    routes = served_by(proxied)
    assert len(routes) >= 16
    for route, upstreams in routes.items():
        assert len(upstreams) == 1, f"route {route} was served by {upstreams}"
    instances = {u.removeprefix("http://") for u in proxied.instances}
    used = set().union(*routes.values())
    assert used == instances  # 16 browsers all on one of two instances would happen once in 30,000 runs


def test_site_configuration_is_sticky_and_passes_websockets() -> None:
    site = render_site(["127.0.0.1:8501", "127.0.0.1:8502"], "80")
    assert "hash $sz_plan_map_route consistent;" in site
    assert "    server 127.0.0.1:8501;\n    server 127.0.0.1:8502;" in site
    assert "proxy_set_header Upgrade $http_upgrade;" in site
    assert "proxy_set_header Host $http_host;" in site
    assert "proxy_read_timeout 1d;" in site
    assert "{{" not in site


@pytest.mark.parametrize("bad", ["", "127.0.0.1:1; include /etc/passwd", "a b", "x}"])
def test_site_configuration_refuses_what_is_not_an_address(bad: str) -> None:
    with pytest.raises(ValueError, match="not an address"):
        render_site([bad], "80")
