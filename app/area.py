"""The area the app serves (AREA_FILE, the municipality's outline), read once per file."""

from __future__ import annotations

from flask import current_app

from geo.crs import AreaOfInterest, load_area


def configured_area() -> AreaOfInterest:
    """The area of this app's AREA_FILE (geo.crs.load_area keeps each file it has read)."""
    return load_area(str(current_app.config["AREA_FILE"]))
