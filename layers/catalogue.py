"""Loading and checking the project catalogue (the YAML files under ``layers/catalogue/``).

Checks that need the plan text (quotes verbatim in their paragraph, stage phrase inside
the paragraph, ids unique across files) run here too, so that a bad record is reported
with its file and id when the data is loaded rather than showing up wrong on the map.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

import settings
from fileio import DataError, DataFileError, read_yaml, shown_path
from layers.schema import CatalogueItem
from layers.stages import problems as stage_problems
from plan_text import PlanIndex, load_plan


class CatalogueError(DataError):
    """A catalogue file or record is invalid; the message names the file, item and field."""


@dataclass(frozen=True)
class SourcedItem:
    """A validated item with the file it came from (for error messages and provenance)."""

    item: CatalogueItem
    source_file: str


def _format_validation(path: Path, index: int, raw: object, err: ValidationError) -> str:
    ident = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
    ident = str(ident)[:80]
    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(item)"
        lines.append(f"{path.name}: item {ident}: field {loc}: {e['msg']}")
    return "\n".join(lines)


def check_citations(item: CatalogueItem, plan: PlanIndex) -> list[str]:
    """Problems with an item's citations against the plan text (empty when all is well)."""
    problems: list[str] = []
    cites = [(item.paragraph_id, item.quote)] + [(c.paragraph_id, c.quote) for c in item.other_citations]
    for pid, quote in cites:
        if pid not in plan:
            problems.append(f"paragraph_id {pid!r} does not exist in the plan")
            continue
        if quote not in plan.get(pid).text:
            problems.append(f"quote {quote!r} does not occur verbatim in paragraph {pid}")
    cited = [pid for pid, _ in cites if pid in plan]
    if cited and not any(item.stage_phrase in plan.get(pid).text for pid in cited):
        problems.append(f"stage_phrase {item.stage_phrase!r} does not occur in paragraph {item.paragraph_id}"
                        " or in another paragraph the item cites")
    problems.extend(stage_problems(item.stage_phrase, item.plan_stage))
    return problems


def load_items(directory: Path | None = None, plan: PlanIndex | None = None) -> list[SourcedItem]:
    """Read, validate and cross-check every catalogue file; raise one error listing all problems."""
    directory = directory or settings.CATALOGUE_DIR
    plan = plan or load_plan()
    errors: list[str] = []
    items: list[SourcedItem] = []
    seen: dict[str, str] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CatalogueError(f"{shown_path(directory)}: no catalogue files (*.yaml) found")
    for path in files:
        try:
            data = read_yaml(path)
        except DataFileError as exc:
            # an empty or comment-only file is an error too: its items would otherwise vanish silently
            errors.append(str(exc))
            continue
        if not isinstance(data, list) or not data:
            errors.append(f"{path.name}: expected a non-empty list of items at the top level")
            continue
        for i, raw in enumerate(data):
            try:
                item = CatalogueItem.model_validate(raw)
            except ValidationError as exc:
                errors.append(_format_validation(path, i, raw, exc))
                continue
            if item.id in seen:
                errors.append(f"{path.name}: item {item.id}: duplicate id (also in {seen[item.id]})")
                continue
            seen[item.id] = path.name
            for problem in check_citations(item, plan):
                errors.append(f"{path.name}: item {item.id}: {problem}")
            items.append(SourcedItem(item, path.name))
    if errors:
        raise CatalogueError("invalid catalogue:\n" + "\n".join(errors))
    return items


@lru_cache(maxsize=1)
def load_sourced() -> tuple[SourcedItem, ...]:
    """The shipped catalogue with each item's file, validated once per process."""
    return tuple(load_items())


def load_catalogue() -> tuple[CatalogueItem, ...]:
    """The shipped catalogue, validated once per process."""
    return tuple(s.item for s in load_sourced())
