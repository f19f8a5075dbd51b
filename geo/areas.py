"""The eleven planning areas' ids, in the order the plan lists them in 专栏4.

Defined here, at the bottom of the imports (``layers`` imports ``geo``, never the reverse), so that
the boundaries, the profiles and the catalogue share one list.
"""
from __future__ import annotations

DISTRICT_IDS: tuple[str, ...] = (
    "futian", "luohu", "yantian", "nanshan", "baoan", "longgang",
    "longhua", "pingshan", "guangming", "dapeng", "shenshan",
)
