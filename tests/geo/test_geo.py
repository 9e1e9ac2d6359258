"""geo/: validation and area of interest, without Flask."""

import math
import sys

import pytest

from app.config import DATA_DIR
from geo.crs import load_area
from geo.errors import GeometryError
from geo.validate import parse_bbox, parse_point

AREA = load_area(str(DATA_DIR / "umea_kommun.geojson"))


def test_geo_does_not_import_flask():
    import subprocess

    code = (
        "import geo.validate, geo.geojson, geo.crs, geo.lookup, geo.filters, geo.read, sys; "
        "print('flask' in sys.modules, 'app' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_area_bounds_match_the_source():
    min_lon, min_lat, max_lon, max_lat = AREA.bounds
    assert math.isclose(min_lon, 19.681, abs_tol=0.01)
    assert math.isclose(max_lat, 64.394, abs_tol=0.01)


def test_points_inside_and_outside():
    assert parse_point({"type": "Point", "coordinates": [20.263, 63.8258]}, AREA).x == 20.263
    with pytest.raises(GeometryError) as err:
        parse_point({"type": "Point", "coordinates": [63.8258, 20.263]}, AREA)
    assert err.value.code == "outside_area"
    with pytest.raises(GeometryError):
        parse_point({"type": "Point", "coordinates": [float("nan"), 63.8]}, AREA)
    with pytest.raises(GeometryError):  # Vännäs, just outside the municipality
        parse_point({"type": "Point", "coordinates": [19.75, 63.91]}, AREA)


@pytest.mark.parametrize("raw", ["1,2,3", "1,2,3,4,5", ",,,", "1,2,x,4", "2,1,1,2", "1,nan,2,3"])
def test_bad_bbox(raw):
    with pytest.raises(GeometryError):
        parse_bbox(raw)


def test_good_bbox():
    assert parse_bbox(" 20.1, 63.7 ,20.4,63.9") == (20.1, 63.7, 20.4, 63.9)
