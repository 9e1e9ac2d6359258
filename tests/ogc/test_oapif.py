"""OGC API – Features read by GDAL's own OAPIF driver (through pyogrio), the client QGIS
uses: every collection opens, counts equal the database's, paging reaches every feature,
a bbox returns only what meets it, and unpublished pins never show.

The server runs in processes of its own (gunicorn, as `make run` serves): GDAL's HTTP
requests hold the GIL, so a server thread in this process could never answer them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyogrio
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import text

from app.db import get_engine
from tests.pins import add_pins, random_points, set_columns, varied_specs
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn

CITY = (20.20, 63.80, 20.34, 63.86)
COLLECTIONS = ["ideas", "districts", "hexagons", "clusters"]
PARAMETERS = "eps=150&min_points=1&size=1000"


@pytest.fixture(scope="module")
def live_server(test_database_url, app, tmp_path_factory) -> Iterator[str]:
    """The app under gunicorn on the test database, for GDAL to read over HTTP."""
    url, process = start_gunicorn(test_database_url, tmp_path_factory.mktemp("ogc"))
    yield url
    stop_gunicorn(process)


@pytest.fixture
def pins(app):
    specs = varied_specs(random_points(45, seed=61, box=CITY) + random_points(15, seed=62), seed=61)
    ids = add_pins(app, specs)
    hidden = add_pins(app, [{"lon": 20.2631, "lat": 63.8259, "title": "Hidden pin"}] * 2)
    set_columns(app, hidden, visibility="hidden")
    return ids, specs


def _published_ids(app, where="TRUE", **params):
    sql = text(f"SELECT id FROM ideas WHERE visibility = 'published' AND {where}")
    with app.app_context(), get_engine().connect() as conn:
        return sorted(conn.execute(sql, params).scalars())


def _read(url, layer, **options):
    meta, fids, geometries, fields = pyogrio.raw.read(
        f"OAPIF:{url}", layer=layer, return_fids=True, **options
    )
    return meta, fids, shapely.from_wkb(geometries), dict(zip(meta["fields"], fields, strict=True))


def _expected_count(client, collection):
    # Each layer of the API takes its own parameters only (the OGC API carries them all).
    layer, query = {
        "hexagons": ("hexgrid", "size=1000"),
        "clusters": ("clusters", "eps=150&min_points=1"),
        "districts": ("districts", ""),
    }[collection]
    return len(client.get(f"/api/layers/{layer}?{query}").get_json()["features"])


def test_every_collection_opens_with_the_databases_counts(app, client, live_server, pins):
    url = f"{live_server}/ogc?{PARAMETERS}"
    layers = [name for name, _geometry in pyogrio.list_layers(f"OAPIF:{url}")]
    assert layers == COLLECTIONS
    for collection in COLLECTIONS:
        info = pyogrio.read_info(f"OAPIF:{url}", layer=collection)
        expected = (
            len(_published_ids(app))
            if collection == "ideas"
            else _expected_count(client, collection)
        )
        assert info["features"] == expected > 0, collection
        assert info["crs"] == "EPSG:4326"
        meta, _fids, geometries, _fields = _read(url, collection)
        assert len(geometries) == expected, collection


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_paging_reaches_every_feature(app, client, live_server, pins, collection):
    url = f"{live_server}/ogc?{PARAMETERS}"
    _meta, fids, geometries, fields = _read(url, collection, PAGE_SIZE=7)
    if collection == "ideas":
        assert sorted(int(f) for f in fids) == _published_ids(app)
    else:
        features = client.get(
            f"/ogc/collections/{collection}/items?{PARAMETERS}&limit=10000"
        ).get_json()["features"]
        assert len(geometries) == len(features) > 7
        assert sorted(int(c) for c in fields["count"]) == sorted(
            f["properties"]["count"] for f in features
        )


def test_pins_come_back_where_they_are(app, live_server, pins):
    _ids, specs = pins
    _meta, fids, geometries, fields = _read(f"{live_server}/ogc", "ideas")
    placed = {(s["lon"], s["lat"]) for s in specs}
    assert {(round(g.x, 6), round(g.y, 6)) for g in geometries} == placed
    assert "Hidden pin" not in set(fields["title"])
    assert not {"author_name", "supporter_id"} & set(fields)
    # The district's code, as every export of the pins has it.
    with app.app_context(), get_engine().connect() as conn:
        codes = dict(
            conn.execute(
                text("SELECT i.id, d.code FROM ideas i JOIN districts d ON d.id = i.district_id")
            ).all()
        )
    assert dict(zip((int(f) for f in fids), fields["district_code"], strict=True)) == {
        int(f): codes[int(f)] for f in fids
    }


BBOX = (20.24, 63.815, 20.29, 63.84)


def test_a_bbox_returns_only_what_meets_it(app, client, live_server, pins):
    url = f"{live_server}/ogc?{PARAMETERS}"
    inside = _published_ids(
        app,
        "ST_Intersects(geom, ST_MakeEnvelope(:a, :b, :c, :d, 4326))",
        a=BBOX[0], b=BBOX[1], c=BBOX[2], d=BBOX[3],
    )  # fmt: skip
    assert 0 < len(inside) < len(_published_ids(app))
    _meta, fids, geometries, _fields = _read(url, "ideas", bbox=BBOX, PAGE_SIZE=4)
    assert sorted(int(f) for f in fids) == inside
    # The server itself filters (GDAL would also drop what lies outside).
    body = client.get(f"/ogc/collections/ideas/items?bbox={','.join(map(str, BBOX))}").get_json()
    assert body["numberMatched"] == len(inside) == body["numberReturned"]
    area = box(*BBOX)
    for collection in ("districts", "hexagons", "clusters"):
        everything = client.get(f"/ogc/collections/{collection}/items?{PARAMETERS}&limit=10000")
        meeting = [
            f["id"]
            for f in everything.get_json()["features"]
            if shapely.geometry.shape(f["geometry"]).intersects(area)
        ]
        body = client.get(
            f"/ogc/collections/{collection}/items?{PARAMETERS}&bbox={','.join(map(str, BBOX))}"
            "&limit=10000"
        ).get_json()
        assert sorted(map(str, (f["id"] for f in body["features"]))) == sorted(map(str, meeting))
        assert body["numberMatched"] == len(meeting) < everything.get_json()["numberMatched"]
        _meta, _fids, geometries, _fields = _read(url, collection, bbox=BBOX)
        assert len(geometries) == len(meeting)


def test_filters_in_the_connection_url_reach_every_request(app, live_server, pins):
    _ids, specs = pins
    url = f"{live_server}/ogc?kind=concern&{PARAMETERS}"
    _meta, _fids, geometries, fields = _read(url, "ideas", PAGE_SIZE=5)
    assert len(geometries) == sum(s["kind"] == "concern" for s in specs)
    assert set(fields["kind"]) == {"concern"}
    _meta, _fids, _geometries, fields = _read(url, "districts")
    assert sum(int(c) for c in fields["count"]) == sum(s["kind"] == "concern" for s in specs)


def test_the_connection_urls_query_in_another_order_and_with_a_limit(app, live_server, pins):
    """GDAL adds the connection URL's query to each request after its own parameters, unless
    the URL holds it word for word: our links write the filters in an order of their own, so
    they come twice, and a `limit` there comes after GDAL's own. Both are taken (a limit
    refused left GDAL with pins and no properties: the request that finds them failed)."""
    _ids, specs = pins
    url = f"{live_server}/ogc?size=1000&min_points=1&eps=150&kind=concern&limit=6"
    _meta, _fids, geometries, fields = _read(url, "ideas")
    assert len(geometries) == sum(s["kind"] == "concern" for s in specs) > 6
    assert set(fields["kind"]) == {"concern"} and "district_code" in fields


def test_unpublished_pins_are_in_no_collection(app, client, pins):
    hidden = _published_ids(app, "FALSE")
    assert hidden == []
    for collection in COLLECTIONS:
        body = client.get(f"/ogc/collections/{collection}/items?{PARAMETERS}&limit=10000")
        assert b"Hidden pin" not in body.get_data()
        features = body.get_json()["features"]
        if collection in ("districts", "hexagons", "clusters"):
            total = sum(f["properties"]["count"] for f in features)
            assert total <= 60
    body = client.get("/ogc/collections/districts/items?limit=1000").get_json()
    assert sum(f["properties"]["count"] for f in body["features"]) == 60


def test_a_pin_made_in_a_seconds_last_half_millisecond_is_read(app, client, live_server, pins):
    """Times are written to the millisecond, what GDAL keeps: pyogrio rounded 59.9996 s to
    1,000 ms and failed on the whole layer ("microsecond must be in 0..999999"), a pin in
    2,000 by chance (a flake of `make test` on a busy machine)."""
    ids, _specs = pins
    set_columns(app, ids[:1], created_at="2026-12-01 10:00:59.9996+00")
    body = client.get(f"/ogc/collections/ideas/items/{ids[0]}").get_json()
    assert body["properties"]["created_at"] == "2026-12-01T10:00:59.999+00:00"
    _meta, fids, _geometries, fields = _read(f"{live_server}/ogc?{PARAMETERS}", "ideas")
    created = dict(zip((int(f) for f in fids), fields["created_at"], strict=True))
    assert str(created[ids[0]]) == "2026-12-01T10:00:59.999"
    # `until` at the time the pin shows includes it; a millisecond before does not.
    for until, included in (("10:00:59.999Z", True), ("10:00:59.998Z", False)):
        found = client.get(f"/ogc/collections/ideas/items?datetime=../2026-12-01T{until}")
        assert (ids[0] in [f["id"] for f in found.get_json()["features"]]) is included
