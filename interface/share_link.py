"""The shareable link's copy button: one click puts the link on the clipboard, offline, with no download.

Streamlit's code block has a copy button, but its highlighter is a large download on first paint; a tiny
component (an iframe of its own, allowed to write the clipboard) does the one thing needed. It copies the page's
own address (which the browser keeps in step with the map); its labels are passed as JSON with every "<" escaped,
and shown only through ``textContent``.
"""
from __future__ import annotations

import json

import streamlit as st

from ui_text import t

_PAGE = """<!doctype html><meta charset="utf-8">
<style>
  body { margin: 0; font: 14px/1.4 "Source Sans Pro", sans-serif; color: #31333f; }
  button { font: inherit; padding: 2px 10px; border: 1px solid rgba(49,51,63,0.3); border-radius: 6px;
           background: #fff; cursor: pointer; }
  button:hover { border-color: #ff4b4b; color: #ff4b4b; }
  #status { margin-left: 6px; font-size: 12px; color: #555; }
</style>
<button id="copy" type="button"></button><span id="status" role="status"></span>
<script>
(function () {
  var cfg = __CONFIG__;
  var button = document.getElementById("copy"), status = document.getElementById("status");
  button.textContent = cfg.label;
  function fallback() {
    // Without the asynchronous clipboard (a page served over plain http): a selected text area and execCommand.
    var area = document.createElement("textarea");
    area.value = current();
    area.setAttribute("readonly", "");
    area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function done(ok) { status.textContent = ok ? cfg.copied : cfg.failed; }
  function current() {
    // The address bar: it carries the map's position, which the browser keeps up to date without a run of the
    // app (static/view_sync.js), so the link shown beside the button may be behind it. Where another site's
    // page embeds the app, the top page is out of reach: the app's own page (this button's parent) has the link.
    try {
      var href = window.top.location.href;
      if (href && window.top.location.origin === window.parent.location.origin) { return href; }
    } catch (e) { /* another origin embeds the app */ }
    return window.parent.location.href;
  }
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(current()).then(function () { done(true); }, function () { done(fallback()); });
    } else {
      done(fallback());
    }
  });
})();
</script>"""


def copy_button_html(lang: str) -> str:
    """The component's page: the labels travel as JSON, inserted as text. The link is read from the page when the
    button is clicked, so the page stays the same from run to run (a new page would be loaded anew on every
    filter change)."""
    config = {"label": t("link.copy", lang), "copied": t("link.copied", lang), "failed": t("link.copy_failed", lang)}
    return _PAGE.replace("__CONFIG__", json.dumps(config, ensure_ascii=False).replace("<", "\\u003c"))


def copy_link_button(lang: str) -> None:
    """A "copy link" button for the shareable link (shown beside it in the sidebar)."""
    st.iframe(copy_button_html(lang), height=34)
