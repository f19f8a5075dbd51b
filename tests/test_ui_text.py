"""Interface strings: every key the code asks for exists in both languages, and no key is dead."""
from __future__ import annotations

import re

import pytest

import settings
from layers.filters import VIEWS
from ui_text import TEXT, md_literal, md_text, t

# t("key", ...), t('key', ...) and t(f"prefix.{...}", ...) in the interface's sources
LITERAL = re.compile(r"""\bt\(\s*(["'])([\w.]+)\1""")
DYNAMIC = re.compile(r"""\bt\(\s*f(["'])([\w.]+)\{""")
SOURCES = [settings.ROOT / "app.py", *sorted((settings.ROOT / "interface").glob("*.py"))]


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)


def test_every_key_used_exists_in_both_languages():
    used = {m.group(2) for m in LITERAL.finditer(_source())}
    assert used, "the scan finds the keys"
    missing = sorted(used - set(TEXT))
    assert not missing, f"keys used but not defined: {missing}"
    for key in used | {f"view.{v}" for v in VIEWS}:
        zh, en = TEXT[key]
        assert zh.strip() and en.strip(), key


def test_no_key_is_unused():
    source = _source()
    used = {m.group(2) for m in LITERAL.finditer(source)}
    prefixes = tuple(m.group(2) for m in DYNAMIC.finditer(source))
    dead = sorted(k for k in TEXT if k not in used and not k.startswith(prefixes))
    assert not dead, f"keys defined but never used: {dead}"


def test_chinese_is_the_default_and_formatting_fills_both():
    assert t("title", "zh") == "深圳“十四五”规划地图"
    assert t("results.count", "en", n=3, drawn=1, district=1, none=1).startswith("3 items")
    assert t("results.count", "zh", n=3, drawn=1, district=1, none=1).startswith("共 3 项")


@pytest.mark.parametrize("text", ["![x](http://203.0.113.9/t.png)", "a ``b`` c", "<b>x</b>", "line\nbreak"])
def test_md_literal_keeps_any_text_inside_one_code_span(text):
    out = md_literal(text)
    fence = out.split(" ", 1)[0]
    assert set(fence) == {"`"} and out.endswith(" " + fence)
    inner = out[len(fence) + 1: -len(fence) - 1]
    assert fence not in inner and "\n" not in inner
    assert inner == " ".join(text.split())


@pytest.mark.parametrize("text", ["![x](http://203.0.113.9/t.png)", "[登录](https://evil.example)", "<img src=x>",
                                  ":red[x] $y$ **b** _i_ `c` www.evil.example", "OSM station 深圳北 (train)"])
def test_md_text_escapes_every_markdown_mark_and_keeps_the_characters(text):
    out = md_text(text)
    assert re.sub(r"\\(.)", r"\1", out) == text  # the reader sees the same characters
    unescaped = re.sub(r"\\.", "", out)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped), "a Markdown mark is left unescaped"
