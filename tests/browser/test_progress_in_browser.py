"""Progress tracking as a district editor meets it, in a real browser: sign in, record a status with evidence,
see it in the timeline and on the map, be refused on another district's item, sign out, and the public sees it."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest
from playwright.sync_api import expect

from bench.servers import streamlit_server
from tests.browser.conftest import ROOT, OfflinePage, map_frame
from tests.browser.conftest import pick_option as _pick

EDITOR, PASSWORD = "lg-editor", "longgang-office-2025"
EVIDENCE = "龙岗区发改局 2025-06-30 通报 <img src=x onerror=\"window.__xss=1\"> [link](javascript:alert(1))"


@pytest.fixture(scope="module")
def progress_app():
    """The app on a fresh progress database holding one Longgang editor (created by the command line)."""
    with tempfile.TemporaryDirectory(prefix="sz-plan-progress-") as data_dir:
        env = {**os.environ, "SZ_PLAN_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "tracking", "add-user", EDITOR, "--role", "editor",
                        "--district", "longgang"], input=PASSWORD, text=True, env=env, cwd=ROOT, check=True,
                       capture_output=True)
        with streamlit_server(ROOT / "app.py", env_extra={"SZ_PLAN_DATA_DIR": data_dir},
                              log_path=ROOT / "build" / "browser-tests-progress-server.log", timeout_s=90) as (url, _):
            yield url


def _sign_in(page) -> None:
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_label("用户名").fill(EDITOR)
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    page.get_by_text(f"已登录:{EDITOR}").wait_for()




def test_editor_records_progress_sees_it_and_is_refused_elsewhere(browser, progress_app):
    p = OfflinePage(browser)
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    p.page.on("dialog", on_dialog)
    page = p.page
    try:
        page.goto(progress_app + "/?item=pingshan-hub&colour=tracked")  # a Longgang and Pingshan item
        map_frame(page)
        page.get_by_text("暂无进展记录。").wait_for()
        _sign_in(page)

        form = page.locator("[data-testid=stForm]").filter(has_text="记录进展")
        form.wait_for()
        _pick(page, form, "实施状态", "在建 Under construction")
        form.get_by_label("依据(必填:文件编号或链接)").fill(EVIDENCE)
        form.get_by_label("备注").fill("**not bold** <b>not bold</b>")
        form.get_by_role("button", name="保存记录").click()
        page.get_by_text("已保存记录 #1。").wait_for()

        # The timeline shows the record, its evidence and note as text (no markup run or rendered).
        page.get_by_text("#1 · 在建 Under construction").wait_for()
        page.get_by_text(f"依据: {EVIDENCE}").wait_for()
        page.get_by_text("备注: **not bold** <b>not bold</b>").wait_for()
        assert page.get_by_text(f"记录人: {EDITOR}").count() == 1
        page.get_by_text("实施状态: 在建 Under construction").wait_for()

        # On the map: the item's open card says so, and the legend counts it under its status.
        frame = map_frame(page)
        frame.locator(".leaflet-popup-content").filter(has_text="在建 Under construction").wait_for()
        frame.locator(".map-legend [data-group=under_construction]").filter(has_text="1").wait_for()

        # Another district's item: no form is offered.
        _pick(page, page, "搜索并定位项目", "福田保税区 Futian Free Trade Zone", typed="福田保税区")
        page.get_by_text("该项目不在您所在区,不能编辑。").wait_for()
        # the previous item's form is gone once the run has finished (Streamlit keeps it until then)
        expect(page.get_by_role("button", name="保存记录")).to_have_count(0, timeout=60_000)

        page.locator("[data-testid=stSidebar]").get_by_role("button", name="退出登录").click()
        page.get_by_text("已退出登录。").wait_for()
        assert page.get_by_text(f"已登录:{EDITOR}").count() == 0
    finally:
        p.close()
    assert not dialogs and not p.external

    # The public (a new visitor, not signed in) sees the recorded status and the timeline, and no form.
    q = OfflinePage(browser)
    try:
        q.page.goto(progress_app + "/?item=pingshan-hub")
        map_frame(q.page)
        q.page.get_by_text("实施状态: 在建 Under construction").wait_for()
        q.page.get_by_text(f"依据: {EVIDENCE}").wait_for()
        assert q.page.get_by_role("button", name="保存记录").count() == 0
        assert q.page.evaluate("window.__xss") is None
    finally:
        q.close()
    assert not q.external
