# `make run` sets up and starts the app; `make test` sets up and runs the tests (CI runs this).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint browser bench load build-data

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Headless Chromium for the browser tests, from Debian's packages (no browser downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium is not installed: run 'sudo apt-get install chromium' for the browser tests"; fi; }

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

test: $(STAMP) browser
	$(PY) -m pytest -q

bench: $(STAMP) browser
	$(PY) -m bench.run

# Many visitors at once against one server over Streamlit's own websocket protocol, no browsers (bench/README.md).
load: $(STAMP)
	$(PY) -m bench.load

# Regenerate committed data from its sources (needs ../shared for the OSM extract).
build-data: $(STAMP)
	$(PY) -m geo.build_districts
	$(PY) -m layers.osm_extract
