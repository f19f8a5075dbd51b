"""Coordinate-system conversion between WGS84, GCJ-02 and BD-09, plus CRS detection.

It also owns the two coordinate helpers the rest of the project shares: rounding vertices
(:func:`round_coordinates`) and a local metric plane (:func:`local_metres`).

Chinese web maps publish coordinates in GCJ-02 (the state-mandated obfuscated
datum used by Amap, Tencent and others) or BD-09 (Baidu's extra layer on top of
GCJ-02). Everything in this project is stored in WGS84, so data from those
sources has to be converted on the way in, and sometimes we only find out
which system a file uses by checking it against a trusted WGS84 geometry.

All point functions are vectorised with numpy and accept scalars or arrays
(longitude first, like GeoJSON). Geometry functions use ``shapely.transform``
so whole (multi)polygons are converted vertex by vertex in one call.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, TypeAlias, TypeVar, overload

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

CrsName = Literal["wgs84", "gcj02", "bd09"]
CRS_NAMES: tuple[CrsName, ...] = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid, which the GCJ-02 algorithm uses for its metre-to-degree step.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

# The bounding box inside which the published GCJ-02 algorithm applies its shift;
# outside it coordinates pass through unchanged (the usual "not in China" rule).
CHINA_BBOX: tuple[float, float, float, float] = (72.004, 0.8293, 137.8347, 55.8271)

# Baidu's constant false offset and the angle factor used by BD-09.
_BD_DLON = 0.0065
_BD_DLAT = 0.0060
_X_PI = math.pi * 3000.0 / 180.0

_INVERSE_TOL_DEG = 1e-10
_INVERSE_MAX_ITER = 30

FloatArray = NDArray[np.float64]
# Converted (lon, lat): Python floats for scalar input, arrays of the input's shape otherwise.
LonLat: TypeAlias = tuple[float, float] | tuple[FloatArray, FloatArray]
# A shapely geometry, or a numpy array of them (as ``shapely.transform`` accepts); the geometry
# functions below give back the same kind they are given.
GeometryLike = TypeVar("GeometryLike", BaseGeometry, NDArray[np.object_])


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return lon_a.astype(float, copy=True), lat_a.astype(float, copy=True)


def _restore(lon: FloatArray, lat: FloatArray, like_lon: ArrayLike, like_lat: ArrayLike) -> LonLat:
    """Return Python floats for scalar input so callers get back what they passed in."""
    if np.ndim(like_lon) == 0 and np.ndim(like_lat) == 0:
        return float(lon), float(lat)
    return lon, lat


def in_china_bbox(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """True where GCJ-02 shifts a point (the conventional coarse China bounding box)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    x0, y0, x1, y1 = CHINA_BBOX
    return (lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)


def _gcj_delta(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 shift in degrees (d_lon, d_lat) for WGS84 input, ignoring the China test."""
    x = lon - 105.0
    y = lat - 35.0
    d_lat_m = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon_m = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = np.radians(lat)
    magic = 1.0 - _GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = d_lat_m * 180.0 / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = d_lon_m * 180.0 / (_GCJ_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """WGS84 -> GCJ-02 (the forward algorithm is public; points outside China are unchanged)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    d_lon, d_lat = _gcj_delta(lon_a, lat_a)
    inside = in_china_bbox(lon_a, lat_a)
    out_lon = np.where(inside, lon_a + d_lon, lon_a)
    out_lat = np.where(inside, lat_a + d_lat, lat_a)
    return _restore(out_lon, out_lat, lon, lat)


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, tol: float = _INVERSE_TOL_DEG, max_iter: int = _INVERSE_MAX_ITER
) -> LonLat:
    """GCJ-02 -> WGS84 by fixed-point iteration on the forward shift.

    The one-step "subtract the shift" inverse is only good to a few metres; the
    shift varies slowly, so iterating x <- x - (f(x) - target) converges to well
    below 1e-7 degrees in a handful of steps.
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    shape = lon_a.shape
    lon_a, lat_a = lon_a.reshape(-1), lat_a.reshape(-1)
    inside = in_china_bbox(lon_a, lat_a)
    w_lon = lon_a.copy()
    w_lat = lat_a.copy()
    # Each point stops as soon as it has itself converged, so a vertex shared by two
    # polygons converts to bit-identical output whichever batch it arrives in.
    active = inside.copy()
    for _ in range(max_iter):
        if not active.any():
            break
        d_lon, d_lat = _gcj_delta(w_lon[active], w_lat[active])
        err_lon = (w_lon[active] + d_lon) - lon_a[active]
        err_lat = (w_lat[active] + d_lat) - lat_a[active]
        w_lon[active] -= err_lon
        w_lat[active] -= err_lat
        done = np.maximum(np.abs(err_lon), np.abs(err_lat)) < tol
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    out_lon = np.where(inside, w_lon, lon_a).reshape(shape)
    out_lat = np.where(inside, w_lat, lat_a).reshape(shape)
    return _restore(out_lon, out_lat, lon, lat)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """GCJ-02 -> BD-09 (Baidu's polar perturbation plus a constant offset)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    z = np.hypot(lon_a, lat_a) + 0.00002 * np.sin(lat_a * _X_PI)
    theta = np.arctan2(lat_a, lon_a) + 0.000003 * np.cos(lon_a * _X_PI)
    return _restore(z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT, lon, lat)


def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, tol: float = _INVERSE_TOL_DEG, max_iter: int = _INVERSE_MAX_ITER
) -> LonLat:
    """BD-09 -> GCJ-02: closed-form approximate inverse, refined by iteration to be exact."""
    lon_a, lat_a = _as_arrays(lon, lat)
    shape = lon_a.shape
    lon_a, lat_a = lon_a.reshape(-1), lat_a.reshape(-1)
    x = lon_a - _BD_DLON
    y = lat_a - _BD_DLAT
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    g_lon = z * np.cos(theta)
    g_lat = z * np.sin(theta)
    active = np.ones(g_lon.shape, dtype=bool)
    for _ in range(max_iter):
        if not active.any():
            break
        b_lon, b_lat = gcj02_to_bd09(g_lon[active], g_lat[active])
        err_lon = np.asarray(b_lon) - lon_a[active]
        err_lat = np.asarray(b_lat) - lat_a[active]
        g_lon[active] -= err_lon
        g_lat[active] -= err_lat
        done = np.maximum(np.abs(err_lon), np.abs(err_lat)) < tol
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return _restore(g_lon.reshape(shape), g_lat.reshape(shape), lon, lat)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """WGS84 -> BD-09 via GCJ-02 (outside China only the Baidu step applies)."""
    g_lon, g_lat = wgs84_to_gcj02(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
    return _restore(np.asarray(b_lon), np.asarray(b_lat), lon, lat)


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """BD-09 -> WGS84 via GCJ-02, using the exact inverses of both steps."""
    g_lon, g_lat = bd09_to_gcj02(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    return _restore(np.asarray(w_lon), np.asarray(w_lat), lon, lat)


_TO_WGS84 = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84 = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def _check_crs(crs: str) -> str:
    key = str(crs).lower().replace("-", "").replace("_", "")
    if key not in CRS_NAMES:
        raise ValueError(f"unknown CRS {crs!r}; expected one of {CRS_NAMES}")
    return key


def convert_lonlat(lon: ArrayLike, lat: ArrayLike, src: CrsName, dst: CrsName) -> LonLat:
    """Convert longitude/latitude (scalars or arrays) from ``src`` to ``dst``, going through WGS84."""
    src_key, dst_key = _check_crs(src), _check_crs(dst)
    if src_key == dst_key:
        lon_a, lat_a = _as_arrays(lon, lat)
        return _restore(lon_a, lat_a, lon, lat)
    w_lon, w_lat = _TO_WGS84[src_key](np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    o_lon, o_lat = _FROM_WGS84[dst_key](np.asarray(w_lon, dtype=float), np.asarray(w_lat, dtype=float))
    return _restore(np.asarray(o_lon, dtype=float), np.asarray(o_lat, dtype=float), lon, lat)


def _transform_geometry(geom: GeometryLike, func) -> GeometryLike:
    def _apply(coords: FloatArray) -> FloatArray:
        out = np.array(coords, dtype=float, copy=True)
        if len(out):
            lon, lat = func(out[:, 0], out[:, 1])
            out[:, 0] = lon
            out[:, 1] = lat
        return out

    return shapely.transform(geom, _apply, include_z=None)


def to_wgs84(geom: GeometryLike, crs: CrsName) -> GeometryLike:
    """Return ``geom`` (or an array of geometries) converted from ``crs`` into WGS84."""
    key = _check_crs(crs)
    if key == "wgs84":
        return geom
    return _transform_geometry(geom, _TO_WGS84[key])


def from_wgs84(geom: GeometryLike, crs: CrsName) -> GeometryLike:
    """Return WGS84 ``geom`` (or an array of geometries) converted into ``crs``."""
    key = _check_crs(crs)
    if key == "wgs84":
        return geom
    return _transform_geometry(geom, _FROM_WGS84[key])


def offset_m(lon: ArrayLike, lat: ArrayLike, src: CrsName = "wgs84", dst: CrsName = "gcj02") -> FloatArray | float:
    """Ground distance in metres between a point's ``src`` and ``dst`` coordinates (WGS84 ellipsoid)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    o_lon, o_lat = convert_lonlat(lon_a, lat_a, src, dst)
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(lon_a, lat_a, np.asarray(o_lon), np.asarray(o_lat))
    dist = np.asarray(dist, dtype=float)
    return float(dist) if np.ndim(lon) == 0 and np.ndim(lat) == 0 else dist


@overload
def round_coordinates(geom: None, decimals: int) -> None: ...
@overload
def round_coordinates(geom: GeometryLike, decimals: int) -> GeometryLike: ...
def round_coordinates(geom: GeometryLike | None, decimals: int) -> GeometryLike | None:
    """Round every vertex to ``decimals`` places (6 is ~0.1 m, 5 ~1 m) so files and payloads stay short.

    Rounding is per vertex, so a vertex shared by two polygons rounds identically in both and their
    common edge stays matched. ``None`` (a missing geometry) passes through.
    """
    if geom is None:
        return None
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


# ---------------------------------------------------------------------------
# Local metres
# ---------------------------------------------------------------------------


def local_metres(geom: BaseGeometry) -> pyproj.Transformer:
    """WGS84 -> metres on an azimuthal equidistant plane centred on ``geom``.

    Centred on the geometry, distances near it keep their true scale; UTM 50N, by contrast, is
    stretched by about 0.08% at Shenzhen, 3° west of its central meridian. Used where metres are
    compared against each other (fits to a reference, measured shifts).
    """
    c = geom.centroid
    # At full precision, so a plane built on a point is centred exactly on that point.
    lat, lon = float(c.y), float(c.x)
    proj = f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +ellps=WGS84 +units=m +no_defs"
    return pyproj.Transformer.from_crs("EPSG:4326", proj, always_xy=True)


def project_geometry(geom: GeometryLike, transformer: pyproj.Transformer) -> GeometryLike:
    """``geom`` (WGS84) through ``transformer``, e.g. one from :func:`local_metres`."""

    def _apply(coords: FloatArray) -> FloatArray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _apply)


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CrsFit:
    """How well one CRS hypothesis matches the reference, in metres and area fraction."""

    median_distance_m: float
    mean_distance_m: float
    symdiff_fraction: float | None  # |A xor B| / |B|, only for polygonal input


@dataclass(frozen=True)
class CrsDetection:
    """Outcome of :func:`detect_crs`; ``label`` is None when the evidence is not decisive."""

    label: str | None
    fits: dict[str, CrsFit] = field(default_factory=dict)
    reason: str = ""
    separation: float = float("nan")  # second-best / best median distance

    def __bool__(self) -> bool:
        return self.label is not None


class AmbiguousCrsError(ValueError):
    """Raised by :func:`detect_crs` (with ``strict=True``) when it will not guess."""


def _outline(geom: BaseGeometry) -> BaseGeometry:
    """Boundary for areal geometries (compare edges), the geometry itself otherwise."""
    if geom.geom_type in ("Polygon", "MultiPolygon") or (
        geom.geom_type == "GeometryCollection" and any(g.geom_type.endswith("Polygon") for g in geom.geoms)
    ):
        return geom.boundary
    return geom


def _sample_points(geom: BaseGeometry, spacing_m: float) -> NDArray:
    """Points along ``geom`` (already projected to metres) every ``spacing_m`` metres, plus vertices."""
    outline = _outline(geom)
    dense = shapely.segmentize(outline, spacing_m)
    coords = shapely.get_coordinates(dense)
    return shapely.points(coords)


def _fit(candidate_m: BaseGeometry, reference_m: BaseGeometry, spacing_m: float) -> CrsFit:
    pts = _sample_points(candidate_m, spacing_m)
    ref_outline = _outline(reference_m)
    dist = shapely.distance(pts, ref_outline)
    symdiff = None
    if candidate_m.area > 0 and reference_m.area > 0:
        symdiff = float(shapely.symmetric_difference(candidate_m, reference_m).area / reference_m.area)
    return CrsFit(
        median_distance_m=float(np.median(dist)),
        mean_distance_m=float(np.mean(dist)),
        symdiff_fraction=symdiff,
    )


def detect_crs(
    geom: BaseGeometry,
    reference_wgs84: BaseGeometry,
    *,
    min_separation: float = 2.0,
    max_distance_m: float = 300.0,
    spacing_m: float = 50.0,
    strict: bool = False,
) -> CrsDetection:
    """Decide whether ``geom`` is in WGS84, GCJ-02 or BD-09 by fit to a trusted WGS84 reference.

    Each hypothesis is converted to WGS84 and compared with the reference by the
    median distance from points along its outline to the reference outline
    (robust to differing coastline detail), with the symmetric-difference area
    fraction reported alongside. The best hypothesis is accepted only when its
    median distance is under ``max_distance_m`` and the runner-up is at least
    ``min_separation`` times worse; otherwise the label is None (or
    :class:`AmbiguousCrsError` is raised when ``strict``), because a wrong
    guess silently moves everything by hundreds of metres.
    """
    if geom.is_empty or reference_wgs84.is_empty:
        raise ValueError("detect_crs needs non-empty geometries")
    transformer = local_metres(reference_wgs84)
    reference_m = project_geometry(reference_wgs84, transformer)
    fits: dict[str, CrsFit] = {}
    for name in CRS_NAMES:
        candidate = to_wgs84(geom, name)
        fits[name] = _fit(project_geometry(candidate, transformer), reference_m, spacing_m)

    ranked = sorted(fits, key=lambda n: fits[n].median_distance_m)
    best, second = ranked[0], ranked[1]
    best_d = fits[best].median_distance_m
    second_d = fits[second].median_distance_m
    separation = second_d / best_d if best_d > 0 else float("inf")

    label: str | None = best
    reason = (
        f"{best}: median distance {best_d:.0f} m, next best {second} {second_d:.0f} m "
        f"(x{separation:.1f})"
    )
    if best_d > max_distance_m:
        label = None
        reason = f"no hypothesis fits: best is {best} at {best_d:.0f} m > {max_distance_m:.0f} m"
    elif separation < min_separation:
        label = None
        reason = (
            f"fits not clearly separated: {best} {best_d:.0f} m vs {second} {second_d:.0f} m "
            f"(x{separation:.2f} < x{min_separation:.1f})"
        )
    if label is None and strict:
        raise AmbiguousCrsError(reason)
    return CrsDetection(label=label, fits=fits, reason=reason, separation=separation)
