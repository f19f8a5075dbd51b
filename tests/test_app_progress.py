"""Progress tracking through the app (Streamlit's AppTest) on a real SQLite database made for each test:
signing in, recording, two editors at once, refusals, a read-only deployment and a database that is down."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

import settings
from tests.conftest import start_app
from tracking import Store

TIMEOUT = 90
ITEM = "pingshan-hub"  # in Longgang and Pingshan
FUTIAN_ITEM = "futian-bonded-zone"  # Futian only
PASSWORD = "longgang-office-2025"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def db(tmp_path, monkeypatch) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'progress.sqlite3'}"
    monkeypatch.setenv(settings.DATABASE_URL_ENV, url)
    store = Store.open(url, hasher=FAST)
    store.add_user("lg-editor", PASSWORD, "editor", "longgang")
    store.add_user("lg-second", PASSWORD, "editor", "longgang")
    yield store
    store.close()


def run_app(**params: str) -> AppTest:
    return start_app(TIMEOUT, **params)


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> None:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label == "登录").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def texts(at: AppTest) -> str:
    parts = [x.value for x in (*at.markdown, *at.caption, *at.text, *at.warning, *at.success, *at.error, *at.info)]
    return "\n".join(str(p) for p in parts)


def record(at: AppTest, status: str, evidence: str) -> None:
    at.selectbox(key=f"rec_status_{ITEM}").select(status)
    at.text_area(key=f"rec_evidence_{ITEM}").input(evidence)
    next(b for b in at.button if b.label == "保存记录").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(db):
    at = run_app(item=ITEM)
    sign_in(at, "lg-editor", "not the password at all")
    assert "用户名或密码不正确,或账号已停用。" in texts(at)
    assert not [b for b in at.button if b.label == "保存记录"]


def test_editor_records_and_the_store_and_the_card_show_it(db):
    at = run_app(item=ITEM)
    sign_in(at, "lg-editor")
    record(at, "under_construction", "龙岗区公告 [x](https://evil.example)")
    assert "已保存记录 #1。" in texts(at)
    history = db.history(ITEM)
    assert [(r.status, r.user, r.evidence) for r in history] == [
        ("under_construction", "lg-editor", "龙岗区公告 [x](https://evil.example)")]
    # evidence is shown as plain text (st.text), never as Markdown
    assert "依据: 龙岗区公告 [x](https://evil.example)" in [t.value for t in at.text]
    assert not any("evil.example" in m.value for m in at.markdown)


def test_missing_evidence_is_refused_and_nothing_is_stored(db):
    at = run_app(item=ITEM)
    sign_in(at, "lg-editor")
    record(at, "in_service", "   ")
    assert "未保存:字段 evidence" in texts(at)
    assert db.history(ITEM) == []


def test_second_editor_is_told_the_item_changed_sees_the_newer_record_and_can_resubmit(db):
    first, second = run_app(item=ITEM), run_app(item=ITEM)
    sign_in(first, "lg-editor")
    sign_in(second, "lg-second")  # both opened the item with no record
    record(first, "preparation", "立项批复 A")
    record(second, "under_construction", "施工许可 B")
    assert "保存失败:打开后该项目已有新记录(#1,lg-editor)" in texts(second)
    assert "#1 · 前期工作 Preparation" in texts(second)  # the newer record is on the page
    assert [r.evidence for r in db.history(ITEM)] == ["立项批复 A"]  # nothing lost, nothing overwritten
    record(second, "under_construction", "施工许可 B")  # resubmitted after seeing it
    assert [r.evidence for r in db.history(ITEM)] == ["立项批复 A", "施工许可 B"]


def test_another_districts_item_offers_no_form(db):
    at = run_app(item=FUTIAN_ITEM)
    sign_in(at, "lg-editor")
    assert "该项目不在您所在区,不能编辑。" in texts(at)
    assert not [b for b in at.button if b.label == "保存记录"]


def test_tracked_status_filter_and_as_of_date_follow_the_records(db):
    db.record(ITEM, "under_construction", date(2023, 5, 1), "开工报告", user="lg-editor", expected_latest_id=None)
    at = run_app(tracked="under_construction")
    assert "共 1 项" in texts(at)
    earlier = run_app(tracked="under_construction", as_of="2022-12-31")
    assert "共 0 项" in texts(earlier)
    assert earlier.query_params["as_of"] in ("2022-12-31", ["2022-12-31"])


def test_a_read_only_deployment_offers_no_sign_in(db, monkeypatch):
    monkeypatch.setattr(settings, "READ_ONLY", True)
    at = run_app(item=ITEM)
    assert not [b for b in at.button if b.label == "登录"]
    assert "暂无进展记录。" in texts(at)


def test_a_database_that_cannot_be_reached_leaves_the_map_working(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.DATABASE_URL_ENV, "postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    at = run_app(item=ITEM)
    shown = texts(at)
    assert "进展数据库暂时无法访问" in shown
    assert "secret" not in shown
    assert any("筛选结果" in m.value for m in at.markdown)


def test_a_session_left_idle_is_signed_out(db, monkeypatch):
    at = run_app(item=ITEM)
    sign_in(at, "lg-editor")
    assert [b for b in at.button if b.label == "保存记录"]
    monkeypatch.setattr(settings, "SESSION_IDLE_SECONDS", -1)  # any pause is now longer than allowed
    at.run()
    assert "登录已超时,请重新登录。" in texts(at)
    assert not [b for b in at.button if b.label == "保存记录"]


def test_a_deactivated_account_loses_its_session(db):
    at = run_app(item=ITEM)
    sign_in(at, "lg-editor")
    db.deactivate_user("lg-editor")
    at.run()
    assert not [b for b in at.button if b.label == "保存记录"]
    assert [b for b in at.button if b.label == "登录"]



def test_the_map_view_offers_a_geopackage_of_what_is_filtered(db):
    at = run_app(cat="railway")
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "导出GeoPackage(QGIS)" in labels, labels


def test_status_as_of_follows_every_new_record_on_the_same_store(db):
    day = date(2025, 6, 30)
    assert db.status_as_of(day) == {}
    first = db.record(ITEM, "preparation", date(2024, 1, 1), "立项", user="lg-editor", expected_latest_id=None)
    assert db.status_as_of(day)[ITEM].status == "preparation"
    fixed = db.record(ITEM, "under_construction", date(2024, 1, 1), "更正", user="lg-editor",
                      expected_latest_id=first.id, corrects=first.id)
    assert db.status_as_of(day)[ITEM].id == fixed.id
    assert db.status_as_of(date(2023, 12, 31)) == {}  # another day, its own answer
