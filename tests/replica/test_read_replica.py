"""DATABASE_READ_URL: public reads from the replica, writes and staff on the primary, and a
browser that just wrote reads its own write (app/replica.py)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from app import replica
from app.replica import WROTE_COOKIE
from tests.conftest import CENTRE, Api, count_pins, create_user, pin_feature, sign_in
from tests.pins import add_pins, set_columns
from tests.replica.conftest import closed_port_url

UMEA = "20.0,63.6,20.6,64.0"


def titles(client: FlaskClient, path: str = "/api/ideas") -> set[str]:
    """The titles of the features a GeoJSON route answers `client` with."""
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {f["properties"].get("title") for f in response.get_json()["features"]}


def one_pin_each(app: Flask, replica_writer: Flask) -> tuple[int, int]:
    """A pin only in the primary and one only in the replica; their ids."""
    (primary_id,) = add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1], "title": "Primary"}])
    (replica_id,) = add_pins(
        replica_writer, [{"lon": CENTRE[0], "lat": CENTRE[1], "title": "Replica"}]
    )
    return primary_id, replica_id


def test_public_reads_are_answered_from_the_replica(app, replica_app, replica_writer):
    one_pin_each(app, replica_writer)
    client = replica_app.test_client()
    assert titles(client) == {"Replica"}
    assert titles(client, f"/api/map/clusters?bbox={UMEA}&zoom=10") == {"Replica"}
    assert titles(client, "/ogc/collections/ideas/items") == {"Replica"}
    near = f"/api/ideas/similar?at={CENTRE[0]},{CENTRE[1]}&title=Replica+Primary"
    assert titles(client, near) == {"Replica"}
    assert client.get("/api/ideas/1").get_json()["properties"]["title"] == "Replica"
    csv = client.get("/api/export/ideas.csv").get_data(as_text=True)
    assert "Replica" in csv and "Primary" not in csv
    page = client.get("/list").get_data(as_text=True)
    assert "Replica" in page and "Primary" not in page
    assert "Replica" in client.get("/ideas/1").get_data(as_text=True)
    # Without a replica the same app answers from the primary: one code path.
    assert titles(app.test_client()) == {"Primary"}


def test_cluster_pages_are_found_in_the_replica_and_kept_in_the_primary(
    replica_app, replica_writer
):
    """The replica's pins are clustered; the snapshot of the clusters is written to the
    primary (a replica refuses writes), and the next page is read from there."""
    places = (CENTRE[0], CENTRE[0] + 0.02)
    add_pins(replica_writer, [{"lon": lon + 0.0001 * k, "lat": CENTRE[1]} for lon in places
                              for k in range(3)])  # fmt: skip
    client = replica_app.test_client()
    first = client.get("/ogc/collections/clusters/items?eps=50&min_points=2&limit=1")
    assert first.status_code == 200 and first.get_json()["numberMatched"] == 2
    after = next(link["href"] for link in first.get_json()["links"] if link["rel"] == "next")
    second = client.get(after).get_json()
    assert [f["properties"]["count"] for f in second["features"]] == [3]
    assert second["numberMatched"] == 2


def test_the_map_validator_comes_from_the_database_that_sent_the_body(
    app, replica_app, replica_writer
):
    one_pin_each(app, replica_writer)
    add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1], "title": "Primary again"}])
    path = f"/api/map/clusters?bbox={UMEA}&zoom=10"
    from_replica = replica_app.test_client().get(path)
    assert from_replica.headers["ETag"] == replica_writer.test_client().get(path).headers["ETag"]
    assert from_replica.headers["ETag"] != app.test_client().get(path).headers["ETag"]
    again = replica_app.test_client().get(
        path, headers={"If-None-Match": from_replica.headers["ETag"]}
    )
    assert again.status_code == 304


def test_writes_go_to_the_primary(app, replica_app, replica_database_url, replica_writer):
    api = Api(replica_app.test_client())
    created = api.post("/api/ideas", json=pin_feature(title="Written"))
    assert created.status_code == 201
    assert created.get_json()["properties"]["title"] == "Written"  # read back on the primary
    assert count_pins(app) == 1
    assert count_pins(replica_writer) == 0
    supported = api.post(f"/api/ideas/{created.get_json()['id']}/support")
    assert supported.status_code == 201


def _reads_primary(client: FlaskClient) -> bool:
    """Whether `client`'s public reads show the primary's pins (else the replica's)."""
    found = titles(client)
    assert found in ({"Replica"}, {"Primary", "Mine"}), found
    return "Mine" in found


def test_a_browser_reads_its_own_write_then_the_replica_again(
    app, replica_app, replica_writer, monkeypatch
):
    """The window is timed on the app's clock, set here: on a busy machine more than the
    window (1.5 s) once passed between the POST and the next GET on the wall clock."""
    clock = [time.time()]
    monkeypatch.setattr(replica, "time", SimpleNamespace(time=lambda: clock[0]))
    one_pin_each(app, replica_writer)
    writer = Api(replica_app.test_client())
    other = replica_app.test_client()
    assert writer.post("/api/ideas", json=pin_feature(title="Mine")).status_code == 201
    clock[0] += 1.4
    assert _reads_primary(writer.client)  # its new pin shows at once
    assert not _reads_primary(other)  # everyone else still reads the replica
    assert other.get_cookie(WROTE_COOKIE) is None
    clock[0] += 0.2  # the window (1.5 s) has ended: back to the replica
    assert not _reads_primary(writer.client)


def test_a_failed_write_does_not_pin_the_browser_to_the_primary(app, replica_app, replica_writer):
    one_pin_each(app, replica_writer)
    api = Api(replica_app.test_client())
    refused = api.post("/api/ideas", json=pin_feature(title="x"))
    assert refused.status_code == 422
    assert "Set-Cookie" not in refused.headers or WROTE_COOKIE not in refused.headers["Set-Cookie"]
    assert titles(api.client) == {"Replica"}


def test_a_forged_write_cookie_is_not_honoured(app, replica_app, replica_writer):
    one_pin_each(app, replica_writer)
    client = replica_app.test_client()
    client.set_cookie(WROTE_COOKIE, str(int(time.time() * 1000)))
    assert titles(client) == {"Replica"}


def test_staff_pages_and_the_queue_read_the_primary(app, replica_app, replica_writer):
    primary_id, _ = one_pin_each(app, replica_writer)
    set_columns(app, [primary_id], visibility="held")
    create_user(app, "mod@umea.se", "moderator")
    moderator = sign_in(replica_app.test_client(), "mod@umea.se")
    moderator.client.delete_cookie(WROTE_COOKIE)  # no read-your-writes help from the sign-in
    assert titles(moderator.client) == {"Replica"}  # public reads: the replica, even for staff
    queue = moderator.get("/api/moderation/queue").get_json()
    assert [item["id"] for item in queue["items"]] == [primary_id]
    assert moderator.get(f"/planner/ideas/{primary_id}").status_code == 200
    page = moderator.get("/planner/moderation").get_data(as_text=True)
    assert "Primary" in page


@pytest.mark.parametrize(
    "path",
    [
        "/api/ideas",
        f"/api/map/clusters?bbox={UMEA}&zoom=10",
        "/api/ideas/1",
        "/ogc/collections/ideas/items",
    ],
)
def test_a_replica_that_is_down_is_a_503_for_public_reads(build_app, test_database_url, path):
    down = build_app(DATABASE_READ_URL=closed_port_url(test_database_url))
    client = down.test_client()
    response = client.get(path)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"


def test_a_replica_that_is_down_leaves_writes_and_pages_for_staff(build_app, test_database_url):
    down = build_app(DATABASE_READ_URL=closed_port_url(test_database_url))
    assert down.test_client().get("/list").status_code == 503
    assert down.test_client().get("/healthz").status_code == 200  # the primary answers
    api = Api(down.test_client())  # the map page itself needs no database
    assert api.post("/api/ideas", json=pin_feature()).status_code == 201


PATH_VALUES = {"idea_id": 1, "collection_id": "ideas", "feature_id": "1", "name": "ideas"}
# The query a view needs to answer at all, by endpoint.
REQUIRED_QUERIES = {
    "api.map_clusters": f"?bbox={UMEA}&zoom=10",
    "api.similar_ideas": f"?at={CENTRE[0]},{CENTRE[1]}&title=Replica",
    "api.place_at": f"?at={CENTRE[0]},{CENTRE[1]}",
}


def test_every_public_read_works_on_a_read_only_replica(app, replica_app, replica_writer):
    """Each view marked `@public_read` answers from the replica, where a write would fail."""
    one_pin_each(app, replica_writer)
    client = replica_app.test_client()
    marked = [
        rule
        for rule in replica_app.url_map.iter_rules()
        if getattr(replica_app.view_functions[rule.endpoint], "public_read", False)
    ]
    assert len(marked) >= 15
    for rule in marked:
        values = {arg: PATH_VALUES.get(arg, "geojson") for arg in rule.arguments}
        with replica_app.test_request_context():
            path = url_for(rule.endpoint, **values)
        response = client.get(path + REQUIRED_QUERIES.get(rule.endpoint, ""))
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        response.close()
