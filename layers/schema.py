"""The catalogue's data model and its fixed vocabularies.

The YAML files under ``layers/catalogue/`` are validated against these models on load,
so a typo in a category, a stage or a location method is reported with the file and
the item's id instead of reaching the map.
"""
from __future__ import annotations

import math
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

import settings
from geo.areas import DISTRICT_IDS as DISTRICT_IDS  # the catalogue's vocabulary of districts


class CategoryLabel(NamedTuple):
    """A category's layer group and its Chinese and English names."""

    group: str
    zh: str
    en: str


class GroupLabel(NamedTuple):
    zh: str
    en: str


class StageLabel(NamedTuple):
    """A plan stage's names and the plan's typical verbs for it (how items were graded)."""

    zh: str
    en: str
    verbs: str


class PrecisionLabel(NamedTuple):
    """A precision grade's names and what it means for the location shown."""

    zh: str
    en: str
    meaning: str


CATEGORIES: dict[str, CategoryLabel] = {
    "airport": CategoryLabel("transport", "机场", "Airports"),
    "port": CategoryLabel("transport", "港口码头", "Ports and terminals"),
    "railway": CategoryLabel("transport", "国家铁路", "National railways"),
    "intercity": CategoryLabel("transport", "城际铁路", "Intercity rail"),
    "metro": CategoryLabel("transport", "城市轨道", "Metro"),
    "hub": CategoryLabel("transport", "交通枢纽", "Transport hubs and stations"),
    "border_port": CategoryLabel("transport", "口岸", "Border ports"),
    "road": CategoryLabel("transport", "道路桥隧", "Roads, bridges and tunnels"),
    "science_facility": CategoryLabel("science_education", "重大科技基础设施", "Major science facilities"),
    "laboratory": CategoryLabel("science_education", "实验室与研究平台", "Laboratories and research platforms"),
    "university": CategoryLabel("science_education", "高校", "Universities and campuses"),
    "school": CategoryLabel("science_education", "中小学与职业教育", "Schools and vocational education"),
    "hospital": CategoryLabel("health", "医院与卫生设施", "Hospitals and health facilities"),
    "culture_venue": CategoryLabel("culture_sport", "文化设施", "Culture venues"),
    "culture_street": CategoryLabel("culture_sport", "特色文化街区", "Culture streets"),
    "sports_venue": CategoryLabel("culture_sport", "体育设施", "Sports venues"),
    "water": CategoryLabel("water_energy", "水务工程", "Water works"),
    "energy": CategoryLabel("water_energy", "能源设施", "Power and gas works"),
    "ecology": CategoryLabel("ecology", "公园与生态", "Parks and ecological corridors"),
    "customs_zone": CategoryLabel("zones", "海关特殊监管区域", "Customs special supervision zones"),
    "development_zone": CategoryLabel("zones", "重点片区与园区", "Development zones and key areas"),
    "commercial_district": CategoryLabel("zones", "商圈", "Commercial districts"),
    "public_facility": CategoryLabel("zones", "其他公共设施", "Other public facilities"),
}

CATEGORY_GROUPS: dict[str, GroupLabel] = {
    "transport": GroupLabel("交通", "Transport"),
    "science_education": GroupLabel("科教", "Science and education"),
    "health": GroupLabel("卫生健康", "Health"),
    "culture_sport": GroupLabel("文化体育", "Culture and sport"),
    "water_energy": GroupLabel("水务能源", "Water and energy"),
    "ecology": GroupLabel("生态", "Ecology"),
    "zones": GroupLabel("片区", "Zones"),
}

PLAN_STAGES: dict[str, StageLabel] = {
    "study": StageLabel("规划研究", "Study", "规划研究、研究论证、开展…研究"),
    "plan": StageLabel("规划建设", "Planned", "规划建设、谋划、布局、筹建"),
    "preparation": StageLabel("前期工作", "Preparation", "推进…前期工作"),
    "start": StageLabel("开工", "Start of works", "开工、启动、动工"),
    "construction": StageLabel("建设", "Construction", "建设、加快建设、推进、推动…建设"),
    "complete": StageLabel("建成", "Completion", "建成、完成、建成投用"),
    "upgrade": StageLabel("提升改造", "Upgrade", "提升、改造、改扩建、扩容"),
    "unspecified": StageLabel("未明确", "Not stated", "named without a verb for 2021–2025"),
}

# The map draws each precision grade differently.
PRECISIONS: dict[str, PrecisionLabel] = {
    "exact": PrecisionLabel("精确要素", "Exact feature", "the feature itself, from open data (OSM)"),
    "proxy": PrecisionLabel("近似代理点(约500米内)", "Proxy within ~500 m",
                            "a nearby feature named after it, such as a metro station"),
    "approximate": PrecisionLabel("估计位置(约2公里内)", "Approximate (~2 km)",
                                  "a manual estimate with stated reasoning"),
    "zone": PrecisionLabel("镇街或片区级", "Town or zone level", "somewhere in a named town or zone"),
    "district": PrecisionLabel("区级", "District level", "known only to lie in a district"),
    "schematic": PrecisionLabel("示意线路", "Schematic line",
                                "a line drawn through known stations or places, not the alignment"),
    "none": PrecisionLabel("未定位", "Not located", "listed but not drawn"),
}

LocationMethod = Literal["osm_station", "osm_runway", "osm_line", "point", "line", "district", "none"]
Precision = Literal["exact", "proxy", "approximate", "zone", "district", "schematic", "none"]
SourceCrs = Literal["wgs84", "gcj02", "bd09"]


def check_lonlat(lon: float, lat: float, field: str) -> str | None:
    """Why a hand-entered lon/lat cannot be right (None when it lies in the study extent).

    A point outside Shenzhen and Shenshan is a typo or a swap, not a place the plan names; the
    extent is wide enough for GCJ-02 and BD-09 input (offsets under 1 km).
    """
    x0, y0, x1, y1 = settings.STUDY_EXTENT
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return f"{field}: ({lon}, {lat}) is not a finite number"
    if x0 <= lon <= x1 and y0 <= lat <= y1:
        return None
    if x0 <= lat <= x1 and y0 <= lon <= y1:
        return (f"{field}: ({lon}, {lat}) looks swapped: give longitude first "
                f"(lon {x0}–{x1}, lat {y0}–{y1})")
    return (f"{field}: ({lon}, {lat}) is outside the study extent of Shenzhen and Shenshan "
            f"(lon {x0}–{x1}, lat {y0}–{y1})")


class Location(BaseModel):
    """How an item is located; resolved to WGS84 geometry by ``layers.locate``."""

    # NaN and infinity are never a coordinate or a radius: refuse them before they reach the map or exports.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    method: LocationMethod
    precision: Precision
    stations: list[str] = Field(default_factory=list, description="OSM station names (osm_station, osm_line)")
    lines: list[list[str]] = Field(default_factory=list,
                                   description="osm_line of several lines: each line's stations in order")
    station_type: Literal["train", "subway", "light_rail", "any"] = "any"
    runway_ref: str | None = None
    lon: float | None = None
    lat: float | None = None
    coords: list[tuple[float, float]] = Field(default_factory=list, description="lon/lat vertices (line)")
    crs: SourceCrs = "wgs84"
    districts: list[str] = Field(default_factory=list)
    radius_m: int | None = Field(default=None, gt=0, le=settings.MAX_RADIUS_M,
                                 description="uncertainty radius for approximate/zone points")
    at_sea: bool = Field(default=False, description="offshore: the point or line lies in no district on purpose")
    note: str = Field(default="", description="why this location: the reasoning behind an estimate")

    @model_validator(mode="after")
    def _check_method_fields(self) -> Location:
        m = self.method
        if m == "osm_station" and not self.stations:
            raise ValueError(f"location method {m} needs 'stations'")
        if m == "osm_line" and not (self.stations or self.lines):
            raise ValueError("location method osm_line needs 'stations' or 'lines'")
        if m == "osm_line" and any(len(s) < 2 for s in ([self.stations] if self.stations else []) + self.lines):
            raise ValueError("osm_line needs at least two stations on each line")
        if m == "point" and (self.lon is None or self.lat is None):
            raise ValueError("location method point needs lon and lat")
        if m == "line" and len(self.coords) < 2:
            raise ValueError("location method line needs at least two coords")
        if m == "district" and not self.districts:
            raise ValueError("location method district needs 'districts'")
        if m == "district" and self.precision != "district":
            raise ValueError("a district-level location must have precision 'district'")
        if m == "none" and self.precision != "none":
            raise ValueError("an item that is not located must have precision 'none'")
        if m in ("point", "line") and self.precision == "exact":
            raise ValueError("a hand-entered coordinate cannot claim precision 'exact'")
        if m in ("point", "line") and not self.note:
            raise ValueError("a hand-entered location needs a 'note' giving its reasoning")
        if m in ("osm_line", "line") and self.precision not in ("schematic", "approximate"):
            raise ValueError("a line through stations or estimated vertices is 'schematic'")
        if m == "point" and self.precision in ("approximate", "zone") and not self.radius_m:
            raise ValueError("an approximate or zone-level point needs radius_m")
        for d in self.districts:
            if d not in DISTRICT_IDS:
                raise ValueError(f"unknown district id {d!r}")
        if self.lon is not None and self.lat is not None:
            problem = check_lonlat(self.lon, self.lat, "location.lon/lat")
            if problem:
                raise ValueError(problem)
        elif (self.lon is None) != (self.lat is None):
            raise ValueError("location.lon/lat: give both lon and lat, or neither")
        for i, (x, y) in enumerate(self.coords):
            problem = check_lonlat(x, y, f"location.coords[{i}]")
            if problem:
                raise ValueError(problem)
        return self


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paragraph_id: str
    quote: str = Field(min_length=2)


class StatusRecord(BaseModel):
    """A tracked status observed after the plan was published (not from the plan itself)."""

    model_config = ConfigDict(extra="forbid")
    status: str
    as_of: str  # ISO date
    evidence: str  # URL or document reference


class CatalogueItem(BaseModel):
    """One mappable thing the plan names."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name_zh: str
    name_en: str
    category: str
    paragraph_id: str
    quote: str = Field(min_length=2)
    stage_phrase: str
    plan_stage: str
    plan_districts: list[str] = Field(default_factory=list, description="districts the plan itself ties it to")
    other_citations: list[Citation] = Field(default_factory=list)
    location: Location
    status_history: list[StatusRecord] = Field(default_factory=list)
    baseline: bool = Field(default=False, description="completed in 2016–2020 (chapter 1), before the plan period")

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"unknown category {v!r}; expected one of {sorted(CATEGORIES)}")
        return v

    @field_validator("plan_stage")
    @classmethod
    def _stage(cls, v: str) -> str:
        if v not in PLAN_STAGES:
            raise ValueError(f"unknown plan_stage {v!r}; expected one of {sorted(PLAN_STAGES)}")
        return v

    @field_validator("plan_districts")
    @classmethod
    def _districts(cls, v: list[str]) -> list[str]:
        for d in v:
            if d not in DISTRICT_IDS:
                raise ValueError(f"unknown district id {d!r}")
        return v

    @property
    def group(self) -> str:
        return CATEGORIES[self.category].group
