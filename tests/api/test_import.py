"""POST /api/ideas/import: a planner brings in pins from paper or a GeoJSON file, all or none.

Every feature is validated as a citizen's pin; one refused names `features[i].<field>` and
stores nothing. Valid batches land with their districts, held words and source, and the map
and the list show them at once."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import text

from app.db import get_engine
from app.planning.imports import MAX_IMPORT_FEATURES
from tests.conftest import CENTRE, DISTRICTS_FILE, HOLMSUND, Api, count_pins, pin_feature
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
        response = staff(role).post(IMPORT, body)
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


def _padded(size: int) -> bytes:
    """A valid import padded with spaces to `size` bytes."""
    raw = json.dumps(collection(pins_at([CENTRE]))).encode()
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
                input_stream=io.BytesIO(_padded(size)),
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
