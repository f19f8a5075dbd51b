"""Synthetic copies of the catalogue for load testing (the benchmark's 10x scale).

Copies are clearly marked: ids end in ``-synthetic-N``, names carry "(synthetic N)", and the
location source says so. The app only uses them when settings.SCALE_ENV is set.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import affinity


def scaled(frame: gpd.GeoDataFrame, factor: int, seed: int = 14) -> gpd.GeoDataFrame:
    """The catalogue plus factor-1 jittered copies of every item (about 1 km of jitter)."""
    if factor <= 1:
        return frame
    rng = np.random.default_rng(seed)
    copies = [frame]
    for n in range(1, factor):
        c = frame.copy()
        dx, dy = rng.normal(0, 0.01, len(c)), rng.normal(0, 0.01, len(c))
        c["geometry"] = [None if g is None else affinity.translate(g, x, y)
                         for g, x, y in zip(c.geometry, dx, dy, strict=True)]
        c["id"] = c["id"] + f"-synthetic-{n}"
        c["name_zh"] = c["name_zh"] + f"(合成副本{n})"
        c["name_en"] = c["name_en"] + f" (synthetic {n})"
        c["location_source"] = "SYNTHETIC copy for load testing: " + c["location_source"]
        copies.append(c)
    return gpd.GeoDataFrame(pd.concat(copies, ignore_index=True), geometry="geometry", crs=frame.crs)
