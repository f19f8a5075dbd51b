"""The plan's projects: the catalogue, how each item is located, and the map layers built from it."""
