"""The self-contained static site: one ``index.html`` with its data, Leaflet copied beside it.

For the public and for intranets that cannot run Python: it opens from ``file://`` or any static
server and fetches nothing. Filters, search, cards and the tour run in the page, so the data
travels once as JSON inside the page and the page's script puts every text into the DOM as text.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import shapely

import settings
from publish.output import build_dir_atomic
from publish.tour import DEFAULT_TOUR_PATH, Tour, framed_item_ids, load_tour

ASSETS = Path(__file__).resolve().parent / "site_assets"
LEAFLET_DIR = settings.STATIC_DIR / "vendor" / "leaflet"
GROUP_COLOURS: dict[str, str] = {  # the interactive map's legend colours
    "transport": "#c0392b", "science_education": "#1f6fb2", "health": "#d63384", "culture_sport": "#7b4fb0",
    "water_energy": "#0f9aa8", "ecology": "#2e8b3a", "zones": "#e07b00",
}


def _round(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: np.round(xy, 5))


def site_data(tour: Tour) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-able data (texts stay texts)."""
    from district_profiles import load_profiles
    from geo.boundaries import display_districts
    from layers.locate import catalogue_frame
    from layers.schema import CATEGORIES, CATEGORY_GROUPS, PLAN_STAGES, PRECISIONS
    from plan_text import load_plan
    from plan_text.index import to_cn_numeral

    plan = load_plan()
    frame = catalogue_frame()
    profiles = load_profiles()
    items: list[dict[str, Any]] = []
    for row in frame.to_dict("records"):
        geom = row["geometry"]
        kind, g = None, None
        if geom is not None:
            if geom.geom_type == "Point":
                kind = "circle" if row["precision"] in ("approximate", "zone") and row["radius_m"] else "point"
                g = [round(geom.x, 5), round(geom.y, 5)]
            else:
                kind, g = "line", shapely.geometry.mapping(_round(geom))
        radius = row["radius_m"]
        items.append({
            "id": row["id"], "zh": row["name_zh"], "en": row["name_en"], "cat": row["category"],
            "group": row["group"], "stage": row["plan_stage"], "phrase": row["stage_phrase"],
            "part": None if row["part"] is None else int(row["part"]),
            "chapter": None if row["chapter"] != row["chapter"] or row["chapter"] is None else int(row["chapter"]),
            "para": row["paragraph_id"], "quote": row["quote"], "districts": list(row["districts"]),
            "prec": row["precision"], "src": row["location_source"], "kind": kind, "geom": g,
            "r": None if radius is None or radius != radius else int(radius),
        })
    districts = display_districts()
    features = []
    label_points: dict[str, list[float]] = {}
    for row in districts.to_dict("records"):
        p = profiles[row["id"]]
        pt = row["geometry"].representative_point()
        label_points[row["id"]] = [round(pt.x, 5), round(pt.y, 5)]
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(_round(row["geometry"])),
                         "properties": {"id": row["id"], "name_zh": p.name_zh, "name_en": p.name_en,
                                        "approx": bool(row["boundary_approximate"]),
                                        "positioning": p.positioning.quote, "para": p.positioning.paragraph_id,
                                        "label": label_points[row["id"]]}})
    steps = []
    for s in tour.steps:
        steps.append({"id": s.id, "title_zh": s.title_zh, "title_en": s.title_en, "quote": s.quote.text,
                      "para": s.quote.paragraph_id, "district": s.frame.district,
                      "items": framed_item_ids(s, frame)})
    cited: set[str] = ({str(i["para"]) for i in items} | {str(f["properties"]["para"]) for f in features}
                       | {str(s["para"]) for s in steps})
    boundary = "; ".join(sorted(set(districts["boundary_source"])))
    return {
        "bounds": [round(float(v), 5) for v in districts.total_bounds],
        "items": items,
        "districts": {"type": "FeatureCollection", "features": features},
        "labelPoints": label_points,
        "names": {d: [p.name_zh, p.name_en] for d, p in profiles.items()},
        "categories": {k: [zh, en] for k, (_, zh, en) in CATEGORIES.items()},
        "groups": {k: [zh, en, GROUP_COLOURS[k]] for k, (zh, en) in CATEGORY_GROUPS.items()},
        "stages": {k: [v[0], v[1]] for k, v in PLAN_STAGES.items()},
        "precisions": {k: [v[0], v[1]] for k, v in PRECISIONS.items()},
        "parts": [[n, to_cn_numeral(n), t] for n, t in plan.parts.items()],
        "chapters": [[n, to_cn_numeral(n), t] for n, (_, t) in plan.chapters.items()],
        "citations": {pid: [plan.get(pid).citation_zh, plan.get(pid).citation_en] for pid in sorted(cited)},
        "tour": {"title_zh": tour.title_zh, "title_en": tour.title_en, "steps": steps},
        "legendGrades": ["● 精确要素 Exact feature", "◍ 代理点 Proxy (~500 m)", "◌ 估计范围 Approximate / zone area",
                         "┅ 示意线路 Schematic line", "ⓝ 仅知所在区 District level (count)"],
        "attribution": f"{settings.OSM_ATTRIBUTION} (station and runway coordinates)",
        "credits": (f"《{settings.PLAN_TITLE_ZH}》(深圳市人民政府, 2021): quotes verbatim with paragraph ids. "
                    f"Boundaries: {boundary}. Coordinates of exact features, proxies and station lines: "
                    f"{settings.OSM_ATTRIBUTION}. Estimates are this project's, drawn as dashed circles; "
                    "plan stage is the plan's wording for 2021–2025, not progress. Leaflet © Volodymyr Agafonkin "
                    "(BSD-2-Clause)."),
    }


def render_index(data: dict[str, Any]) -> str:
    """The page: template, stylesheet, script and data put together (the data as inert JSON)."""
    # UTF-8 rather than \\u escapes; "</" escaped so no text can close the <script> element
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    page = (ASSETS / "index.html").read_text(encoding="utf-8")
    page = page.replace("/*SZ_CSS*/", (ASSETS / "site.css").read_text(encoding="utf-8"))
    page = page.replace("/*SZ_JS*/", (ASSETS / "site.js").read_text(encoding="utf-8"))
    return page.replace("/*SZ_DATA*/", payload)


def write_site(directory: Path, tour: Tour) -> None:
    """Write the site's files into an existing, empty directory."""
    (directory / "index.html").write_text(render_index(site_data(tour)), encoding="utf-8")
    vendor = directory / "vendor" / "leaflet"
    shutil.copytree(LEAFLET_DIR, vendor)
    shutil.copy2(settings.STATIC_DIR / "vendor" / "README.md", directory / "vendor" / "README.md")


def build_site(output: Path | str, tour_path: Path | str = DEFAULT_TOUR_PATH) -> Path:
    """Build the static site into ``output`` (replaced whole, never half written); returns its index.html.

    The benchmark calls this to put the published page beside its hand-written baseline.
    """
    tour = load_tour(tour_path)
    target = Path(output)
    build_dir_atomic(target, lambda d: write_site(d, tour))
    return target / "index.html"
