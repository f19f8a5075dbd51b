// Tour stepping by keyboard and presentation clicker (a clicker sends PageDown/PageUp).
// Runs in a zero-height component frame; listens on the app's page and clicks the tour's own
// next/previous buttons, found by the st-key-<key> class Streamlit puts on their containers.
(function () {
  var doc = window.parent.document;
  var host = window.parent;
  var NEXT = { PageDown: 1, ArrowRight: 1 };
  var PREV = { PageUp: 1, ArrowLeft: 1 };

  function typing(el) {
    if (!el) return false;
    var tag = (el.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }

  function onKey(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || typing(doc.activeElement)) return;
    var key = NEXT[ev.key] ? "tour_next" : PREV[ev.key] ? "tour_prev" : null;
    if (!key) return;
    var button = doc.querySelector(".st-key-" + key + " button");
    if (!button) return; // not on the tour: leave the key to the page
    ev.preventDefault();
    if (!button.disabled) button.click();
  }

  // One listener per page: a frame drawn again replaces the previous frame's listener.
  if (host.__szTourKeys) doc.removeEventListener("keydown", host.__szTourKeys, true);
  host.__szTourKeys = onKey;
  doc.addEventListener("keydown", onKey, true);
})();
