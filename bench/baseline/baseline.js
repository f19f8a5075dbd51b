// The hand-written baseline: the same simplified districts and drawn projects as the app,
// in one static Leaflet page with a client-side filter.
(async function () {
  const map = L.map('map').setView([22.62, 114.25], 10);
  const [districts, projects] = await Promise.all([
    fetch('data/districts.geojson').then(r => r.json()),
    fetch('data/projects.geojson').then(r => r.json()),
  ]);
  L.geoJSON(districts, { style: { color: '#666', weight: 1.2, fillColor: '#f7f4ea', fillOpacity: 0.35 } })
    .bindTooltip(l => l.feature.properties.name_zh).addTo(map);
  let layer = null;
  window.applyFilter = function (query) {
    if (layer) map.removeLayer(layer);
    layer = L.geoJSON(projects, {
      filter: f => !query || f.properties.name_zh.includes(query) || f.properties.name_en.toLowerCase().includes(query),
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6 }),
    }).bindPopup(l => l.feature.properties.name_zh).addTo(map);
    return layer.getLayers().length;
  };
  window.applyFilter('');
  window.__rendered = true;
})();
