/* The published page: every text from the data goes into the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("sz-data").textContent);
  var T = {
    zh: { title: "深圳“十四五”规划地图", other: "English", part: "篇", chapter: "章", stage: "规划阶段", category: "类别",
      district: "区", search: "搜索", reset: "清除筛选", all: "全部", positioning: "功能定位(专栏4原文)",
      count: function (n, d) { return "共 " + n + " 项,图上 " + d + " 项"; }, notLocated: "未定位",
      hint: "翻页键、方向键切换步骤", step: "步骤", name: "名称", wording: "规划表述", quote: "原文", source: "出处",
      districts: "所在区", precision: "定位精度", locsrc: "位置来源", levelTip: "项仅知所在区", unknownStep: "链接中的导览步骤不存在:" },
    en: { title: "Map of Shenzhen's 14th Five-Year Plan", other: "中文", part: "Part", chapter: "Chapter",
      stage: "Plan stage", category: "Category", district: "District", search: "Search", reset: "Clear filters",
      all: "All", positioning: "Positioning (the plan's 专栏4, verbatim)",
      count: function (n, d) { return n + " items, " + d + " on the map"; }, notLocated: "not located",
      hint: "PageDown/PageUp or arrow keys step", step: "Step", name: "Name", wording: "Plan wording",
      quote: "Quote", source: "Source", districts: "Districts", precision: "Precision", locsrc: "Location source",
      levelTip: "items known only to district level", unknownStep: "The link names no such tour step: " }
  };
  var st = { lang: "zh", step: -1, district: null, f: { part: "", chapter: "", stage: "", cat: "", district: "", q: "" } };
  function t(k) { return T[st.lang][k]; }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }
  function pair(p) { return st.lang === "zh" ? p[0] + " " + p[1] : p[1] + " " + p[0]; }
  function cite(pid) { var c = D.citations[pid] || [pid, pid]; return st.lang === "zh" ? c[0] : c[1]; }

  var b = D.bounds;
  var map = L.map("map", {
    keyboard: false, zoomSnap: 0.25, minZoom: 8, maxZoom: 18,
    maxBounds: [[b[1] - 0.5, b[0] - 0.5], [b[3] + 0.5, b[2] + 0.5]]
  });
  var cityBounds = L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]);
  map.fitBounds(cityBounds);
  L.control.scale({ imperial: false }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(D.attribution);

  var byDistrict = {};
  var districtLayer = L.geoJSON(D.districts, {
    style: function (f) {
      var sel = f.properties.id === st.district;
      return { color: sel ? "#333" : "#666", weight: sel ? 3 : 1.2, dashArray: f.properties.approx ? "6 4" : null,
        fillColor: sel ? "#f4e3b5" : "#f7f4ea", fillOpacity: sel ? 0.55 : 0.35 };
    },
    onEachFeature: function (f, layer) {
      byDistrict[f.properties.id] = layer;
      layer.bindTooltip(function () { return el("span", null, pair([f.properties.name_zh, f.properties.name_en])); },
        { sticky: true });
      layer.on("click", function () { showDistrict(f.properties.id); });
    }
  }).addTo(map);
  D.districts.features.forEach(function (f) {
    var box = el("div", "district-label", f.properties.name_zh);
    box.appendChild(el("span", null, f.properties.name_en));
    L.marker([f.properties.label[1], f.properties.label[0]],
      { icon: L.divIcon({ html: box, className: "sz-icon", iconSize: [120, 34], iconAnchor: [60, 17] }), interactive: false })
      .addTo(map);
  });

  function style(it) {
    var c = D.groups[it.group][2], p = it.prec;
    if (p === "exact") { return { color: it.kind === "point" ? "#fff" : c, weight: it.kind === "point" ? 1.5 : 4, fillColor: c, fillOpacity: 0.95, radius: 6 }; }
    if (p === "proxy") { return { color: c, weight: 2, dashArray: "3 3", fillColor: c, fillOpacity: 0.55, radius: 6 }; }
    if (p === "schematic") { return { color: c, weight: 3, dashArray: "8 6", opacity: 0.85 }; }
    return { color: c, weight: 1.5, dashArray: "6 4", fillColor: c, fillOpacity: p === "zone" ? 0.12 : 0.2 };
  }
  function card(it) {
    var box = el("div", "card");
    box.appendChild(el("b", null, it.zh));
    box.appendChild(el("br"));
    box.appendChild(el("i", null, it.en));
    var tbl = el("table");
    var rows = [
      [t("category"), pair(D.categories[it.cat])],
      [t("wording"), "“" + it.phrase + "” → " + pair(D.stages[it.stage])],
      [t("quote"), "“" + it.quote + "”"],
      [t("source"), cite(it.para)],
      [t("districts"), it.districts.map(function (d) { return pair(D.names[d]); }).join("、") || "—"],
      [t("precision"), pair(D.precisions[it.prec])],
      [t("locsrc"), it.src, "src"]
    ];
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", r[2] || null, r[1]));
      tbl.appendChild(tr);
    });
    box.appendChild(tbl);
    return box;
  }
  var items = D.items, itemsById = {};
  items.forEach(function (it) {
    itemsById[it.id] = it;
    it.text = (it.zh + "\n" + it.en + "\n" + it.id).toLowerCase(); // what the search looks in
    if (!it.geom) { return; }
    var g = it.geom, layer;
    if (it.kind === "point") { layer = L.circleMarker([g[1], g[0]], style(it)); }
    else if (it.kind === "circle") { layer = L.circle([g[1], g[0]], L.extend({ radius: it.r }, style(it))); }
    else { layer = L.geoJSON(g, { style: function () { return style(it); } }); }
    layer.szItem = it;
    if (layer.eachLayer) { layer.eachLayer(function (part) { part.szItem = it; }); }
    it.layer = layer;
  });
  var itemGroup = L.featureGroup().addTo(map), badgeGroup = L.layerGroup().addTo(map), hlGroup = L.featureGroup().addTo(map);
  // One popup and one tooltip for every item, bound on their group (the shape under the pointer says which item):
  // a filter change then adds and removes bare shapes, without a popup and tooltip binding per shape.
  itemGroup.bindPopup(function (layer) { return card(layer.szItem); }, { maxWidth: 380 });
  itemGroup.bindTooltip(function (layer) {
    var it = layer.szItem;
    return el("span", null, it.zh + " " + it.en);
  }, { sticky: true });

  function passes(it) {
    var f = st.f, q = f.q.trim().toLowerCase();
    if (f.part && String(it.part) !== f.part) { return false; }
    if (f.chapter && String(it.chapter) !== f.chapter) { return false; }
    if (f.stage && it.stage !== f.stage) { return false; }
    if (f.cat && it.cat !== f.cat) { return false; }
    if (f.district && it.districts.indexOf(f.district) < 0) { return false; }
    if (q && it.text.indexOf(q) < 0) { return false; }
    return true;
  }
  function focusItem(it) {
    showCard(it);
    if (it.layer) {
      var bb = it.layer.getBounds ? it.layer.getBounds() : L.latLngBounds([it.layer.getLatLng(), it.layer.getLatLng()]);
      map.fitBounds(bb.pad(0.6), { maxZoom: 14 });
      L.popup({ maxWidth: 380 }).setLatLng(it.layer.getLatLng ? it.layer.getLatLng() : bb.getCenter())
        .setContent(card(it)).openOn(map);
    }
  }
  function showCard(it) {
    var box = $("item-card");
    box.replaceChildren(card(it));
    box.hidden = false;
  }
  function buildList() {
    // one entry per item, built once per language; filtering only hides and shows them
    listBuilt = true;
    var list = $("list");
    list.replaceChildren();
    items.forEach(function (it) {
      var li = el("li", null, it.zh);
      li.dataset.id = it.id;
      li.appendChild(el("span", "en", it.en));
      if (!it.layer) { li.appendChild(el("span", "nl", it.prec === "district" ? pair(D.precisions.district) : t("notLocated"))); }
      li.addEventListener("click", function () { focusItem(it); });
      li.hidden = !it.ok;
      it.li = li;
      list.appendChild(li);
    });
  }
  // The map is drawn first; the result list and its count follow in the task after the map's frame is painted.
  // Showing and hiding 321 entries of Chinese and English text costs the browser more style and layout work
  // than the map's whole update, so doing both in one frame held the map back (bench: site filter p95).
  var listBuilt = false, listPending = false;
  function scheduleList() {
    if (listPending) { return; }
    listPending = true;
    requestAnimationFrame(function () { setTimeout(updateList, 0); });
  }
  function updateList() {
    listPending = false;
    if (!listBuilt) { buildList(); }
    var shown = 0, drawn = 0;
    items.forEach(function (it) {
      if (it.ok) { shown += 1; if (it.layer) { drawn += 1; } }
      if (it.li.hidden === it.ok) { it.li.hidden = !it.ok; } // only entries that change are touched
    });
    $("count").textContent = t("count")(shown, drawn);
    $("count").dataset.shown = String(shown);
    document.body.dataset.ready = "1";
  }
  var badges = {};
  function render() {
    // only what changes is touched: layers in or out, badge counts; the list follows (scheduleList)
    var level = {};
    items.forEach(function (it) {
      var ok = it.ok = passes(it);
      if (ok && it.prec === "district") { it.districts.forEach(function (d) { level[d] = (level[d] || 0) + 1; }); }
      if (it.layer) {
        if (ok && !it.onMap) { itemGroup.addLayer(it.layer); it.onMap = true; }
        else if (!ok && it.onMap) { itemGroup.removeLayer(it.layer); it.onMap = false; }
      }
    });
    Object.keys(D.labelPoints).forEach(function (d) {
      var n = level[d] || 0, b = badges[d];
      if (!b && n) {
        var box = el("div", "district-badge");
        var p = D.labelPoints[d];
        b = badges[d] = { box: box, marker: L.marker([p[1], p[0]], { icon: L.divIcon({ html: box, className: "sz-icon", iconSize: [26, 26], iconAnchor: [13, -12] }) }) };
      }
      if (!b) { return; }
      var tip = n + " " + t("levelTip");
      if (b.box.title !== tip) { b.box.textContent = String(n); b.box.title = tip; } // unchanged badges untouched
      if (n && !badgeGroup.hasLayer(b.marker)) { badgeGroup.addLayer(b.marker); }
      else if (!n && badgeGroup.hasLayer(b.marker)) { badgeGroup.removeLayer(b.marker); }
    });
    scheduleList();
  }

  function fillSelect(id, key, options) {
    var s = $(id), cur = st.f[key];
    s.replaceChildren();
    var o = el("option", null, t("all"));
    o.value = "";
    s.appendChild(o);
    options.forEach(function (p) { var opt = el("option", null, p[1]); opt.value = p[0]; s.appendChild(opt); });
    s.value = cur;
  }
  function fillFilters() {
    fillSelect("f-part", "part", D.parts.map(function (p) { return [String(p[0]), st.lang === "zh" ? "第" + p[1] + "篇 " + p[2] : "Part " + p[0] + " · " + p[2]]; }));
    fillSelect("f-chapter", "chapter", D.chapters.map(function (c) { return [String(c[0]), st.lang === "zh" ? "第" + c[1] + "章 " + c[2] : "Chapter " + c[0] + " · " + c[2]]; }));
    fillSelect("f-stage", "stage", Object.keys(D.stages).map(function (k) { return [k, pair(D.stages[k])]; }));
    fillSelect("f-cat", "cat", Object.keys(D.categories).map(function (k) { return [k, pair(D.categories[k])]; }));
    fillSelect("f-district", "district", Object.keys(D.names).map(function (k) { return [k, pair(D.names[k])]; }));
  }
  [["f-part", "part"], ["f-chapter", "chapter"], ["f-stage", "stage"], ["f-cat", "cat"], ["f-district", "district"]]
    .forEach(function (p) { $(p[0]).addEventListener("change", function (e) { st.f[p[1]] = e.target.value; render(); }); });
  $("f-q").addEventListener("input", function (e) { st.f.q = e.target.value; render(); });
  $("f-reset").addEventListener("click", function () {
    st.f = { part: "", chapter: "", stage: "", cat: "", district: "", q: "" };
    $("f-q").value = "";
    fillFilters();
    render();
  });

  function showDistrict(id) {
    st.district = id;
    districtLayer.setStyle(districtLayer.options.style);
    var panel = $("district-panel");
    if (!id) { panel.hidden = true; return; }
    var f = D.districts.features.filter(function (x) { return x.properties.id === id; })[0].properties;
    $("dp-name").textContent = pair([f.name_zh, f.name_en]);
    $("dp-quote").textContent = "“" + f.positioning + "”";
    $("dp-cite").textContent = cite(f.para);
    panel.hidden = false;
  }

  var steps = D.tour.steps;
  function renderTour() {
    var s = steps[st.step];
    $("tour-pos").textContent = s ? t("step") + " " + (st.step + 1) + " / " + steps.length : pair([D.tour.title_zh, D.tour.title_en]);
    $("tour-title").textContent = s ? (st.lang === "zh" ? s.title_zh : s.title_en) : "";
    $("tour-subtitle").textContent = s ? (st.lang === "zh" ? s.title_en : s.title_zh) : "";
    $("tour-quote").textContent = s ? "“" + s.quote + "”" : "";
    $("tour-quote").hidden = !s;
    $("tour-cite").textContent = s ? cite(s.para) : "";
    $("tour-hint").textContent = t("hint");
  }
  function goStep(i, fromHash) {
    if (i < 0 || i >= steps.length) { return; }
    st.step = i;
    $("tour-notice").hidden = true;
    var s = steps[i];
    hlGroup.clearLayers();
    var bounds = null;
    s.items.forEach(function (id) {
      var it = itemsById[id];
      if (!it || !it.layer) { return; }
      var hl;
      if (it.kind === "point") { hl = L.circleMarker(it.layer.getLatLng(), { radius: 11, color: "#111", weight: 3, fill: false, interactive: false }); }
      else if (it.kind === "circle") { hl = L.circle(it.layer.getLatLng(), { radius: it.r, color: "#111", weight: 3, fill: false, interactive: false }); }
      else { hl = L.geoJSON(it.geom, { style: function () { return { color: "#111", weight: 6, opacity: 0.45 }; }, interactive: false }); }
      hlGroup.addLayer(hl);
      var bb = hl.getBounds ? hl.getBounds() : L.latLngBounds([hl.getLatLng(), hl.getLatLng()]);
      bounds = bounds ? bounds.extend(bb) : L.latLngBounds(bb.getSouthWest(), bb.getNorthEast());
    });
    showDistrict(s.district || null);
    if (s.district) { bounds = byDistrict[s.district].getBounds(); }
    map.fitBounds(bounds && bounds.isValid() ? bounds.pad(0.1) : cityBounds, { maxZoom: 14 });
    renderTour();
    if (!fromHash) { writeHash(); }
  }
  function writeHash() {
    var h = [];
    if (st.step >= 0) { h.push("step=" + encodeURIComponent(steps[st.step].id)); }
    if (st.lang !== "zh") { h.push("lang=" + st.lang); }
    var next = h.length ? "#" + h.join("&") : "";
    if (location.hash !== next) { location.hash = next; }
  }
  function readHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var p = kv.split("=");
      if (p[0]) { params[p[0]] = decodeURIComponent(p[1] || ""); }
    });
    var lang = params.lang === "en" ? "en" : "zh";
    if (lang !== st.lang) { setLang(lang, true); }
    if (params.step) {
      for (var i = 0; i < steps.length; i++) { if (steps[i].id === params.step) { if (i !== st.step) { goStep(i, true); } return; } }
      $("tour-notice").textContent = t("unknownStep") + params.step;
      $("tour-notice").hidden = false;
    }
  }
  function setLang(lang, fromHash) {
    st.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
    $("site-title").textContent = t("title");
    $("lang").textContent = t("other");
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (e) { e.textContent = t(e.getAttribute("data-t")); });
    $("f-q").placeholder = st.lang === "zh" ? "名称 Name" : "Name 名称";
    fillFilters();
    listBuilt = false; // entries in the new language, built after the map's frame
    render();
    renderTour();
    if (st.district) { showDistrict(st.district); }
    if (!fromHash) { writeHash(); }
  }
  $("lang").addEventListener("click", function () { setLang(st.lang === "zh" ? "en" : "zh"); });
  $("tour-next").addEventListener("click", function () { goStep(st.step + 1); });
  $("tour-prev").addEventListener("click", function () { goStep(Math.max(st.step - 1, 0)); });
  document.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    if (e.key === "PageDown" || e.key === "ArrowRight" || e.key === "ArrowDown") { goStep(st.step + 1); e.preventDefault(); }
    else if (e.key === "PageUp" || e.key === "ArrowLeft" || e.key === "ArrowUp") { goStep(Math.max(st.step - 1, 0)); e.preventDefault(); }
  });
  window.addEventListener("hashchange", readHash);

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = el("div", "map-legend");
    Object.keys(D.groups).forEach(function (g) {
      var row = el("div");
      var sw = el("span", "sw");
      sw.style.background = D.groups[g][2];
      row.appendChild(sw);
      row.appendChild(document.createTextNode(D.groups[g][0] + " " + D.groups[g][1]));
      div.appendChild(row);
    });
    D.legendGrades.forEach(function (line) { div.appendChild(el("div", null, line)); });
    return div;
  };
  legend.addTo(map);
  $("credits").textContent = D.credits;
  setLang("zh", true);
  readHash();
  renderTour();
  // For the benchmark (the same hooks as its hand-written baseline page): filter by name, rendered flag.
  window.applyFilter = function (q) { st.f.q = q; $("f-q").value = q; render(); };
  window.__rendered = true; // the map is drawn; body[data-ready] follows once the list is built
})();
