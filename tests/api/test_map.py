"""GET /api/map/clusters: validated bbox and zoom, a FeatureCollection of what to draw."""

import math

import pytest

from geo.grid import EARTH_RADIUS_M, cell_size_m
from tests.conftest import CENTRE, HOLMSUND, Api, pin_feature
from tests.pins import add_pins, random_points


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
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field


def _seed(runner, count):
    result = runner.invoke(args=["demo", "pins", str(count), "--seed", "11"])
    assert result.exit_code == 0, result.output


def test_many_pins_in_view_come_as_grid_clusters(make_app, runner):
    _seed(runner, 80)
    client = make_app(MAP_PIN_LIMIT=20).test_client()
    body = client.get("/api/map/clusters?bbox=19.5,63.3,21.2,64.5&zoom=9").get_json()
    assert body["clustered"] is True
    features = body["features"]
    assert sum(f["properties"]["count"] for f in features) == 80
    clusters = [f for f in features if f["properties"]["cluster"]]
    singles = [f for f in features if not f["properties"]["cluster"]]
    assert clusters, "80 pins over the municipality at zoom 9 share some cells"
    for feature in clusters:
        props = feature["properties"]
        assert props["count"] >= 2
        assert isinstance(feature["id"], str)
        assert "title" not in props
        min_lon, min_lat, max_lon, max_lat = props["bbox"]
        lon, lat = feature["geometry"]["coordinates"]
        assert min_lon - 1e-6 <= lon <= max_lon + 1e-6 and min_lat - 1e-6 <= lat <= max_lat + 1e-6
    ids = {f["id"] for f in singles}
    assert all(isinstance(i, int) for i in ids)
    assert all({"kind", "category", "title"} <= set(f["properties"]) for f in singles)
    listed = client.get("/api/ideas?limit=1000").get_json()["features"]
    assert ids <= {f["id"] for f in listed}


def test_a_cluster_sits_at_its_pins_mean_and_spans_its_cell(api, make_app):
    """The mean rounds half away from zero to 6 decimals; the bbox is the cell's extent."""
    offsets = [(1, 8), (2, 9), (4, 11), (7, 12)]  # micro-degrees: means 3.5 and 10
    for dx, dy in offsets:
        api.post("/api/ideas", pin_feature((20.263 + dx / 1e6, 63.8258 + dy / 1e6)))
    client = make_app(MAP_PIN_LIMIT=2).test_client()
    response = client.get("/api/map/clusters?bbox=20.2,63.8,20.3,63.85&zoom=10")
    (cluster,) = response.get_json()["features"]
    assert cluster["properties"]["count"] == 4
    assert b'"coordinates":[20.263004,63.82581]' in response.data  # as ST_AsGeoJSON writes
    size = cell_size_m(10)
    cx = math.floor(math.radians(20.263) * EARTH_RADIUS_M / size)
    cy = math.floor(
        math.log(math.tan(math.pi / 4 + math.radians(63.8258) / 2)) * EARTH_RADIUS_M / size
    )
    lon = [math.degrees(x * size / EARTH_RADIUS_M) for x in (cx, cx + 1)]
    lat = [
        math.degrees(2 * math.atan(math.exp(y * size / EARTH_RADIUS_M)) - math.pi / 2)
        for y in (cy, cy + 1)
    ]
    expected = [lon[0], lat[0], lon[1], lat[1]]
    assert cluster["properties"]["bbox"] == pytest.approx(
        [round(c, 6) for c in expected], abs=1.1e-6
    )
    assert cluster["id"] == f"cluster-z10-{cx}-{cy}"


def test_clusters_follow_filters_and_street_level_shows_pins(make_app, runner):
    _seed(runner, 60)
    client = make_app(MAP_PIN_LIMIT=5).test_client()
    concerns = client.get("/api/ideas?kind=concern&limit=1000").get_json()["numberReturned"]
    body = client.get("/api/map/clusters?bbox=19.5,63.3,21.2,64.5&zoom=8&kind=concern").get_json()
    assert body["clustered"] is True
    assert sum(f["properties"]["count"] for f in body["features"]) == concerns
    street = client.get("/api/map/clusters?bbox=19.5,63.3,21.2,64.5&zoom=17").get_json()
    assert street["clustered"] is False
    assert len(street["features"]) == 5 and street["truncated"] is True


@pytest.mark.parametrize(
    "filters",
    ["", "&kind=idea", "&kind=idea&category=other&status=new&source=web", "&since=2000-01-01"],
)
def test_a_crowded_street_level_view_sends_its_newest_pins(app, make_app, filters):
    """A view holding more than CROWDED_PER_LIMIT times MAP_PIN_LIMIT pins walks back from the
    newest pin instead of reading them all (app.ideas.map_view): the same pins come either way,
    the newest first, as the list of pins in that bbox gives them. With MAP_PIN_LIMIT 2 the
    100 ideas crowd the view (more than 80), with 3 they do not (at most 120)."""
    box = (20.2, 63.8, 20.3, 63.85)
    specs = [
        {"lon": lon, "lat": lat, "category": "other"}
        if n % 11
        else {"lon": lon, "lat": lat, "kind": "concern", "category": "safety"}
        for n, (lon, lat) in enumerate(random_points(110, seed=5, box=box))
    ]
    add_pins(app, specs)
    bbox = ",".join(map(str, box))
    for limit in (2, 3):
        client = make_app(MAP_PIN_LIMIT=limit).test_client()
        newest = client.get(f"/api/ideas?bbox={bbox}&limit={limit}{filters}").get_json()
        body = client.get(f"/api/map/clusters?bbox={bbox}&zoom=17{filters}").get_json()
        assert [f["id"] for f in body["features"]] == [f["id"] for f in newest["features"]]
        assert body["numberReturned"] == limit and body["truncated"] is True
        assert body["clustered"] is False


def test_few_pins_are_sent_one_by_one(api):
    api.post("/api/ideas", pin_feature(CENTRE))
    body = api.get("/api/map/clusters?bbox=19,63,22,65&zoom=5").get_json()
    assert body["clustered"] is False
    assert body["features"][0]["properties"]["cluster"] is False


def test_a_view_larger_than_a_screen_is_refused(client):
    """At zoom 16 the whole municipality is thousands of cells across: no screen shows that."""
    response = client.get("/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=16")
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "bbox_too_large",
        "message": "Vyn är för stor för den här zoomnivån: högst 256 kartrutor i bredd.",
        "field": "bbox",
    }
    assert client.get("/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=17").status_code == 200


def test_a_bbox_holding_more_pins_than_its_cells_comes_as_cells(api, make_app):
    """Cells at a view's edge whose mean lies outside it have pins inside its bbox. When those
    make the bbox hold more than MAP_PIN_LIMIT, the view comes as its cells, as any crowded
    view does, not as a page of the newest pins that leaves the others out."""
    size = cell_size_m(10)
    width = math.degrees(size / EARTH_RADIUS_M)
    cx = math.floor(math.radians(CENTRE[0]) * EARTH_RADIUS_M / size)
    west = math.degrees(cx * size / EARTH_RADIUS_M)  # the west edge of the centre's cell
    y = math.log(math.tan(math.pi / 4 + math.radians(CENTRE[1]) / 2)) * EARTH_RADIUS_M
    row_middle = (math.floor(y / size) + 0.5) * size / EARTH_RADIUS_M
    lat = math.degrees(2 * math.atan(math.exp(row_middle)) - math.pi / 2)
    inside = [(west + 0.9 * width, lat + i / 10_000) for i in range(3)]
    outside = [(west + 0.1 * width, lat + i / 10_000) for i in range(10)]  # the mean: outside
    lone = (west + 2.5 * width, lat)
    for n, lon_lat in enumerate([*inside, *outside, lone]):
        assert api.post("/api/ideas", pin_feature(lon_lat, title=f"Pin {n}")).status_code == 201
    bbox = f"{west + 0.8 * width},{lat - 0.01},{west + 4 * width},{lat + 0.01}"
    client = make_app(MAP_PIN_LIMIT=3).test_client()
    body = client.get(f"/api/map/clusters?bbox={bbox}&zoom=10").get_json()
    assert body["clustered"] is True and "truncated" not in body
    assert [f["properties"]["count"] for f in body["features"]] == [1]
    assert body["features"][0]["properties"]["cluster"] is False
    assert body["features"][0]["geometry"]["coordinates"] == pytest.approx(list(lone), abs=1e-6)
    pins = make_app(MAP_PIN_LIMIT=4).test_client().get(f"/api/map/clusters?bbox={bbox}&zoom=10")
    assert pins.get_json()["clustered"] is False and pins.get_json()["numberReturned"] == 4


def test_street_level_tells_truncated_only_past_the_limit(make_app):
    """`limit` pins in view come whole; with one more, the newest `limit` come, truncated."""
    api = Api(make_app(MAP_PIN_LIMIT=3).test_client())
    ids = []
    for step in range(4):
        created = api.post("/api/ideas", pin_feature((20.26 + step * 0.001, 63.825)))
        assert created.status_code == 201
        ids.append(created.get_json()["id"])
    newest_three = ids[:0:-1]
    for filters in ("", "&kind=idea", "&kind=idea&category=parks-nature&status=new&source=web"):
        four = api.client.get(f"/api/map/clusters?bbox=20.25,63.82,20.27,63.83&zoom=18{filters}")
        body = four.get_json()
        assert [f["id"] for f in body["features"]] == newest_three, filters
        assert body["numberReturned"] == 3 and body["truncated"] is True, filters
        three = api.client.get(f"/api/map/clusters?bbox=20.2605,63.82,20.27,63.83&zoom=18{filters}")
        body = three.get_json()
        assert [f["id"] for f in body["features"]] == newest_three, filters
        assert body["numberReturned"] == 3 and "truncated" not in body, filters
