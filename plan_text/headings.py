"""English titles of the plan's parts (篇) and chapters (章): translations, kept apart from the plan's text.

The plan was published in Chinese only. ``plan_text/data/headings_en.yaml`` gives an English title per part
and chapter, made for this project and marked as a translation wherever it is shown; beside each one it
repeats the plan's Chinese title, which must match the plan's heading verbatim, so that a translation can
never drift onto another heading unnoticed.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import settings
from fileio import DataError, read_yaml, shown_path
from plan_text.index import PlanIndex, load_plan, to_cn_numeral


@dataclass(frozen=True)
class Headings:
    """The plan's part and chapter titles in Chinese (verbatim) and English (translation), by number."""

    parts: Mapping[int, tuple[str, str]]  # part -> (zh, en)
    chapters: Mapping[int, tuple[str, str]]  # chapter -> (zh, en)

    def part(self, n: int, lang: str) -> str:
        """"第六篇 <plan's title>" in Chinese; "Part 6: <translation> (第六篇)" in English."""
        zh, en = self.parts.get(n, ("", ""))
        return _label(f"第{to_cn_numeral(n)}篇", f"Part {n}", zh, en, lang)

    def chapter(self, n: int, lang: str) -> str:
        """"第六章 <plan's title>" in Chinese; "Chapter 6: <translation> (第六章)" in English."""
        zh, en = self.chapters.get(n, ("", ""))
        return _label(f"第{to_cn_numeral(n)}章", f"Chapter {n}", zh, en, lang)


def _label(number_zh: str, number_en: str, zh: str, en: str, lang: str) -> str:
    if lang == "zh" or not en:
        return f"{number_zh} {zh}".strip()
    return f"{number_en}: {en} ({number_zh})"


def _titles(data: object, kind: str, plan_titles: Mapping[int, str], name: str) -> dict[int, tuple[str, str]]:
    """One section of the file checked against the plan: every heading translated, the Chinese verbatim."""
    if not isinstance(data, dict):
        raise DataError(f"{name}: {kind}: expected a mapping of numbers to titles")
    out: dict[int, tuple[str, str]] = {}
    for key, entry in data.items():
        where = f"{name}: {kind}.{key}"
        if not isinstance(key, int) or key not in plan_titles:
            raise DataError(f"{where}: the plan has no such {kind[:-1]}")
        if not isinstance(entry, dict) or not isinstance(entry.get("en"), str) or not entry["en"].strip():
            raise DataError(f"{where}.en: missing English title")
        if entry.get("zh") != plan_titles[key]:
            raise DataError(f"{where}.zh: {entry.get('zh')!r} is not the plan's title {plan_titles[key]!r}")
        out[key] = (plan_titles[key], " ".join(entry["en"].split()))
    missing = sorted(set(plan_titles) - set(out))
    if missing:
        raise DataError(f"{name}: {kind}: no English title for {', '.join(str(n) for n in missing)}")
    return out


def read_headings(plan: PlanIndex, path: Path | None = None) -> Headings:
    """The translations in ``path`` checked against ``plan``; a problem raises DataError naming file and field."""
    path = path or settings.PLAN_HEADINGS_EN_PATH
    name = shown_path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(f"{name}: expected 'parts' and 'chapters'")
    return Headings(parts=_titles(data.get("parts"), "parts", plan.parts, name),
                    chapters=_titles(data.get("chapters"), "chapters",
                                     {c: title for c, (_part, title) in plan.chapters.items()}, name))


@lru_cache(maxsize=1)
def load_headings() -> Headings:
    """The shipped translations for the shipped plan (cached: neither changes at run time)."""
    return read_headings(load_plan())
