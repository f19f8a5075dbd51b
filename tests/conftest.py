"""Shared test setup: run from the repository root so the app's relative paths resolve."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The app's own progress database goes to a throwaway directory, never the checkout's var/ (set before settings loads).
os.environ.setdefault("SZ_PLAN_DATA_DIR", tempfile.mkdtemp(prefix="sz-plan-test-data-"))
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
