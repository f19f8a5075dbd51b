"""The pygeoapi configuration for the two collections, with Chinese and English metadata.

Titles, descriptions and keywords are given per language; pygeoapi picks the one a client
asks for (``?lang=en`` or ``Accept-Language``) and answers in Chinese by default.
"""
from __future__ import annotations

from pathlib import Path

import settings
from layers.export import ATTRIBUTION

PROVIDER_CLASS: str = "ogcapi.provider.PlanFeatureProvider"
# Paging: 50 features by default; a larger limit is cut to the maximum (the standard's throttling).
DEFAULT_ITEMS: int = 50
MAX_ITEMS: int = 1000

PLAN_PERIOD = ("2021-01-01T00:00:00Z", "2025-12-31T23:59:59Z")

DISTRICTS_TITLE = {"zh": "深圳规划分区(11个)", "en": "Shenzhen planning areas (11)"}
DISTRICTS_DESCRIPTION = {
    "zh": "深圳市十个行政区(新区)和深汕特别合作区的边界,附《纲要》专栏4中各区的功能定位原文(含段落编号)、"
          "重点片区、官方面积与边界来源。",
    "en": "The ten districts of Shenzhen and the Shenshan Special Cooperation Zone, each with its positioning "
          "quoted verbatim from the plan's Box 4 (with the paragraph id), key areas, official area and the "
          "source of its boundary.",
}
ITEMS_TITLE = {"zh": "《纲要》项目图层", "en": "Projects named in the plan"}
ITEMS_DESCRIPTION = {
    "zh": "《纲要》点名的每个可上图项目:引文原文与段落编号、所在章节、规划阶段、定位精度与位置来源、类别与所在区。"
          "未定位或仅知所在区的项目几何为空(located=false,geometry_note 说明原因)。"
          "可按 districts、category、chapter、plan_stage 等属性查询。",
    "en": "Every mappable project the plan names: the verbatim quote and paragraph id, chapter, plan stage, "
          "location precision and source, category and districts. Items that are not located, or known only "
          "to their district, have a null geometry (located=false; geometry_note says why). Query by "
          "districts, category, chapter, plan_stage and the other properties.",
}


def _collection(title: dict, description: dict, keywords: dict, data: Path, bbox: tuple[float, ...]) -> dict:
    return {
        "type": "collection",
        "title": title,
        "description": description,
        "keywords": keywords,
        "links": [],
        "extents": {
            "spatial": {"bbox": list(bbox), "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
            "temporal": {"begin": PLAN_PERIOD[0], "end": PLAN_PERIOD[1]},
        },
        "providers": [{
            "type": "feature",
            "name": PROVIDER_CLASS,
            "data": str(data),
            "id_field": "id",
            "title_field": "name_zh",
            "editable": False,
            # unknown query parameters reach the provider, which refuses them with 400 InvalidQuery
            "include_extra_query_parameters": True,
        }],
    }


def build_config(districts: Path, items: Path, url: str, host: str, port: int) -> dict:
    """The pygeoapi configuration serving ``districts`` and ``items`` (generated GeoJSON files) at ``url``."""
    return {
        "server": {
            "bind": {"host": host, "port": port},
            "url": url.rstrip("/"),
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": False,
            "languages": ["zh", "en"],
            "cors": False,
            "pretty_print": False,
            "limits": {"default_items": DEFAULT_ITEMS, "max_items": MAX_ITEMS, "on_exceed": "throttle"},
            # The HTML pages' map: no basemap tiles (the service makes no outbound request itself).
            "map": {"url": "", "attribution": ""},
            "admin": False,
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": {"zh": "深圳“十四五”规划地图 OGC API",
                          "en": "Map of Shenzhen's 14th Five-Year Plan (OGC API)"},
                "description": {
                    "zh": f"《{settings.PLAN_TITLE_ZH}》的分区与项目图层。{ATTRIBUTION}",
                    "en": f"Planning areas and projects of the {settings.PLAN_TITLE_EN}. {ATTRIBUTION}",
                },
                "keywords": {"zh": ["深圳", "十四五", "规划"], "en": ["Shenzhen", "14th Five-Year Plan", "planning"]},
                "keywords_type": "theme",
                "terms_of_service": "",
                "url": url.rstrip("/"),
            },
            "license": {"name": "Plan text: public government document; OSM-derived locations: ODbL 1.0",
                        "url": "https://opendatacommons.org/licenses/odbl/1-0/"},
            "provider": {"name": "Map of Shenzhen's 14th Five-Year Plan", "url": url.rstrip("/")},
            "contact": {"name": "", "position": "", "address": "", "city": "Shenzhen", "stateorprovince": "Guangdong",
                        "postalcode": "", "country": "China", "phone": "", "fax": "", "email": "", "url": "",
                        "hours": "", "instructions": "", "role": "pointOfContact"},
        },
        "resources": {
            "districts": _collection(DISTRICTS_TITLE, DISTRICTS_DESCRIPTION,
                                     {"zh": ["行政区", "功能定位"], "en": ["districts", "positioning"]},
                                     districts, settings.STUDY_EXTENT),
            "items": _collection(ITEMS_TITLE, ITEMS_DESCRIPTION,
                                 {"zh": ["项目", "引文"], "en": ["projects", "citations"]},
                                 items, settings.STUDY_EXTENT),
        },
    }
