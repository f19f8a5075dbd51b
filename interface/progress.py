"""The progress-tracking interface: sign-in, an item's timeline and record form, the progress and audit pages.

Streamlit lives here and in ``app.py`` only; the rules (validation, permissions, conflicts, append-only history)
are ``tracking.Store``'s, so the app and the command line refuse the same things. Every text that users wrote
(evidence, notes, account names) is shown in table cells or as plain text, never as Markdown or HTML.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

import settings
from district_profiles import load_profiles
from layers.schema import DISTRICT_IDS
from tracking import Conflict, PermissionDenied, Record, Store, StoreUnavailable, User, ValidationError, spreadsheet
from tracking.frame import OUTCOME_COLOURS, ProgressFrames, outcome_counts, outcome_label, status_counts, tracked_label
from tracking.spreadsheet import ItemInfo
from tracking.store import default_url, today_shenzhen
from tracking.vocab import PLAN_START, STATUS_KEYS, TARGETS
from ui_text import t

if TYPE_CHECKING:
    import altair as alt

log = logging.getLogger(__name__)

AUTH_KEY = "auth"


# ----------------------------------------------------------------------------- the store


@st.cache_resource(show_spinner=False)
def _open_store(url: str, fingerprint: int, _catalogue: tuple[tuple[str, tuple[str, ...]], ...]) -> Store:
    """One store per database, catalogue and server process (a failure is not cached, so a database that comes
    back is used again). The catalogue is keyed by its Python hash: Streamlit's own hashing of every item cost
    more on each rerun than the rest of reading progress."""
    return Store.open(url, catalogue=dict(_catalogue))


def progress_store(catalogue: Mapping[str, tuple[str, ...]]) -> tuple[Store | None, str | None]:
    """(store, None), or (None, one-line reason) when the database cannot be reached: the map stays read-only."""
    items = tuple(sorted(catalogue.items()))
    try:
        return _open_store(default_url(), hash(items), items), None
    except StoreUnavailable as exc:
        log.warning("progress database unavailable: %s", exc)
        return None, exc.reason


# The catalogue with progress for the runs of every session of this server process (see ProgressFrames).
PROGRESS_FRAMES = ProgressFrames()


def states_as_of(store: Store | None, as_of: date) -> tuple[Mapping[str, Record], str | None]:
    """Every item's record as of the date (``States``, with its version), or ({}, reason) when the database
    cannot be read."""
    if store is None:
        return {}, None
    try:
        return store.status_as_of(as_of), None
    except StoreUnavailable as exc:
        log.warning("progress database unavailable: %s", exc)
        return {}, exc.reason


# ----------------------------------------------------------------------------- labels


def status_text(key: str, lang: str) -> str:
    zh, en = tracked_label(key)
    return f"{zh} {en}" if lang == "zh" else f"{en} {zh}"


def outcome_text(key: str, lang: str) -> str:
    zh, en = outcome_label(key)
    return f"{zh} {en}" if lang == "zh" else f"{en} {zh}"


def safe_link(text: str) -> str | None:
    """The evidence as a link target when it is a plain http(s) URL (no spaces or controls), else None."""
    value = text.strip()
    if not value or any(c.isspace() or ord(c) < 32 for c in value) or len(value) > 2000:
        return None
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None


# ----------------------------------------------------------------------------- accounts and sessions


def signed_in(store: Store | None) -> User | None:
    """The signed-in account, if its session has not expired and the account is still active."""
    auth = st.session_state.get(AUTH_KEY)
    if not auth or store is None:
        return None
    now = time.monotonic()
    if now - auth["last"] > settings.SESSION_IDLE_SECONDS:
        st.session_state.pop(AUTH_KEY, None)
        st.session_state["auth_notice"] = "expired"
        return None
    try:
        user = store.get_user(auth["name"])
    except StoreUnavailable:
        return None
    if user is None or not user.active:
        st.session_state.pop(AUTH_KEY, None)
        return None
    auth["last"] = now
    return user


def sign_out() -> None:
    st.session_state.pop(AUTH_KEY, None)
    st.session_state["auth_notice"] = "signed_out"


def account_text(user: User, lang: str) -> str:
    role = t(f"role.{user.role}", lang)
    if not user.district:
        return f"{user.name} · {role}"
    p = load_profiles().get(user.district)
    name = (p.name_zh if lang == "zh" else p.name_en) if p else user.district
    return f"{user.name} · {role} · {name}"


def sign_in_box(store: Store | None, reason: str | None, lang: str) -> User | None:
    """The sidebar's editor sign-in (not shown at all in a read-only deployment)."""
    if settings.READ_ONLY:
        return None
    st.subheader(t("auth.title", lang))
    if store is None:
        st.caption(t("progress.unavailable", lang))
        return None
    notice = st.session_state.pop("auth_notice", None)
    if notice == "expired":
        st.caption(t("auth.expired", lang))
    elif notice == "signed_out":
        st.caption(t("auth.signed_out", lang))
    user = signed_in(store)
    if user is not None:
        st.text(t("auth.as", lang) + account_text(user, lang))
        st.button(t("auth.sign_out", lang), on_click=sign_out, key="sign_out")
        return user
    with st.form("sign_in", clear_on_submit=True, border=False):
        name = st.text_input(t("auth.name", lang), key="auth_name", max_chars=64)
        password = st.text_input(t("auth.password", lang), type="password", key="auth_password", max_chars=1024)
        submitted = st.form_submit_button(t("auth.sign_in", lang))
    if submitted:
        try:
            found = store.authenticate(name.strip(), password)
        except StoreUnavailable:
            found = None
            st.error(t("progress.unavailable", lang))
        if found is None:
            st.error(t("auth.failed", lang))
            return None
        st.session_state[AUTH_KEY] = {"name": found.name, "last": time.monotonic()}
        st.rerun()
    return None


# ----------------------------------------------------------------------------- one item


def kind_text(r: Record, lang: str) -> str:
    """How a record came about: a record, a correction of #n, or a revert to #n."""
    text = t(f"kind.{r.kind}", lang)
    target = r.corrects or r.reverts_to
    return f"{text} #{target}" if target else text


def timeline(history: list[Record], lang: str) -> None:
    """The item's records, newest first. Evidence, notes and names are user text: shown with ``st.text`` (never
    Markdown or HTML); evidence that is a plain http(s) address also gets a link button that opens it."""
    if not history:
        st.caption(t("progress.no_history", lang))
        return
    for r in reversed(history):
        with st.container(border=True):
            head = f"#{r.id} · {status_text(r.status, lang)} · {t('col.as_of', lang)} {r.as_of.isoformat()}"
            st.markdown(f"**{head}**" if r.effective else f"~~{head}~~")
            st.text(f"{t('col.evidence', lang)}: {r.evidence}")
            if r.note:
                st.text(f"{t('col.note', lang)}: {r.note}")
            st.text(f"{t('col.user', lang)}: {r.user} · {r.recorded_at.strftime('%Y-%m-%d %H:%M UTC')} · "
                    f"{kind_text(r, lang)}")
            if not r.effective:
                st.caption(t("record.superseded", lang, by=r.superseded_by))
            link = safe_link(r.evidence)
            if link:
                st.link_button(t("col.open", lang), link)


def item_progress(store: Store | None, row: pd.Series, user: User | None, lang: str, as_of: date) -> None:
    """Tracked status, plan against actual, the timeline and (for an editor of the item's district) the form."""
    st.markdown(f"**{t('progress.title', lang)}** · {t('progress.as_of', lang)} {as_of.isoformat()}")
    if store is None:
        st.caption(t("progress.unavailable", lang))
        return
    item_id = str(row["id"])
    target = TARGETS[str(row["plan_stage"])]
    status = str(row.get("tracked_status", "no_record"))
    outcome = str(row.get("outcome", "no_record"))
    st.text(f"{t('col.status', lang)}: {status_text(status, lang)}"
            + (f" ({t('col.as_of', lang)} {row['tracked_as_of']})" if row.get("tracked_as_of") else ""))
    st.text(f"{t('progress.target', lang)}: {target.zh} / {target.en}")
    st.text(f"{t('col.outcome', lang)}: {outcome_text(outcome, lang)}")
    try:
        history = store.history(item_id)
    except StoreUnavailable:
        st.caption(t("progress.unavailable", lang))
        return
    st.markdown(f"**{t('progress.timeline', lang)}**")
    timeline(history, lang)
    if user is None:
        return
    if not store.may_edit(user, item_id):
        st.caption(t("record.not_yours", lang))
        return
    record_form(store, item_id, history, user, lang)


def _opened_key(item_id: str) -> str:
    return f"opened_latest_{item_id}"


def record_form(store: Store, item_id: str, history: list[Record], user: User, lang: str) -> None:
    """Record, correct or revert. The form remembers the latest record the editor saw when it opened: if someone
    else writes first, nothing is stored and the editor is shown the newer record and can resubmit."""
    latest = history[-1] if history else None
    opened = st.session_state.setdefault(_opened_key(item_id), latest.id if latest else None)
    notice = st.session_state.pop(f"record_notice_{item_id}", None)
    if notice:
        (st.success if notice[0] == "ok" else st.warning)(notice[1])
    today = today_shenzhen()
    effective = [r for r in history if r.effective]
    with st.form(f"record_{item_id}", clear_on_submit=False):
        st.markdown(f"**{t('record.title', lang)}**")
        # Labels that read the same in both languages, so a language switch keeps the choice.
        status = st.selectbox(t("col.status", lang), list(STATUS_KEYS), key=f"rec_status_{item_id}",
                              format_func=lambda k: status_text(k, "zh"))
        day = st.date_input(t("col.as_of", lang), value=today, min_value=PLAN_START, max_value=today,
                            key=f"rec_as_of_{item_id}")
        evidence = st.text_area(t("record.evidence", lang), key=f"rec_evidence_{item_id}", max_chars=2000,
                                placeholder=t("record.evidence.hint", lang))
        note = st.text_area(t("col.note", lang), key=f"rec_note_{item_id}", max_chars=4000)
        corrects = st.selectbox(t("record.corrects", lang), [None, *[r.id for r in effective]],
                                key=f"rec_corrects_{item_id}",
                                format_func=lambda i: t("record.new", lang) if i is None else f"#{i}")
        submitted = st.form_submit_button(t("record.submit", lang))
    if submitted:
        _write(item_id, lang, lambda: store.record(item_id, status, day, evidence, note, user=user,
                                                    expected_latest_id=opened, corrects=corrects))
    if len(effective) > 1:
        with st.form(f"revert_{item_id}", border=False):
            target = st.selectbox(t("record.revert_to", lang), [r.id for r in effective[:-1]],
                                  key=f"rev_target_{item_id}", format_func=lambda i: f"#{i}")
            if st.form_submit_button(t("record.revert", lang)):
                _write(item_id, lang, lambda: store.revert(item_id, target, user=user, expected_latest_id=opened))


def _write(item_id: str, lang: str, write: Callable[[], Record]) -> None:
    """Run one write and report its result on the next run (after the page shows the new history)."""
    key = f"record_notice_{item_id}"
    try:
        rec = write()
    except Conflict as exc:
        newer = exc.latest
        st.session_state[_opened_key(item_id)] = newer.id if newer else None
        st.session_state[key] = ("warn", t("record.conflict", lang, id=newer.id if newer else "—",
                                           user=newer.user if newer else "—"))
    except ValidationError as exc:
        st.session_state[key] = ("warn", t("record.invalid", lang, field=exc.field, reason=str(exc)))
    except PermissionDenied:
        st.session_state[key] = ("warn", t("record.refused", lang))
    except StoreUnavailable:
        st.session_state[key] = ("warn", t("progress.unavailable", lang))
    else:
        st.session_state[_opened_key(item_id)] = rec.id
        st.session_state[key] = ("ok", t("record.saved", lang, id=rec.id))
    st.rerun()


# ----------------------------------------------------------------------------- summaries


def outcome_chart(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """Items per outcome as a bar chart whose bar order is the vocabulary's, as drawn."""
    import altair as alt  # loaded with the first chart, not with the map view

    counts = outcome_counts(frame)
    data = pd.DataFrame({"outcome": [outcome_text(k, lang) for k in counts.index], "items": counts.to_numpy(),
                         "colour": [OUTCOME_COLOURS[k] for k in counts.index]})
    order = list(data["outcome"])
    return (alt.Chart(data).mark_bar()
            .encode(y=alt.Y("outcome:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=240)),
                    x=alt.X("items:Q", title=t("col.items", lang)),
                    color=alt.Color("colour:N", scale=None), tooltip=["outcome", "items"])
            .properties(height=alt.Step(30)))


def outcome_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    counts = outcome_counts(frame)
    return pd.DataFrame({t("col.outcome", lang): [outcome_text(k, lang) for k in counts.index],
                         t("col.items", lang): counts.to_numpy()})


def district_outcomes(frame: pd.DataFrame, district_names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Outcome counts per district (an item in several districts counts in each)."""
    rows = []
    for did in DISTRICT_IDS:
        sub = frame[frame["districts"].map(lambda ds, d=did: d in ds)]
        counts = outcome_counts(sub)
        rows.append({t("col.district", lang): district_names[did], t("col.items", lang): len(sub),
                     **{outcome_text(str(k), lang): int(v) for k, v in counts.items()}})
    return pd.DataFrame(rows)


def district_progress(sub: pd.DataFrame, lang: str, as_of: date) -> None:
    """Plan against actual for one district's items (district page)."""
    st.markdown(f"**{t('progress.plan_vs_actual', lang)}** · {t('progress.as_of', lang)} {as_of.isoformat()}")
    c1, c2 = st.columns([1, 1.4])
    c1.dataframe(outcome_table(sub, lang), hide_index=True, width="stretch")
    c2.altair_chart(outcome_chart(sub, lang), width="stretch")


def status_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    counts = status_counts(frame)
    return pd.DataFrame({t("col.status", lang): [status_text(k, lang) for k in counts.index],
                         t("col.items", lang): counts.to_numpy()})


def tracked_format(lang: str) -> Callable[[object], str]:
    """Label function for the tracked-status filter's values."""
    return lambda k: status_text(str(k), lang)


def settled_as_of() -> date:
    """The "as of" date the run shows, kept within the plan period and today (read before the sidebar is drawn:
    the map is drawn first)."""
    today = today_shenzhen()
    value = st.session_state.get("as_of")
    if not isinstance(value, date) or not PLAN_START <= value <= today:
        st.session_state["as_of"] = today
    return st.session_state["as_of"]


def as_of_input(lang: str) -> date:
    """The sidebar's "as of" date: the map, filters, charts and exports show progress on that day."""
    settled_as_of()
    today = today_shenzhen()
    st.date_input(t("progress.as_of_input", lang), min_value=PLAN_START, max_value=today, key="as_of")
    return st.session_state["as_of"]


def audit_frame(store: Store, district: str | None, user: str | None, since: date | None,
                until: date | None) -> pd.DataFrame:
    start = datetime.combine(since, datetime.min.time()) if since else None
    end = datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else None
    entries = store.audit(district=district, user=user, since=start, until=end)
    return pd.DataFrame([{
        "at": e.at.strftime("%Y-%m-%d %H:%M:%S UTC"), "actor": e.actor or "(command line)", "action": e.action,
        "item_id": e.item_id or "", "record_id": e.record_id, "subject": e.subject or "",
        "districts": ";".join(e.districts), "detail": e.detail,
    } for e in entries], columns=["at", "actor", "action", "item_id", "record_id", "subject", "districts", "detail"])




# ----------------------------------------------------------------------------- pages


def items_info(frame: pd.DataFrame) -> dict[str, ItemInfo]:
    """What the progress exports show about each item, from the app's own catalogue frame."""
    return {str(i): ItemInfo(str(i), str(zh), str(en), tuple(ds), str(stage))
            for i, zh, en, ds, stage in zip(frame["id"], frame["name_zh"], frame["name_en"], frame["districts"],
                                            frame["plan_stage"], strict=True)}


def progress_exports(store: Store, frame: pd.DataFrame, as_of: date, district: str | None, lang: str,
                     key: str) -> None:
    """Status as of the date, and every record, as CSV or XLSX (built when clicked)."""
    info = items_info(frame)
    stem = f"shenzhen-14fyp-progress-{district or 'city'}-{as_of.isoformat()}"
    cols = st.columns(4)
    for i, fmt in enumerate(("csv", "xlsx")):
        cols[i].download_button(
            t(f"progress.export.{fmt}", lang),
            partial(_status_bytes, store, info, as_of, district, fmt), f"{stem}.{fmt}",
            key=f"{key}_status_{fmt}", on_click="ignore")
        cols[2 + i].download_button(
            t(f"progress.export.records.{fmt}", lang),
            partial(_records_bytes, store, info, district, fmt), f"{stem}-records.{fmt}",
            key=f"{key}_records_{fmt}", on_click="ignore")


def _status_bytes(store: Store, info: dict[str, ItemInfo], as_of: date, district: str | None, fmt: str) -> bytes:
    return spreadsheet.to_bytes(spreadsheet.status_rows(store, as_of, district, info),
                                spreadsheet.STATUS_EXPORT_COLUMNS, fmt)


def _records_bytes(store: Store, info: dict[str, ItemInfo], district: str | None, fmt: str) -> bytes:
    return spreadsheet.to_bytes(spreadsheet.record_rows(store, district, info), spreadsheet.RECORD_EXPORT_COLUMNS,
                                fmt)


def import_panel(store: Store, user: User, lang: str) -> None:
    """A district office's spreadsheet: template, upload, check; every row is written or none."""
    st.markdown(f"#### {t('import.title', lang)}")
    st.caption(t("import.help", lang))
    c1, c2 = st.columns(2)
    c1.download_button(t("import.template.csv", lang), partial(spreadsheet.template_bytes, "csv"),
                       "progress-import-template.csv", key="template_csv", on_click="ignore")
    c2.download_button(t("import.template.xlsx", lang), partial(spreadsheet.template_bytes, "xlsx"),
                       "progress-import-template.xlsx", key="template_xlsx", on_click="ignore")
    upload = st.file_uploader(t("import.file", lang), type=["csv", "xlsx"], key="import_file")
    if upload is None:
        return
    fmt = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
    if st.button(t("import.run", lang), key="import_run"):
        try:
            written = spreadsheet.import_file(store, upload.getvalue(), fmt, user)
        except spreadsheet.ImportRejected as exc:
            st.error(t("import.rejected", lang, n=len(exc.problems)))
            st.dataframe(pd.DataFrame([{t("import.row", lang): p.row, t("import.reason", lang): p.reason}
                                       for p in exc.problems]), hide_index=True, width="stretch")
        except StoreUnavailable:
            st.error(t("progress.unavailable", lang))
        except Conflict:
            st.error(t("import.conflict", lang))
        else:
            st.success(t("import.done", lang, n=len(written)))


def progress_view(frame: pd.DataFrame, store: Store | None, user: User | None, district_names: Mapping[str, str],
                  lang: str, as_of: date) -> None:
    """The city's plan against actual, per district, exports and (signed in) the spreadsheet import."""
    st.markdown(f"### {t('view.progress', lang)}")
    st.caption(t("progress.intro", lang, date=as_of.isoformat()))
    if store is None:
        st.warning(t("progress.unavailable", lang))
    c1, c2 = st.columns([1, 1.4])
    with c1:
        st.markdown(f"**{t('progress.plan_vs_actual', lang)}**")
        st.dataframe(outcome_table(frame, lang), hide_index=True, width="stretch")
        st.markdown(f"**{t('col.status', lang)}**")
        st.dataframe(status_table(frame, lang), hide_index=True, width="stretch")
    with c2:
        st.altair_chart(outcome_chart(frame, lang), width="stretch")
    st.markdown(f"**{t('progress.by_district', lang)}**")
    st.dataframe(district_outcomes(frame, district_names, lang), hide_index=True, width="stretch")
    with st.expander(t("progress.rule", lang)):
        st.dataframe(pd.DataFrame([{t("col.stage", lang): k, t("progress.target", lang): f"{v.zh} / {v.en}",
                                    t("progress.done_from", lang): status_text(v.done_from, lang),
                                    t("progress.on_track_from", lang): status_text(v.on_track_from, lang)}
                                   for k, v in TARGETS.items()]), hide_index=True, width="stretch")
        st.caption(t("progress.rule.note", lang))
    if store is not None:
        st.markdown(f"#### {t('progress.exports', lang)}")
        progress_exports(store, frame, as_of, None, lang, "city")
        if user is not None:
            import_panel(store, user, lang)


def audit_view(store: Store | None, user: User | None, district_names: Mapping[str, str], lang: str) -> None:
    """The city administrator's page: who changed what and when, and the accounts."""
    st.markdown(f"### {t('view.audit', lang)}")
    if store is None:
        st.warning(t("progress.unavailable", lang))
        return
    if user is None or not user.is_admin:
        st.info(t("audit.admins_only", lang))
        return
    c1, c2, c3, c4 = st.columns(4)
    district = c1.selectbox(t("col.district", lang), [None, *DISTRICT_IDS], key=f"audit_district_{lang}",
                            format_func=lambda d: t("audit.all", lang) if d is None else district_names[d])
    names = [u.name for u in store.list_users()]
    who = c2.selectbox(t("col.user", lang), [None, *names], key="audit_user",
                       format_func=lambda n: t("audit.all", lang) if n is None else n)
    since = c3.date_input(t("audit.since", lang), value=None, min_value=PLAN_START, key="audit_since")
    until = c4.date_input(t("audit.until", lang), value=None, min_value=PLAN_START, key="audit_until")
    table = audit_frame(store, district, who, since, until)
    st.caption(t("audit.count", lang, n=len(table)))
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={c: st.column_config.TextColumn(c) for c in table.columns if c != "record_id"})
    stem = f"shenzhen-14fyp-audit-{district or 'all'}-{who or 'all'}-{today_shenzhen().isoformat()}"
    st.download_button(t("audit.export", lang), partial(_audit_csv, table), f"{stem}.csv", key="audit_csv",
                       on_click="ignore")
    accounts_panel(store, user, district_names, lang)


def _audit_csv(table: pd.DataFrame) -> bytes:
    rows = [{str(k): "" if v is None or v != v else str(v) for k, v in r.items()} for r in table.to_dict("records")]
    return spreadsheet.to_bytes(rows, list(table.columns), "csv")


def accounts_panel(store: Store, admin: User, district_names: Mapping[str, str], lang: str) -> None:
    st.markdown(f"#### {t('accounts.title', lang)}")
    users = store.list_users()
    st.dataframe(pd.DataFrame([{t("col.user", lang): u.name, t("accounts.role", lang): t(f"role.{u.role}", lang),
                                t("col.district", lang): district_names.get(u.district or "", ""),
                                t("accounts.active", lang): "✓" if u.active else "✗"} for u in users]),
                 hide_index=True, width="stretch")
    with st.form("add_user", clear_on_submit=True):
        st.markdown(f"**{t('accounts.add', lang)}**")
        name = st.text_input(t("auth.name", lang), max_chars=64, key="new_user_name")
        role = st.selectbox(t("accounts.role", lang), ["editor", "admin"], key=f"new_user_role_{lang}",
                            format_func=lambda r: t(f"role.{r}", lang))
        district = st.selectbox(t("col.district", lang), [None, *DISTRICT_IDS], key=f"new_user_district_{lang}",
                                format_func=lambda d: "—" if d is None else district_names[d])
        password = st.text_input(t("auth.password", lang), type="password", key="new_user_password",
                                 max_chars=1024)
        if st.form_submit_button(t("accounts.create", lang)):
            try:
                store.add_user(name.strip(), password, role, district if role == "editor" else None, by=admin)
            except (ValidationError, PermissionDenied) as exc:
                st.error(t("accounts.refused", lang, reason=str(exc)))
            else:
                st.success(t("accounts.created", lang, name=name.strip()))
    active = [u.name for u in users if u.active and u.name != admin.name]
    if active:
        c1, c2 = st.columns([2, 1])
        who = c1.selectbox(t("accounts.deactivate", lang), active, key="deactivate_user")
        if c2.button(t("accounts.deactivate.run", lang), key="deactivate_run"):
            try:
                store.deactivate_user(who, by=admin)
            except (ValidationError, PermissionDenied) as exc:
                st.error(t("accounts.refused", lang, reason=str(exc)))
            else:
                st.rerun()
