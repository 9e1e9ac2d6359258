"""Health check, categories, places and reference layers."""

import json
import re

import pytest
from sqlalchemy import text

from app.categories import CATEGORIES
from app.db import get_engine
from geo.geojson import COORDINATE_DECIMALS, DISPLAY_TOLERANCE_DEGREES

SIMPLIFIED = "ST_SimplifyPreserveTopology(geom, :tolerance)"


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_without_database(make_app):
    broken = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    client = broken.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] != "ok"
    response = client.get("/api/ideas/1")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert client.get("/list").status_code == 503
    streamed = client.get("/api/ideas")
    assert streamed.status_code == 503
    assert streamed.get_json()["error"]["code"] == "database_unavailable"


def test_categories_are_translated(client):
    swedish = client.get("/api/categories").get_json()
    english = client.get("/api/categories", headers={"Accept-Language": "en"}).get_json()
    assert [c["slug"] for c in swedish] == [c.slug for c in CATEGORIES]
    assert all(set(c) == {"slug", "label", "kinds"} for c in swedish)
    by_slug = {c["slug"]: c["label"] for c in english}
    assert by_slug["walking-cycling"] == "Walking and cycling"
    assert {c["slug"]: c["label"] for c in swedish}["walking-cycling"] == "Gång och cykel"


def test_place_search_ignores_case_and_accents(client):
    names = [p["name"] for p in client.get("/api/places?q=umea").get_json()]
    assert names[0] == "Umeå"
    holmsund = client.get("/api/places?q=HOLMS").get_json()
    assert holmsund[0]["name"] == "Holmsund"
    assert 63 < holmsund[0]["lat"] < 64 and 20 < holmsund[0]["lon"] < 21
    assert client.get("/api/places?q=").get_json() == []
    too_long = client.get("/api/places?q=" + "x" * 101)
    assert too_long.status_code == 422
    assert too_long.get_json()["error"]["field"] == "q"
    assert client.get("/api/places?q=" + "x" * 100).status_code == 200


@pytest.mark.parametrize(
    ("typed", "first"),
    [("Ålidhme", "Ålidhemsområdet"), ("Holmsnd", "Holmsund"), ("obola", "Obbola"),
     ("Sävarr", "Sävar"), ("Tegs", "Teg")],
)  # fmt: skip
def test_a_mistyped_place_finds_the_place_meant(client, typed, first):
    """A phone's keyboard swaps and drops letters: "no place is called that" helped nobody."""
    names = [p["name"] for p in client.get(f"/api/places?q={typed}").get_json()]
    assert names[0] == first


@pytest.mark.parametrize("typed", ["Mariehem", "mariedal", "Marieberg", "Mariehemsvägen 25"])
def test_a_place_within_an_area_finds_the_area(client, typed):
    """Marieområdet is the area of Mariehem, Mariedal and Marieberg: the names people use."""
    names = [p["name"] for p in client.get("/api/places", query_string={"q": typed}).get_json()]
    assert names == ["Marieområdet"]


def test_an_area_is_not_found_by_a_stem_too_short_or_a_name_it_merely_starts(client):
    assert client.get("/api/places?q=I20-verket").get_json() == []
    assert client.get("/api/places?q=Mari").get_json()[0]["name"] == "Marieområdet"
    names = [p["name"] for p in client.get("/api/places?q=Marhem").get_json()]
    assert "Marieområdet" not in names


def test_a_name_found_as_typed_is_not_mixed_with_near_ones(client):
    names = [p["name"] for p in client.get("/api/places?q=Teg").get_json()]
    assert names and all(n.casefold().find("teg") >= 0 for n in names)
    assert client.get("/api/places?q=xyz").get_json() == []


def test_districts_layer_has_all_121(client):
    response = client.get("/api/districts")
    assert response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    assert len(features) == 121
    assert {"name", "code"} <= set(features[0]["properties"])
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}


def test_districts_are_drawn_with_their_outline_simplified_from_the_stored_polygon(app, client):
    """The outline stored with each district is the simplification its polygon gives now,
    and follows a changed polygon (in a transaction rolled back: the districts are shared)."""
    drawn = {
        f["properties"]["code"]: f["geometry"]
        for f in client.get("/api/districts").get_json()["features"]
    }
    with app.app_context(), get_engine().connect() as conn:
        rows = conn.execute(
            text(f"SELECT code, ST_AsGeoJSON({SIMPLIFIED}, :decimals) AS g FROM districts"),
            {"tolerance": DISPLAY_TOLERANCE_DEGREES, "decimals": COORDINATE_DECIMALS},
        )
        assert drawn == {row.code: json.loads(row.g) for row in rows}
        same = conn.execute(
            text(
                "UPDATE districts SET geom = ST_Multi(ST_Buffer(geom, 0.01)) WHERE code = :code"
                f" RETURNING ST_Equals(outline, {SIMPLIFIED})"
            ),
            {"code": next(iter(drawn)), "tolerance": DISPLAY_TOLERANCE_DEGREES},
        ).scalar_one()
        conn.rollback()
    assert same


def test_area_outline(client):
    response = client.get("/api/area")
    assert response.status_code == 200
    assert response.get_json()["type"] in ("FeatureCollection", "Feature")
    response.close()


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_json_405(client):
    response = client.delete("/api/categories")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def _openapi_path(rule: str) -> str:
    """A route as the document names it: its first variable is {id}, later ones keep their
    names (/api/workshops/<id:workshop_id>/annotations/<id:annotation_id> ->
    /api/workshops/{id}/annotations/{annotation_id})."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", rule)
    parts = re.split(r"<(?:\w+:)?\w+>", rule)
    path = parts[0]
    for index, (name, part) in enumerate(zip(names, parts[1:], strict=True)):
        path += ("{id}" if index == 0 else "{" + name + "}") + part
    return path


def test_openapi_documents_every_api_route(app, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    response.close()
    assert spec["openapi"].startswith("3.")
    # Path parameters may have their own names ({status}); only their places must agree.
    documented = {
        (re.sub(r"\{\w+\}", "{id}", path), method.upper())
        for path, item in spec["paths"].items()
        for method in item
    }
    served = {
        (re.sub(r"\{\w+\}", "{id}", _openapi_path(rule.rule)), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/", "/ogc")) or rule.rule == "/healthz"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == documented
