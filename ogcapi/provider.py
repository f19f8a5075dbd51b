"""A read-only pygeoapi feature provider for the generated collections.

pygeoapi's own GeoJSON provider re-reads the file on every request, matches property
queries by exact string only (so ``districts=nanshan`` cannot match an item in two
districts), lets features without geometry through a bbox query and ignores unknown query
parameters. This provider keeps the file in memory, answers list properties by membership,
types each query value by its field, refuses unknown properties with 400 InvalidQuery and
never writes (it implements no create, update or delete).
"""
from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pygeoapi.provider.base import BaseProvider, ProviderInvalidQueryError, ProviderItemNotFoundError
from pygeoapi.util import crs_transform
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

# Free-text search (q) looks in these properties.
TEXT_FIELDS: tuple[str, ...] = ("id", "name_zh", "name_en", "quote", "positioning", "category_zh", "category_en")


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> tuple[tuple[dict, ...], tuple[BaseGeometry | None, ...]]:
    """The features of a served file and their shapes, read once per file version."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    features = tuple(data["features"])
    shapes = tuple(None if f["geometry"] is None else shape(f["geometry"]) for f in features)
    return features, shapes


def _field_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "number"
    return "string"


class PlanFeatureProvider(BaseProvider):
    """Serves one generated RFC 7946 FeatureCollection (``data``: its path) without ever writing to it."""

    def __init__(self, provider_def: dict) -> None:
        super().__init__(provider_def)
        features, _ = self._data()
        names: list[str] = []
        for f in features:
            names.extend(k for k in f["properties"] if k not in names)
        self._lists = {n for n in names if any(isinstance(f["properties"].get(n), list) for f in features)}
        self._fields = {n: {"type": "string" if n in self._lists else
                            _field_type([f["properties"].get(n) for f in features])} for n in names}

    def _data(self) -> tuple[tuple[dict, ...], tuple[BaseGeometry | None, ...]]:
        path = Path(self.data)
        return _load(str(path), path.stat().st_mtime_ns)

    def get_fields(self) -> dict:
        return self._fields

    def _matcher(self, name: str, raw: str) -> Any:
        """The test one ``name=raw`` query applies to a feature's properties (400 for an unknown name or bad value)."""
        if name not in self._fields:
            raise ProviderInvalidQueryError(user_msg=(
                f"unknown property {name!r}; queryable properties: {', '.join(sorted(self._fields))}"))
        kind = self._fields[name]["type"]
        if name in self._lists:
            return lambda props: raw in (props.get(name) or [])
        if kind == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ProviderInvalidQueryError(user_msg=f"property {name!r} takes true or false, not {raw!r}")
            wanted: Any = raw.lower() == "true"
        elif kind in ("integer", "number"):
            try:
                wanted = float(raw)
            except ValueError:
                raise ProviderInvalidQueryError(user_msg=f"property {name!r} takes a number, not {raw!r}") from None
        else:
            wanted = raw
        return lambda props: props.get(name) is not None and props.get(name) == wanted

    @crs_transform
    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results", bbox: list | None = None,
              datetime_: str | None = None, properties: list | None = None, sortby: list | None = None,
              select_properties: list | None = None, skip_geometry: bool = False, q: str | None = None,
              filterq: Any = None, **kwargs: Any) -> dict:
        """Features matching every property query, the bbox (features without geometry never match one)
        and the free-text ``q``, in file order unless sorted, paged by offset and limit."""
        if filterq is not None:
            raise ProviderInvalidQueryError(user_msg="CQL filters are not supported; use property queries")
        tests = [self._matcher(str(k), str(v)) for k, v in (properties or [])]
        features, shapes = self._data()
        area = box(*bbox[:2], *bbox[-2:]) if bbox and len(bbox) in (4, 6) else None
        words = [w.lower() for w in (q or "").split() if w]
        hits = []
        for feature, geom in zip(features, shapes, strict=True):
            props = feature["properties"]
            if area is not None and (geom is None or not geom.intersects(area)):
                continue
            if not all(t(props) for t in tests):
                continue
            if words:
                text = " ".join(str(props.get(f) or "") for f in TEXT_FIELDS).lower()
                if not all(w in text for w in words):
                    continue
            hits.append(feature)
        for spec in reversed(sortby or []):
            hits.sort(key=self._sort_key(str(spec["property"])), reverse=spec.get("order") == "-")
        page = [] if resulttype == "hits" else hits[offset:offset + limit]
        out = [self._shaped(f, select_properties, skip_geometry) for f in page]
        return {"type": "FeatureCollection", "features": out, "numberMatched": len(hits),
                "numberReturned": len(out)}

    def _sort_key(self, prop: str) -> Callable[[dict], tuple[bool, Any]]:
        """Sort by one property: text as text, numbers as numbers, features without a value last."""
        textual = self._fields.get(prop, {}).get("type") == "string"

        def key(feature: dict) -> tuple[bool, Any]:
            value = feature["properties"].get(prop)
            if value is None:
                return (True, "" if textual else 0)
            return (False, str(value) if textual else value)

        return key

    def _shaped(self, feature: dict, select_properties: list | None, skip_geometry: bool) -> dict:
        out = copy.deepcopy(feature)
        if select_properties:
            out["properties"] = {k: v for k, v in out["properties"].items() if k in select_properties}
        if skip_geometry:
            out["geometry"] = None
        return out

    @crs_transform
    def get(self, identifier: str, **kwargs: Any) -> dict:
        """One feature by its id (404 NotFound when there is none)."""
        features, _ = self._data()
        for feature in features:
            if str(feature.get("id")) == str(identifier):
                return self._shaped(feature, None, False)
        raise ProviderItemNotFoundError(user_msg=f"no feature with id {identifier!r}")

    def __repr__(self) -> str:
        return f"<PlanFeatureProvider> {self.data}"
