"""Styles for the GeoPackage's layers, drawn the way the map draws them, as QGIS reads them.

QGIS looks for a ``layer_styles`` table in a GeoPackage and applies the row marked
``useAsDefault`` when a layer is added. Each row carries the same style twice: QML (QGIS's
own format, which can size an uncertainty circle in metres from ``radius_m``) and SLD 1.0
(for other tools). Rules select on plain attributes only (``group``, ``precision`` and the
``geometry_kind`` column the export adds), so both formats express the same drawing:
colours per category group, filled dots for exact features, dashed outlines for proxies and
estimates, dashed lines for schematic routes, dashed boundaries for approximate districts.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from layers.map_layers import GROUP_COLOURS
from layers.schema import CATEGORY_GROUPS

STYLE_NAME = "sz-plan-map"
QGIS_VERSION = "3.28.0-Firenze"


@dataclass(frozen=True)
class Drawing:
    """One way of drawing a set of features (what the map's legend calls a precision grade)."""

    key: str
    label: str
    kind: str  # "point" or "line": the value of geometry_kind it applies to
    precisions: tuple[str, ...]
    fill_alpha: float  # 0..1, points only
    dashed: bool
    outline_white: bool = False
    metres: bool = False  # point drawn as a circle of 2 × radius_m metres


DRAWINGS: tuple[Drawing, ...] = (
    Drawing("exact", "精确要素 Exact feature", "point", ("exact",), 0.95, dashed=False, outline_white=True),
    Drawing("proxy", "近似代理点 Proxy within ~500 m", "point", ("proxy",), 0.55, dashed=True),
    Drawing("estimate", "估计位置或片区(虚线圈为误差范围) Estimate or zone (dashed circle: uncertainty)", "point",
            ("approximate", "zone"), 0.2, dashed=True, metres=True),
    Drawing("schematic", "示意线路 Schematic line", "line", ("schematic",), 1.0, dashed=True),
    Drawing("line", "线状要素 Line feature", "line", ("exact", "proxy", "approximate", "zone"), 1.0, dashed=False),
)


def _rgba(hex_colour: str, alpha: float = 1.0) -> str:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _opt(name: str, value: object) -> str:
    return f'<Option name={quoteattr(name)} type="QString" value={quoteattr(str(value))}/>'


def _qml_layer(cls: str, props: dict[str, object], size_expression: str | None = None) -> str:
    options = "".join(_opt(k, v) for k, v in props.items())
    ddp = ""
    if size_expression:
        ddp = ('<data_defined_properties><Option type="Map"><Option name="name" type="QString" value=""/>'
               '<Option name="properties" type="Map"><Option name="size" type="Map">'
               '<Option name="active" type="bool" value="true"/>'
               f'<Option name="expression" type="QString" value={quoteattr(size_expression)}/>'
               '<Option name="type" type="int" value="3"/></Option></Option>'
               '<Option name="type" type="QString" value="collection"/></Option></data_defined_properties>')
    return f'<layer class="{cls}" enabled="1" locked="0" pass="0"><Option type="Map">{options}</Option>{ddp}</layer>'


def _qml_symbol(name: str, drawing: Drawing, colour: str) -> str:
    if drawing.kind == "line":
        layer = _qml_layer("SimpleLine", {
            "line_color": _rgba(colour, 0.85 if drawing.dashed else 1.0), "line_style": "dash" if drawing.dashed
            else "solid", "line_width": "0.8" if drawing.dashed else "1.1", "line_width_unit": "MM",
            "capstyle": "round", "joinstyle": "round"})
        return f'<symbol type="line" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">{layer}</symbol>'
    props: dict[str, object] = {
        "name": "circle", "color": _rgba(colour, drawing.fill_alpha),
        "outline_color": _rgba("#ffffff" if drawing.outline_white else colour),
        "outline_style": "dash" if drawing.dashed else "solid", "outline_width": "0.4", "outline_width_unit": "MM",
        "size": "3.2", "size_unit": "MM",
    }
    size_expression = None
    if drawing.metres:
        props["size_unit"] = "RenderMetersInMapUnits"
        props["size"] = "1000"
        size_expression = '2 * coalesce("radius_m", 500)'
    layer = _qml_layer("SimpleMarker", props, size_expression)
    return f'<symbol type="marker" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">{layer}</symbol>'


def _in(field: str, values: tuple[str, ...]) -> str:
    return f'"{field}" IN (' + ", ".join(f"'{v}'" for v in values) + ")"


def items_qml() -> str:
    """Rule-based QGIS style for the items (and selection) layer: one rule group per category group."""
    rules, symbols = [], []
    n = 0
    for group, (zh, en) in CATEGORY_GROUPS.items():
        children = []
        for d in DRAWINGS:
            expr = f"\"geometry_kind\" = '{d.kind}' AND {_in('precision', d.precisions)}"
            children.append(f'<rule key="{group}-{d.key}" symbol="{n}" label={quoteattr(d.label)} '
                            f'filter={quoteattr(expr)}/>')
            symbols.append(_qml_symbol(str(n), d, GROUP_COLOURS[group]))
            n += 1
        group_expr = f"\"group\" = '{group}'"
        rules.append(f'<rule key="{group}" label={quoteattr(f"{zh} {en}")} '
                     f'filter={quoteattr(group_expr)}>{"".join(children)}</rule>')
    return _qml_document(f'<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
                         f'<rules key="root">{"".join(rules)}</rules><symbols>{"".join(symbols)}</symbols>'
                         f'</renderer-v2>')


def districts_qml() -> str:
    """QGIS style for the districts: light fill, grey outline, dashed where the boundary is approximate."""
    def fill(name: str, dashed: bool) -> str:
        layer = _qml_layer("SimpleFill", {
            "color": _rgba("#9aa5b1", 0.15), "style": "solid", "outline_color": _rgba("#666666"),
            "outline_style": "dash" if dashed else "solid", "outline_width": "0.5", "outline_width_unit": "MM"})
        return f'<symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">{layer}</symbol>'

    # QGIS reads the GeoPackage boolean as a boolean, which does not equal 0 or 1 in its expressions
    rules = ('<rule key="approximate" symbol="1" label="边界为近似 Approximate boundary" '
             'filter="&quot;boundary_approximate&quot;"/>'
             '<rule key="surveyed" symbol="0" label="规划分区 Planning area" '
             'filter="NOT coalesce(&quot;boundary_approximate&quot;, false)"/>')
    return _qml_document(f'<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
                         f'<rules key="root">{rules}</rules><symbols>{fill("0", False)}{fill("1", True)}</symbols>'
                         f'</renderer-v2><labeling type="simple"><settings><text-style fieldName="name_zh" '
                         f'fontSize="10" textColor="51,51,51,255"/></settings></labeling>', labels=True)


def _qml_document(body: str, labels: bool = False) -> str:
    return (f"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            f'<qgis version="{QGIS_VERSION}" styleCategories="Symbology|Labeling" labelsEnabled="{int(labels)}">'
            f"{body}</qgis>\n")


# ---- SLD 1.0 -------------------------------------------------------------------------------------------

def _sld_eq(field: str, value: str) -> str:
    return (f"<ogc:PropertyIsEqualTo><ogc:PropertyName>{field}</ogc:PropertyName>"
            f"<ogc:Literal>{escape(value)}</ogc:Literal></ogc:PropertyIsEqualTo>")


def _sld_filter(group: str, d: Drawing) -> str:
    precision = (_sld_eq("precision", d.precisions[0]) if len(d.precisions) == 1 else
                 "<ogc:Or>" + "".join(_sld_eq("precision", p) for p in d.precisions) + "</ogc:Or>")
    return (f"<ogc:Filter><ogc:And>{_sld_eq('group', group)}{_sld_eq('geometry_kind', d.kind)}{precision}"
            f"</ogc:And></ogc:Filter>")


def _css(name: str, value: object) -> str:
    return f'<CssParameter name="{name}">{value}</CssParameter>'


def _sld_symbolizer(d: Drawing, colour: str) -> str:
    dash = _css("stroke-dasharray", "6 4") if d.dashed else ""
    if d.kind == "line":
        stroke = f"{_css('stroke', colour)}{_css('stroke-width', 3)}{dash}"
        return f"<LineSymbolizer><Stroke>{stroke}</Stroke></LineSymbolizer>"
    outline = "#ffffff" if d.outline_white else colour
    size = 24 if d.metres else 12
    return (f"<PointSymbolizer><Graphic><Mark><WellKnownName>circle</WellKnownName>"
            f"<Fill>{_css('fill', colour)}{_css('fill-opacity', d.fill_alpha)}</Fill>"
            f"<Stroke>{_css('stroke', outline)}{_css('stroke-width', 1.5)}{dash}</Stroke></Mark>"
            f"<Size>{size}</Size></Graphic></PointSymbolizer>")


def _sld_document(layer: str, title: str, rules: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" '
            'xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<NamedLayer><Name>{layer}</Name><UserStyle><Name>{STYLE_NAME}</Name><Title>{escape(title)}</Title>"
            f"<FeatureTypeStyle>{rules}</FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n")


def items_sld(layer: str = "items") -> str:
    """The items style as SLD 1.0 (uncertainty circles at a fixed size: SLD 1.0 has no ground units)."""
    rules = []
    for group, (zh, en) in CATEGORY_GROUPS.items():
        for d in DRAWINGS:
            rules.append(f"<Rule><Name>{group}-{d.key}</Name><Title>{escape(f'{zh} {en}: {d.label}')}</Title>"
                         f"{_sld_filter(group, d)}{_sld_symbolizer(d, GROUP_COLOURS[group])}</Rule>")
    return _sld_document(layer, "《纲要》项目 Projects named in the plan", "".join(rules))


def districts_sld() -> str:
    """The districts style as SLD 1.0."""
    rules = []
    for approx, title in ((False, "规划分区 Planning area"), (True, "边界为近似 Approximate boundary")):
        dash = _css("stroke-dasharray", "6 4") if approx else ""
        rules.append(f"<Rule><Name>{'approximate' if approx else 'surveyed'}</Name><Title>{title}</Title>"
                     f"{'<ogc:Filter>' + _sld_eq('boundary_approximate', '1' if approx else '0') + '</ogc:Filter>'}"
                     f"<PolygonSymbolizer><Fill>{_css('fill', '#9aa5b1')}{_css('fill-opacity', 0.15)}</Fill>"
                     f"<Stroke>{_css('stroke', '#666666')}{_css('stroke-width', 1.5)}{dash}</Stroke>"
                     f"</PolygonSymbolizer></Rule>")
    return _sld_document("districts", "深圳规划分区 Shenzhen planning areas", "".join(rules))
