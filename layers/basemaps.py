"""Basemaps the user can choose, and the coordinate system each one is drawn in.

Gaode (Amap) tiles are drawn in GCJ-02, so every overlay must be shifted into GCJ-02 when
Gaode is chosen; the others are WGS84 (Tianditu's CGCS2000 differs from WGS84 by centimetres).
"""
from __future__ import annotations

from dataclasses import dataclass

import xyzservices
import xyzservices.providers as xyz

from geo.coords import CrsName


@dataclass(frozen=True)
class Basemap:
    id: str
    label_zh: str
    label_en: str
    overlay_crs: CrsName  # the CRS overlays must be drawn in to line up with the tiles
    provider: xyzservices.TileProvider | None = None
    overlay: xyzservices.TileProvider | None = None  # annotation layer drawn over the tiles
    needs_token: bool = False

    def tile_url(self, token: str = "") -> str | None:
        if self.provider is None:
            return None
        if self.needs_token:
            return self.provider.build_url(fill_subdomain=False, tk=token)
        return self.provider.build_url(fill_subdomain=False)


def _tianditu(layer: str) -> xyzservices.TileProvider:
    return xyzservices.TileProvider(
        name=f"Tianditu.{layer}",
        url=(
            "https://t{s}.tianditu.gov.cn/" + layer + "_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=" + layer + "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            "&TILECOL={x}&TILEROW={y}&TILEMATRIX={z}&tk={tk}"
        ),
        subdomains="01234567",
        max_zoom=18,
        attribution="© 天地图 Tianditu (National Platform for Common Geospatial Information Services)",
        html_attribution='&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a>',
        tk="",
    )


_CARTO_POSITRON = xyzservices.TileProvider(
    name="CARTO.Positron",
    url="https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
    subdomains="abcd",
    max_zoom=20,
    attribution="(C) OpenStreetMap contributors (C) CARTO",
    html_attribution=xyz.CartoDB.Positron.html_attribution,
)

_GAODE = xyzservices.TileProvider(
    name="Gaode.Normal",
    url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
    subdomains="1234",
    max_zoom=18,
    attribution=xyz.Gaode.Normal.attribution,
    html_attribution=xyz.Gaode.Normal.html_attribution,
)

BASEMAPS: dict[str, Basemap] = {
    b.id: b
    for b in (
        Basemap("none", "无底图(离线可用)", "No basemap (works offline)", "wgs84"),
        Basemap("osm", "OpenStreetMap", "OpenStreetMap", "wgs84", xyz.OpenStreetMap.Mapnik),
        Basemap("carto", "CARTO 浅色", "CARTO Positron", "wgs84", _CARTO_POSITRON),
        Basemap("tianditu", "天地图(需密钥)", "Tianditu (token needed)", "wgs84",
                _tianditu("vec"), _tianditu("cva"), needs_token=True),
        Basemap("gaode", "高德地图(GCJ-02)", "Gaode/Amap (GCJ-02)", "gcj02", _GAODE),
    )
}
DEFAULT_BASEMAP = "none"
