"""One profile per planning area, kept as data (``<id>.yaml``) and checked against the plan.

A profile carries the plan's own words only: the positioning row of 专栏4 (verbatim, after
the district label) and the key areas named in it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

import settings
from fileio import DataError, DataFileError, read_yaml, shown_path
from plan_text import PlanIndex, load_plan

OFFICIAL_AREA_NOTE = (
    "Official land area as published by the municipal and district governments "
    "(Dapeng and Shenshan: their administrations' published figures)."
)


class ProfileError(DataError):
    """A profile file is invalid; the message names the file and field."""


class PlanQuote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paragraph_id: str
    quote: str = Field(min_length=2)


class KeyArea(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_zh: str
    name_en: str


class DistrictProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    name_zh: str
    name_en: str
    positioning: PlanQuote
    key_areas_phrase: str
    key_areas: list[KeyArea]
    official_area_km2: float = Field(gt=0)


def check_profile(profile: DistrictProfile, plan: PlanIndex) -> list[str]:
    """Problems with a profile's quotes against the plan (empty when every quote is verbatim)."""
    pid = profile.positioning.paragraph_id
    if pid not in plan:
        return [f"positioning.paragraph_id {pid!r} does not exist in the plan"]
    text = plan.get(pid).text
    problems = []
    if profile.positioning.quote not in text:
        problems.append(f"positioning.quote does not occur verbatim in {pid}")
    if not text.startswith(profile.name_zh):
        problems.append(f"paragraph {pid} is not the 专栏4 row of {profile.name_zh}")
    if profile.key_areas_phrase not in text:
        problems.append(f"key_areas_phrase {profile.key_areas_phrase!r} not in {pid}")
    for i, area in enumerate(profile.key_areas):
        if area.name_zh not in text:
            problems.append(f"key_areas[{i}].name_zh {area.name_zh!r} not in {pid}")
    return problems


def _validation_lines(name: str, err: ValidationError) -> list[str]:
    return [f"{name}: field {'.'.join(str(x) for x in e['loc']) or '(profile)'}: {e['msg']}" for e in err.errors()]


def load_profiles_from(directory: Path, plan: PlanIndex | None = None) -> dict[str, DistrictProfile]:
    """Every district's profile from ``directory``; raise one ProfileError listing all problems.

    Each of the eleven districts must have its file: a missing profile is an error, not a gap in the app.
    """
    plan = plan or load_plan()
    profiles: dict[str, DistrictProfile] = {}
    errors: list[str] = []
    for did in settings.DISTRICT_IDS:
        if not (directory / f"{did}.yaml").is_file():
            errors.append(f"{shown_path(directory / f'{did}.yaml')}: missing (every district needs a profile)")
    for path in sorted(directory.glob("*.yaml")):
        try:
            profile = DistrictProfile.model_validate(read_yaml(path))
        except DataFileError as exc:
            errors.append(str(exc))
            continue
        except ValidationError as exc:
            errors.extend(_validation_lines(path.name, exc))
            continue
        if profile.id != path.stem:
            errors.append(f"{path.name}: field id: {profile.id[:40]!r} does not match the file name")
            continue
        if profile.id not in settings.DISTRICT_IDS:
            errors.append(f"{path.name}: field id: {profile.id[:40]!r} is not one of the eleven districts")
            continue
        errors.extend(f"{path.name}: {p}" for p in check_profile(profile, plan))
        profiles[profile.id] = profile
    if errors:
        raise ProfileError("invalid district profiles:\n" + "\n".join(errors))
    return profiles


@lru_cache(maxsize=1)
def load_profiles() -> dict[str, DistrictProfile]:
    """The eleven shipped profiles, keyed by district id (validated once per process)."""
    return load_profiles_from(settings.DISTRICT_PROFILES_DIR)
