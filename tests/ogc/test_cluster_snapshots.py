"""The OGC clusters collection: found once, then read from a snapshot its links name, and
from the same snapshot by a first page while no pin has changed."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from app.db import get_engine
from app.layers import snapshots
from tests.pins import add_pins, set_columns

CLUSTERS = "/ogc/collections/clusters/items?eps=50&min_points=2"
# Six places about a kilometre apart, west to east across the centre of Umeå.
PLACES = [(20.20 + 0.02 * n, 63.825) for n in range(6)]


def _three_pins_at_each_place(app) -> list[list[int]]:
    """Three pins within a few metres at each place: six clusters, numbered west to east."""
    return [
        add_pins(app, [{"lon": lon + 0.0001 * k, "lat": lat} for k in range(3)])
        for lon, lat in PLACES
    ]


def _next(body: dict) -> str | None:
    return next((link["href"] for link in body["links"] if link["rel"] == "next"), None)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _ids(body: dict) -> list[list[int]]:
    return [f["properties"]["idea_ids"] for f in body["features"]]


def _snapshots(app) -> int:
    with app.app_context(), get_engine().connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM cluster_snapshots")).scalar_one())


def test_the_pages_after_the_first_keep_its_clusters_whatever_changed(app, client):
    """A cluster hidden after page 1 renumbers the clusters found afresh; page 2 is unmoved."""
    places = _three_pins_at_each_place(app)
    everything = client.get(f"{CLUSTERS}&limit=100").get_json()
    assert _ids(everything) == places and "next" not in {
        link["rel"] for link in everything["links"]
    }
    first = client.get(f"{CLUSTERS}&limit=2").get_json()
    assert first["numberMatched"] == 6 and _ids(first) == places[:2]
    second_url = _next(first)
    asked = _query(second_url)
    assert asked["offset"] == ["2"] and asked["eps"] == ["50"] and asked["min_points"] == ["2"]
    assert uuid.UUID(hex=asked["snapshot"][0])

    set_columns(app, places[0], visibility="hidden")
    second = client.get(second_url).get_json()
    assert second["features"] == everything["features"][2:4]
    assert second["numberMatched"] == 6
    third = client.get(_next(second)).get_json()
    assert third["features"] == everything["features"][4:6] and _next(third) is None
    assert _query(_next(second))["snapshot"] == asked["snapshot"]

    afresh = client.get(f"{CLUSTERS}&limit=2").get_json()
    assert afresh["numberMatched"] == 5 and _ids(afresh) == places[1:3]
    assert [f["id"] for f in afresh["features"]] == [1, 2]
    assert _query(_next(afresh))["snapshot"] != asked["snapshot"]


def test_a_snapshot_pages_the_clusters_that_meet_the_bbox(app, client):
    places = _three_pins_at_each_place(app)
    bbox = "20.215,63.82,20.265,63.83"  # the second, third and fourth places
    first = client.get(f"{CLUSTERS}&limit=2&bbox={bbox}").get_json()
    assert first["numberMatched"] == 3 and _ids(first) == places[1:3]
    assert [f["id"] for f in first["features"]] == [2, 3]  # numbered among all six
    second = client.get(_next(first)).get_json()
    assert _ids(second) == places[3:4] and second["numberMatched"] == 3 and _next(second) is None
    past = client.get(_next(first).replace("offset=2", "offset=50")).get_json()
    assert past["features"] == [] and past["numberMatched"] == 3


def test_a_snapshot_serves_only_its_own_filters_and_time(app, client):
    places = _three_pins_at_each_place(app)
    set_columns(app, [ids[0] for ids in places[:2]], kind="concern")
    second_url = _next(client.get(f"{CLUSTERS}&limit=2").get_json())
    snapshot = _query(second_url)["snapshot"][0]

    # The same snapshot asked with other filters: those filters' clusters, found now.
    ideas_only = client.get(f"{CLUSTERS}&limit=2&offset=2&kind=idea&snapshot={snapshot}")
    assert ideas_only.status_code == 200
    assert (
        ideas_only.get_json()["features"]
        == client.get(f"{CLUSTERS}&limit=2&offset=2&kind=idea").get_json()["features"]
    )
    assert _query(_next(ideas_only.get_json()))["snapshot"] != [snapshot]

    # Past its time, or unknown: found now, as a page without a snapshot is.
    set_columns(app, places[2], visibility="hidden")
    assert _snapshots(app) == 2  # the second page of kind=idea read the one its first kept
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text("UPDATE cluster_snapshots SET made_at = now() - interval '16 minutes'"))
    expired = client.get(second_url).get_json()
    assert _ids(expired) == places[3:5] and expired["numberMatched"] == 5
    # Keeping a snapshot swept away the two past their time.
    assert _snapshots(app) == 1
    unknown = client.get(second_url.replace(snapshot, uuid.uuid4().hex)).get_json()
    assert _ids(unknown) == places[3:5]


def test_the_oldest_snapshots_beyond_the_most_kept_are_swept(app, client, monkeypatch):
    """Each first page of other filters keeps one more: at most MAX_SNAPSHOTS are kept."""
    monkeypatch.setattr(snapshots, "MAX_SNAPSHOTS", 2)
    places = _three_pins_at_each_place(app)
    links = [
        _next(client.get(f"{CLUSTERS}&limit=1&kind={kind}").get_json())
        for kind in ("idea", "", "idea,concern")
    ]
    assert _snapshots(app) == 2
    set_columns(app, places[1], visibility="hidden")
    oldest, newest = (client.get(link).get_json() for link in (links[0], links[2]))
    assert _ids(oldest) == places[2:3]  # swept away: found afresh, without the hidden pins
    assert _ids(newest) == places[1:2]  # kept: as found before they were hidden


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"{CLUSTERS}&snapshot=nope", "snapshot must be the one a link gave."),
        (f"{CLUSTERS}&snapshot={'A' * 32}", "snapshot must be the one a link gave."),
        (f"{CLUSTERS}&snapshot={'a' * 33}", "snapshot must be the one a link gave."),
        (
            f"/ogc/collections/hexagons/items?snapshot={'a' * 32}",
            "Only the clusters collection has snapshots.",
        ),
        (
            f"/ogc/collections/ideas/items?snapshot={'a' * 32}",
            "Only the clusters collection has snapshots.",
        ),
        (
            f"/ogc/collections/hexagons/items/1?snapshot={'a' * 32}",
            "Only the clusters collection has snapshots.",
        ),
        (
            f"/ogc/collections/clusters/items/1?snapshot={'a' * 31}g",
            "snapshot must be the one a link gave.",
        ),
    ],
)
def test_a_snapshot_that_no_link_gave_is_refused(client, path, message):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["field"], error["message"]) == ("snapshot", message)


def test_the_refusal_is_in_swedish_by_default(client):
    error = client.get(f"{CLUSTERS}&snapshot=nope").get_json()["error"]
    assert error["message"] == "snapshot måste vara den som en länk gav."


def test_a_first_page_reads_the_snapshot_kept_while_no_pin_has_changed(app, client):
    """A GIS asks for a first page at each pan: while no pin has changed, the clusters are
    read from the snapshot found for the same filters, whatever the bbox; after a change they
    are found again, and show it."""
    places = _three_pins_at_each_place(app)
    first = client.get(f"{CLUSTERS}&limit=2").get_json()
    snapshot = _query(_next(first))["snapshot"]
    panned = client.get(f"{CLUSTERS}&limit=1&bbox=20.215,63.82,20.265,63.83").get_json()
    assert _query(_next(panned))["snapshot"] == snapshot and _ids(panned) == places[1:2]
    assert _snapshots(app) == 1

    added = add_pins(app, [{"lon": 20.32 + 0.0001 * k, "lat": 63.825} for k in range(3)])
    after = client.get(f"{CLUSTERS}&limit=10").get_json()
    assert _ids(after) == [*places, added] and after["numberMatched"] == 7
    again = client.get(f"{CLUSTERS}&limit=1").get_json()
    assert _query(_next(again))["snapshot"] not in (snapshot, None)
    assert _snapshots(app) == 2


def test_a_changed_title_finds_the_clusters_of_a_word_search_again(app, client):
    """The words filter (`q`) reads titles: a title changed since is a changed pin."""
    places = _three_pins_at_each_place(app)
    set_columns(app, places[0] + places[1], title="Cykelbana")
    searched = f"{CLUSTERS}&q=cykelbana"
    assert _ids(client.get(searched).get_json()) == places[:2]
    set_columns(app, places[1], title="Parkbänk")
    assert _ids(client.get(searched).get_json()) == places[:1]


def test_a_cluster_is_the_one_its_page_numbered_so(app, client):
    """One cluster by its id: read from the snapshot its page was read from, which its self
    link names with the filters; without a snapshot, the clusters as they are now."""
    places = _three_pins_at_each_place(app)
    page = client.get(f"{CLUSTERS}&limit=3").get_json()
    alone = client.get("/ogc/collections/clusters/items/2?eps=50&min_points=2")
    assert alone.status_code == 200
    cluster = alone.get_json()
    links = {link["rel"]: link["href"] for link in cluster.pop("links")}
    assert cluster == page["features"][1]
    itself = _query(links["self"])
    assert itself["snapshot"] == _query(_next(page))["snapshot"]
    assert (itself["eps"], itself["min_points"]) == (["50"], ["2"])

    set_columns(app, places[0], visibility="hidden")
    kept = client.get(links["self"]).get_json()
    assert kept["properties"]["idea_ids"] == places[1]
    now = client.get("/ogc/collections/clusters/items/2?eps=50&min_points=2").get_json()
    assert now["properties"]["idea_ids"] == places[2]
    for missing in ("7", "007", "0", "x", "99999999999"):
        response = client.get(f"/ogc/collections/clusters/items/{missing}?eps=50&min_points=2")
        assert response.status_code == 404, missing
        assert response.get_json()["error"]["field"] == "featureId"


def test_a_cluster_asked_with_a_refused_filter_is_a_400_whatever_its_id(client):
    response = client.get(
        "/ogc/collections/clusters/items/x?kind=nope", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["field"], error["message"]) == ("kind", "Unknown value for kind: nope")
