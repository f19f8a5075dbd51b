"""The map stays where the visitor put it when the basemap or the language changes, and the page's URL (the link
a visitor copies) says where the map is, also after a search moved it."""
from __future__ import annotations

from tests.browser.conftest import map_frame
from tests.browser.conftest import pick_option as _pick

# The main map as drawn now (a basemap change replaces its frame): [zoom, lat, lon], or null while none is drawn.
MAP_VIEW_JS = """() => {
  const f = document.querySelector("iframe[title*='streamlit_folium']");
  const w = f && f.contentWindow, m = w && w.map_div;
  if (!m || !m._loaded) { return null; }
  const c = m.getCenter();
  return [m.getZoom(), c.lat, c.lng, !!w.szOldFrame];
}"""
URL_VIEW_JS = """() => { const s = new URL(location.href).searchParams;
  return [s.get('zoom'), s.get('lat'), s.get('lon')]; }"""
# True once the URL holds the position of the map as drawn now: its zoom, and a centre within a pixel of the map's
# (Leaflet's centre moves by a fraction of a pixel when it re-reads its frame's size, with no event).
URL_IS_MAP_JS = """() => {
  const f = document.querySelector("iframe[title*='streamlit_folium']");
  const m = f && f.contentWindow && f.contentWindow.map_div;
  if (!m || !m._loaded) { return false; }
  const s = new URL(location.href).searchParams;
  if (s.get('zoom') !== String(Math.round(m.getZoom() * 100) / 100) || !s.get('lat') || !s.get('lon')) { return false; }
  const p = m.latLngToContainerPoint([Number(s.get('lat')), Number(s.get('lon'))]), c = m.getSize().divideBy(2);
  return p.distanceTo(c) < 1.5;
}"""




def _map_at(page, zoom: float, lat: float, lon: float, new_frame: bool = False) -> None:
    """Wait until the main map (a newly drawn one when ``new_frame``) shows this view (to a pixel or two)."""
    page.wait_for_function(
        """([zoom, lat, lon, fresh]) => {
          const f = document.querySelector("iframe[title*='streamlit_folium']");
          const w = f && f.contentWindow, m = w && w.map_div;
          if (!m || !m._loaded || (fresh && w.szOldFrame)) { return false; }
          const c = m.getCenter();
          return m.getZoom() === zoom && Math.abs(c.lat - lat) < 1e-3 && Math.abs(c.lng - lon) < 1e-3;
        }""", arg=[zoom, lat, lon, new_frame], timeout=60_000, polling=250)


def _url_says(page, zoom: float, lat: float, lon: float) -> None:
    """The URL holds the map's position as drawn now, and that is (to a pixel or two) this view."""
    page.wait_for_function(URL_IS_MAP_JS, timeout=30_000, polling=250)
    z, la, lo = page.evaluate(URL_VIEW_JS)
    assert float(z) == zoom and abs(float(la) - lat) < 1e-3 and abs(float(lo) - lon) < 1e-3, (z, la, lo)


def test_basemap_and_language_changes_keep_the_view_and_the_url_follows_a_search(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")
    start = page.evaluate(MAP_VIEW_JS)
    # the visitor zooms in on Futian (in the browser only: no rerun)
    page.evaluate("""() => { const w = document.querySelector("iframe[title*='streamlit_folium']").contentWindow;
                             w.szOldFrame = true; w.map_div.setView([22.54, 114.06], 11, {animate: false}); }""")
    page.wait_for_function(URL_IS_MAP_JS, timeout=30_000, polling=250)
    assert page.evaluate(URL_VIEW_JS) == ["11", "22.54000", "114.06000"]
    assert start[0] != 11

    sidebar = page.locator("[data-testid='stSidebar']")
    _pick(page, sidebar, "底图", "OpenStreetMap")
    page.wait_for_function("() => new URL(location.href).searchParams.get('basemap') === 'osm'",
                           timeout=60_000, polling=250)
    _map_at(page, 11, 22.54, 114.06, new_frame=True)  # a new base map, drawn where the visitor was
    _url_says(page, 11, 22.54, 114.06)

    sidebar.get_by_text("English", exact=True).click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'en'",
                           timeout=60_000, polling=250)
    sidebar.get_by_text("Link to this view", exact=False).first.wait_for()
    _map_at(page, 11, 22.54, 114.06)
    _url_says(page, 11, 22.54, 114.06)

    # a search jumps to the item: the URL (and the link the app shows) say where the map now is
    _pick(page, page, "Search and jump", "Qianhai transport hub", "Qianhai transport")
    page.wait_for_function("() => new URL(location.href).searchParams.get('item') === 'qianhai-hub'",
                           timeout=60_000, polling=250)
    page.wait_for_function("""() => { const f = document.querySelector("iframe[title*='streamlit_folium']");
                                      return f.contentWindow.map_div.getZoom() > 11; }""", timeout=60_000, polling=250)
    link = sidebar.get_by_text("item=qianhai-hub", exact=False).first
    link.wait_for()  # the run that moved the map has written its URL
    page.wait_for_function(URL_IS_MAP_JS, timeout=30_000, polling=250)
    zoom, lat, lon, _old = page.evaluate(MAP_VIEW_JS)
    assert page.evaluate(URL_VIEW_JS)[0] == f"{zoom:g}"
    assert f"zoom={zoom:g}" in link.inner_text()
    from layers.locate import catalogue_frame

    hub = catalogue_frame().set_index("id").loc["qianhai-hub"].geometry
    assert page.evaluate("""([lat, lon]) => document.querySelector("iframe[title*='streamlit_folium']")
                              .contentWindow.map_div.getBounds().contains([lat, lon])""", [hub.y, hub.x])
