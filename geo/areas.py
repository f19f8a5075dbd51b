"""The eleven planning areas' ids, in the order the plan lists them in 专栏4.

The list itself is ``settings.DISTRICT_IDS`` (the loaders check data files against it); this name is where
``geo`` and the code above it import it from (``layers`` imports ``geo``, never the reverse).
"""
from __future__ import annotations

from settings import DISTRICT_IDS

__all__ = ["DISTRICT_IDS"]
