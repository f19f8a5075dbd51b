"""Streamlit's floor for the benchmark: a one-point map with the app's offline assets."""
import folium
from streamlit_folium import st_folium

from layers.map_layers import OfflineMap

m = OfflineMap(location=[22.54, 114.06], zoom_start=10, tiles=None)
folium.CircleMarker([22.54, 114.06], radius=6).add_to(m)
st_folium(m, height=620, use_container_width=True, returned_objects=[])
