"""The Chinese font a handout needs, and the handout's error: kept apart from the drawing (matplotlib), so that
the app can say whether a handout can be made without loading matplotlib before anyone asks for one."""
from __future__ import annotations

import os
from pathlib import Path

# Debian's fonts-noto-cjk first; SZ_PLAN_MAP_CJK_FONT names another file (a .ttc/.otf/.ttf with Chinese glyphs).
CJK_FONT_ENV = "SZ_PLAN_MAP_CJK_FONT"
CJK_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)
CJK_FAMILY = "Noto Sans CJK SC"


class HandoutError(ValueError):
    """The handout cannot be made (unknown district, no CJK font); the message says what to do."""


def find_cjk_font() -> Path:
    """The font file used for Chinese text, or a clear error naming the package to install."""
    override = os.environ.get(CJK_FONT_ENV)
    candidates = (Path(override),) if override else CJK_FONT_CANDIDATES
    for path in candidates:
        if path.is_file():
            return path
    raise HandoutError(
        "no Chinese (CJK) font found for the PDF handout: install Debian's fonts-noto-cjk "
        f"(apt-get install fonts-noto-cjk) or set {CJK_FONT_ENV} to a font file"
        + (f" (the file {override} does not exist)" if override else ""))
