/* Project cards and tooltips, built in the browser from a feature's few properties and the labels the
   base map puts in window.SZ_CARD_LOOKUP (sent once, not once per feature). Every text goes into the
   page with textContent: names, quotes and sources from data are never read as HTML. */
(function () {
  "use strict";
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text != null) { e.textContent = String(text); }
    return e;
  }
  function look(table, key) {
    var t = (window.SZ_CARD_LOOKUP || {})[table] || {};
    return t[key] || key || "—";
  }
  window.szEl = el;  // the one DOM helper, shared with static/map_controls.js (loaded after this file)
  window.szCard = function (p) {
    var districts = (p.districts || []).map(function (d) { return look("district", d); }).join("、") || "—";
    var source = el("a", null, look("citation", p.para));
    source.href = "/?view=plan&para=" + encodeURIComponent(p.para);
    source.target = "_blank";
    source.rel = "noopener";
    source.title = "在新标签页打开规划原文 Open the plan text in a new tab";
    var cited = el("span");
    cited.appendChild(source);
    cited.appendChild(el("br"));
    cited.appendChild(el("small", null, look("citation_en", p.para)));
    var rows = [
      ["类别 Category", look("category", p.category)],
      ["规划表述 Wording", "“" + (p.stage_phrase == null ? "" : p.stage_phrase) + "” → " + look("stage", p.stage)],
      ["原文 Quote", "“" + (p.quote || p.name_zh || "") + "”"],
      ["出处 Source", cited],
      ["所在区 Districts", districts],
      ["定位精度 Precision", look("precision", p.precision)],
      ["位置来源 Location source", p.src, "src"]
    ];
    if (p.tracked != null) {  // progress tracked after the plan, as of the date the map shows
      rows.splice(2, 0, ["实施状态 Tracked status", look("tracked", p.tracked) +
        (p.tracked_as_of ? " (" + p.tracked_as_of + ")" : "")],
        ["规划与实际 Plan vs actual", look("outcome", p.outcome)]);
    }
    var card = el("div", "card");
    card.appendChild(el("b", null, p.name_zh));
    card.appendChild(el("br"));
    card.appendChild(el("i", null, p.name_en));
    var table = el("table");
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      var td = el("td", r[2] || null);
      if (r[1] instanceof Node) { td.appendChild(r[1]); } else { td.textContent = r[1] == null ? "" : String(r[1]); }
      tr.appendChild(td);
      table.appendChild(tr);
    });
    card.appendChild(table);
    return card;
  };
  window.szTip = function (p) {
    var div = el("div");
    div.appendChild(el("b", null, p.name_zh));
    div.appendChild(el("br"));
    div.appendChild(document.createTextNode(p.name_en == null ? "" : p.name_en));
    div.appendChild(el("br"));
    div.appendChild(el("small", null, look("precision", p.precision)));
    return div;
  };
})();
