"""The plan's text split into parts (篇), chapters (章), sections (节), columns (专栏) and paragraphs.

Every citation in the app points at a paragraph id from this index, so the ids must be
stable: they are derived only from the plan's own numbering, never from line positions.

Id scheme:
- ``preface-p03``: third paragraph of the preface (前言).
- ``part08-p01``: a paragraph between a part heading and its first chapter.
- ``ch06-s00-p01``: a chapter's introduction, before its first section.
- ``ch06-s03-p05``: fifth paragraph of chapter 6, section 3. Rows of a 专栏 are paragraphs
  of the section they stand in; the column heading itself is one too.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import settings
from fileio import read_text

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_PART_RE = re.compile(r"^第([一二三四五六七八九十]+)篇\s+(.+)$")
_CHAPTER_RE = re.compile(r"^第([一二三四五六七八九十]+)章\s+(.+)$")
_SECTION_RE = re.compile(r"^第([一二三四五六七八九十]+)节\s+(.+)$")
_COLUMN_RE = re.compile(r"^专栏(\d+)[::](.+)$")
# A column row opens with a short label and a colon ("空港:完成…"); ordinary paragraphs
# open with a sentence ending in "。" instead.
_COLUMN_ROW_RE = re.compile(r"^[^。,,;;]{1,24}[::]")


def cn_numeral(text: str) -> int:
    """Parse the small Chinese numerals the plan uses for its numbering (一 … 十九)."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1:]]
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the plan body with its place in the plan's structure."""

    id: str
    text: str
    line_no: int
    part_no: int | None
    part_title: str | None
    chapter_no: int | None
    chapter_title: str | None
    section_no: int | None
    section_title: str | None
    column_no: int | None = None
    column_title: str | None = None

    def _citation(self, labels: dict[str, Callable[[int], str]], sep: str, preface: str) -> str:
        numbers = (("part", self.part_no), ("chapter", self.chapter_no),
                   ("section", self.section_no), ("column", self.column_no))
        bits = [labels[kind](n) for kind, n in numbers if n]
        return sep.join(bits or [preface]) + f" ({self.id})"

    @property
    def citation_zh(self) -> str:
        """Human-readable location in the plan, in Chinese."""
        return self._citation({"part": lambda n: f"第{to_cn_numeral(n)}篇",
                               "chapter": lambda n: f"第{to_cn_numeral(n)}章",
                               "section": lambda n: f"第{to_cn_numeral(n)}节",
                               "column": lambda n: f"专栏{n}"},
                              " · ", "前言")

    @property
    def citation_en(self) -> str:
        return self._citation({"part": lambda n: f"Part {n}", "chapter": lambda n: f"Chapter {n}",
                               "section": lambda n: f"Section {n}", "column": lambda n: f"Box {n}"},
                              ", ", "Preface")


def to_cn_numeral(n: int) -> str:
    """The plan's own numbering for headings (6 → 六, 19 → 十九), the inverse of ``cn_numeral``."""
    inv = {v: k for k, v in _CN_DIGITS.items()}
    if n < 10:
        return inv[n]
    if n == 10:
        return "十"
    if n < 20:
        return "十" + inv[n - 10]
    return inv[n // 10] + "十" + (inv[n % 10] if n % 10 else "")


@dataclass
class PlanIndex:
    """All paragraphs in reading order, with lookups by id and by heading."""

    paragraphs: list[Paragraph]
    parts: dict[int, str] = field(default_factory=dict)
    chapters: dict[int, tuple[int, str]] = field(default_factory=dict)  # chapter -> (part, title)
    sections: dict[tuple[int, int], str] = field(default_factory=dict)
    columns: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {p.id: p for p in self.paragraphs}
        if len(self._by_id) != len(self.paragraphs):
            raise ValueError("paragraph ids are not unique")

    def get(self, paragraph_id: str) -> Paragraph:
        try:
            return self._by_id[paragraph_id]
        except KeyError:
            raise KeyError(f"unknown plan paragraph id {paragraph_id!r}") from None

    def __contains__(self, paragraph_id: object) -> bool:
        return paragraph_id in self._by_id

    def find(self, quote: str) -> list[Paragraph]:
        """Paragraphs whose text contains ``quote`` verbatim."""
        return [p for p in self.paragraphs if quote in p.text]

    def in_chapter(self, chapter_no: int) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.chapter_no == chapter_no]

    @property
    def full_text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def parse_plan(text: str) -> PlanIndex:
    """Split the plan's body into cited paragraphs.

    The file holds the publication notice and the table of contents before the body;
    the body begins at the second "前言" (spaced with a no-break space there).
    """
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if re.sub(r"\s", "", line) == settings.PLAN_BODY_MARKER]
    if len(starts) < 2:
        raise ValueError("plan text: cannot find the start of the body (second '前言')")
    body_start = starts[1]

    paragraphs: list[Paragraph] = []
    parts: dict[int, str] = {}
    chapters: dict[int, tuple[int, str]] = {}
    sections: dict[tuple[int, int], str] = {}
    columns: dict[int, str] = {}
    part_no = chapter_no = section_no = None
    part_title = chapter_title = section_title = None
    column_no: int | None = None
    column_title: str | None = None
    counter = 0

    def next_id() -> str:
        nonlocal counter
        counter += 1
        if chapter_no is None and part_no is None:
            return f"preface-p{counter:02d}"
        if chapter_no is None:
            return f"part{part_no:02d}-p{counter:02d}"
        return f"ch{chapter_no:02d}-s{section_no or 0:02d}-p{counter:02d}"

    for offset, raw in enumerate(lines[body_start + 1:], start=body_start + 2):
        line = raw.strip()
        if not line or line == "image.png":
            continue
        if m := _PART_RE.match(line):
            part_no, part_title = cn_numeral(m[1]), m[2].strip()
            parts[part_no] = part_title
            chapter_no = section_no = None
            chapter_title = section_title = None
            column_no = column_title = None
            counter = 0
            continue
        if m := _CHAPTER_RE.match(line):
            chapter_no, chapter_title = cn_numeral(m[1]), m[2].strip()
            chapters[chapter_no] = (part_no or 0, chapter_title)
            section_no = section_title = None
            column_no = column_title = None
            counter = 0
            continue
        if m := _SECTION_RE.match(line):
            section_no, section_title = cn_numeral(m[1]), m[2].strip()
            sections[(chapter_no or 0, section_no)] = section_title
            column_no = column_title = None
            counter = 0
            continue
        if m := _COLUMN_RE.match(line):
            column_no, column_title = int(m[1]), m[2].strip()
            columns[column_no] = column_title
        elif column_no is not None and not _COLUMN_ROW_RE.match(line):
            column_no = column_title = None
        paragraphs.append(
            Paragraph(
                id=next_id(),
                text=line,
                line_no=offset,
                part_no=part_no,
                part_title=part_title,
                chapter_no=chapter_no,
                chapter_title=chapter_title,
                section_no=section_no,
                section_title=section_title,
                column_no=column_no,
                column_title=column_title,
            )
        )
    return PlanIndex(paragraphs, parts, chapters, sections, columns)


@lru_cache(maxsize=1)
def load_plan(path: Path | None = None) -> PlanIndex:
    """Load and index the plan shipped with the project (cached: it never changes at run time)."""
    path = path or settings.PLAN_TEXT_PATH
    return parse_plan(read_text(path))
