"""POST /api/ideas/import: a planner brings in pins from paper or a GeoJSON file, all or none.

Every feature is validated as a citizen's pin; one refused names `features[i].<field>` and
stores nothing. Valid batches land with their districts, held words and source, and the map
and the list show them at once."""

from __future__ import annotations

import io
import json
import math
import re
import threading
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import text

from app.db import get_engine
from app.planning.imports import BAND_DEGREES, MAX_IMPORT_FEATURES
from tests.conftest import (
    CENTRE,
    DISTRICTS_FILE,
    HOLMSUND,
    Api,
    count_pins,
    create_user,
    pin_feature,
    sign_in,
    statements_sent,
)
from tests.pins import random_points

IMPORT = "/api/ideas/import"
EN = {"Accept-Language": "en"}
WHOLE_MUNICIPALITY = "bbox=19,63,22,65&zoom=8"


def collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    """A FeatureCollection of `features` with top-level `members` (source, name, crs...)."""
    return {"type": "FeatureCollection", **members, "features": features}


def pins_at(points: list[tuple[float, float]], **properties: Any) -> list[dict[str, Any]]:
    """A pin Feature at each point, titled by its place in the list."""
    return [pin_feature(p, title=f"Från enkäten {i}", **properties) for i, p in enumerate(points)]


def _sql(app, query: str, **params: Any) -> list[Any]:
    with app.app_context(), get_engine().begin() as conn:
        return conn.execute(text(query), params).all()


def _run(app, statement: str, **params: Any) -> None:
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text(statement), params)


def _district_oracle(points: list[tuple[float, float]]) -> list[str | None]:
    """The district name of each point by Shapely over the source file (None outside all)."""
    districts = json.loads(Path(DISTRICTS_FILE).read_text(encoding="utf-8"))["features"]
    shapes = [(shape(f["geometry"]), f["properties"]["name"]) for f in districts]
    return [next((name for s, name in shapes if s.covers(Point(p))), None) for p in points]


# --- Who may -------------------------------------------------------------------------------


def test_only_signed_in_planners_may_import(app, api, staff):
    body = collection(pins_at([CENTRE]))
    assert api.post("/api/ideas", pin_feature()).status_code == 201  # a citizen, with a pin
    login_required = {"code": "login_required", "message": "Logga in som planerare.", "field": None}
    for visitor in (Api(app.test_client()), api):  # anonymous; a citizen's session
        response = visitor.post(IMPORT, body)
        assert response.status_code == 401
        assert response.get_json()["error"] == login_required
    assert count_pins(app) == 1
    for role in ("planner", "moderator", "admin"):  # every role has the planner's rights
        own = collection([pin_feature(CENTRE, title=f"Från enkäten, som {role}")])
        response = staff(role).post(IMPORT, own)
        assert response.status_code == 201, (role, response.get_json())
    assert count_pins(app) == 4


def test_the_csrf_token_is_required_of_a_planner(app, staff):
    planner = staff("planner")
    response = planner.client.post(IMPORT, json=collection(pins_at([CENTRE])))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "X-CSRFToken"
    assert count_pins(app) == 0


# --- A valid batch -------------------------------------------------------------------------


def test_300_pins_land_with_districts_and_show_at_once(app, api, staff):
    points = random_points(300, seed=8)
    response = staff("planner").post(IMPORT, collection(pins_at(points), source="paper"))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["created"], body["held"], len(body["ids"])) == (300, 0, 300)
    assert body["ids"] == sorted(body["ids"])  # in the order of the features
    stored = _sql(
        app,
        "SELECT id, title, source, status, visibility FROM ideas WHERE id = ANY(:ids)",
        ids=body["ids"],
    )
    titles = {row.id: row.title for row in stored}
    assert [titles[i] for i in body["ids"]] == [f"Från enkäten {i}" for i in range(300)]
    assert {(r.source, r.status, r.visibility) for r in stored} == {("paper", "new", "published")}
    # The map (no fold in tests: the delta log counts) and the list show all of them now.
    clusters = api.get(f"/api/map/clusters?{WHOLE_MUNICIPALITY}").get_json()
    assert sum(f["properties"]["count"] for f in clusters["features"]) == 300
    listed = api.get("/api/ideas?limit=1000&source=paper").get_json()["features"]
    assert sorted(f["id"] for f in listed) == body["ids"]
    # Each district is the one Shapely finds in the source file.
    district = {f["id"]: f["properties"]["district"] for f in listed}
    assert [district[i] for i in body["ids"]] == _district_oracle(points)


def test_districts_agree_with_the_citizen_form(app, api, staff):
    points = [CENTRE, HOLMSUND, (20.5484, 63.8949), (19.9109, 63.6207), *random_points(6, seed=3)]
    imported = staff("planner").post(IMPORT, collection(pins_at(points))).get_json()["ids"]
    for idea_id, point in zip(imported, points, strict=True):
        citizen = api.post("/api/ideas", pin_feature(point)).get_json()
        own = api.get(f"/api/ideas/{idea_id}").get_json()
        assert own["properties"]["district"] == citizen["properties"]["district"]
        assert own["properties"]["district_id"] == citizen["properties"]["district_id"]
        assert own["geometry"] == citizen["geometry"]
        assert own["properties"]["source"] == "import"  # the default


def test_the_largest_batch_is_accepted_and_one_more_is_refused(app, staff):
    planner = staff("planner")
    points = random_points(MAX_IMPORT_FEATURES + 1, seed=4)
    too_many = planner.post(IMPORT, collection(pins_at(points)), headers=EN)
    assert too_many.status_code == 422
    assert too_many.get_json()["error"] == {
        "code": "too_many_features",
        "message": "An import takes at most 1,000 pins; this one has 1,001. Split it.",
        "field": "features",
    }
    assert count_pins(app) == 0
    largest = planner.post(IMPORT, collection(pins_at(points[:-1])))
    assert largest.status_code == 201
    assert largest.get_json()["created"] == MAX_IMPORT_FEATURES
    assert count_pins(app) == MAX_IMPORT_FEATURES


def test_a_listed_word_holds_just_that_pin(app, api, staff):
    staff("moderator").post("/api/moderation/words", {"word": "idiot"})
    features = pins_at([CENTRE, HOLMSUND, CENTRE])
    features[1]["properties"]["body"] = "Vilken IDIOT som planerade korsningen!"
    body = staff("planner").post(IMPORT, collection(features)).get_json()
    assert (body["created"], body["held"]) == (3, 1)
    first, held, last = body["ids"]
    visibility = dict(_sql(app, "SELECT id, visibility FROM ideas"))
    assert visibility == {first: "published", held: "held", last: "published"}
    history = "SELECT idea_id, user_id, action, from_value, to_value, reason FROM idea_history"
    assert _sql(app, history) == [(held, None, "hold_words", None, "held", "idiot")]
    listed = api.get("/api/ideas").get_json()["features"]
    assert sorted(f["id"] for f in listed) == [first, last]
    clusters = api.get(f"/api/map/clusters?{WHOLE_MUNICIPALITY}").get_json()
    assert sum(f["properties"]["count"] for f in clusters["features"]) == 2


def test_html_is_kept_as_text_as_the_citizen_form_keeps_it(app, api, staff):
    """Markup is not refused (nor by the citizen form): it is stored and served as text."""
    features = pins_at([CENTRE])
    features[0]["properties"]["title"] = "<b><i></i></b>"
    ids = staff("planner").post(IMPORT, collection(features)).get_json()["ids"]
    assert api.get(f"/api/ideas/{ids[0]}").get_json()["properties"]["title"] == "<b><i></i></b>"
    citizen = api.post("/api/ideas", pin_feature(title="<b><i></i></b>"))
    assert citizen.status_code == 201


def test_foreign_members_of_a_gis_file_are_ignored(app, staff):
    """QGIS writes `name` and `crs`; features may carry an `id` and other properties."""
    features = pins_at([CENTRE])
    features[0]["id"] = 7
    features[0]["properties"].update(fid=1, status="done", visibility="hidden")
    body = collection(
        features,
        name="enkat_2025",
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    )
    response = staff("planner").post(IMPORT, body)
    assert response.status_code == 201
    assert _sql(app, "SELECT status, visibility FROM ideas") == [("new", "published")]


# --- Refusals: nothing is stored -------------------------------------------------------------

OUTSIDE = (18.0686, 59.3293)  # Stockholm


def _with_feature_3(change) -> dict[str, Any]:
    """Five valid pins, the fourth (features[3]) changed by `change`."""
    features = pins_at(random_points(5, seed=9))
    change(features[3])
    return collection(features)


def _set(path: str, value: Any):
    """A change setting a member of the feature: "properties.title", "geometry"."""

    def change(feature: dict[str, Any]) -> None:
        *parents, name = path.split(".")
        target = feature
        for parent in parents:
            target = target[parent]
        target[name] = value

    return change


@pytest.mark.parametrize(
    ("change", "code", "field", "message"),
    [
        (_set("geometry.coordinates", list(OUTSIDE)), "outside_area",
         "features[3].geometry.coordinates", "The place is outside the area this map covers."),
        (_set("geometry", {"type": "LineString", "coordinates": [[20.2, 63.8], [20.3, 63.8]]}),
         "invalid_geometry", "features[3].geometry.type",
         "Geometry must be a GeoJSON Point (or a MultiPoint of one point)."),
        (_set("geometry.coordinates", [20.26]), "invalid_geometry",
         "features[3].geometry.coordinates",
         "A Point needs two or three coordinates: [longitude, latitude(, altitude)]."),
        (_set("properties.category", "unicorns"), "invalid_choice", "features[3].category",
         "category must be one of: traffic, walking-cycling, public-transport, parks-nature, "
         "safety, housing-buildings, culture-leisure, children-youth, environment-climate, "
         "accessibility, other."),
        (_set("properties.kind", "complaint"), "invalid_choice", "features[3].kind",
         "kind must be one of: idea, concern."),
        (_set("properties.title", "ab"), "too_short", "features[3].title",
         "Write at least 3 characters."),
        (_set("properties.title", "   "), "required", "features[3].title",
         "This field is required."),
        (_set("properties.title", "bell\x07 ringing"), "invalid_character", "features[3].title",
         "This field contains an invisible or control character (U+0007)."),
        (_set("properties.author_name", "n" * 81), "too_long", "features[3].author_name",
         "Write at most 80 characters."),
        (_set("properties", ["idea"]), "invalid_field", "features[3].properties",
         "properties must be an object."),
        (_set("type", "Polygon"), "invalid_feature", "features[3].type",
         "Each item of features must be a GeoJSON Feature."),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("features") else "",
)  # fmt: skip
def test_one_bad_feature_refuses_the_batch_naming_it(app, staff, change, code, field, message):
    response = staff("planner").post(IMPORT, _with_feature_3(change), headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {"code": code, "message": message, "field": field}
    assert count_pins(app) == 0


def test_a_feature_that_is_not_an_object_is_named(app, staff):
    body = collection([*pins_at([CENTRE]), "POINT(20.26 63.82)"])
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.get_json()["error"]["field"] == "features[1].type"
    assert count_pins(app) == 0


def test_a_non_finite_coordinate_is_refused(app, staff):
    """JSON has no NaN: a file with one is not JSON (400, as on every route); a number too
    large for a float (1e999) is JSON, and refused as the feature's coordinate (422)."""
    planner = staff("planner")
    raw = json.dumps(_with_feature_3(_set("geometry.coordinates", [12345.5, 63.8])))
    for constant, status, field in (
        ("NaN", 400, None),
        ("1e999", 422, "features[3].geometry.coordinates"),
    ):
        response = planner.post(
            IMPORT,
            data=raw.replace("12345.5", constant),
            headers={"Content-Type": "application/json", **EN},
        )
        assert response.status_code == status
        error = response.get_json()["error"]
        assert error["field"] == field
        if status == 422:
            assert error["message"] == "Coordinates must be finite numbers."
        else:
            assert error == {
                "code": "invalid_json",
                "message": "The body is not valid JSON.",
                "field": None,
            }
    assert count_pins(app) == 0


def test_the_message_comes_in_the_planners_language(staff):
    response = staff("planner").post(IMPORT, _with_feature_3(_set("properties.title", "ab")))
    assert response.get_json()["error"] == {
        "code": "too_short",
        "message": "Skriv minst 3 tecken.",
        "field": "features[3].title",
    }


@pytest.mark.parametrize(
    ("body", "code", "field", "message"),
    [
        (pin_feature(), "invalid_feature_collection", "type",
         "The body must be a GeoJSON FeatureCollection."),
        ([pin_feature()], "invalid_feature_collection", "type",
         "The body must be a GeoJSON FeatureCollection."),
        (collection([]), "invalid_features", "features",
         "features must be a list of 1 to 1,000 Features."),
        ({"type": "FeatureCollection"}, "invalid_features", "features",
         "features must be a list of 1 to 1,000 Features."),
        (collection(pins_at([CENTRE]), source="web"), "invalid_choice", "source",
         "The source must be paper or import."),
        (collection(pins_at([CENTRE]), source="workshop"), "invalid_choice", "source",
         "The source must be paper or import."),
        (collection(pins_at([CENTRE]), source=None), "invalid_choice", "source",
         "The source must be paper or import."),
        (collection(pins_at([CENTRE]), source=["paper"]), "invalid_choice", "source",
         "The source must be paper or import."),
    ],
)  # fmt: skip
def test_the_collection_itself_is_checked(app, staff, body, code, field, message):
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {"code": code, "message": message, "field": field}
    assert count_pins(app) == 0


@pytest.mark.parametrize("source", ["paper", "import"])
def test_the_source_is_stored(app, staff, source):
    response = staff("planner").post(IMPORT, collection(pins_at([CENTRE]), source=source))
    assert response.status_code == 201
    assert _sql(app, "SELECT source FROM ideas") == [(source,)]


def _padded(size: int, title: str) -> bytes:
    """A valid import of a pin titled `title` padded with spaces to `size` bytes."""
    raw = json.dumps(collection([pin_feature(CENTRE, title=title)])).encode()
    return raw + b" " * (size - len(raw))


def test_a_body_over_the_limit_is_413_however_it_is_framed(app, staff):
    planner = staff("planner")
    limit = int(app.config["IMPORT_MAX_BYTES"])
    assert limit > int(app.config["MAX_CONTENT_LENGTH"])
    headers = {"X-CSRFToken": planner.token, "Content-Type": "application/json"}
    chunked = {"Transfer-Encoding": "chunked"}  # no length: the server counts as it reads
    for framing in ({}, chunked):
        for size, status in ((limit + 1, 413), (limit, 201)):
            response = planner.client.post(
                IMPORT,
                input_stream=io.BytesIO(_padded(size, f"Framed {bool(framing)}")),
                headers={**headers, **framing},
                environ_overrides={"wsgi.input_terminated": bool(framing)},
            )
            assert response.status_code == status, (framing, size)
            if status == 413:
                assert response.get_json()["error"]["code"] == "body_too_large"
    assert count_pins(app) == 2


def test_the_workspace_offers_the_import(app, staff):
    html = staff("planner").get("/planner").get_data(as_text=True)
    assert '<label for="pw-import-file">GeoJSON-fil</label>' in html
    assert 'id="pw-import-file" name="file" type="file" accept=".geojson,.json"' in html
    assert 'name="source" value="import" checked> Importerad fil' in html
    assert 'id="pw-import-result" class="pw-import-result" role="status"' in html
    settings = json.loads(unescape(re.search(r'data-settings="([^"]*)"', html).group(1)))
    assert settings["urls"]["import"] == IMPORT
    assert settings["importMaxBytes"] == app.config["IMPORT_MAX_BYTES"]
    assert settings["strings"]["importedHeld"] == (
        "{n} nålar importerade, {held} hålls inne för granskning."
    )


# --- A file in SWEREF 99 TM (EPSG:3006), the municipality's grid ----------------------------

# Made as a planner makes one, from a GeoPackage in WGS 84 of the three places below:
#   ogr2ogr -f GeoJSON -t_srs EPSG:3006 enkat_sweref99tm.geojson enkat.gpkg
# which writes `"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}`
# and easting, northing in metres.
SWEREF_FILE = Path(__file__).parents[1] / "data" / "enkat_sweref99tm.geojson"
SWEREF_PLACES = [(20.2630, 63.8258), (20.3717, 63.7009), (20.5484, 63.8949)]
SWEREF_TITLES = ["Bänk vid Rådhustorget", "Mörk gångväg i Holmsund", "Cykelväg till Sävar"]
STOCKHOLM_SWEREF = [674032.0, 6580822.0]  # Sergels torg, in Sweden but not in Umeå


def sweref_file(**members: Any) -> dict[str, Any]:
    """The ogr2ogr file, its top-level members replaced by `members` (None: taken out)."""
    body = json.loads(SWEREF_FILE.read_text(encoding="utf-8"))
    for name, value in members.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def named_crs(name: str) -> dict[str, Any]:
    """A `crs` member as GDAL writes it."""
    return {"type": "name", "properties": {"name": name}}


def _metres_from(app, ids: list[int], places: list[tuple[float, float]]) -> list[float]:
    """How far each stored pin lies from its place, in metres on the spheroid."""
    rows = _sql(
        app,
        "SELECT i.id, ST_Distance(i.geom::geography,"
        " ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography) AS metres"
        " FROM unnest(CAST(:ids AS bigint[]), CAST(:lons AS float8[]), CAST(:lats AS float8[]))"
        " AS p(id, lon, lat) JOIN ideas i ON i.id = p.id",
        ids=ids,
        lons=[lon for lon, _ in places],
        lats=[lat for _, lat in places],
    )
    metres = dict(rows)
    return [metres[i] for i in ids]


def test_a_file_in_sweref99tm_from_ogr2ogr_lands_where_its_places_are(app, api, staff):
    """The review's file: refused as "longitude first, then latitude" before; now each pin
    lies within a metre of the place it was made from, with its district."""
    body = json.loads(SWEREF_FILE.read_text(encoding="utf-8"))
    assert body["crs"] == named_crs("urn:ogc:def:crs:EPSG::3006")
    assert body["features"][0]["geometry"]["coordinates"][0] > 700_000  # metres, as written
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.status_code == 201, response.get_json()
    ids = response.get_json()["ids"]
    assert max(_metres_from(app, ids, SWEREF_PLACES)) < 1.0
    listed = {f["id"]: f for f in api.get("/api/ideas?source=import").get_json()["features"]}
    assert [listed[i]["properties"]["title"] for i in ids] == SWEREF_TITLES
    assert [listed[i]["properties"]["district"] for i in ids] == _district_oracle(SWEREF_PLACES)


@pytest.mark.parametrize(
    "name",
    [
        "urn:ogc:def:crs:EPSG::3006",
        "urn:ogc:def:crs:EPSG:9.8.15:3006",
        "EPSG:3006",
        "epsg:3006",
        "http://www.opengis.net/def/crs/EPSG/0/3006",
        "https://www.opengis.net/def/crs/EPSG/0/3006",
    ],
)
def test_every_spelling_of_sweref99tm_is_taken(app, staff, name):
    response = staff("planner").post(IMPORT, sweref_file(crs=named_crs(name)), headers=EN)
    assert response.status_code == 201, response.get_json()
    assert max(_metres_from(app, response.get_json()["ids"], SWEREF_PLACES)) < 1.0


@pytest.mark.parametrize(
    "crs",
    [
        named_crs("urn:ogc:def:crs:OGC:1.3:CRS84"),
        named_crs("urn:ogc:def:crs:OGC::CRS84"),
        named_crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
        named_crs("EPSG:4326"),
        named_crs("urn:ogc:def:crs:EPSG::4326"),
        named_crs("http://www.opengis.net/def/crs/EPSG/0/4326"),
        None,  # GeoJSON 2008's "crs": null, as no member at all
    ],
)
def test_a_file_in_wgs84_is_read_lon_lat_whatever_it_calls_it(app, staff, crs):
    """EPSG:4326 is lat/lon by definition, but GDAL and every GIS write GeoJSON lon/lat."""
    body = {**collection(pins_at([CENTRE, HOLMSUND])), "crs": crs}
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.status_code == 201, response.get_json()
    assert max(_metres_from(app, response.get_json()["ids"], [CENTRE, HOLMSUND])) < 0.01


def test_points_in_sweref99tm_are_checked_as_any_pin(app, staff):
    """Transformed first, then held to the municipality like any pin; an altitude (PointZ)
    and a one-point MultiPoint are taken as in a file in WGS 84."""
    planner = staff("planner")
    body = sweref_file()
    body["features"][2]["geometry"]["coordinates"] = STOCKHOLM_SWEREF
    response = planner.post(IMPORT, body, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "outside_area",
        "message": "The place is outside the area this map covers.",
        "field": "features[2].geometry.coordinates",
    }
    body = sweref_file()
    first, second = (body["features"][i]["geometry"] for i in (0, 1))
    first["coordinates"] = [*first["coordinates"], 12.5]
    body["features"][1]["geometry"] = {"type": "MultiPoint", "coordinates": [second["coordinates"]]}
    response = planner.post(IMPORT, body, headers=EN)
    assert response.status_code == 201, response.get_json()
    assert max(_metres_from(app, response.get_json()["ids"], SWEREF_PLACES)) < 1.0


@pytest.mark.parametrize(
    "coordinates",
    [
        [7088280.8, 758803.4],  # northing first
        [20.2630, 63.8258],  # degrees in a file that says metres
        [1e300, 7088280.8],  # PROJ would refuse to transform it at all
    ],
)
def test_a_point_no_sweref99tm_point_of_sweden_has_is_refused_as_such(app, staff, coordinates):
    body = sweref_file()
    body["features"][1]["geometry"]["coordinates"] = coordinates
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "invalid_geometry",
        "message": "Coordinates are out of range for SWEREF 99 TM: easting (x) first, then "
        "northing (y), in metres.",
        "field": "features[1].geometry.coordinates",
    }
    assert count_pins(app) == 0


def test_the_first_refused_feature_is_named_in_sweref99tm_too(app, staff):
    """The points are transformed together, before the features are checked in turn: a bad
    point later in the file does not hide an earlier feature's refusal."""
    body = sweref_file()
    body["features"][0]["properties"]["title"] = "ab"
    body["features"][2]["geometry"]["coordinates"] = [1.0, 2.0]
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.get_json()["error"]["field"] == "features[0].title"


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("urn:ogc:def:crs:EPSG::3857", "EPSG:3857"),
        ("EPSG:3014", "EPSG:3014"),  # SWEREF 99 20 15, a local zone
        ("http://www.opengis.net/def/crs/EPSG/0/3021", "EPSG:3021"),  # RT 90 2.5 gon V
        ("SWEREF99 TM", "SWEREF99 TM"),
        ("EPSG:\u202e9003\x00\ud800x", "EPSG:9003x"),  # quoted back printable only
    ],
)
def test_another_crs_is_refused_naming_it_and_the_two_taken(app, staff, name, named):
    response = staff("planner").post(IMPORT, sweref_file(crs=named_crs(name)), headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "unsupported_crs",
        "message": f"The file is in {named}. Files in WGS 84 (EPSG:4326, CRS84) or SWEREF 99 TM "
        "(EPSG:3006) are taken: save it in one of them.",
        "field": "crs",
    }
    assert count_pins(app) == 0


@pytest.mark.parametrize(
    "crs",
    [
        "EPSG:3006",
        3006,
        [],
        {"type": "EPSG", "properties": {"code": 3006}},
        {"type": "name"},
        {"type": "name", "properties": "EPSG:3006"},
        {"type": "name", "properties": {"name": 3006}},
        {"properties": {"name": "EPSG:3006"}},
    ],
)
def test_a_malformed_crs_is_refused_saying_how_it_is_written(app, staff, crs):
    response = staff("planner").post(IMPORT, sweref_file(crs=crs), headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "invalid_crs",
        "message": 'crs must be written {"type": "name", "properties": {"name": "…"}}, as QGIS '
        "and GDAL write it.",
        "field": "crs",
    }


def test_metres_in_a_file_that_does_not_say_its_crs_are_told_so(app, staff):
    """Not "longitude first, then latitude", as if swapped: save the file with its CRS."""
    planner = staff("planner")
    response = planner.post(IMPORT, sweref_file(crs=None), headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "undeclared_crs",
        "message": "These coordinates look like SWEREF 99 TM (metres), but the file does not say "
        "which CRS it is in. Save it with its CRS (EPSG:3006), or as WGS 84.",
        "field": "features[0].geometry.coordinates",
    }
    # Out of range but no SWEREF 99 TM of Sweden either: the lon/lat hint, as before.
    body = collection(pins_at([CENTRE, (200.0, 63.8)]))
    response = planner.post(IMPORT, body, headers=EN)
    assert response.get_json()["error"] == {
        "code": "invalid_geometry",
        "message": "Coordinates are out of range: longitude first, then latitude.",
        "field": "features[1].geometry.coordinates",
    }
    assert count_pins(app) == 0


def test_a_file_in_sweref99tm_costs_one_transform(app, staff):
    """1,000 points go to PostGIS in one statement, not one each."""
    body = sweref_file()
    features = [
        {**body["features"][i % 3], "properties": {**body["features"][i % 3]["properties"]}}
        for i in range(MAX_IMPORT_FEATURES)
    ]
    for i, feature in enumerate(features):
        feature["properties"]["title"] = f"Enkätsvar {i}"
    planner = staff("planner")
    with statements_sent() as statements:
        response = planner.post(IMPORT, {**body, "features": features})
    assert response.status_code == 201
    assert sum("st_transform" in s.lower() for s in statements) == 1
    # The duplicates' checks: within the file, and against the pins stored.
    assert sum("st_dwithin" in s.lower() for s in statements) == 2


# --- The same pins twice ---------------------------------------------------------------------


def test_importing_pins_stored_already_is_refused_unless_asked_for(app, api, staff):
    """A file imported twice by mistake: refused, naming the first such feature (from 0 in
    `field`, as every import refusal), the pin it matches, and how many features match."""
    planner = staff("planner")
    first = planner.post(IMPORT, collection(pins_at([CENTRE, HOLMSUND]), source="paper"))
    stored = first.get_json()["ids"]
    again = pins_at([CENTRE, HOLMSUND])
    body = collection([pin_feature(title="Ny på pappret"), again[1], again[0]], source="paper")
    response = planner.post(IMPORT, body, headers=EN)
    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "code": "duplicate_pins",
            "message": f"Pin {stored[1]} has the same title and place (within 1 m) and the same "
            "source: is this file imported already? Features of this file that are pins "
            "already: 2.",
            "field": "features[1]",
        },
        "duplicate_of": stored[1],
        "duplicates": 2,
    }
    assert count_pins(app) == 2
    body["import_duplicates"] = True
    response = planner.post(IMPORT, body, headers=EN)
    assert response.status_code == 201
    assert count_pins(app) == 5


def test_the_same_pin_is_the_same_title_and_source_within_a_metre(app, staff):
    """Moved half a metre (a coordinate typed again) it is the same pin; two metres away, under
    another title, from another source, or withdrawn by its author, it is not. Held and hidden
    pins count: a second import would bring back what a moderator hid."""
    planner = staff("planner")
    first = planner.post(IMPORT, collection(pins_at([CENTRE, HOLMSUND, (20.27, 63.83)])))
    ids = first.get_json()["ids"]
    north = 1 / 111_400  # a metre of latitude at Umeå, in degrees
    lon, lat = CENTRE

    def import_one(point, **changes) -> int:
        feature = pin_feature(point, title="Från enkäten 0")
        feature["properties"].update(changes.pop("properties", {}))
        return planner.post(IMPORT, collection([feature], **changes), headers=EN).status_code

    assert import_one((lon, lat + 0.5 * north)) == 409
    assert import_one((lon, lat + 2 * north)) == 201
    assert import_one(CENTRE, properties={"title": "Från enkäten 0, igen"}) == 201
    assert import_one(CENTRE, source="paper") == 201
    assert import_one(CENTRE) == 409
    _run(app, "UPDATE ideas SET visibility = 'withdrawn' WHERE title = 'Från enkäten 0'")
    assert import_one(CENTRE) == 201  # withdrawn pins do not count; the new one does
    assert import_one(CENTRE) == 409
    for visibility in ("held", "hidden"):
        _run(app, "UPDATE ideas SET visibility = :v WHERE id = :id", v=visibility, id=ids[1])
        again = collection([pin_feature(HOLMSUND, title="Från enkäten 1")])
        response = planner.post(IMPORT, again, headers=EN)
        assert (response.status_code, response.get_json()["duplicate_of"]) == (409, ids[1])


def test_a_row_copied_twice_in_the_file_is_refused_unless_asked_for(app, staff):
    """Copied twice in a spreadsheet, a row was stored twice, where the same row imported
    again was refused. Named from 1 in the message (as the workspace says features), from 0
    in `field`; half a metre apart is the same place."""
    planner = staff("planner")
    lon, lat = CENTRE
    copy = pin_feature((lon, lat + 0.5 / 111_400), title="Fler bänkar")
    features = [
        pin_feature(CENTRE, title="Fler bänkar"),
        pin_feature(HOLMSUND, title="Fler bänkar"),  # the title alone is no copy
        pin_feature(CENTRE, title="Belysning"),  # nor the place alone
        copy,
        copy,
    ]
    response = planner.post(IMPORT, collection(features), headers=EN)
    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "code": "duplicate_pins",
            "message": "Feature 4 has the title and place (within 1 m) of feature 1: is a row "
            "copied? Features of this file that repeat an earlier one: 2.",
            "field": "features[3]",
        },
        "repeats": 0,
        "duplicates": 2,
    }
    assert count_pins(app) == 0
    anyway = planner.post(IMPORT, collection(features, import_duplicates=True))
    assert anyway.status_code == 201
    assert count_pins(app) == 5
    # Either side of a band's edge (the query joins by bands of latitude) is the same place.
    edge = math.floor(lat / BAND_DEGREES) * BAND_DEGREES
    astride = [pin_feature((lon, edge + d / 111_400), title="Gatlykta") for d in (-0.3, 0.3)]
    assert planner.post(IMPORT, collection(astride)).status_code == 409


@pytest.mark.parametrize("value", [None, "true", 1, [True]])
def test_import_duplicates_is_true_or_false(app, staff, value):
    body = collection(pins_at([CENTRE]), import_duplicates=value)
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "invalid_boolean",
        "message": "import_duplicates must be true or false.",
        "field": "import_duplicates",
    }


def test_the_same_file_sent_twice_at_once_is_stored_once(app, staff):
    """A double submit, or two planners with one file: both found nothing stored, both stored
    it. Imports of a source now take turns from their check to their commit."""
    create_user(app, "per@umea.se", "planner")
    planners = [staff("planner"), sign_in(app.test_client(), "per@umea.se")]
    body = collection(pins_at([(20.2630 + n / 1000, 63.8258) for n in range(50)]))
    start = threading.Barrier(2)
    statuses: list[int] = []

    def send(planner: Api) -> None:
        start.wait()
        statuses.append(planner.post(IMPORT, body).status_code)

    threads = [threading.Thread(target=send, args=(planner,)) for planner in planners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert count_pins(app) == 50
