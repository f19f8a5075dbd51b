"""The map's Leaflet controls and bindings, as folium elements that only pass data.

The JavaScript lives in ``static/map_controls.js`` (and ``static/card.js``, ``static/view_sync.js``),
loaded from the app's own static files; each element here renders one call with a JSON argument.
Every text from data goes into the page as text (the scripts use ``textContent``), never as HTML.

No Streamlit here. One exception to "the map knows nothing of the page around it": ``ViewSync``
is the app's browser glue that writes the map position into the page URL (see its docstring).
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.map import Layer, LayerControl

import settings
from layers.geojson_layer import TextRendered

CONTROLS_JS = ("map_controls_js", f"{settings.STATIC_URL}/map_controls.js")
CARD_JS = ("card_js", f"{settings.STATIC_URL}/card.js")
ITEMS_JS = ("items_js", f"{settings.STATIC_URL}/items.js")  # the project items, shown per filter change
GROUPED_LAYERS = f"{settings.STATIC_URL}/vendor/leaflet-groupedlayercontrol/leaflet.groupedlayercontrol"
VIEW_SYNC_JS = ("view_sync_js", f"{settings.STATIC_URL}/view_sync.js")


def script_json(value: object) -> str:
    """JSON to write inside a <script> block: UTF-8 (a third of the bytes of \\u escapes for Chinese),
    with every "<" escaped so that no text can close the script element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


class _Call(TextRendered):
    """Renders ``szMap.<function>(<parent>, <config JSON>);`` for a function of ``static/map_controls.js``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        szMap.{{ this.function }}({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
    """)

    function = ""

    def __init__(self, config: object = None) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.config_json = script_json(config)


class CardLookup(MacroElement):
    """Puts the shared card labels on the map's window (static: a filter change does not resend them)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.SZ_CARD_LOOKUP = {{ this.lookup_json }};
        {% endmacro %}
    """)

    def __init__(self, lookup_json: str) -> None:
        super().__init__()
        self._name = "CardLookup"
        self.lookup_json = lookup_json


class DistrictTooltip(_Call):
    """The district's zh/en name on hover, from the labels sent with the base map, inserted as text."""

    function = "districtTooltip"


class OpenCard(_Call):
    """Opens the selected item's card on the map (after a click, a search or a table row selection)."""

    function = "openCard"

    def __init__(self, props: Mapping[str, object], latlng: tuple[float, float]) -> None:
        super().__init__({"props": dict(props), "latlng": list(latlng)})


class DistrictBadges(_Call):
    """Count badges on districts for items known only to district level, each with a popup listing its items (built
    as text in the browser: no HTML from data), drawn into the parent layer by one call."""

    function = "districtBadges"

    def __init__(self, badges: Sequence[tuple[tuple[float, float], Sequence[str]]]) -> None:
        super().__init__({
            "title": "仅知所在区的项目 Items known only to district level",
            "badgeTitle": "区级定位",
            "tip": "{n} 项仅知所在区 / known only to district level",
            "badges": [{"latlng": list(latlng), "names": list(names)} for latlng, names in badges],
        })


class Legend(_Call):
    """A legend control on the map: category colours and how each precision grade is drawn.

    Its counts follow what is drawn, in the browser: the legend is part of the static base map,
    so a filter change does not resend it.
    """

    function = "legend"

    def __init__(self, groups: Sequence[tuple[str, str, str]], counts: Mapping[str, int] | None = None,
                 open_: bool = True, count_by: str = "group") -> None:
        """``groups``: (id, colour, label) per layer group (or per value of ``count_by``), in the order shown;
        ``count_by``: the feature property counted per row (the group, or a column the map is coloured by)."""
        super().__init__({
            "open": open_,
            "countBy": {"group": "group", "tracked_status": "tracked", "outcome": "outcome"}.get(count_by, count_by),
            "title": "图例 Legend",
            "note": "数字:图上所绘项目 Numbers: items drawn",
            "groups": [{"id": g, "colour": c, "label": label, "count": None if counts is None else counts.get(g, 0)}
                       for g, c, label in groups],
            "symbols": [
                ["pt exact", "精确要素 Exact feature"],
                ["pt proxy", "代理点 Proxy (~500 m)"],
                ["ring", "估计范围 Approximate / zone area"],
                ["dash", "示意线路 Schematic line"],
                ["district-badge mini", "仅知所在区 District level", "n"],
                ["sw boundary", "边界为近似 Approximate boundary"],
            ],
        })


class BigScreen(_Call):
    """Marks the map container so ``static/map.css`` draws its text at presentation size."""

    function = "bigScreen"


class MetricScale(_Call):
    """A scale bar in kilometres only: planners here do not read miles."""

    function = "metricScale"


class TileNotice(_Call):
    """Says once, in the map, that basemap tiles failed to load (offline), instead of a silent grey background."""

    function = "tileNotice"

    def __init__(self) -> None:
        super().__init__({"text": "底图瓦片无法加载(可能已离线),区界与项目照常显示。"
                                  "Basemap tiles could not be loaded (offline?); districts and items are still shown.",
                          "close": "关闭 Close"})


class PointScale(_Call):
    """Smaller point symbols at city scale, full size when zoomed in, so hundreds of items stay readable."""

    function = "pointScale"


class ClickNear(_Call):
    """Clicks and taps a few pixels off a thin line or a small point open that item, not the district under it."""

    function = "clickNear"

    def __init__(self, px: int = 12) -> None:
        super().__init__({"px": px})


class DeclutterLabels(_Call):
    """Hides a district name where it would overlap a larger district's name (zooming in shows it again)."""

    function = "declutterLabels"


class Locator(JSCSSMixin, _Call):
    """The whole city, Shenzhen-Shanwei included, in a corner inset (Leaflet-MiniMap, served by the app),
    so the main map can show the core city large without losing Shenshan."""

    default_js = [("leaflet_minimap", f"{settings.STATIC_URL}/vendor/leaflet-minimap/Control.MiniMap.js")]
    default_css = [("leaflet_minimap_css", f"{settings.STATIC_URL}/vendor/leaflet-minimap/Control.MiniMap.css")]
    function = "locator"

    def __init__(self, center: tuple[float, float], zoom: float) -> None:
        super().__init__({"position": "bottomleft", "width": 170, "height": 90, "zoom": zoom,
                          "center": list(center), "hide": "隐藏全市图 Hide overview",
                          "show": "显示全市图 Show overview"})


class ViewSync(JSCSSMixin, _Call):
    """The app's browser glue: keeps the Streamlit page's URL (lat/lon/zoom) in step with the map.

    Panning and zooming must not rerun the app, so ``static/view_sync.js`` writes the position into
    the top page's URL with history.replaceState and keeps it in the page: Streamlit reruns with the
    query string the server last wrote, so the server never sees a pan. A rebuilt base map starts at the
    kept position, and the URL is written again after each of the app's own URL writes. The first map
    of a page load also tells the app it is drawn (the results table follows it). Only the app's main
    map adds it; a page that embeds the map elsewhere does not.
    """

    default_js = [VIEW_SYNC_JS]
    _template = Template("""
        {% macro script(this, kwargs) %}
        szViewSync({{ this._parent.get_name() }});
        {% endmacro %}
    """)


def menu_groups(layers: Sequence[Layer], groups: Sequence[tuple[str, str]]) -> list[dict]:
    """The layers menu: ``groups`` (id, label) in order, each with the layers that name it as their ``group``
    (``i``: the layer's index in ``layers``) and the sum of their ``count``s in its label.

    Groups with no layer are left out (a filter may empty them); layers of no listed group come last, under no
    heading (the district-level badges hold items of every group).
    """
    listed: dict[str, list[tuple[int, Layer]]] = {gid: [] for gid, _ in groups}
    other: list[tuple[int, Layer]] = []
    for i, layer in enumerate(layers):
        listed.get(str(getattr(layer, "group", "")), other).append((i, layer))
    menu = []
    for gid, label in groups:
        if not listed[gid]:
            continue
        counts = [c for _, layer in listed[gid] if isinstance(c := getattr(layer, "count", None), int)]
        total = f" ({sum(counts)})" if len(counts) == len(listed[gid]) else ""
        menu.append({"id": gid, "label": label + total,
                     "layers": [{"i": i, "label": layer.layer_name} for i, layer in listed[gid]]})
    if other:
        menu.append({"id": "", "label": "", "layers": [{"i": i, "label": layer.layer_name} for i, layer in other]})
    return menu


class GroupedLayers(JSCSSMixin, LayerControl):
    """The layers menu with the project layers under their category group and a box per group
    (Leaflet.groupedlayercontrol, served by the app; ``static/map_controls.js`` ``groupedLayers``).

    A ``LayerControl`` (keeping its name) because streamlit-folium takes the map's layer control by that name,
    removes it and draws it anew with each new set of project layers; like it, this lists the map's layers as
    they are when it is rendered, after the project layers were added.
    """

    default_js = [("leaflet_groupedlayercontrol", f"{GROUPED_LAYERS}.js")]
    default_css = [("leaflet_groupedlayercontrol_css", f"{GROUPED_LAYERS}.css")]
    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = szMap.groupedLayers({{ this._parent.get_name() }}, {{ this.config_json }},
            [{{ this.layer_names | join(", ") }}]);
        {% endmacro %}
    """)

    def __init__(self, groups: Sequence[tuple[str, str]], collapsed: bool = True) -> None:
        """``groups``: (id, label) per category group, in the order listed."""
        super().__init__(collapsed=collapsed)
        self.groups = list(groups)
        self.collapsed = collapsed
        self.config_json = "null"
        self.layer_names: list[str] = []

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # folium's render returns nothing
        parent = self._parent
        layers = [item for item in (parent._children.values() if parent is not None else [])
                  if isinstance(item, Layer) and item.control and item.overlay]
        self.layer_names = [layer.get_name() for layer in layers]
        self.config_json = script_json({"title": "图层 Layers", "collapsed": self.collapsed,
                                        "groups": menu_groups(layers, self.groups)})
        super().render(**kwargs)
