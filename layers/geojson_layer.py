"""Map elements (GeoJSON layers above all) whose rendered script is written as text, not parsed again as a template.

folium renders an element's script, then wraps the result in a new branca ``Element`` whose text is
compiled as a Jinja template before the page is written. For a GeoJSON layer that text holds every
feature, so on each rerun the app compiled ~200 kB of data as a template (about half of a filter
change's server time), and a name in the data written as ``{{ ... }}`` would have been evaluated in
a full-page render. ``GeoJsonLayer`` renders like ``folium.GeoJson`` but keeps the script as text;
``LayerGroup``, ``AddToParent`` and ``TextRendered`` (the base of this project's own elements) do the same
for feature groups, their ``addTo`` statements and the map's controls.
"""
from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement, IncludeStatement
from folium.features import GeoJsonStyleMapper
from folium.utilities import get_obj_in_upper_tree


class RenderedText(Element):
    """Script, header or HTML text that is already rendered: written out as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def render_as_text(element: MacroElement, kwargs: dict[str, Any]) -> None:
    """What ``MacroElement.render`` does, with the rendered parts kept as text."""
    figure = element.get_root()
    assert isinstance(figure, Figure), "a map element is rendered inside a map's figure"
    macros = element._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(RenderedText(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class TextRendered(MacroElement):
    """A map element of this project (no render step of its own) whose output is kept as text."""

    def render(self, **kwargs: Any) -> str:
        render_as_text(self, kwargs)
        return ""


class AddToParent(ElementAddToElement):
    """``<element>.addTo(<parent>)``, kept as text."""

    def render(self, **kwargs: Any) -> str:
        render_as_text(self, kwargs)
        return ""


def add_to_parent(layer: folium.map.Layer) -> None:
    """As ``folium.map.Layer.render``: a layer shown at start adds itself to its parent."""
    if layer.show:
        assert layer._parent is not None, "a layer is rendered inside a map"
        layer.add_child(AddToParent(element_name=layer.get_name(), element_parent_name=layer._parent.get_name()),
                        name=layer.get_name() + "_add")


class LayerGroup(folium.FeatureGroup):
    """``folium.FeatureGroup`` with the same output, kept as text."""

    def render(self, **kwargs: Any) -> str:
        add_to_parent(self)
        render_as_text(self, kwargs)
        return ""


class GeoJsonLayer(folium.GeoJson):
    """``folium.GeoJson`` with the same output, rendered once and kept as text.

    ``render`` does what folium's chain (GeoJson, Layer, Class, MacroElement) does, in that order, with
    ``RenderedText`` where MacroElement would compile the output as a template (folium and branca are pinned;
    tests compare the output with folium's own).
    """

    def render(self, **kwargs: Any) -> str:
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)  # type: ignore[assignment]
        # As folium.GeoJson.render: the style maps need at least one feature.
        if (self.style or self.highlight) and self.data["features"]:
            mapper = GeoJsonStyleMapper(self.data, self.feature_identifier, self)
            if self.style:
                self.style_map = mapper.get_style_map(self.style_function)
            if self.highlight:
                self.highlight_map = mapper.get_highlight_map(self.highlight_function)
        add_to_parent(self)
        figure = self.get_root()
        assert isinstance(figure, Figure), "a GeoJSON layer is rendered inside a map's figure"
        if self.includes:  # as folium.map.Class.render
            stmt = IncludeStatement(self.leaflet_class_name, **self.includes)
            figure.script.add_child(RenderedText(stmt._template.render(this=stmt, kwargs=self.includes)),
                                    name=self._name + "_includes", index=-1)
        render_as_text(self, kwargs)
        return ""
