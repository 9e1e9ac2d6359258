"""OGC API – Features over HTTP: the documents, media types, links, paging and the
parameters (OGC's 400 for what it cannot take, a limit above the maximum lowered)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from app.db import get_engine
from tests.pins import add_pins, random_points, set_columns

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _rels(document):
    return {link["rel"]: link for link in document["links"]}


def test_landing_page_links_to_the_parts(client):
    response = client.get("/ogc")
    assert response.status_code == 200 and response.mimetype == "application/json"
    links = _rels(response.get_json())
    assert {"self", "service-desc", "conformance", "data"} <= set(links)
    assert links["data"]["href"] == "http://localhost/ogc/collections"
    assert links["conformance"]["href"] == "http://localhost/ogc/conformance"
    assert client.get("/ogc/").status_code == 200


def test_the_api_document_has_limits_default_where_qgis_reads_it(client):
    """QGIS's OGC API client reads `components/parameters/limit` of the landing page's
    service-desc: by its source, with a default there it asks for pages of 1,000, without
    one of 100. No maximum: a larger limit is lowered, not refused."""
    desc = _rels(client.get("/ogc").get_json())["service-desc"]["href"]
    spec = client.get(desc).get_json()
    limit = spec["components"]["parameters"]["limit"]
    assert (limit["name"], limit["in"]) == ("limit", "query")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "default": 100}
    items = spec["paths"]["/ogc/collections/{collection_id}/items"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/limit"} in items


def test_conformance(client):
    response = client.get("/ogc/conformance")
    assert response.mimetype == "application/json"
    assert set(response.get_json()["conformsTo"]) == {CORE, GEOJSON_CLASS}


def test_collections_describe_themselves(client):
    body = client.get("/ogc/collections", headers={"Accept-Language": "en"}).get_json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == ["ideas", "districts", "hexagons", "clusters"]
    for collection in body["collections"]:
        assert collection["itemType"] == "feature" and collection["crs"] == [CRS84]
        (bbox,) = collection["extent"]["spatial"]["bbox"]
        assert 19.6 < bbox[0] < bbox[2] < 21.1 and 63.3 < bbox[1] < bbox[3] < 64.5
        items = _rels(collection)["items"]
        assert items["type"] == "application/geo+json"
        assert items["href"] == f"http://localhost/ogc/collections/{collection['id']}/items"
        one = client.get(f"/ogc/collections/{collection['id']}")
        assert one.status_code == 200 and one.get_json()["id"] == collection["id"]
    assert body["collections"][0]["title"] == "Pins"
    swedish = client.get("/ogc/collections").get_json()["collections"][1]["title"]
    assert swedish == "Stadsdelar"


def test_links_keep_the_filters_of_the_connection(client):
    body = client.get("/ogc/collections?kind=concern&eps=250").get_json()
    items = _rels(body["collections"][3])["items"]["href"]
    assert parse_qs(urlsplit(items).query) == {"kind": ["concern"], "eps": ["250"]}


def test_pins_by_their_words_and_the_links_keep_them(app, client):
    specs = [{"lon": lon, "lat": lat} for lon, lat in random_points(6, seed=72)]
    ids = add_pins(app, specs)
    set_columns(app, ids[:3], title="Trasig belysning")
    url = "/ogc/collections/ideas/items?limit=2&q=belysning"
    body = client.get(url).get_json()
    assert body["numberMatched"] == 3
    assert [f["id"] for f in body["features"]] == sorted(ids[:3], reverse=True)[:2]
    assert parse_qs(urlsplit(_rels(body)["next"]["href"]).query)["q"] == ["belysning"]


def test_items_page_with_next_links_to_the_end(app, client):
    ids = add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(12, seed=71)])
    seen, url, pages = [], "/ogc/collections/ideas/items?limit=5&kind=idea", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/geo+json"
        body = response.get_json()
        assert body["numberMatched"] == 12
        assert body["numberReturned"] == len(body["features"])
        assert datetime.strptime(body["timeStamp"], "%Y-%m-%dT%H:%M:%SZ")
        links = _rels(body)
        assert links["self"]["type"] == "application/geo+json"
        seen += [f["id"] for f in body["features"]]
        url = links.get("next", {}).get("href")
        if url:
            assert url.startswith("http://localhost/ogc/collections/ideas/items?")
            assert parse_qs(urlsplit(url).query)["kind"] == ["idea"]
        pages += 1
    assert pages == 3 and sorted(seen) == sorted(ids) and seen == sorted(seen, reverse=True)


def test_layer_items_page_by_offset(app, client):
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(30, seed=72)])
    first = client.get("/ogc/collections/districts/items?limit=50").get_json()
    assert first["numberMatched"] == 121 and first["numberReturned"] == 50
    next_url = _rels(first)["next"]["href"]
    assert parse_qs(urlsplit(next_url).query)["offset"] == ["50"]
    last = client.get("/ogc/collections/districts/items?limit=50&offset=100").get_json()
    assert last["numberReturned"] == 21 and "next" not in _rels(last)
    beyond = client.get("/ogc/collections/districts/items?offset=500").get_json()
    assert beyond["numberReturned"] == 0 and beyond["numberMatched"] == 121


def test_a_limit_above_the_maximum_is_lowered(app, client):
    add_pins(app, [{"lon": 20.263, "lat": 63.8258}])
    body = client.get("/ogc/collections/ideas/items?limit=99999999").get_json()
    assert body["numberReturned"] == 1
    assert parse_qs(urlsplit(_rels(body)["self"]["href"]).query)["limit"] == ["99999999"]


def test_datetime_instants_and_intervals(app, client):
    ids = add_pins(app, [{"lon": 20.263, "lat": 63.8258}] * 3)
    set_columns(app, ids[:1], created_at=datetime(2025, 1, 15, 12, tzinfo=UTC))
    set_columns(app, ids[1:2], created_at=datetime(2025, 2, 1, 8, tzinfo=UTC))
    expectations = {
        "2025-01-15": 1,
        "2025-01-15T12:00:00Z": 1,
        "2025-01-15T12:00:01Z": 0,
        "2025-01-01/2025-01-31": 1,
        "../2025-02-01": 2,
        "2025-01-16/..": 2,
        "/2025-03-01": 2,
        "2025-02-01T08:00:00Z/": 2,
    }
    for value, expected in expectations.items():
        body = client.get(f"/ogc/collections/ideas/items?datetime={value}").get_json()
        assert body["numberMatched"] == expected, value
    body = client.get("/ogc/collections/districts/items?datetime=2025-01-15&limit=200").get_json()
    assert sum(f["properties"]["count"] for f in body["features"]) == 1


@pytest.mark.parametrize(
    ("collections", "query", "field"),
    [
        (("ideas", "districts"), "foo=1", "foo"),
        (("ideas", "districts"), "f=html", "f"),
        (("ideas", "districts"), "limit=0", "limit"),
        (("ideas", "districts"), "limit=ten", "limit"),
        (("ideas", "districts"), "offset=-1", "offset"),
        (("ideas", "districts"), "bbox=1,2,3", "bbox"),
        (("ideas", "districts"), "datetime=yesterday", "datetime"),
        (("ideas", "districts"), "datetime=2025-02-01/2025-01-01", "datetime"),
        (("ideas", "districts"), "datetime=../..", "datetime"),
        (("ideas", "districts"), "kind=bike", "kind"),
        (("ideas", "districts"), "crs=EPSG:3006", "crs"),
        (("ideas", "districts"), "limit=ten&limit=1000", "limit"),
        (("ideas", "districts"), "kind=idea&kind=concern", "kind"),
        (("clusters",), "eps=50&eps=250", "eps"),
        (("clusters",), "eps=0", "eps"),
        (("clusters",), "min_points=1001", "min_points"),
        (("hexagons",), "size=5", "size"),
        (("hexagons",), "size=100", "size"),
    ],
)
def test_bad_parameters_get_ogcs_400(client, collections, query, field):
    for collection in collections:
        response = client.get(f"/ogc/collections/{collection}/items?{query}")
        assert response.status_code == 400, (collection, query, response.get_data())
        assert response.mimetype == "application/json"
        assert response.get_json()["error"]["field"] == field


def test_unknown_parameters_are_refused_everywhere(client):
    for path in ("/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/ideas"):
        assert client.get(f"{path}?nope=1").status_code == 400


def test_a_parameter_given_twice_with_other_values_is_named(app, client):
    """Which of two filters was meant cannot be known: a 400 naming it, in every document."""
    add_pins(app, [{"lon": 20.263, "lat": 63.8258}])
    for path in ("/ogc", "/ogc/collections", "/ogc/collections/ideas/items"):
        response = client.get(f"{path}?kind=idea&kind=concern", headers={"Accept-Language": "en"})
        assert response.status_code == 400, path
        error = response.get_json()["error"]
        assert error["code"] == "repeated_parameter" and error["field"] == "kind"
        assert error["message"] == (
            "The query parameter kind is given more than once, with different values."
        )
    # The same value twice asks for one thing: GDAL and QGIS repeat their connection URL's
    # filters after our links' own, written in another order.
    same = client.get("/ogc/collections/ideas/items?kind=idea&eps=250&kind=idea&eps=250")
    assert same.status_code == 200 and same.get_json()["numberMatched"] == 1


def test_the_last_limit_counts(app, client):
    """GDAL asks `items?limit=10&limit=1000` for `OAPIF:https://host/ogc?limit=1000`: the
    first value was taken silently, and pages stayed at 10 however GDAL 3.6 was asked."""
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(5, seed=74)])
    body = client.get("/ogc/collections/ideas/items?limit=1&limit=2").get_json()
    assert body["numberReturned"] == 2 and body["numberMatched"] == 5
    for rel in ("self", "next"):
        assert parse_qs(urlsplit(_rels(body)[rel]["href"]).query)["limit"] == ["2"]
    layer = client.get("/ogc/collections/districts/items?limit=1000&limit=3").get_json()
    assert layer["numberReturned"] == 3


def test_not_found(client, app):
    assert client.get("/ogc/collections/nothing").status_code == 404
    assert client.get("/ogc/collections/nothing/items").status_code == 404
    for feature in ("999", "x", "9" * 30):
        response = client.get(f"/ogc/collections/ideas/items/{feature}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.get("/ogc/collections/hexagons/items/1_1").status_code == 404


def test_one_feature_of_each_collection(app, client):
    (pin,) = add_pins(app, [{"lon": 20.263, "lat": 63.8258}])
    response = client.get(f"/ogc/collections/ideas/items/{pin}")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["id"] == pin and feature["geometry"]["coordinates"] == [20.263, 63.8258]
    assert _rels(feature)["collection"]["href"] == "http://localhost/ogc/collections/ideas"
    for collection in ("districts", "hexagons", "clusters"):
        page = client.get(f"/ogc/collections/{collection}/items?min_points=1").get_json()
        chosen = next(f for f in page["features"] if f["properties"]["count"])
        one = client.get(f"/ogc/collections/{collection}/items/{chosen['id']}?min_points=1")
        assert one.status_code == 200, collection
        assert one.get_json()["properties"] == chosen["properties"]


def test_pins_have_their_district_code_as_the_exports_do(app, client):
    specs = [{"lon": lon, "lat": lat} for lon, lat in random_points(8, seed=73)]
    ids = add_pins(app, specs)
    with app.app_context(), get_engine().connect() as conn:
        expected = dict(
            conn.execute(
                text(
                    "SELECT i.id, d.code FROM ideas i LEFT JOIN districts d ON d.id = i.district_id"
                )
            ).all()
        )
    assert sorted(expected) == sorted(ids) and all(expected.values())
    items = client.get("/ogc/collections/ideas/items?limit=100").get_json()["features"]
    codes = {f["id"]: f["properties"]["district_code"] for f in items}
    assert codes == expected
    exported = client.get("/api/export/ideas.geojson").get_json()["features"]
    assert {f["id"]: f["properties"]["district_code"] for f in exported} == codes
    one = client.get(f"/ogc/collections/ideas/items/{ids[0]}").get_json()
    assert one["properties"]["district_code"] == expected[ids[0]]
    # Same properties as the export's, in the same order, but for the export's `id`.
    export_keys = [k for k in exported[0]["properties"] if k != "id"]
    assert list(items[0]["properties"]) == export_keys


def test_unpublished_pins_are_not_features(app, client):
    (pin,) = add_pins(app, [{"lon": 20.263, "lat": 63.8258}])
    set_columns(app, [pin], visibility="held")
    assert client.get(f"/ogc/collections/ideas/items/{pin}").status_code == 404
    assert client.get("/ogc/collections/ideas/items").get_json()["numberMatched"] == 0
