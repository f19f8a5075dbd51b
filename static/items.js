/* The project items: every located item arrives once, with the base map (szItems.init); each filter change
   then says which to show and what changed with the date shown (szItems.show). An item's layer is created
   the first time it is shown, then only added to or removed from its category's layer, so a filter change
   costs what it changes, not a rebuild of every shape. How each precision grade is drawn comes from the
   server (layers/item_layers.py) as style templates with the colour and radius left open. */
(function () {
  "use strict";

  function fill(template, colour, radius) {
    var out = {};
    for (var k in template) {
      var v = template[k];
      out[k] = v === "@colour" ? colour : v === "@radius" ? radius : v;
    }
    return out;
  }

  function styleOf(state, feature) {
    var p = feature.properties;
    var key = p.precision + (p.point ? ":pt" : "");
    return fill(state.styles[key] || {}, p.colour || state.colours[p.group], p.radius_m);
  }

  function make(state, feature) {
    var style = styleOf(state, feature);
    var fuzzy = state.fuzzy.indexOf(feature.properties.precision) >= 0;
    var layer = L.GeoJSON.geometryToLayer(feature, {
      pointToLayer: function (f, latlng) {
        // An estimate is its circle of uncertainty in metres on the ground; a site is a dot of fixed size.
        return fuzzy ? L.circle(latlng, style) : L.circleMarker(latlng, L.extend({}, style, { radius: 7 }));
      }
    });
    if (!(layer instanceof L.CircleMarker) && layer.setStyle) { layer.setStyle(style); }
    layer.feature = feature;
    return layer;
  }

  function restyle(state, layer) {
    var style = styleOf(state, layer.feature);
    // a dot keeps the size the map gave it for the zoom (szMap.pointScale); a circle keeps its metres
    if (!(layer instanceof L.Circle)) { delete style.radius; }
    layer.setStyle(style);
  }

  var szItems = {};

  szItems.init = function (map, data) {
    var state = {
      map: map, styles: data.styles, colours: data.colours, fuzzy: data.fuzzy, features: data.features,
      layers: new Array(data.features.length), on: new Uint8Array(data.features.length), groups: {}
    };
    data.categories.forEach(function (c) {
      var group = L.featureGroup().addTo(map);
      // One card and one tooltip per category, built from the clicked item's properties (static/card.js).
      szMap.bindCard(group);
      group.on("mouseover", function (e) {
        var l = e.propagatedFrom || e.layer;
        if (l && l.setStyle) { l.setStyle({ weight: 4 }); }
      });
      group.on("mouseout", function (e) {
        var l = e.propagatedFrom || e.layer;
        if (l && l.setStyle && l.feature) { l.setStyle({ weight: styleOf(state, l.feature).weight }); }
      });
      state.groups[c] = group;
    });
    map._szItems = state;
    window.szItemGroups = state.groups;  // named by the layers menu
  };

  // st_folium moves the map to the view a run sends after that run's scripts (this one among them) have run: the
  // shapes added here would be placed, then all placed again for the new view (at 10x items, 50 ms). The run's view
  // (``p.v``: lat, lon, zoom) is therefore applied first, exactly as st_folium then applies it (only what differs
  // from the view it last applied), and st_folium's own move finds the map already there.
  function moveFirst(map, v) {
    var g = window.__GLOBAL_DATA__;  // st_folium's record of the view it last applied
    if (!v || !g) { return; }
    var center = [v[0], v[1]], moved = false, z = map.getZoom(), c = map.getCenter();
    if (v[2] && v[2] !== g.last_zoom) { z = v[2]; moved = true; }
    if (JSON.stringify(center) !== JSON.stringify(g.last_center)) { c = center; moved = true; }
    if (moved) { map.setView(c, z); }
  }

  szItems.show = function (map, p) {
    var state = map._szItems;
    if (!state) { return; }
    var want = new Uint8Array(state.features.length);
    for (var j = 0; j < p.i.length; j++) { want[p.i[j]] = 1; }
    // Items leaving go first, and the view moves before items come: neither is placed for a view it leaves.
    for (var m = 0; m < state.on.length; m++) {
      if (state.on[m] && !want[m]) {
        state.groups[state.features[m].properties.category].removeLayer(state.layers[m]);
        state.on[m] = 0;
      }
    }
    moveFirst(map, p.v);
    var tracked = !!p.s, coloured = !!p.c;
    for (var k = 0; k < p.i.length; k++) {
      var n = p.i[k];
      var feature = state.features[n], props = feature.properties;
      if (tracked) {
        props.tracked = p.S[p.s[k]];
        props.tracked_as_of = p.D[p.d[k]] || "";
        props.outcome = p.O[p.o[k]];
      } else {
        delete props.tracked; delete props.tracked_as_of; delete props.outcome;
      }
      var colour = coloured ? (p.C[p.c[k]] || null) : null;
      var layer = state.layers[n];
      if ((props.colour || null) !== colour) {
        if (colour) { props.colour = colour; } else { delete props.colour; }
        if (layer) { restyle(state, layer); }
      }
      if (!layer) { layer = state.layers[n] = make(state, feature); }
      if (!state.on[n]) {
        state.groups[props.category].addLayer(layer);
        state.on[n] = 1;
      }
    }
    map.fire("szitems");  // the legend counts again: statuses may change without any layer coming or going
  };

  window.szItems = szItems;
})();
