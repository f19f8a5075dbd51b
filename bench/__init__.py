"""Benchmark of the app against a static Leaflet baseline (python -m bench.run)."""
