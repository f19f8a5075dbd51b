"""The import direction the project relies on: the UI on top, ``layers`` over ``geo``, Streamlit only in app.py."""
from __future__ import annotations

import re

import pytest

import settings

IMPORTS = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.M)


def imported(path) -> set[str]:
    return {m.group(1).split(".")[0] for m in IMPORTS.finditer(path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("path", sorted((settings.ROOT / "geo").glob("*.py")), ids=lambda p: p.name)
def test_geo_never_imports_layers(path):
    assert "layers" not in imported(path), f"{path.name} imports layers: geo must stay below layers"


@pytest.mark.parametrize("path", sorted(p for d in ("geo", "layers", "plan_text", "district_profiles")
                                        for p in (settings.ROOT / d).glob("*.py")), ids=lambda p: p.name)
def test_domain_code_does_not_import_streamlit(path):
    assert not {"streamlit", "streamlit_folium"} & imported(path), path.name
