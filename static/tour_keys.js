// Tour stepping by keyboard and presentation clicker (a clicker sends PageDown/PageUp).
// Runs in a zero-height component frame; listens on the app's page and clicks the tour's own
// next/previous buttons, found by the st-key-<key> class Streamlit puts on their containers.
//
// The rule, whatever has focus:
// - While the tour is shown (its buttons are on the page), PageDown/ArrowRight step forward and
//   PageUp/ArrowLeft step back, even when focus is on a sidebar radio, toggle or button, or in the map
//   (a clicker cannot move focus, and a presenter who clicked the language radio or the map must still be
//   able to step). The key is taken before the widget sees it, so a focused radio does not also change.
// - Except where text is typed: text fields, search boxes, date and number inputs, drop-down choices
//   (selectbox, multiselect), text areas and editable text keep every key.
// - Outside the tour view nothing is taken: the radio's arrow keys and the map's keyboard panning work
//   as always. ArrowUp/ArrowDown are never taken, so a radio can still be changed by keyboard in the tour.
// - A key pressed while the tour's buttons are still loading (a page just opened) steps once they are shown.
(function () {
  var host = window.parent;
  var doc = host.document;
  var NEXT = { PageDown: 1, ArrowRight: 1 };
  var PREV = { PageUp: 1, ArrowLeft: 1 };
  // input types that do not take typed text: the tour's keys may pass over them
  var NOT_TEXT = { radio: 1, checkbox: 1, button: 1, submit: 1, reset: 1, range: 1, color: 1, file: 1, image: 1 };

  function typing(el) {
    if (!el || el.nodeType !== 1) return false;
    var tag = (el.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "select" || el.isContentEditable) return true;
    var role = (el.getAttribute("role") || "").toLowerCase();
    if (role === "combobox" || role === "textbox" || role === "searchbox" || role === "spinbutton") return true;
    return tag === "input" && !NOT_TEXT[(el.getAttribute("type") || "text").toLowerCase()];
  }

  function onKey(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var key = NEXT[ev.key] ? "tour_next" : PREV[ev.key] ? "tour_prev" : null;
    if (!key) return;
    var target = ev.target && ev.target.nodeType === 1 ? ev.target : null;
    var active = target && target.ownerDocument ? target.ownerDocument.activeElement : null;
    if (typing(target) || typing(active)) return;
    var box = doc.querySelector(".st-key-" + key);
    if (!box) return; // not on the tour: leave the key to the page
    ev.preventDefault();
    ev.stopPropagation(); // neither a focused radio nor the map's keyboard panning gets it
    if (ev.repeat) return;
    var button = box.querySelector("button");
    if (button) {
      if (!button.disabled) button.click();
      return;
    }
    // The button's place is on the page but its code is still loading (a page just opened): the step is
    // taken as soon as the button is there, rather than lost.
    pressWhenShown(key);
  }

  var pending = null;
  function pressWhenShown(key) {
    if (pending) pending.disconnect();
    var MO = host.MutationObserver;
    var until = Date.now() + 10000;
    function tryPress() {
      var b = doc.querySelector(".st-key-" + key + " button");
      if (!b && Date.now() < until) return false;
      if (pending) pending.disconnect();
      pending = null;
      if (b && !b.disabled) b.click();
      return true;
    }
    pending = new MO(tryPress);
    pending.observe(doc.body, { childList: true, subtree: true });
  }

  // Every document that can hold focus forwards to the current handler (a frame drawn again replaces
  // host.__szTourKeys; documents already hooked keep their one forwarding listener).
  function forward(ev) {
    var f = host.__szTourKeys;
    if (typeof f === "function") f(ev);
  }

  function hookDoc(d) {
    if (!d || d.__szTourKeysHooked) return;
    d.__szTourKeysHooked = true;
    d.addEventListener("keydown", forward, true);
    Array.prototype.forEach.call(d.querySelectorAll("iframe"), hookFrame);
    var MO = d.defaultView && d.defaultView.MutationObserver;
    if (!MO || !d.documentElement) return;
    new MO(function (records) {
      records.forEach(function (r) {
        Array.prototype.forEach.call(r.addedNodes, function (n) {
          if (n.nodeType !== 1) return;
          if (n.tagName === "IFRAME") hookFrame(n);
          else if (n.querySelectorAll) Array.prototype.forEach.call(n.querySelectorAll("iframe"), hookFrame);
        });
      });
    }).observe(d.documentElement, { childList: true, subtree: true });
  }

  function hookFrame(frame) {
    function tryHook() {
      try {
        hookDoc(frame.contentDocument); // same-origin frames only (the map, components)
      } catch (e) { /* a frame from elsewhere keeps its keys */ }
    }
    if (!frame.__szTourKeysLoad) {
      frame.__szTourKeysLoad = true;
      frame.addEventListener("load", tryHook);
    }
    tryHook();
  }

  host.__szTourKeys = onKey;
  hookDoc(doc);
})();
