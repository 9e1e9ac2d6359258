"""`flask districts load`: loading, updating by code and --if-empty."""

import json
from pathlib import Path

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


def test_invalid_file_is_refused(runner, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "Feature"}))
    result = runner.invoke(args=["districts", "load", str(bad)])
    assert result.exit_code != 0


def test_demo_pins_are_published_inside_districts(runner, client):
    result = runner.invoke(args=["demo", "pins", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Added 40 demo pins." in result.output
    features = client.get("/api/ideas?limit=100").get_json()["features"]
    assert len(features) == 40
    assert all(f["properties"]["district"] for f in features)
    assert all(f["properties"]["source"] == "import" for f in features)
    assert runner.invoke(args=["demo", "pins", "0"]).exit_code != 0
