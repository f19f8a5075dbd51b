/* The app's browser glue: keeps the Streamlit page's URL lat/lon/zoom in step with the map, in the
   browser only (panning and zooming must not rerun the app).

   Streamlit reruns the script with the query string it last received from the server, not with the
   address bar, so the server never sees a pan or zoom made since its last run. The browser is
   therefore the keeper of the position:
   - every move is written into the top page's URL and kept in the top page (szMapView);
   - a rebuilt base map (another basemap, language, highlighted district, colouring, or the map view
     opened again) starts where the visitor's map was, not where the link first put it; a move the
     app sends with the map (a search, a fitted result) still follows, as it is applied afterwards;
   - when Streamlit writes the URL after a run (with the position the server last knew), the map's
     own position is written back over it, so the shared URL always says where the map is. */
window.szViewSync = function (map) {
  "use strict";
  var w;
  try {
    w = window.top;
    void w.location.href; // a page that embeds the map elsewhere (another origin) keeps its own URL
  } catch (e) {
    return;
  }

  // A move the app sends (a fitted result, a searched item) jumps there: st_folium sets the view without options,
  // which Leaflet animates, and every frame of a zoom or pan animation redraws the whole vector map
  // (thousands of SVG paths at 10x items) while the next change may already be arriving.
  var setView = map.setView;
  map.setView = function (center, zoom, options) {
    return setView.call(this, center, zoom, options || {animate: false});
  };

  function here() {
    var c = map.getCenter();
    return {lat: c.lat.toFixed(5), lon: c.lng.toFixed(5), zoom: String(Math.round(map.getZoom() * 100) / 100)};
  }

  // A newer map (a rebuilt base map) takes over; this one may stay on the page a moment longer.
  var generation = (Number(w.szMapGeneration) || 0) + 1;
  w.szMapGeneration = generation;

  function write() {
    if (w.szMapGeneration !== generation || !window.frameElement || !window.frameElement.isConnected) {
      return; // this map was replaced or taken off the page
    }
    var p = here(), u = new URL(w.location.href), s = u.searchParams;
    w.szMapView = JSON.stringify(p); // plain text: it outlives this frame
    if (s.get("lat") === p.lat && s.get("lon") === p.lon && s.get("zoom") === p.zoom) {
      return;
    }
    s.set("lat", p.lat);
    s.set("lon", p.lon);
    s.set("zoom", p.zoom);
    w.history.replaceState(w.history.state, "", u.toString());
  }

  map.on("moveend", write);
  var kept = null;
  try {
    kept = JSON.parse(w.szMapView || "null");
  } catch (e) { /* nothing kept */ }
  if (kept && isFinite(kept.lat) && isFinite(kept.lon) && isFinite(kept.zoom)) {
    map.setView([Number(kept.lat), Number(kept.lon)], Number(kept.zoom), {animate: false});
  } else {
    w.szMapView = JSON.stringify(here()); // the first map's view, until it moves
  }

  // The first map of a page load says once that it is drawn (the layers are added by the rest of this
  // script): the app sends the results table after it, so that the table's large data grid does not hold
  // the map back. streamlit-folium exposes its component API to the map's scripts as window.Streamlit.
  if (!w.szMapDrawnSaid && window.Streamlit && window.Streamlit.setComponentValue) {
    w.szMapDrawnSaid = true;
    setTimeout(function () {
      window.Streamlit.setComponentValue({last_active_drawing: null, map_drawn: true});
    }, 0);
  }

  // A filter change runs the app twice: the first run sends the map alone, with a ``handover`` token, and waits
  // (app.map_only_run). This map says when it has drawn that run's items, and the second run, the rest of the
  // page, starts then: its many elements would otherwise reach the page while the frame is still adding paths,
  // and the two share one main thread. The report keeps the map's last reported value (a click stays that
  // click); a pan or a zoom still sends nothing.
  var S = window.Streamlit;
  if (S && S.events && S.setComponentValue && !window.szHandover) {
    window.szHandover = {last: null};
    S.events.addEventListener(S.RENDER_EVENT, function (event) {
      var token = event.detail && event.detail.args ? event.detail.args.handover : null;
      if (!token || token === window.szHandover.last) {
        return;
      }
      window.szHandover.last = token;
      // st_folium has run this render's scripts (its listener comes first): the items are on the map. After
      // the next paint, the map is on the screen too.
      requestAnimationFrame(function () {
        setTimeout(function () {
          var data = window.__GLOBAL_DATA__ || {};
          S.setComponentValue(Object.assign({}, data.previous_data || {}, {map_drawn: true, handover: token}));
        }, 0);
      });
    });
  }

  // The Navigation API reports every history change of the top page, Streamlit's URL writes included.
  var nav = w.navigation;
  if (nav && nav.addEventListener) {
    var follow = function () {
      try {
        write();
      } catch (e) { /* never break the page's own navigation */ }
    };
    nav.addEventListener("currententrychange", follow);
    window.addEventListener("pagehide", function () { nav.removeEventListener("currententrychange", follow); });
  }
};
