"""The plan's layers as an OGC API – Features service, served by pygeoapi.

``python -m ogcapi --host 127.0.0.1 --port 5000`` writes the districts and the catalogue
items (from the same loaders as the app) into a data directory, makes it read-only and
serves it, so QGIS, ArcGIS or GDAL can add the layers by URL. Nothing here imports
Streamlit; the protocol itself is pygeoapi's.
"""
