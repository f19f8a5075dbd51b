"""The map's GeoJSON layers render exactly as folium's, without parsing their data as a template."""
from __future__ import annotations

import re

import folium
from branca.element import MacroElement
from streamlit_folium import _get_feature_group_string

from layers.geojson_layer import GeoJsonLayer, LayerGroup
from layers.map_controls import DistrictTooltip

FEATURES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.9, 22.54]},
     "properties": {"id": "a", "name_zh": "前海枢纽"}},
    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[114.0, 22.5], [114.1, 22.6]]},
     "properties": {"id": "b", "name_zh": "线"}},
]}


def build(cls, data=FEATURES, show: bool = True, group=folium.FeatureGroup,
          card=None) -> tuple[folium.Map, folium.FeatureGroup]:
    m = folium.Map(location=[22.6, 114.0], zoom_start=10, tiles=None)
    fg = group(name="g", show=show)
    layer = cls(data, style_function=lambda f: {"color": "#c0392b", "weight": 3},
                highlight_function=lambda f: {"weight": 4}, marker=folium.CircleMarker(radius=7),
                zoom_on_click=False, show=show)
    if card is not None:
        card().add_to(layer)
    layer.add_to(fg)
    return m, fg


class FoliumCard(MacroElement):
    """DistrictTooltip's output (a call of static/map_controls.js on its layer), rendered the way folium renders
    any element."""

    _template = DistrictTooltip._template

    def __init__(self) -> None:
        super().__init__()
        self._name = "DistrictTooltip"
        self.function = "districtTooltip"
        self.config_json = "null"


def test_groups_and_cards_are_the_same_as_folium_writes_them():
    for show in (True, False):
        ours, fg = build(GeoJsonLayer, show=show, group=LayerGroup, card=DistrictTooltip)
        fg.add_to(ours)
        theirs, fg2 = build(folium.GeoJson, show=show, card=FoliumCard)
        fg2.add_to(theirs)
        page = ours.get_root().render()
        assert normalised(page) == normalised(theirs.get_root().render())
        assert "szMap.districtTooltip(" in page
        ours, fg = build(GeoJsonLayer, show=show, group=LayerGroup, card=DistrictTooltip)
        theirs, fg2 = build(folium.GeoJson, show=show, card=FoliumCard)
        assert normalised(_get_feature_group_string(fg, ours)) == normalised(_get_feature_group_string(fg2, theirs))


def normalised(text: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "_ID", text)


def test_a_full_page_is_the_same_as_folium_writes_it():
    for show in (True, False):
        ours, fg = build(GeoJsonLayer, show=show)
        fg.add_to(ours)
        theirs, fg2 = build(folium.GeoJson, show=show)
        fg2.add_to(theirs)
        assert normalised(ours.get_root().render()) == normalised(theirs.get_root().render())


def test_the_script_sent_to_the_map_component_is_the_same_as_folium_writes_it():
    ours, fg = build(GeoJsonLayer)
    theirs, fg2 = build(folium.GeoJson)
    assert normalised(_get_feature_group_string(fg, ours)) == normalised(_get_feature_group_string(fg2, theirs))
    assert "geo_json" in _get_feature_group_string(fg, ours)


def test_template_syntax_in_the_data_stays_text_in_a_full_page():
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.9, 22.54]},
         "properties": {"id": "x", "name_zh": "{{ 7 * 7 }}{% if true %}yes{% endif %}"}}]}
    m, fg = build(GeoJsonLayer, data=data)
    fg.add_to(m)
    page = m.get_root().render()
    assert "{{ 7 * 7 }}{% if true %}yes{% endif %}" in page
    assert '"name_zh": "49' not in page
