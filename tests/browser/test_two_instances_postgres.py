"""Two app instances on one PostgreSQL database see each other's edits (a deployment with several instances)."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from bench.servers import streamlit_server
from tests.browser.conftest import ROOT, OfflinePage, map_frame
from tests.browser.test_progress_in_browser import EDITOR, PASSWORD, _pick, _sign_in
from tests.pg_server import PostgresServer, server_bin_dir


@pytest.fixture(scope="module")
def two_instances() -> Iterator[tuple[str, str]]:
    bin_dir = server_bin_dir()
    if bin_dir is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    server = PostgresServer(bin_dir)
    server.start()
    try:
        url = server.new_database()
        env = {**os.environ, "SZ_PLAN_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "tracking", "add-user", EDITOR, "--role", "editor",
                        "--district", "longgang"], input=PASSWORD, text=True, env=env, cwd=ROOT, check=True,
                       capture_output=True)
        with ExitStack() as stack:
            urls = [stack.enter_context(streamlit_server(
                ROOT / "app.py", env_extra={"SZ_PLAN_DATABASE_URL": url},
                log_path=ROOT / "build" / f"browser-tests-pg-instance-{n}.log", timeout_s=90))[0] for n in (1, 2)]
            yield urls[0], urls[1]
    finally:
        server.stop()


def _record(page, status: str, evidence: str) -> None:
    form = page.locator("[data-testid=stForm]").filter(has_text="记录进展")
    form.wait_for()
    _pick(page, form, "实施状态", status)
    form.get_by_label("依据(必填:文件编号或链接)").fill(evidence)
    form.get_by_role("button", name="保存记录").click()


def test_an_edit_on_one_instance_shows_on_the_other(browser, two_instances):
    first, second = two_instances
    a, b = OfflinePage(browser), OfflinePage(browser)
    try:
        a.page.goto(first + "/?item=pingshan-hub")
        map_frame(a.page)
        _sign_in(a.page)
        _record(a.page, "在建 Under construction", "instance one: 施工许可")
        a.page.get_by_text("已保存记录 #1。").wait_for()

        b.page.goto(second + "/?item=pingshan-hub")
        map_frame(b.page)
        b.page.get_by_text("实施状态: 在建 Under construction").wait_for()
        b.page.get_by_text("依据: instance one: 施工许可").wait_for()
        _sign_in(b.page)
        _record(b.page, "建成投用 Completed, in service", "instance two: 竣工验收")
        b.page.get_by_text("已保存记录 #2。").wait_for()

        a.page.goto(first + "/?item=pingshan-hub")
        a.page.get_by_text("实施状态: 建成投用 Completed, in service").wait_for()
        a.page.get_by_text("依据: instance two: 竣工验收").wait_for()
        a.page.get_by_text("依据: instance one: 施工许可").wait_for()
    finally:
        a.close()
        b.close()
    assert not a.external and not b.external
