"""What a server process carries for the map view: the libraries only other views or buttons need (the PDF
handout's matplotlib, the charts' altair, the schema migrations' Alembic) are loaded when they are used, so that
a server with many map visitors stays small (bench: peak RSS while serving)."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

VISIT = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
at.query_params["view"] = sys.argv[1]
at.run()
assert not at.exception, at.exception
print(" ".join(m for m in ("matplotlib", "altair", "alembic") if m in sys.modules))
"""


def _loaded(view: str) -> set[str]:
    """The libraries of interest a fresh app process has loaded after one run of ``view``, on a database an
    earlier process migrated (as every process after the first finds it)."""
    with tempfile.TemporaryDirectory(prefix="sz-plan-footprint-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "SZ_PLAN_DATABASE_URL"} | {"SZ_PLAN_DATA_DIR": data_dir}
        subprocess.run([sys.executable, "-c", "from tracking import Store; Store.open().close()"],
                       cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        out = subprocess.run([sys.executable, "-c", VISIT, view], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True)
    return set(out.stdout.split())


def test_the_map_view_loads_no_chart_pdf_or_migration_library() -> None:
    assert _loaded("map") == set()


def test_a_district_page_loads_the_chart_library_where_it_draws_charts() -> None:
    """The other side: a lazily loaded library is there when its view needs it."""
    assert _loaded("district") == {"altair"}


GC_WALK = """
import gc
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
at.run()
assert not at.exception, at.exception
gc.collect()
print(gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_the_loaded_catalogue_and_libraries_are_left_out_of_the_collectors_walks() -> None:
    """Python's full collections walk every tracked object while holding the interpreter (a rerun, and the map,
    wait); what the app loads once for the process's life is frozen out of those walks."""
    with tempfile.TemporaryDirectory(prefix="sz-plan-gc-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "SZ_PLAN_DATABASE_URL"} | {"SZ_PLAN_DATA_DIR": data_dir}
        out = subprocess.run([sys.executable, "-c", GC_WALK], cwd=ROOT, env=env, check=True, capture_output=True,
                             text=True)
    frozen, walked = (int(x) for x in out.stdout.split())
    assert frozen > 100_000  # the libraries, the catalogue and its geometries, the plan's text
    assert walked < frozen / 2  # what a collection still walks: this run's objects
