/* The app's browser glue: keeps the Streamlit page's URL lat/lon/zoom in step with the map, in the
   browser only (panning and zooming must not rerun the app). The app reads the position back on its
   next run and keeps it in shared links. */
window.szViewSync = function (map) {
  "use strict";
  map.on("moveend", function () {
    try {
      var c = map.getCenter(), w = window.top;
      var u = new URL(w.location.href);
      u.searchParams.set("lat", c.lat.toFixed(5));
      u.searchParams.set("lon", c.lng.toFixed(5));
      u.searchParams.set("zoom", String(Math.round(map.getZoom() * 100) / 100));
      w.history.replaceState(w.history.state, "", u.toString());
    } catch (e) { /* a page that embeds the map elsewhere keeps its own URL */ }
  });
};
