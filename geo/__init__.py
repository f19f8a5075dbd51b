"""Geography: district boundaries, coordinate systems (WGS84/GCJ-02/BD-09) and geometry checks."""
