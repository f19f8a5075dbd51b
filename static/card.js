/* Project cards and tooltips, built in the browser from a feature's few properties and the labels the
   base map puts in window.SZ_CARD_LOOKUP (sent once, not once per feature). */
(function () {
  function esc(v) {
    return String(v == null ? "" : v).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function look(table, key) {
    var t = (window.SZ_CARD_LOOKUP || {})[table] || {};
    return t[key] || key || "—";
  }
  window.szCard = function (p) {
    var districts = (p.districts || []).map(function (d) { return look("district", d); }).join("、") || "—";
    var link = "/?view=plan&para=" + encodeURIComponent(p.para);
    var rows = [
      ["类别 Category", esc(look("category", p.category))],
      ["规划表述 Wording", "“" + esc(p.stage_phrase) + "” → " + esc(look("stage", p.stage))],
      ["原文 Quote", "“" + esc(p.quote || p.name_zh) + "”"],
      ["出处 Source", "<a href='" + link + "' target='_blank' rel='noopener' title='在新标签页打开规划原文 Open the plan text in a new tab'>" + esc(look("citation", p.para)) + "</a>"],
      ["所在区 Districts", esc(districts)],
      ["定位精度 Precision", esc(look("precision", p.precision))],
      ["位置来源 Location source", esc(p.src), "src"]
    ];
    return "<div class='card'><b>" + esc(p.name_zh) + "</b><br><i>" + esc(p.name_en) + "</i><table>" +
      rows.map(function (r) {
        return "<tr><th>" + r[0] + "</th><td" + (r[2] ? " class='" + r[2] + "'" : "") + ">" + r[1] + "</td></tr>";
      }).join("") + "</table></div>";
  };
  window.szTip = function (p) {
    return "<b>" + esc(p.name_zh) + "</b><br>" + esc(p.name_en) + "<br><small>" + esc(look("precision", p.precision)) + "</small>";
  };
})();
