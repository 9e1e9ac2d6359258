"""POST /api/ideas: valid pins are stored with their district; bad input is refused, not stored."""

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from tests.conftest import CENTRE, DISTRICTS_FILE, HOLMSUND, count_pins, pin_feature
from tests.ideas.conftest import recorded_statements


def test_create_returns_feature_with_id_and_district(api, app):
    response = api.post("/api/ideas", pin_feature())
    assert response.status_code == 201
    assert response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["type"] == "Feature"
    assert isinstance(feature["id"], int)
    assert feature["geometry"] == {"type": "Point", "coordinates": list(CENTRE)}
    props = feature["properties"]
    assert props["district"] == "Centrala stan"
    assert props["status"] == "new"
    assert props["support_count"] == 0
    assert response.headers["Location"].endswith(f"/api/ideas/{feature['id']}")
    assert count_pins(app) == 1


@pytest.mark.parametrize("lon_lat", [CENTRE, HOLMSUND, (20.5484, 63.8949), (19.9109, 63.6207)])
def test_district_is_the_one_shapely_finds(api, lon_lat):
    """PostGIS's spatial join agrees with an independent Shapely lookup in the source file.

    The Feature the insert answers (built from the rows it stored) is the one the public
    read path gives for the pin afterwards, property for property."""
    districts = json.loads(Path(DISTRICTS_FILE).read_text(encoding="utf-8"))["features"]
    point = Point(lon_lat)
    expected = [f["properties"]["name"] for f in districts if shape(f["geometry"]).covers(point)]
    assert len(expected) == 1
    feature = api.post("/api/ideas", pin_feature(lon_lat)).get_json()
    assert feature["properties"]["district"] == expected[0]
    assert api.get(f"/api/ideas/{feature['id']}").get_json() == feature


def test_text_is_trimmed_and_html_is_kept_as_text(api):
    feature = api.post(
        "/api/ideas", pin_feature(title="  <script>alert(1)</script> lamp  ", body="<b>x</b>\r\ny")
    ).get_json()
    assert feature["properties"]["title"] == "<script>alert(1)</script> lamp"
    assert feature["properties"]["body"] == "<b>x</b>\ny"


def test_any_text_comes_back_as_written_from_every_geojson_read(api):
    """Features are joined as text in SQL (geo.geojson): quotes, backslashes, line breaks,
    tabs and non-Latin text must still come back as valid JSON, unchanged."""
    title = 'Say "hej" \\ /slash/ ünïcødé ☃ 🚲 👩‍💻 </script>'
    body = "line one\nline two\ttabbed \\n is not a break"
    created = api.post("/api/ideas", pin_feature(title=title, body=body)).get_json()
    assert (created["properties"]["title"], created["properties"]["body"]) == (title, body)
    single = api.get(f"/api/ideas/{created['id']}").get_json()
    listed = api.get("/api/ideas").get_json()["features"][0]
    lon, lat = CENTRE
    view = f"/api/map/clusters?bbox={lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}&zoom=15"
    drawn = api.get(view).get_json()["features"][0]
    for feature in (single, listed, drawn):
        assert feature["id"] == created["id"] and feature["properties"]["title"] == title
    assert single["properties"]["body"] == listed["properties"]["body"] == body


def test_author_name_is_stored_but_never_served(api, app):
    feature = api.post("/api/ideas", pin_feature(author_name="Anna Andersson")).get_json()
    assert "author_name" not in feature["properties"]
    listing = api.get("/api/ideas").get_data(as_text=True)
    assert "Anna Andersson" not in listing
    assert "Anna Andersson" not in api.get(f"/api/ideas/{feature['id']}").get_data(as_text=True)


def test_unknown_properties_are_not_stored(api):
    feature = api.post(
        "/api/ideas", pin_feature(visibility="hidden", status="done", evil="x")
    ).get_json()
    props = feature["properties"]
    assert props["status"] == "new"
    assert "evil" not in props
    assert api.get("/api/ideas").get_json()["features"][0]["id"] == feature["id"]


def _assert_refused(api, app, response, status, field):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["field"] == field
    assert body["error"]["code"]
    assert body["error"]["message"]
    assert count_pins(app) == 0


@pytest.mark.parametrize(
    ("coordinates", "field"),
    [
        ([CENTRE[1], CENTRE[0]], "geometry.coordinates"),  # swapped lon/lat
        ([18.0686, 59.3293], "geometry.coordinates"),  # Stockholm
        ([20.26], "geometry.coordinates"),
        ([20.26, 63.8, 10], "geometry.coordinates"),
        (["20.26", "63.82"], "geometry.coordinates"),
        ([True, 63.82], "geometry.coordinates"),
        ([200, 95], "geometry.coordinates"),
        (None, "geometry.coordinates"),
    ],
)
def test_bad_coordinates_are_refused(api, app, coordinates, field):
    feature = pin_feature()
    feature["geometry"]["coordinates"] = coordinates
    _assert_refused(api, app, api.post("/api/ideas", feature), 422, field)


@pytest.mark.parametrize(
    ("constant", "status", "field"),
    [
        ("NaN", 400, None),  # not JSON at all
        ("Infinity", 400, None),
        ("-Infinity", 400, None),
        ("1e999", 422, "geometry.coordinates"),  # JSON, but not a finite number
        ("1" * 400, 422, "geometry.coordinates"),  # an integer beyond any float
        ("-" + "9" * 4000, 422, "geometry.coordinates"),
    ],
)
def test_non_finite_numbers_are_refused(api, app, constant, status, field):
    raw = json.dumps(pin_feature()).replace(str(CENTRE[0]), constant)
    response = api.post("/api/ideas", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field
    assert count_pins(app) == 0


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "LineString", "coordinates": [[20.2, 63.8], [20.3, 63.8]]},
        {
            "type": "Polygon",
            "coordinates": [[[20.2, 63.8], [20.3, 63.8], [20.2, 63.9], [20.2, 63.8]]],
        },
        "POINT(20.26 63.82)",
    ],
)
def test_non_point_geometry_is_refused(api, app, geometry):
    feature = pin_feature()
    feature["geometry"] = geometry
    response = api.post("/api/ideas", feature)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"].startswith("geometry")
    assert count_pins(app) == 0


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"kind": "complaint"}, "kind"),
        ({"kind": None}, "kind"),
        ({"category": "unicorns"}, "category"),
        ({"category": ["traffic"]}, "category"),
        ({"title": "ab"}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": 12345}, "title"),
        ({"title": "line\nbreak"}, "title"),
        ({"title": "bell\x07 ringing"}, "title"),
        ({"body": "x" * 4001}, "body"),
        ({"body": "null\x00byte"}, "body"),
        ({"author_name": "n" * 81}, "author_name"),
        ({"author_name": {"first": "A"}}, "author_name"),
    ],
)
def test_bad_properties_name_the_field(api, app, override, field):
    _assert_refused(api, app, api.post("/api/ideas", pin_feature(**override)), 422, field)


def test_missing_title_is_required(api, app):
    feature = pin_feature()
    del feature["properties"]["title"]
    response = api.post("/api/ideas", feature)
    _assert_refused(api, app, response, 422, "title")
    assert response.get_json()["error"]["code"] == "required"


def test_body_may_be_empty_and_limits_are_inclusive(api):
    response = api.post("/api/ideas", pin_feature(title="x" * 120, body="y" * 4000))
    assert response.status_code == 201
    assert api.post("/api/ideas", pin_feature(title="abc", body="")).status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "invalid_json"),
        ("", 400, "invalid_json"),
        ("[]", 422, "invalid_feature"),
        ('"Feature"', 422, "invalid_feature"),
        ('{"type": "FeatureCollection", "features": []}', 422, "invalid_feature"),
        ("{}", 422, "invalid_feature"),
    ],
)
def test_malformed_bodies_are_refused(api, app, body, status, code):
    response = api.post("/api/ideas", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert count_pins(app) == 0


def test_properties_must_be_an_object(api, app):
    feature = pin_feature()
    feature["properties"] = ["idea"]
    _assert_refused(api, app, api.post("/api/ideas", feature), 422, "properties")


def test_wrong_content_type_is_refused(api, app):
    response = api.post("/api/ideas", data="kind=idea", headers={"Content-Type": "text/plain"})
    _assert_refused(api, app, response, 400, "Content-Type")


def test_huge_body_gets_413(api, app):
    feature = pin_feature(body="x" * 200_000)
    response = api.post("/api/ideas", feature)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"
    assert count_pins(app) == 0


def test_deeply_nested_json_is_refused_cleanly(api, app):
    raw = "[" * 100_000 + "]" * 100_000
    response = api.post(
        "/api/ideas", data=raw[:60_000], headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert count_pins(app) == 0


def test_csrf_token_is_required(client, app):
    response = client.post("/api/ideas", json=pin_feature())
    _assert_refused(None, app, response, 400, "X-CSRFToken")
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_errors_come_in_the_requested_language(api, app):
    response = api.post(
        "/api/ideas", pin_feature(title="ab"), headers={"Accept-Language": "sv-SE,sv;q=0.9"}
    )
    swedish = response.get_json()["error"]["message"]
    response = api.post("/api/ideas", pin_feature(title="ab"), headers={"Accept-Language": "en"})
    english = response.get_json()["error"]["message"]
    assert english == "Write at least 3 characters."
    assert swedish != english
    assert "3" in swedish


def test_the_word_list_is_asked_by_the_statement_that_stores_the_pin(api, monkeypatch):
    """No query of its own for the moderators' list: one round trip less for every pin.

    Recorded at the driver: the batch's statements run on psycopg itself (app.db.all_rows).
    """
    statements = recorded_statements(monkeypatch)
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    asking = [statement for statement, _ in statements if "moderation_words" in statement]
    assert len(asking) == 1 and "INSERT INTO ideas" in asking[0]
