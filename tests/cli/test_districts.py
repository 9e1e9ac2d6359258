"""`flask districts load`: loading, updating by code and --if-empty."""

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import get_engine


def _districts(app):
    with app.app_context(), get_engine().connect() as conn:
        return conn.execute(
            text("SELECT code, name, population FROM districts ORDER BY code")
        ).all()


def test_if_empty_does_nothing_when_loaded(runner, app):
    result = runner.invoke(args=["districts", "load", "data/umea_stadsdelar.geojson", "--if-empty"])
    assert result.exit_code == 0
    assert "already loaded" in result.output
    assert len(_districts(app)) == 121


def test_reload_updates_by_code_with_population(runner, app, tmp_path):
    source = json.loads(Path("data/umea_stadsdelar.geojson").read_text(encoding="utf-8"))
    feature = source["features"][0]
    feature["properties"]["pop"] = 4321
    one = tmp_path / "one.geojson"
    one.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = runner.invoke(args=["districts", "load", str(one), "--population-field", "pop"])
    assert result.exit_code == 0, result.output
    rows = {code: (name, pop) for code, name, pop in _districts(app)}
    assert len(rows) == 121
    assert rows[str(feature["properties"]["id"])] == (feature["properties"]["name"], 4321)
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text("UPDATE districts SET population = NULL"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (json.dumps({"type": "Feature"}), "file: The file must be a GeoJSON FeatureCollection."),
        ("{not json", "file: The file is not readable GeoJSON: Expecting property name"),
        (b"\xff\xfe\x00binary", "file: The file is not readable GeoJSON: 'utf-8' codec"),
        ("[1, 2]", "file: The file must be a GeoJSON FeatureCollection."),
        (
            json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}]}),
            "features[0]: The feature has no readable geometry.",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"id": "x", "name": "Bowtie"},
                            "geometry": {
                                "type": "Polygon",
                                "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                            },
                        }
                    ],
                }
            ),
            "features[0]: The polygon is not valid.",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"name": "No code"},
                            "geometry": {
                                "type": "Polygon",
                                "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                            },
                        }
                    ],
                }
            ),
            "a feature has no property 'id'",
        ),
    ],
)
def test_broken_files_get_one_clear_line_and_exit_1(runner, app, tmp_path, content, message):
    bad = tmp_path / "bad.geojson"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content)
    result = runner.invoke(args=["districts", "load", str(bad)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"Error: {bad}: {message}" in result.output or f"Error: {message}" in result.output
    assert len(_districts(app)) == 121  # nothing half-loaded


def test_a_missing_file_is_a_usage_error(runner):
    result = runner.invoke(args=["districts", "load", "/nonexistent.geojson"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_a_bad_population_names_the_district(runner, app, tmp_path):
    source = json.loads(Path("data/umea_stadsdelar.geojson").read_text(encoding="utf-8"))
    feature = source["features"][0]
    feature["properties"]["pop"] = "many"
    one = tmp_path / "one.geojson"
    one.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = runner.invoke(args=["districts", "load", str(one), "--population-field", "pop"])
    assert result.exit_code == 1
    code = feature["properties"]["id"]
    assert f"Error: district {code}: population 'many' is not a whole number" in result.output


def test_demo_pins_are_published_inside_districts(runner, client):
    result = runner.invoke(args=["demo", "pins", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Added 40 demo pins." in result.output
    features = client.get("/api/ideas?limit=100").get_json()["features"]
    assert len(features) == 40
    assert all(f["properties"]["district"] for f in features)
    assert all(f["properties"]["source"] == "import" for f in features)
    assert runner.invoke(args=["demo", "pins", "0"]).exit_code != 0


def _populations(app):
    return {code: pop for code, _name, pop in _districts(app) if pop is not None}


def test_population_from_a_swedish_excel_csv(runner, app, tmp_path):
    """Semicolons and a BOM, as Excel in Swedish saves a CSV; other districts keep theirs."""
    csv = tmp_path / "befolkning.csv"
    csv.write_bytes("\ufeffkod;invånare\n1;4321\n2;0\n".encode())
    try:
        result = runner.invoke(
            args=["districts", "population", str(csv), "--code-field", "kod",
                  "--population-field", "invånare"]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert f"Set the population of 2 districts from {csv}." in result.output
        assert _populations(app) == {"1": 4321, "2": 0}
        csv.write_text("code,population\n3,10\n", encoding="utf-8")
        assert runner.invoke(args=["districts", "population", str(csv)]).exit_code == 0
        assert _populations(app) == {"1": 4321, "2": 0, "3": 10}
    finally:
        with app.app_context(), get_engine().begin() as conn:
            conn.execute(text("UPDATE districts SET population = NULL"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,population\n1,100\nnope,5\n", "no district has the code 'nope'"),
        ("code,population\n1,100\nx,1\ny,2\n", "no district has the code 'x' (and 1 more)"),
        ("code,population\n1,12.5\n", "line 2: population '12.5' of district 1 is not a whole"),
        ("code,population\n1,-3\n", "line 2: population '-3' of district 1 is not a whole"),
        ("code,population\n1,\n", "line 2: population '' of district 1 is not a whole number"),
        ("code,population\n1,5\n1,6\n", "line 3: district 1 appears twice"),
        ("code,population\n,5\n", "line 2: no district code"),
        ("district,pop\n1,5\n", "the header needs the columns 'code' and 'population'"),
        ("code,population\n", "no rows"),
    ],
)
def test_population_errors_are_one_line_and_change_nothing(runner, app, tmp_path, content, message):
    csv = tmp_path / "pop.csv"
    csv.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["districts", "population", str(csv)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"Error: {csv}: {message}" in result.output
    assert _populations(app) == {}


def test_population_from_a_file_that_is_not_text(runner, app, tmp_path):
    csv = tmp_path / "pop.csv"
    csv.write_bytes(b"\xff\xfe\x00\x01binary")
    result = runner.invoke(args=["districts", "population", str(csv)])
    assert result.exit_code == 1
    assert f"Error: {csv}: not a readable UTF-8 CSV file" in result.output


def test_demo_pins_are_not_cut_by_the_web_statement_timeout(make_app):
    """Bulk commands are for operators: the 30 s limit for requests does not apply to them."""
    slow_limit = make_app(DB_STATEMENT_TIMEOUT_MS=50)
    result = slow_limit.test_cli_runner().invoke(args=["demo", "pins", "2000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Added 2000 demo pins." in result.output
