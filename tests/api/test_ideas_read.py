"""GET /api/ideas and /api/ideas/<id>: published pins only, strict filters, cursor paging."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.db import get_engine
from tests.conftest import CENTRE, HOLMSUND, pin_feature


def _create(api, lon_lat=CENTRE, **props):
    response = api.post("/api/ideas", pin_feature(lon_lat, **props))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _set(app, idea_id, **columns):
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text(f"UPDATE ideas SET {assignments} WHERE id = :id"), {"id": idea_id, **columns}
        )


def _ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    return [f["id"] for f in body["features"]]


def test_list_is_newest_first_and_valid_geojson(api):
    first = _create(api)
    second = _create(api, HOLMSUND, kind="concern", category="safety")
    body = api.get("/api/ideas").get_json()
    assert [f["id"] for f in body["features"]] == [second, first]
    feature = body["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["kind"] == "concern"
    assert body["numberReturned"] == 2
    assert "next_cursor" not in body


@pytest.mark.parametrize("visibility", ["held", "hidden", "withdrawn"])
def test_unpublished_pins_never_show(api, app, visibility):
    visible = _create(api)
    secret = _create(api, title="Not for the public")
    _set(app, secret, visibility=visibility)
    assert _ids(api.get("/api/ideas")) == [visible]
    assert api.get(f"/api/ideas/{secret}").status_code == 404
    assert api.post(f"/api/ideas/{secret}/support").status_code == 404
    assert _ids(api.get("/api/map/clusters?bbox=19,63,22,65&zoom=10")) == [visible]
    assert "Not for the public" not in api.get("/list").get_data(as_text=True)
    assert api.get(f"/ideas/{secret}").status_code == 404


def test_filters_by_kind_category_status_and_bbox(api, app):
    idea = _create(api)
    concern = _create(api, HOLMSUND, kind="concern", category="safety")
    _set(app, concern, status="planned")
    assert _ids(api.get("/api/ideas?kind=idea")) == [idea]
    assert _ids(api.get("/api/ideas?kind=idea,concern")) == [concern, idea]
    assert _ids(api.get("/api/ideas?category=safety")) == [concern]
    assert _ids(api.get("/api/ideas?status=planned")) == [concern]
    assert _ids(api.get("/api/ideas?status=new")) == [idea]
    # A box around the city centre only.
    assert _ids(api.get("/api/ideas?bbox=20.2,63.8,20.3,63.85")) == [idea]
    assert _ids(api.get("/api/ideas?bbox=20.2,63.8,20.3,63.85&kind=concern")) == []


def test_words_filter_searches_titles_and_descriptions(api, app):
    """`q` finds pins by the words of their title or description, stemmed as Swedish, as a
    search box is typed into: several words all, "or", a minus for without."""
    bike = _create(api, title="Cykelbana längs älven", body="Bredare och med belysning.")
    lamps = _create(api, title="Mörk gångväg", body="Lamporna är trasiga, ingen belysning.")
    bench = _create(api, title="En bänk vid älven", body="")
    assert _ids(api.get("/api/ideas?q=belysning")) == [lamps, bike]
    assert _ids(api.get("/api/ideas?q=Belysningen")) == [lamps, bike]  # any case, stemmed
    assert _ids(api.get("/api/ideas?q=belysning älven")) == [bike]
    assert _ids(api.get("/api/ideas?q=belysning -cykelbana")) == [lamps]
    assert _ids(api.get("/api/ideas?q=bänk or gångväg")) == [bench, lamps]
    assert _ids(api.get("/api/ideas?q=och")) == []  # a stop word alone finds nothing
    assert _ids(api.get("/api/ideas?q=")) == [bench, lamps, bike]  # empty: no filter
    assert _ids(api.get("/api/ideas", query_string={"q": "&|!():*<->' \\"})) == []
    # The map and the layers take the same filter (the map counting the pins themselves).
    view = api.get("/api/map/clusters?bbox=20.25,63.82,20.28,63.83&zoom=16&q=belysning").get_json()
    assert sorted(f["id"] for f in view["features"]) == sorted([bike, lamps])
    districts = api.get("/api/layers/districts?q=belysning").get_json()["features"]
    assert sum(f["properties"]["count"] for f in districts) == 2
    _set(app, bike, visibility="hidden")
    assert _ids(api.get("/api/ideas?q=belysning")) == [lamps]


def test_ids_filter(api):
    first = _create(api)
    _create(api)
    third = _create(api)
    assert _ids(api.get(f"/api/ideas?ids={first},{third},999")) == [third, first]


def test_since_filters_by_creation_time(api, app):
    old = _create(api)
    new = _create(api)
    _set(app, old, created_at=datetime.now(UTC) - timedelta(days=10))
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert _ids(api.get("/api/ideas", query_string={"since": since})) == [new]
    assert _ids(api.get("/api/ideas?since=2000-01-01")) == [new, old]


def test_cursor_pages_through_everything_once(api):
    created = [_create(api, title=f"Pin number {n}") for n in range(7)]
    seen, url = [], "/api/ideas?limit=3"
    while url:
        body = api.get(url).get_json()
        assert body["numberReturned"] == len(body["features"]) <= 3
        seen.extend(f["id"] for f in body["features"])
        links = {link["rel"]: link["href"] for link in body.get("links", [])}
        url = links.get("next")
        if url:
            assert body["next_cursor"] in url
    assert seen == sorted(created, reverse=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=20.3,63.8,20.2,63.9", "bbox"),
        ("bbox=nan,63,21,64", "bbox"),
        ("bbox=20,63,inf,64", "bbox"),
        ("bbox=20,-100,21,64", "bbox"),
        ("kind=complaint", "kind"),
        ("category=unicorns", "category"),
        ("status=finished", "status"),
        ("since=yesterday", "since"),
        ("since=2026-13-45", "since"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("limit=ten", "limit"),
        ("limit=1e3", "limit"),
        ("cursor=garbage!!", "cursor"),
        ("ids=1,two", "ids"),
        ("ids=-1", "ids"),
        ("ids=" + ",".join(["1"] * 501), "ids"),
        ("cursor=aWQ6LTE", "cursor"),
        ("cursor=" + "A" * 50, "cursor"),
        ("q=" + "x" * 101, "q"),
        ("q=bench%00", "q"),
    ],
)
def test_garbage_query_parameters_get_422(api, query, field):
    response = api.get(f"/api/ideas?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["field"] == field


def test_one_pin_has_support_count_status_and_answer(api, app):
    idea_id = _create(api)
    _set(app, idea_id, status="planned", answer="We will build it in spring.")
    api.post(f"/api/ideas/{idea_id}/support")
    response = api.get(f"/api/ideas/{idea_id}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    props = response.get_json()["properties"]
    assert props["support_count"] == 1
    assert props["status"] == "planned"
    assert props["answer"] == "We will build it in spring."


@pytest.mark.parametrize("path", ["/api/ideas/999999", "/api/ideas/abc", "/api/ideas/-1"])
def test_unknown_pin_is_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"]
