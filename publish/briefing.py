"""What the app's briefing features need below the interface: the handout's file name and the tracked
statuses it lists, and stepping through a tour.

Kept apart from Streamlit so the rules (which statuses go into a handout, what a file is called, which step
comes next) are tested without a browser.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from publish.fonts import HandoutError, find_cjk_font
from publish.tour import Tour
from tracking.frame import NO_RECORD, tracked_label


def handout_file_name(district_id: str | None, today: date) -> str:
    """Says what is in the file once it sits in a downloads folder: the area and the day it was made."""
    return f"shenzhen-14fyp-handout-{district_id or 'city'}-{today.isoformat()}.pdf"


def handout_statuses(frame: pd.DataFrame) -> dict[str, str] | None:
    """Item id -> its tracked status as "中文 English" for the handout's table, or None when no item in
    ``frame`` has a record yet (the table then leaves the column out instead of listing "no record")."""
    if "tracked_status" not in frame.columns or not (frame["tracked_status"] != NO_RECORD).any():
        return None
    return {str(i): " ".join(tracked_label(str(k)))
            for i, k in zip(frame["id"], frame["tracked_status"], strict=True)}


def handout_unavailable() -> str | None:
    """Why no handout can be made on this server (no CJK font), checked before a button is offered:
    the PDF is built only when clicked, when there is no page left to show an error on."""
    try:
        find_cjk_font()
    except HandoutError as exc:
        return str(exc)
    return None


def step_id(tour: Tour, wanted: str | None) -> str:
    """The step shown: the one asked for if the tour has it, else the first."""
    ids = [s.id for s in tour.steps]
    return wanted if wanted in ids else ids[0]


def neighbour(tour: Tour, current: str, offset: int) -> str | None:
    """The step ``offset`` places from ``current`` (None past either end: the tour does not wrap)."""
    i = tour.index_of(current) + offset
    return tour.steps[i].id if 0 <= i < len(tour.steps) else None
