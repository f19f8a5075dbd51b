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

import settings

CONTROLS_JS = ("map_controls_js", f"{settings.STATIC_URL}/map_controls.js")
CARD_JS = ("card_js", f"{settings.STATIC_URL}/card.js")
VIEW_SYNC_JS = ("view_sync_js", f"{settings.STATIC_URL}/view_sync.js")


def script_json(value: object) -> str:
    """JSON to write inside a <script> block: UTF-8 (a third of the bytes of \\u escapes for Chinese),
    with every "<" escaped so that no text can close the script element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


class _Call(MacroElement):
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


class ProjectCard(_Call):
    """Binds the project card (popup) and the hover tooltip, both drawn by ``static/card.js``."""

    function = "bindCard"


class DistrictTooltip(_Call):
    """The district's zh/en name on hover, from the labels sent with the base map, inserted as text."""

    function = "districtTooltip"


class OpenCard(_Call):
    """Opens the selected item's card on the map (after a click, a search or a table row selection)."""

    function = "openCard"

    def __init__(self, props: Mapping[str, object], latlng: tuple[float, float]) -> None:
        super().__init__({"props": dict(props), "latlng": list(latlng)})


class ListPopup(_Call):
    """A popup with a title and a list of names, built as text in the browser (no jQuery, no HTML from data)."""

    function = "listPopup"

    def __init__(self, title: str, names: Sequence[str]) -> None:
        super().__init__({"title": title, "names": list(names)})


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
