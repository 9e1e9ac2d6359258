"""GET /api/layers/{clusters,districts,hexgrid}: the planners' layers, checked against
independent oracles (scikit-learn's DBSCAN, Shapely point-in-polygon, PostGIS's own
ST_HexagonGrid), with their parameter bounds and the pin filters."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import Point, shape
from sklearn.cluster import DBSCAN
from sqlalchemy import text

from app.config import DATA_DIR
from app.db import get_engine
from tests.pins import add_pins, random_points, set_columns, varied_specs

TO_SWEREF = Transformer.from_crs(4326, 3006, always_xy=True)
CITY = (20.20, 63.80, 20.34, 63.86)  # central Umeå


def _status(client, url):
    """The status of a GET, its streamed body read to the end (which closes its cursor)."""
    response = client.get(url)
    response.get_data()
    return response.status_code


def _features(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    return body["features"]


def _blobs(seed: int, centres: int = 5, per_blob: int = 25, spread_m: float = 60.0):
    """Pins crowded around a few places in the city, plus scattered ones (noise)."""
    rng = random.Random(seed)
    from_sweref = Transformer.from_crs(3006, 4326, always_xy=True)
    points = []
    for _ in range(centres):
        lon, lat = rng.uniform(CITY[0], CITY[2]), rng.uniform(CITY[1], CITY[3])
        cx, cy = TO_SWEREF.transform(lon, lat)
        for _ in range(per_blob):
            x, y = cx + rng.gauss(0, spread_m), cy + rng.gauss(0, spread_m)
            plon, plat = from_sweref.transform(x, y)
            points.append((round(plon, 6), round(plat, 6)))
    points += random_points(40, seed=seed, box=CITY)
    return points


def _sklearn_clusters(ids, points, eps, min_points):
    """scikit-learn's DBSCAN on the same pins projected to SWEREF 99 TM with pyproj."""
    xs, ys = TO_SWEREF.transform([p[0] for p in points], [p[1] for p in points])
    fitted = DBSCAN(eps=eps, min_samples=min_points).fit(np.column_stack([xs, ys]))
    groups: dict[int, set[int]] = {}
    for pin_id, label in zip(ids, fitted.labels_, strict=True):
        if label >= 0:
            groups.setdefault(int(label), set()).add(pin_id)
    core = {ids[i] for i in fitted.core_sample_indices_}
    return (
        {frozenset(g) for g in groups.values()},
        core,
        dict(zip(ids, zip(xs, ys, strict=True), strict=True)),
    )


def _assert_same_clustering(ours, theirs, core, xy, eps):
    """Equal memberships, noise included. A border point within eps of cores of two clusters
    may rightly join either (DBSCAN's order decides), so only such points may differ."""
    ours_core = {frozenset(c & core) for c in ours}
    theirs_core = {frozenset(c & core) for c in theirs}
    assert ours_core == theirs_core
    assert set().union(*ours) == set().union(*theirs)  # the same noise

    def reachable_cores(pin):
        x, y = xy[pin]
        return {c for c in core if (xy[c][0] - x) ** 2 + (xy[c][1] - y) ** 2 <= eps**2}

    cluster_of_core = {c: group for group in ours_core for c in group}
    for group in ours:
        for pin in group - core:
            clusters = {cluster_of_core[c] for c in reachable_cores(pin)}
            assert frozenset(group & core) in clusters
            if len(clusters) == 1:  # unambiguous: sklearn put it in the same cluster
                assert any(pin in g and (g & core) == (group & core) for g in theirs)


@pytest.mark.parametrize(
    ("seed", "eps", "min_points"),
    [(1, 40.0, 4), (2, 75.0, 6), (3, 25.5, 3), (4, 150.0, 10), (5, 60.0, 1)],
)
def test_dbscan_equals_scikit_learn(app, client, seed, eps, min_points):
    points = _blobs(seed)
    ids = add_pins(app, varied_specs(points, seed=seed))
    features = _features(client.get(f"/api/layers/clusters?eps={eps}&min_points={min_points}"))
    ours = [set(f["properties"]["idea_ids"]) for f in features]
    theirs, core, xy = _sklearn_clusters(ids, points, eps, min_points)
    assert len(ours) == len(theirs)
    _assert_same_clustering(ours, theirs, core, xy, eps)
    if min_points == 1:
        assert set().union(*ours) == set(ids)  # every pin is its own core: no noise


def test_cluster_features_carry_hull_counts_and_top_category(app, client):
    points = _blobs(7, centres=3, per_blob=30, spread_m=40)
    specs = varied_specs(points, seed=7)
    ids = add_pins(app, specs)
    by_id = dict(zip(ids, specs, strict=True))
    body = client.get("/api/layers/clusters?eps=60&min_points=5").get_json()
    assert body["eps"] == 60.0 and body["min_points"] == 5
    features = body["features"]
    assert features, "the blobs make clusters"
    firsts = []
    for number, feature in enumerate(features, start=1):
        props = feature["properties"]
        assert feature["id"] == props["cluster_id"] == number
        members = props["idea_ids"]
        assert members == sorted(members) and props["count"] == len(members)
        firsts.append(members[0])
        kinds = Counter(by_id[m]["kind"] for m in members)
        categories = Counter(by_id[m]["category"] for m in members)
        assert props["by_kind"] == dict(kinds)
        assert props["by_category"] == dict(categories)
        best = max(categories.values())
        assert props["top_category"] == min(c for c, n in categories.items() if n == best)
        hull = shape(feature["geometry"])
        assert hull.geom_type == "Polygon" and hull.is_valid
        assert all(
            hull.buffer(1e-6).covers(Point(by_id[m]["lon"], by_id[m]["lat"])) for m in members
        )
        assert set(props) == {
            "cluster_id", "count", "idea_ids", "by_kind", "by_category", "top_category"
        }  # fmt: skip
    assert firsts == sorted(firsts)  # numbered by each cluster's smallest pin id


@pytest.mark.parametrize("layout", ["one", "two", "line"])
def test_degenerate_clusters_get_a_buffer(app, client, layout):
    """One pin, two pins or pins in a line have no area: the hull is a buffer around them."""
    start = TO_SWEREF.transform(20.2630, 63.8258)
    offsets = {"one": [(0, 0)], "two": [(0, 0), (30, 0)], "line": [(0, 0), (20, 20), (40, 40)]}
    from_sweref = Transformer.from_crs(3006, 4326, always_xy=True)
    specs = []
    for dx, dy in offsets[layout]:
        lon, lat = from_sweref.transform(start[0] + dx, start[1] + dy)
        specs.append({"lon": lon, "lat": lat})
    add_pins(app, specs)
    (feature,) = _features(client.get("/api/layers/clusters?eps=50&min_points=1"))
    hull = shape(feature["geometry"])
    assert hull.geom_type == "Polygon" and hull.area > 0
    assert all(hull.covers(Point(s["lon"], s["lat"])) for s in specs)
    assert feature["properties"]["count"] == len(specs)


def test_noise_is_not_a_cluster(app, client):
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(20, seed=3)])
    assert _features(client.get("/api/layers/clusters?eps=1&min_points=2")) == []
    assert len(_features(client.get("/api/layers/clusters?eps=1&min_points=1"))) == 20


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("eps=0", "eps", "eps must be a distance in metres from 1 to 5,000."),
        ("eps=0.99", "eps", "eps must be a distance in metres from 1 to 5,000."),
        ("eps=5000.5", "eps", "eps must be a distance in metres from 1 to 5,000."),
        ("eps=NaN", "eps", "eps must be a distance in metres from 1 to 5,000."),
        ("eps=", "eps", "eps must be a distance in metres from 1 to 5,000."),
        ("min_points=0", "min_points", "min_points must be a whole number from 1 to 1,000."),
        ("min_points=1001", "min_points", "min_points must be a whole number from 1 to 1,000."),
        ("min_points=2.5", "min_points", "min_points must be a whole number from 1 to 1,000."),
    ],
)
def test_cluster_parameters_are_bounded(client, query, field, message):
    response = client.get(f"/api/layers/clusters?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["field"], error["message"]) == (field, message)


def test_cluster_parameter_limits_are_accepted(client):
    assert _status(client, "/api/layers/clusters?eps=1&min_points=1") == 200
    assert _status(client, "/api/layers/clusters?eps=5000&min_points=1000") == 200


def test_swedish_messages_name_the_limit(client):
    response = client.get("/api/layers/clusters?eps=9999")
    assert response.status_code == 422
    # Written as Swedish writes numbers, with a no-break space between the thousands.
    assert response.get_json()["error"] == {
        "code": "invalid_field",
        "field": "eps",
        "message": "eps måste vara ett avstånd i meter från 1 till 5\N{NO-BREAK SPACE}000.",
    }


def _shapely_district_counts(points):
    """Point-in-polygon with Shapely over the districts file, independent of PostGIS."""
    data = json.loads((DATA_DIR / "umea_stadsdelar.geojson").read_text(encoding="utf-8"))
    polygons = [(str(f["properties"]["id"]), shape(f["geometry"])) for f in data["features"]]
    counts: Counter[str] = Counter()
    for lon, lat in points:
        point = Point(lon, lat)
        inside = [code for code, polygon in polygons if polygon.covers(point)]
        assert len(inside) == 1, (lon, lat, inside)
        counts[inside[0]] += 1
    return counts


def test_district_counts_equal_shapely_point_in_polygon(app, client):
    points = random_points(150, seed=11) + random_points(150, seed=12, box=CITY)
    specs = varied_specs(points, seed=11)
    add_pins(app, specs)
    expected = _shapely_district_counts(points)
    features = _features(client.get("/api/layers/districts"))
    assert len(features) == 121
    got = {f["properties"]["code"]: f["properties"]["count"] for f in features}
    assert {code: n for code, n in got.items() if n} == dict(expected)
    assert sum(got.values()) == len(points)
    for feature in features:
        props = feature["properties"]
        assert props["share"] == pytest.approx(props["count"] / len(points), abs=5e-5)
        assert sum(props["by_kind"].values()) == props["count"]
        assert sum(props["by_category"].values()) == props["count"]
        assert props["per_1000"] is None  # no population loaded
        assert {"name", "code", "count", "by_kind", "by_category", "share", "per_1000"} <= set(
            props
        )


def test_districts_per_1000_where_population_is_known(app, client, runner, tmp_path):
    add_pins(app, [{"lon": 20.2630, "lat": 63.8258}] * 3)
    code = _shapely_district_counts([(20.2630, 63.8258)]).most_common(1)[0][0]
    csv = tmp_path / "population.csv"
    csv.write_text(f"code,population\n{code},1500\n", encoding="utf-8")
    try:
        result = runner.invoke(args=["districts", "population", str(csv)])
        assert result.exit_code == 0, result.output
        features = _features(client.get("/api/layers/districts"))
        by_code = {f["properties"]["code"]: f["properties"] for f in features}
        assert by_code[code]["count"] == 3 and by_code[code]["population"] == 1500
        assert by_code[code]["per_1000"] == 2.0
        assert sum(1 for p in by_code.values() if p["per_1000"] is not None) == 1
    finally:
        with app.app_context(), get_engine().begin() as conn:
            conn.execute(text("UPDATE districts SET population = NULL"))


def test_district_filter_keeps_only_those_districts(app, client):
    points = random_points(60, seed=21, box=CITY)
    add_pins(app, varied_specs(points, seed=21))
    counts = _shapely_district_counts(points)
    chosen = [code for code, _n in counts.most_common(2)]
    features = _features(client.get(f"/api/layers/districts?district={','.join(chosen)}"))
    assert sorted(f["properties"]["code"] for f in features) == sorted(chosen)
    assert {f["properties"]["code"]: f["properties"]["count"] for f in features} == {
        code: counts[code] for code in chosen
    }
    assert _features(client.get("/api/layers/districts?district=no-such-code")) == []


def _postgis_hexagon_grid_counts(app, size):
    """The oracle: PostGIS's own ST_HexagonGrid over the pins' extent, joined point-in-cell."""
    sql = text(
        """
        WITH pins AS (SELECT ST_Transform(geom, 3006) AS g FROM ideas
                      WHERE visibility = 'published'),
             grid AS (SELECT * FROM ST_HexagonGrid(
                         :size, (SELECT ST_SetSRID(ST_Extent(g)::geometry, 3006) FROM pins)))
        SELECT grid.i, grid.j, count(*) FROM grid JOIN pins ON ST_Intersects(grid.geom, pins.g)
        GROUP BY grid.i, grid.j
        """
    )
    with app.app_context(), get_engine().connect() as conn:
        return {f"{i}_{j}": n for i, j, n in conn.execute(sql, {"size": size})}


@pytest.mark.parametrize("size", [250, 777, 3000])
def test_hexagons_equal_st_hexagongrid_and_sum_to_the_pins(app, client, size):
    points = random_points(200, seed=size) + random_points(100, seed=size + 1, box=CITY)
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in points])
    body = client.get(f"/api/layers/hexgrid?size={size}").get_json()
    assert body["size"] == size
    features = body["features"]
    assert sum(f["properties"]["count"] for f in features) == len(points)
    assert all(f["properties"]["count"] > 0 for f in features)  # only non-empty cells
    assert {f["id"]: f["properties"]["count"] for f in features} == (
        _postgis_hexagon_grid_counts(app, size)
    )
    for feature in features:
        hexagon = shape(feature["geometry"])
        assert hexagon.geom_type == "Polygon" and len(hexagon.exterior.coords) == 7


def test_hexgrid_default_size(client, app):
    add_pins(app, [{"lon": 20.2630, "lat": 63.8258}])
    body = client.get("/api/layers/hexgrid").get_json()
    assert body["size"] == 250 and len(body["features"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("size=9", "size must be a whole number from 10 to 20,000."),
        ("size=20001", "size must be a whole number from 10 to 20,000."),
        ("size=12.5", "size must be a whole number from 10 to 20,000."),
        (
            "size=100",
            "size must be at least 194 metres for this area: at most 100,000 hexagons. "
            "Choose a larger size or a smaller bbox.",
        ),
    ],
)
def test_hexgrid_size_is_bounded(client, query, message):
    response = client.get(f"/api/layers/hexgrid?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["field"], error["message"]) == ("size", message)


def test_the_named_limit_is_the_limit(client):
    refused = client.get("/api/layers/hexgrid?size=193")
    assert refused.status_code == 422
    assert refused.get_json()["suggested"] == {"size": 194}  # the workspace offers it
    assert _status(client, "/api/layers/hexgrid?size=194") == 200


def test_a_bbox_allows_smaller_hexagons(client, app):
    add_pins(app, [{"lon": 20.2630, "lat": 63.8258}])
    response = client.get("/api/layers/hexgrid?size=20&bbox=20.2,63.8,20.35,63.86")
    assert len(_features(response)) == 1
    response = client.get("/api/layers/hexgrid?size=10&bbox=20.2,63.8,20.35,63.86")
    assert response.status_code == 422


LAYERS = [
    "/api/layers/clusters?eps=5000&min_points=1",
    "/api/layers/districts",
    "/api/layers/hexgrid",
]


def _pins_counted(path, features):
    if "clusters" in path:
        return sum(f["properties"]["count"] for f in features)
    return sum(f["properties"]["count"] for f in features)


@pytest.mark.parametrize("path", LAYERS)
def test_every_layer_takes_every_filter(app, client, path):
    points = random_points(80, seed=31, box=CITY)
    specs = varied_specs(points, seed=31)
    ids = add_pins(app, specs)
    set_columns(app, ids[:20], status="planned")
    set_columns(app, ids[:10], created_at=datetime(2025, 1, 15, 12, tzinfo=UTC))
    set_columns(app, ids[10:30], created_at=datetime(2025, 3, 1, tzinfo=UTC))
    counts = _shapely_district_counts(points)
    district = counts.most_common(1)[0][0]
    joiner = "&" if "?" in path else "?"
    expectations = {
        "kind=concern": sum(s["kind"] == "concern" for s in specs),
        "category=safety,traffic": sum(s["category"] in ("safety", "traffic") for s in specs),
        "status=planned": 20,
        "source=paper,workshop": sum(s["source"] in ("paper", "workshop") for s in specs),
        f"district={district}": counts[district],
        "until=2025-01-15": 10,  # a whole day, up to its last microsecond
        "since=2025-01-16&until=2025-03-01T00:00:00Z": 20,
        "since=2025-03-02": 50,
        f"ids={ids[0]},{ids[1]}": 2,
        "bbox=19,63,20,64": 0,
    }
    for query, expected in expectations.items():
        features = _features(client.get(f"{path}{joiner}{query}"))
        assert _pins_counted(path, features) == expected, query


@pytest.mark.parametrize("path", LAYERS)
@pytest.mark.parametrize("visibility", ["held", "hidden", "withdrawn"])
def test_unpublished_pins_are_in_no_layer(app, client, path, visibility):
    shown = add_pins(app, [{"lon": 20.2630, "lat": 63.8258}])
    hidden = add_pins(app, [{"lon": 20.2631, "lat": 63.8259}, {"lon": 20.30, "lat": 63.84}])
    set_columns(app, hidden, visibility=visibility)
    features = _features(client.get(path))
    assert _pins_counted(path, features) == 1
    if "clusters" in path:
        assert features[0]["properties"]["idea_ids"] == shown


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("until=2025-01-01&since=2025-02-01", "until"),
        ("until=yesterday", "until"),
        ("source=fax", "source"),
        ("district=a%20b", "district"),
        ("district=" + ",".join(["1"] * 201), "district"),
    ],
)
def test_new_filters_are_strict(client, query, field):
    response = client.get(f"/api/ideas?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field


def test_the_largest_eps_is_answered_everywhere(app, client, staff, monkeypatch):
    """Compiled DBSCAN takes a million pins at eps 5000 m in seconds: no eps is refused, and
    every endpoint gets its clusters from the child process that many pins go to."""
    from geo import cluster_work

    monkeypatch.setattr(cluster_work, "IN_PROCESS_MAX", 0)
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(60, seed=5, box=CITY)])
    (feature,) = _features(client.get("/api/layers/clusters?eps=5000"))
    assert feature["properties"]["count"] == 60
    for path in (
        "/api/export/clusters.gpkg?eps=5000",
        "/ogc/collections/clusters/items?eps=5000",
        "/planner/report?eps=5000",
    ):
        assert _status(staff("planner").client, path) == 200, path  # the report: staff


def test_clusters_labelled_in_a_child_process_are_the_same(app, client, monkeypatch):
    """Many pins are clustered by a child process (geo/cluster_work.py): the same layer, byte for
    byte, as in the worker's own process, and the same again on the next request."""
    from geo import cluster_work

    points = _blobs(9, centres=4, per_blob=40)
    add_pins(app, varied_specs(points, seed=9))
    url = "/api/layers/clusters?eps=45&min_points=4"
    in_process = client.get(url).get_data()
    assert client.get(url).get_data() == in_process
    monkeypatch.setattr(cluster_work, "IN_PROCESS_MAX", 0)
    assert client.get(url).get_data() == in_process
    assert len(json.loads(in_process)["features"]) >= 4


def test_dbscan_past_the_statement_timeout_is_a_503(app, client, monkeypatch):
    from geo import cluster_work

    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(30, seed=8, box=CITY)])
    monkeypatch.setattr(cluster_work, "IN_PROCESS_MAX", 0)
    monkeypatch.setitem(app.config, "DB_STATEMENT_TIMEOUT_MS", 1)  # the child needs ~0.2 s
    response = client.get("/api/layers/clusters", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.get_json()["error"] == {
        "code": "busy",
        "field": None,
        "message": "Finding the clusters takes longer than the server allows. Narrow the "
        "filters or try again soon.",
    }
    assert response.headers["Retry-After"]


def test_one_dbscan_child_at_a_time_then_busy(app, client, monkeypatch):
    """A child takes both cores: while one runs, the next waits its turn, then answers 503."""
    from dataclasses import replace

    from app import map_gates
    from geo import cluster_work

    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(30, seed=9, box=CITY)])
    monkeypatch.setattr(cluster_work, "IN_PROCESS_MAX", 0)
    gates = replace(app.extensions[map_gates.EXTENSION], cluster_wait_s=0.05)
    monkeypatch.setitem(app.extensions, map_gates.EXTENSION, gates)
    assert gates.cluster_jobs.enter(0)  # another request's child
    try:
        response = client.get("/api/layers/clusters", headers={"Accept-Language": "en"})
        assert response.status_code == 503
        assert response.get_json()["error"]["message"] == (
            "Other clusters are being found just now. Please try again soon."
        )
    finally:
        gates.cluster_jobs.leave()
    assert _status(client, "/api/layers/clusters") == 200
    assert gates.cluster_jobs.enter(0)  # and the place was given back
    gates.cluster_jobs.leave()


def test_a_min_points_too_small_for_the_pins_is_refused(app, client, staff, monkeypatch):
    """Every cluster holds at least min_points pins: pins / min_points clusters at most, and
    that many hulls must stay within reach (here with small limits; the real one: 250,000)."""
    from app.layers import queries

    monkeypatch.setattr(queries, "MAX_CLUSTERS", 20)
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(60, seed=6, box=CITY)])
    response = client.get(
        "/api/layers/clusters?eps=10&min_points=2", headers={"Accept-Language": "en"}
    )
    response.get_data()
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "too_much_work",
        "field": "min_points",
        "message": "min_points is too small for this many pins: at least 3 here. Narrow the "
        "filters or choose a larger min_points.",
    }
    assert response.get_json()["suggested"] == {"min_points": 3}  # the workspace offers it
    assert _status(client, "/api/layers/clusters?eps=10&min_points=3") == 200
    for path in (
        "/api/export/clusters.gpkg?eps=10&min_points=2",
        "/ogc/collections/clusters/items?eps=10&min_points=2",
        "/planner/report?eps=10&min_points=2",
    ):
        expected = 400 if path.startswith("/ogc") else 422  # OGC's own status
        assert _status(staff("planner").client, path) == expected, path
