"""Drawing together: validation, idempotent creation, versions, owners, undo, closing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from app.db import get_engine
from tests.workshops.helpers import SQUARE, draw, new_client, shape

EN = {"Accept-Language": "en"}


def _error(response):
    error = response.get_json()["error"]
    return response.status_code, error["field"], error["message"]


def test_draw_each_type_and_list_them(app, room):
    workshop, facilitator, anna, _ = room
    wid = workshop["id"]
    for kind in ("Point", "LineString", "Polygon"):
        response = draw(anna, wid, shape(kind, note="<b>Här</b> & där", category="safety"))
        assert response.status_code == 201, response.get_json()
        assert response.mimetype == "application/geo+json"
    listing = anna.get(f"/api/workshops/{wid}/annotations").get_json()
    assert [f["geometry"]["type"] for f in listing["features"]] == [
        "Point",
        "LineString",
        "Polygon",
    ]
    props = listing["features"][0]["properties"]
    assert props["note"] == "<b>Här</b> & där"  # kept as text; the page sets textContent
    assert props["color"] == "#2e7d32"
    assert props["category"] == "safety"
    assert props["author_name"] == "Anna"
    assert props["group"] == "Grupp 1"
    assert props["version"] == 1
    assert listing["last_event_id"] >= 3


@pytest.mark.parametrize(
    ("geometry", "field", "message"),
    [
        ({"type": "MultiPoint", "coordinates": [[20.26, 63.82]]}, "geometry.type",
         "Geometry must be a GeoJSON Point, LineString or Polygon."),
        ({"type": "Polygon",
          "coordinates": [[SQUARE[0], SQUARE[1], SQUARE[2], SQUARE[0][:1] + [63.9]]]},
         "geometry.coordinates[0]", "A ring must end where it starts."),
        ({"type": "Polygon", "coordinates": [[[20.25, 63.82], [20.27, 63.83], [20.27, 63.82],
                                              [20.25, 63.83], [20.25, 63.82]]]},
         "geometry.coordinates", "The shape crosses itself at 20.260000, 63.825000."),
        ({"type": "LineString", "coordinates": [[20.26, 63.82]]}, "geometry.coordinates",
         "This needs at least 2 positions."),
        ({"type": "LineString", "coordinates": [[20.26, 63.82], [20.26, 63.82]]},
         "geometry.coordinates",
         "The shape has too few distinct points (near 20.260000, 63.820000)."),
        ({"type": "LineString", "coordinates": [[18.06, 59.33], [20.26, 63.82]]},
         "geometry.coordinates", "The shape reaches outside the area this map covers."),
        ({"type": "Point", "coordinates": [20.26, None]}, "geometry.coordinates",
         "Coordinates must be finite numbers."),
    ],
)  # fmt: skip
def test_geometry_is_validated(app, room, geometry, field, message):
    workshop, _, anna, _ = room
    feature = {"type": "Feature", "geometry": geometry, "properties": {}}
    response = draw(anna, workshop["id"], feature, headers=EN)
    assert _error(response) == (422, field, message)


def test_self_intersection_says_where(app, room):
    workshop, _, anna, _ = room
    bowtie = [[[20.25, 63.82], [20.27, 63.83], [20.27, 63.82], [20.25, 63.83], [20.25, 63.82]]]
    response = draw(
        anna,
        workshop["id"],
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": bowtie}},
    )
    body = response.get_json()
    assert body["error"]["code"] == "self_intersection"
    assert body["location"] == [20.26, 63.825]


def test_vertex_limit(app, room):
    workshop, _, anna, _ = room
    line = [[20.2 + i * 0.00001, 63.82 + (i % 2) * 0.00001] for i in range(5001)]
    too_many = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": line}}
    assert _error(draw(anna, workshop["id"], too_many, headers=EN)) == (
        422,
        "geometry.coordinates",
        "A shape may have at most 5,000 points.",
    )
    just_enough = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": line[:5000]},
    }
    assert draw(anna, workshop["id"], just_enough).status_code == 201


@pytest.mark.parametrize(
    ("properties", "field", "message"),
    [
        ({"note": "x" * 1001}, "note", "Write at most 1,000 characters."),
        ({"color": "#fff"}, "color", "Choose a colour from the palette or write it as #rrggbb."),
        ({"color": "rgb(1,2,3)"}, "color",
         "Choose a colour from the palette or write it as #rrggbb."),
        ({"color": "#12345g"}, "color", "Choose a colour from the palette or write it as #rrggbb."),
        ({"category": "nope"}, "category", "Choose a category from the list."),
        ({"note": "a\u202eb"}, "note",
         "This field contains an invisible or control character (U+202E)."),
        ({"client_id": "has space"}, "client_id",
         "client_id must be 1 to 64 letters, digits or _ . : -"),
    ],
)  # fmt: skip
def test_properties_are_validated(app, room, properties, field, message):
    workshop, _, anna, _ = room
    feature = shape()
    feature["properties"].update(properties)
    assert _error(draw(anna, workshop["id"], feature, headers=EN)) == (422, field, message)


def test_colour_forms(app, room):
    workshop, _, anna, _ = room
    assert (
        draw(anna, workshop["id"], shape(color="#A1B2C3")).get_json()["properties"]["color"]
        == "#a1b2c3"
    )
    no_colour = shape()
    del no_colour["properties"]["color"]
    # No colour chosen: the group's colour.
    assert draw(anna, workshop["id"], no_colour).get_json()["properties"]["color"] == "#c62828"
    assert draw(anna, workshop["id"], shape(note="x" * 1000)).status_code == 201


def test_creating_is_idempotent_under_retries(app, room):
    workshop, _, anna, bo = room
    wid = workshop["id"]
    first = draw(anna, wid, shape(client_id="7f1c9e3a-phone"))
    again = draw(anna, wid, shape(client_id="7f1c9e3a-phone"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    by_header = draw(anna, wid, headers={"Idempotency-Key": "retry-2"})
    assert by_header.status_code == 201
    assert (
        draw(anna, wid, headers={"Idempotency-Key": "retry-2"}).get_json()["id"]
        == (by_header.get_json()["id"])
    )
    # Eight retries racing each other still make one annotation.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda _: draw(anna, wid, shape(client_id="race")).status_code, range(8))
        )
    assert sorted(statuses) == [200] * 7 + [201]
    taken = draw(bo, wid, shape(client_id="race"), headers=EN)
    assert taken.status_code == 409
    with app.app_context(), get_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM workshop_annotations")).scalar_one() == 3
        events = conn.execute(
            text("SELECT count(*) FROM workshop_events WHERE type = 'annotation.created'")
        ).scalar_one()
    assert events == 3


def test_stale_version_gets_409_with_the_current_annotation(app, room):
    workshop, facilitator, anna, _ = room
    wid = workshop["id"]
    created = draw(anna, wid).get_json()
    path = f"/api/workshops/{wid}/annotations/{created['id']}"
    edited = anna.patch(path, {"version": 1, "properties": {"note": "Första ändringen"}})
    assert edited.status_code == 200
    assert edited.get_json()["properties"]["version"] == 2
    stale = facilitator.patch(
        path, {"version": 1, "properties": {"note": "Min ändring"}}, headers=EN
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"] == {
        "code": "stale_version",
        "message": "Someone changed this annotation first: here is how it is now.",
        "field": "version",
    }
    assert body["current"]["properties"]["note"] == "Första ändringen"
    assert body["current"]["properties"]["version"] == 2
    moved = anna.patch(path, {"version": 2, "geometry": shape("Point")["geometry"]})
    assert moved.get_json()["geometry"]["type"] == "Point"
    missing = anna.patch(path, {"properties": {"note": "x"}}, headers=EN)
    assert _error(missing) == (422, "version", "version is required: the version you changed.")


def test_only_the_author_or_the_facilitator_edits(app, room):
    workshop, facilitator, anna, bo = room
    wid = workshop["id"]
    created = draw(anna, wid).get_json()
    path = f"/api/workshops/{wid}/annotations/{created['id']}"
    refused = bo.patch(path, {"version": 1, "properties": {"note": "mine now"}}, headers=EN)
    assert _error(refused) == (
        403,
        "annotation_id",
        "Only the person who drew this, or the facilitator, can change it.",
    )
    assert bo.delete(path).status_code == 403
    assert new_client(app).delete(path).status_code == 401
    assert (
        facilitator.patch(path, {"version": 1, "properties": {"color": "red"}}).status_code == 200
    )
    assert facilitator.delete(path).status_code == 204
    assert anna.delete(path).status_code == 404
    assert anna.get(f"/api/workshops/{wid}/annotations").get_json()["features"] == []


def test_hidden_annotations_are_for_the_facilitator_only(app, room):
    workshop, facilitator, anna, bo = room
    wid = workshop["id"]
    created = draw(anna, wid).get_json()
    path = f"/api/workshops/{wid}/annotations/{created['id']}/hidden"
    assert anna.post(path, {"hidden": True}).status_code == 403
    hidden = facilitator.post(path, {"hidden": True})
    assert hidden.status_code == 200 and hidden.get_json()["properties"]["hidden"] is True
    assert bo.get(f"/api/workshops/{wid}/annotations").get_json()["features"] == []
    seen = facilitator.get(f"/api/workshops/{wid}/annotations").get_json()["features"]
    assert [f["id"] for f in seen] == [created["id"]]
    assert (
        anna.patch(f"/api/workshops/{wid}/annotations/{created['id']}", {"version": 2}).status_code
        == 404
    )


def test_undo_takes_back_only_ones_own_changes(app, room):
    workshop, _, anna, bo = room
    wid = workshop["id"]
    first = draw(anna, wid, shape(note="Ett")).get_json()
    path = f"/api/workshops/{wid}/annotations/{first['id']}"
    anna.patch(path, {"version": 1, "properties": {"note": "Två"}})
    bos = draw(bo, wid, shape(note="Bos")).get_json()
    undo = f"/api/workshops/{wid}/undo"
    # Anna's undo takes back her edit, not Bo's newer drawing.
    undone = anna.post(undo)
    assert undone.status_code == 200
    assert undone.get_json()["feature"]["properties"]["note"] == "Ett"
    # ...then her drawing itself.
    assert anna.post(undo).get_json()["deleted"] is True
    nothing = anna.post(undo, headers=EN)
    assert _error(nothing) == (409, None, "There is nothing of yours to undo.")
    notes = [
        f["properties"]["note"]
        for f in bo.get(f"/api/workshops/{wid}/annotations").get_json()["features"]
    ]
    assert notes == ["Bos"]
    # Bo's undo removes Bo's drawing; a stranger cannot undo at all.
    assert bo.post(undo).get_json()["annotation_id"] == bos["id"]
    assert new_client(app).post(undo).status_code == 401


def test_undo_brings_back_a_deleted_annotation(app, room):
    workshop, _, anna, _ = room
    wid = workshop["id"]
    created = draw(anna, wid).get_json()
    anna.delete(f"/api/workshops/{wid}/annotations/{created['id']}")
    back = anna.post(f"/api/workshops/{wid}/undo").get_json()
    assert back["feature"]["id"] == created["id"] and back["feature"]["properties"]["version"] == 3


def test_undo_refuses_what_someone_else_changed_since(app, room):
    workshop, facilitator, anna, _ = room
    wid = workshop["id"]
    created = draw(anna, wid).get_json()
    facilitator.patch(
        f"/api/workshops/{wid}/annotations/{created['id']}",
        {"version": 1, "properties": {"note": "F"}},
    )
    refused = anna.post(f"/api/workshops/{wid}/undo", headers=EN)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "changed_since"


def test_on_behalf_drawings_are_marked(app, room):
    workshop, facilitator, _, bo = room
    wid = workshop["id"]
    paper = shape(on_behalf_of="Grupp 1:s pappenkarta", group="Grupp 1")
    created = draw(facilitator, wid, paper)
    assert created.status_code == 201
    props = created.get_json()["properties"]
    assert props["on_behalf"] is True
    assert props["author_name"] == "Grupp 1:s pappenkarta"
    assert props["group"] == "Grupp 1"
    assert draw(bo, wid, paper, headers=EN).status_code == 403
    nobody = shape()
    assert _error(draw(facilitator, wid, nobody, headers=EN)) == (
        422,
        "on_behalf_of",
        "Say whose drawing this is (on_behalf_of).",
    )


def test_paused_and_closed(app, room):
    workshop, facilitator, anna, _ = room
    wid = workshop["id"]
    created = draw(anna, wid).get_json()
    state = f"/api/workshops/{wid}/state"
    facilitator.post(state, {"state": "paused"})
    paused = draw(anna, wid, headers=EN)
    assert _error(paused) == (409, None, "The facilitator has paused drawing.")
    assert draw(facilitator, wid, shape(on_behalf_of="Papper")).status_code == 201
    facilitator.post(state, {"state": "closed"})
    closed_message = "This workshop is closed: it can be read, not changed."
    for response in (
        draw(anna, wid, headers=EN),
        anna.patch(f"/api/workshops/{wid}/annotations/{created['id']}", {"version": 1}, headers=EN),
        anna.delete(f"/api/workshops/{wid}/annotations/{created['id']}", headers=EN),
        anna.post(f"/api/workshops/{wid}/undo", headers=EN),
        facilitator.post(state, {"state": "open"}, headers=EN),
    ):
        assert _error(response) == (409, None, closed_message)
    assert len(anna.get(f"/api/workshops/{wid}/annotations").get_json()["features"]) == 2


def test_facilitator_actions_are_audited(app, room):
    workshop, facilitator, anna, _ = room
    wid = workshop["id"]
    created = draw(anna, wid).get_json()
    facilitator.post(f"/api/workshops/{wid}/annotations/{created['id']}/hidden", {"hidden": True})
    facilitator.post(f"/api/workshops/{wid}/view", {"center": [20.26, 63.825], "zoom": 15})
    facilitator.post(f"/api/workshops/{wid}/follow", {"on": True})
    facilitator.post(f"/api/workshops/{wid}/state", {"state": "paused"})
    facilitator.delete(f"/api/workshops/{wid}/annotations/{created['id']}")
    entries = facilitator.get(f"/api/workshops/{wid}/audit").get_json()["entries"]
    assert [(e["action"], e["annotation_id"]) for e in entries] == [
        ("annotation.hide", created["id"]),
        ("view", None),
        ("follow", None),
        ("state", None),
        ("annotation.delete", created["id"]),
    ]
    assert entries[3]["detail"] == {"before": "open", "after": "paused"}
    assert anna.get(f"/api/workshops/{wid}/audit").status_code == 403


def test_view_and_follow_are_validated(app, room):
    workshop, facilitator, _, _ = room
    wid = workshop["id"]
    outside = facilitator.post(
        f"/api/workshops/{wid}/view", {"center": [18.06, 59.33], "zoom": 12}, headers=EN
    )
    assert _error(outside) == (
        422,
        "center.coordinates",
        "The place is outside the area this map covers.",
    )
    zoom = facilitator.post(
        f"/api/workshops/{wid}/view", {"center": [20.26, 63.82], "zoom": 99}, headers=EN
    )
    assert _error(zoom) == (422, "zoom", "zoom must be a whole number from 0 to 22.")
    assert facilitator.post(f"/api/workshops/{wid}/follow", {"on": "yes"}).status_code == 422
