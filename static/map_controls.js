/* The map's Leaflet controls and bindings. The Python side (layers/map_controls.py) only passes data:
   each element renders one call szMap.<name>(map or layer, config). Text from data is inserted with
   textContent, never as HTML. */
(function () {
  "use strict";

  var el = window.szEl;  // text goes in with textContent (static/card.js, loaded first)

  function lookup(table) { return (window.SZ_CARD_LOOKUP || {})[table] || {}; }

  var szMap = {};

  /* Legend: category colours, drawing symbols, and counts of what is drawn per group, kept in step
     with filters and the layer switcher (the legend itself is static). */
  szMap.legend = function (map, cfg) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      var details = el("details");
      details.open = !!cfg.open;
      var summary = el("summary");
      summary.appendChild(el("b", null, cfg.title));
      details.appendChild(summary);
      details.appendChild(el("div", "note", cfg.note));
      cfg.groups.forEach(function (g) {
        var row = el("div");
        var sw = el("span", "sw");
        sw.style.background = g.colour;
        row.appendChild(sw);
        row.appendChild(document.createTextNode(g.label + " "));
        var n = el("span", "n", g.count == null ? "" : g.count);
        n.setAttribute("data-group", g.id);
        row.appendChild(n);
        details.appendChild(row);
      });
      details.appendChild(el("hr"));
      cfg.symbols.forEach(function (s) {
        var row = el("div");
        row.appendChild(el("span", s[0], s[2] == null ? null : s[2]));
        row.appendChild(document.createTextNode(s[1]));
        details.appendChild(row);
      });
      div.appendChild(details);
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
    // Open, the legend (240 px wide) would hide much of a narrow map (a phone): there it starts folded.
    if (cfg.open && map.getSize().x < 480) {
      control.getContainer().querySelector("details").open = false;
    }
    var pending = null;
    function recount() {
      pending = null;
      var counts = {};
      map.eachLayer(function (l) {
        var p = l.feature && l.feature.properties;
        var key = p && p[cfg.countBy || "group"];
        if (key != null) { counts[key] = (counts[key] || 0) + 1; }
      });
      var cells = control.getContainer().querySelectorAll("[data-group]");
      for (var i = 0; i < cells.length; i++) {
        cells[i].textContent = counts[cells[i].getAttribute("data-group")] || 0;
      }
    }
    function later() { if (!pending) { pending = setTimeout(recount, 30); } }
    map.on("layeradd layerremove szitems", later);  // szitems: statuses changed (static/items.js)
    later();
  };

  /* A district's zh/en name on hover; the names come from the labels sent with the base map. */
  szMap.districtTooltip = function (layer) {
    layer.bindTooltip(function (l) {
      var p = (l.feature && l.feature.properties) || {};
      var names = lookup("district_names")[p.id] || [p.id, ""];
      var div = el("div", "district-tip");
      div.appendChild(el("b", null, names[0]));
      div.appendChild(el("br"));
      div.appendChild(document.createTextNode(names[1]));
      return div;
    }, { sticky: true });
  };

  /* Project card (popup) and hover tooltip, drawn by static/card.js from a feature's properties. */
  szMap.bindCard = function (layer) {
    layer
      .bindPopup(function (l) { return szCard(l.feature.properties); }, { maxWidth: 380, className: "foliumpopup" })
      .bindTooltip(function (l) { return szTip(l.feature.properties); }, { sticky: true });
  };

  /* The card open on the map, if it is the card of item `id` (opened by a click on the item, or by an
     earlier run that selected it). */
  function openCardOf(map, id) {
    var open = map._popup;
    if (!open || !map.hasLayer(open)) { return null; }
    var source = open._source, props = source && source.feature && source.feature.properties;
    return (props && props.id === id) || open._szItem === id ? open : null;
  }

  /* Opens the selected item's card once the layer is on the map. A click on an item opens its card at
     once and then selects it (a run of the app): that card stays open, rather than being closed (it
     fades out) and opened again as a second copy, and shows what this run says of the item (a status
     just recorded, another date). */
  szMap.openCard = function (fg, cfg) {
    setTimeout(function () {
      var map = fg._map;
      if (!map || typeof szCard !== "function") { return; }
      function small() { return map.getSize().x < 500; }  // a phone: the map moves so the whole card shows
      var popup = openCardOf(map, cfg.props.id);
      var fresh = szCard(cfg.props);
      var shown = popup && popup.getElement() && popup.getElement().querySelector(".leaflet-popup-content");
      if (popup && shown && shown.innerHTML === fresh.outerHTML) {
        // the card says what this run says: left as it is (no new layout that could move the map)
      } else if (popup && popup._szItem === cfg.props.id) {
        popup.setContent(fresh);  // a card opened here: drawn again from this run's properties
      } else if (popup) {
        popup.update();  // the item's own card: drawn again from its properties, which this run's items updated
      } else {
        popup = L.popup({ maxWidth: 380, className: "foliumpopup", autoPan: small() })
          .setLatLng(cfg.latlng)
          .setContent(fresh)
          .openOn(map);
        popup._szItem = cfg.props.id;
      }
      // On a phone the card is kept on screen whatever moves the map or its frame later (a slow page may
      // still be laying the frame out when the card opens, wide or at no size, or move the map after it).
      function fitCard() {
        if (!map.hasLayer(popup)) { map.off("moveend resize", fitCard); popup._szFits = false; return; }
        var card = popup.getElement();
        if (!small() || !card) { return; }
        var box = map.getContainer().getBoundingClientRect(), r = card.getBoundingClientRect(), pad = 4;
        var dx = 0, dy = 0;
        if (r.left < box.left + pad || r.width > box.width - 2 * pad) { dx = r.left - box.left - pad; }
        else if (r.right > box.right - pad) { dx = r.right - box.right + pad; }
        if (r.top < box.top + pad || r.height > box.height - 2 * pad) { dy = r.top - box.top - pad; }
        else if (r.bottom > box.bottom - pad) { dy = r.bottom - box.bottom + pad; }
        if (Math.abs(dx) >= 1 || Math.abs(dy) >= 1) { map.panBy([Math.round(dx), Math.round(dy)], { animate: false }); }
      }
      if (!popup._szFits) {  // once per card, however many runs select its item again
        popup._szFits = true;
        map.on("moveend resize", fitCard);
      }
      fitCard();
    }, 0);
  };

  /* Count badges for items known only to their district (never a pin), each with a popup listing them. */
  szMap.districtBadges = function (group, cfg) {
    cfg.badges.forEach(function (b) {
      var n = b.names.length;
      var badge = el("div", "district-badge", n);
      badge.title = cfg.badgeTitle;
      var marker = L.marker(b.latlng, {
        icon: L.divIcon({ html: badge, className: "empty", iconSize: [28, 28], iconAnchor: [14, -12] })
      });
      marker.bindTooltip(el("span", null, cfg.tip.replace("{n}", n)));
      marker.bindPopup(function () {
        var div = el("div");
        div.appendChild(el("b", null, cfg.title));
        var ul = el("ul");
        b.names.forEach(function (name) { ul.appendChild(el("li", null, name)); });
        div.appendChild(ul);
        return div;
      }, { maxWidth: 360 });
      group.addLayer(marker);
    });
  };

  /* Lines and small points are hard to hit with a mouse and harder with a finger: a click or tap that
     lands within cfg.px pixels of a project line or point (on a district, an area circle or the bare
     map) opens that item, as a click right on it would. Lines and points are also kept above the
     area circles, so that a point inside an area is the one drawn and clicked. */
  szMap.clickNear = function (map, cfg) {
    var tolerance = cfg.px || 12;
    function isItem(l) { return !!(l.feature && l.feature.properties && l.feature.properties.group); }
    function isThin(l) { return isItem(l) && !(l instanceof L.Circle) && l._path; }
    function distance(l, p) {
      if (l instanceof L.CircleMarker) {
        return Math.max(0, p.distanceTo(l._point) - l._radius);
      }
      var best = Infinity;
      (l._parts || []).forEach(function (part) {
        for (var i = 1; i < part.length; i++) {
          best = Math.min(best, L.LineUtil.pointToSegmentDistance(p, part[i - 1], part[i]));
        }
      });
      return best;
    }
    function isPoint(l) { return l instanceof L.CircleMarker; }
    var raising = null;
    function raise() {  // areas at the bottom, then lines, points on top
      raising = null;
      map.eachLayer(function (l) { if (isThin(l) && !isPoint(l)) { l.bringToFront(); } });
      map.eachLayer(function (l) { if (isThin(l) && isPoint(l)) { l.bringToFront(); } });
    }
    map.on("layeradd", function (e) {
      if (isItem(e.layer) && !raising) { raising = setTimeout(raise, 30); }
    });
    map.getContainer().addEventListener("click", function (ev) {
      // The click that ends a drag of the map is no click on an item (Leaflet ignores it too).
      if ((map.dragging && map.dragging.moved()) || (map.boxZoom && map.boxZoom.moved())) { return; }
      var target = null;
      map.eachLayer(function (l) { if (isThin(l) && l._path === ev.target) { target = l; } });
      if ((target && isPoint(target)) || ev.target.closest(".leaflet-control, .leaflet-popup")) {
        return;  // a point was hit squarely, or a control or a card
      }
      var containerPoint = map.mouseEventToContainerPoint(ev);
      var layerPoint = map.containerPointToLayerPoint(containerPoint);
      var nearest = null;
      var best = Infinity;
      map.eachLayer(function (l) {
        if (!isThin(l)) { return; }
        var d = distance(l, layerPoint);
        // a point within reach wins over a line (a line passing over a point must not hide it)
        var rank = d <= tolerance ? (isPoint(l) ? d : tolerance + 1 + d) : Infinity;
        if (rank < best) { best = rank; nearest = l; }
      });
      if (!nearest || nearest === target) { return; }
      ev.stopPropagation();
      ev.preventDefault();
      nearest.fire("click", {
        latlng: map.layerPointToLatLng(layerPoint), layerPoint: layerPoint,
        containerPoint: containerPoint, originalEvent: ev
      }, true);
    }, true);
  };

  /* District names that would overlap a larger district's name are hidden at that zoom (the hover
     tooltip still names the district); zooming in brings them back. Larger districts rank first. */
  szMap.declutterLabels = function (fg) {
    function run() {
      var map = fg._map;
      if (!map) { return; }
      var labels = Array.prototype.slice.call(map.getContainer().querySelectorAll(".district-label"));
      labels.sort(function (a, b) { return (+a.getAttribute("data-rank")) - (+b.getAttribute("data-rank")); });
      var kept = [];
      labels.forEach(function (label) {
        label.style.visibility = "visible";
        var r = label.getBoundingClientRect();
        var clash = kept.some(function (k) {
          return r.left < k.right && k.left < r.right && r.top < k.bottom && k.top < r.bottom;
        });
        if (clash) { label.style.visibility = "hidden"; } else { kept.push(r); }
      });
    }
    var pending = null;
    function later() { if (!pending) { pending = setTimeout(function () { pending = null; run(); }, 50); } }
    setTimeout(function () {
      if (!fg._map) { return; }
      fg._map.on("zoomend viewreset resize moveend", later);
      // the names shown again (the layers menu): not every item a filter change adds, each of which would
      // make the page lay out all the drawn shapes once more to measure the names
      fg._map.on("layeradd", function (e) { if (e.layer === fg || fg.hasLayer(e.layer)) { later(); } });
      if (document.fonts && document.fonts.ready) { document.fonts.ready.then(later); }  // names measured in their font
      later();
    }, 0);
  };

  /* A locator in the corner: the whole city with Shenzhen-Shanwei (60 km east) drawn from the district
     shapes (no tiles, so it works offline), with a rectangle showing where the main map looks. */
  var FixedLocator = null;
  /* The plugin moves the main map to the inset's centre whenever the inset itself moves (it is meant
     for an inset that follows the main map). This inset is fixed on the whole city, and it moves on its
     own when it is resized, folded or unfolded: that threw the main map 60 km east, away from an opened
     card, on a slow phone. Here the inset only ever follows the main map. */
  function fixedLocatorClass() {
    if (!FixedLocator) {
      FixedLocator = L.Control.MiniMap.extend({
        _onMiniMapMoved: function () { this._mainMapMoving = false; }
      });
    }
    return FixedLocator;
  }

  szMap.locator = function (layer, cfg) {
    setTimeout(function () {
      var map = layer._map;
      if (!map || !L.Control.MiniMap) { return; }
      var Locator = fixedLocatorClass();
      var shapes = L.geoJson(layer.toGeoJSON(), {
        interactive: false,
        style: function () { return { color: "#777", weight: 0.8, fillColor: "#f4e3b5", fillOpacity: 0.9 }; }
      });
      map.szLocator = new Locator(shapes, {
        position: cfg.position, width: cfg.width, height: cfg.height, zoomLevelFixed: cfg.zoom,
        centerFixed: cfg.center, toggleDisplay: true, minimized: map.getSize().x < 500,
        strings: { hideText: cfg.hide, showText: cfg.show },
        aimingRectOptions: { color: "#c0392b", weight: 2, interactive: false },
        shadowRectOptions: { color: "#000", weight: 1, opacity: 0, fillOpacity: 0, interactive: false }
      }).addTo(map);
    }, 0);
  };

  /* The layers menu: the project layers under their category group (Leaflet.groupedlayercontrol, served
     by the app), with a box per group that shows or hides all of its categories in one click.
     The plugin writes names with innerHTML, so every name reaches it escaped and shows as text. Its group
     boxes start unticked and never follow the category boxes: here a group's box is ticked when all its
     categories are drawn, half-ticked when some are, and clear when none are. */
  var GroupedLayers = null;
  function groupedLayersClass() {
    if (!GroupedLayers) {
      var base = L.Control.GroupedLayers.prototype;
      GroupedLayers = L.Control.GroupedLayers.extend({
        onRemove: function (map) {  // replaced on every filter change: leave no handler behind
          base.onRemove.call(this, map);
          map.off("click", this._collapse, this);
        },
        _update: function () {  // the plugin rebuilds the whole list on every change of its layers
          base._update.call(this);
          if (!this._form) { return; }
          var ids = this.options.groupIds || {};
          var boxes = this._form.querySelectorAll(".leaflet-control-layers-group-selector");
          for (var i = 0; i < boxes.length; i++) {
            boxes[i].setAttribute("data-group", ids[this._groupList[boxes[i].groupID]] || "");
          }
          this._syncGroups();
        },
        _onInputClick: function () { base._onInputClick.call(this); this._syncGroups(); },
        _onGroupInputClick: function () { base._onGroupInputClick.call(this); this.legend._syncGroups(); },
        _syncGroups: function () {
          if (!this._form || !this._map) { return; }
          var inputs = this._form.getElementsByTagName("input");
          var shown = {}, total = {};
          for (var i = 0; i < inputs.length; i++) {
            var input = inputs[i];
            if (input.className !== "leaflet-control-layers-selector") { continue; }
            var obj = this._getLayer(input.layerId);
            total[input.groupID] = (total[input.groupID] || 0) + 1;
            if (obj && this._map.hasLayer(obj.layer)) { shown[input.groupID] = (shown[input.groupID] || 0) + 1; }
          }
          var boxes = this._form.querySelectorAll(".leaflet-control-layers-group-selector");
          for (var j = 0; j < boxes.length; j++) {
            var on = shown[boxes[j].groupID] || 0, all = total[boxes[j].groupID] || 0;
            boxes[j].checked = all > 0 && on === all;
            boxes[j].indeterminate = on > 0 && on < all;
          }
        }
      });
    }
    return GroupedLayers;
  }

  function asHtml(text) {  // text escaped for a plugin that inserts it with innerHTML
    return el("span", null, text).innerHTML;
  }

  szMap.groupedLayers = function (map, cfg, layers) {
    var grouped = {}, ids = {};
    cfg.groups.forEach(function (g) {
      var entries = {};
      g.layers.forEach(function (e) { entries[asHtml(e.label)] = layers[e.i]; });
      grouped[asHtml(g.label)] = entries;
      ids[asHtml(g.label)] = g.id;
    });
    var Control = groupedLayersClass();
    var control = new Control(null, grouped, {
      collapsed: cfg.collapsed, groupCheckboxes: true, position: "topright", groupIds: ids
    }).addTo(map);
    control._container.classList.add("sz-layers");
    if (control._layersLink) {
      control._layersLink.title = cfg.title;
      control._layersLink.setAttribute("aria-label", cfg.title);
      control._layersLink.setAttribute("role", "button");
      L.DomEvent.on(control._layersLink, "focus", control._expand, control);  // open from the keyboard too
    }
    return control;
  };

  /* Presentation (big screen): larger text (static/map.css), the map as tall as the screen allows, and
     the wheel zooms only once the presenter has clicked into the map (no accidental zoom while scrolling). */
  szMap.bigScreen = function (map) {
    map.getContainer().classList.add("sz-big-screen");
    map.scrollWheelZoom.disable();
    map.on("click focus", function () { map.scrollWheelZoom.enable(); });
    map.on("mouseout blur", function () { map.scrollWheelZoom.disable(); });
    fitScreen(map);
  };

  /* The map's frame and container grow or shrink so the map ends at the bottom of the screen. */
  function fitScreen(map) {
    var frame = null, host = null;
    try { frame = window.frameElement; host = window.parent; } catch (e) { return; }
    if (!frame || !host || host === window) return;
    var MARGIN = 24, MIN = 360;
    function fit() {
      var top = frame.getBoundingClientRect().top;
      var h = Math.max(MIN, Math.floor(host.innerHeight - top - MARGIN));
      if (Math.abs(frame.getBoundingClientRect().height - h) < 2) return;
      frame.style.height = h + "px";
      map.getContainer().style.height = h + "px";
      map.invalidateSize();
    }
    fit();
    host.addEventListener("resize", fit);
    // Content drawn above the map after it (a notice, a caption) moves it down: fit again.
    var main = host.document.querySelector("[data-testid='stMainBlockContainer']");
    if (main && host.ResizeObserver) new host.ResizeObserver(fit).observe(main);
  }

  /* Basemap tiles that fail to load (no internet, a blocked tile server) would leave a silent grey
     background: on the first failed tile the map says so, once, in a small notice (text as textContent). */
  szMap.tileNotice = function (map, cfg) {
    var shown = false;
    function notice() {
      if (shown) { return; }
      shown = true;
      var control = L.control({ position: "topleft" });
      control.onAdd = function () {
        var div = el("div", "map-tile-notice");
        div.setAttribute("role", "status");
        div.style.cssText = "background:rgba(255,255,255,0.92);border:1px solid #c8a000;border-radius:4px;" +
          "padding:4px 8px;font:12px/1.4 sans-serif;max-width:280px;color:#333;";
        div.appendChild(el("span", null, cfg.text));
        var close = el("button", "map-tile-notice-close", "×");
        close.type = "button";
        close.setAttribute("aria-label", cfg.close);
        close.style.cssText = "border:0;background:none;cursor:pointer;font-size:14px;margin-left:4px;";
        close.onclick = function () { control.remove(); };
        div.appendChild(close);
        L.DomEvent.disableClickPropagation(div);
        return div;
      };
      control.addTo(map);
    }
    function watch(layer) {
      if (layer instanceof L.TileLayer && !layer._szTileNotice) {
        layer._szTileNotice = true;
        layer.on("tileerror", notice);
      }
    }
    map.eachLayer(watch);
    map.on("layeradd", function (e) { watch(e.layer); });
  };

  szMap.metricScale = function (map) {
    L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
  };

  /* Smaller point symbols at city scale, full size when zoomed in. */
  szMap.pointScale = function (map) {
    function size(z) { return z <= 9 ? 3.5 : z <= 10 ? 4.5 : z <= 12 ? 6 : 7; }
    function fit(layer) {
      if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle) && !layer.options.keepSize) {
        layer.setRadius(size(map.getZoom()));
      }
    }
    map.on("layeradd", function (e) { fit(e.layer); });
    map.on("zoomend", function () { map.eachLayer(fit); });
  };

  window.szMap = szMap;
})();
