# `make run` sets up and starts the app; `make test` sets up and runs the tests (CI runs `make lint` and `make test`).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint system-packages bench load build-data

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Debian packages the tests use (no browser or server downloads): Chromium and a CJK font for the browser tests and
# the PDF handout, poppler-utils to read the handout back, the PostgreSQL server (the tracking tests start a throwaway
# one), nginx (the two-instance proxy test; its service is not used) and strace (the quiet-start test).
SYSTEM_PACKAGES := chromium fonts-noto-cjk poppler-utils postgresql nginx strace
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:" $$missing "(sudo apt-get install them); the tests needing them are skipped"; fi; fi

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

test: $(STAMP) system-packages
	$(PY) -m pytest -q

bench: $(STAMP) system-packages
	$(PY) -m bench.run

# Many visitors at once against one server over Streamlit's own websocket protocol, no browsers (bench/README.md).
load: $(STAMP)
	$(PY) -m bench.load

# Regenerate committed data from its sources (needs ../shared for the OSM extract).
build-data: $(STAMP)
	$(PY) -m geo.build_districts
	$(PY) -m layers.osm_extract
	$(PY) -m layers.references build
