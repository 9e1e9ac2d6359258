"""GET /api/map/clusters: validated bbox and zoom, a FeatureCollection of what to draw."""

import pytest

from tests.conftest import CENTRE, HOLMSUND, pin_feature


def test_map_returns_pins_in_view_with_count(api):
    inside = api.post("/api/ideas", pin_feature(CENTRE)).get_json()["id"]
    api.post("/api/ideas", pin_feature(HOLMSUND))
    response = api.get("/api/map/clusters?bbox=20.2,63.8,20.3,63.85&zoom=14")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert [f["id"] for f in body["features"]] == [inside]
    props = body["features"][0]["properties"]
    assert props["count"] == 1
    assert {"kind", "category", "title"} <= set(props)
    assert "body" not in props


def test_map_filters_by_kind(api):
    api.post("/api/ideas", pin_feature(CENTRE, kind="concern", category="safety"))
    body = api.get("/api/map/clusters?bbox=19,63,22,65&zoom=8&kind=idea").get_json()
    assert body["features"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("zoom=10", "bbox"),
        ("bbox=19,63,22,65", "zoom"),
        ("bbox=19,63,22,65&zoom=23", "zoom"),
        ("bbox=19,63,22,65&zoom=-1", "zoom"),
        ("bbox=19,63,22,65&zoom=1.5", "zoom"),
        ("bbox=19,63,22&zoom=10", "bbox"),
        ("bbox=63,19,65,22,1&zoom=10", "bbox"),
    ],
)
def test_map_parameters_are_strict(api, query, field):
    response = api.get(f"/api/map/clusters?{query}")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["field"] == field
