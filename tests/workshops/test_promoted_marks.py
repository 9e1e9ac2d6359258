"""Which drawings are pins already: the annotations say so (`pin_id`), the stream tells every
list, and a refusal names the drawing as the facilitator's list describes it, never by id."""

from __future__ import annotations

from tests.workshops.helpers import (
    EventReader,
    cookie_header,
    draw,
    join,
    new_client,
    shape,
    start_workshop,
)

EN = {"Accept-Language": "en"}


def _annotations(client, wid) -> dict[int, dict]:
    response = client.get(f"/api/workshops/{wid}/annotations")
    assert response.status_code == 200
    return {f["id"]: f for f in response.get_json()["features"]}


def _promote(facilitator, wid, ids, **body):
    return facilitator.post(
        f"/api/workshops/{wid}/promote",
        {"annotation_ids": ids, "kind": "idea", "category": "other", **body},
        headers=EN,
    )


def test_the_annotations_say_which_became_pins_on_every_read(app):
    facilitator, workshop = start_workshop(app, groups=["Bord 1"])
    wid = workshop["id"]
    bo = join(app, workshop, "Bo", group=workshop["groups"][0]["id"])
    area = draw(bo, wid, shape("Polygon", note="Park med lekplats")).get_json()
    point = draw(bo, wid, shape("Point", note="Bänk vid älven")).get_json()
    assert area["properties"]["pin_id"] is None  # the answer to a drawing says so too
    before = _annotations(facilitator, wid)
    assert [before[i]["properties"]["pin_id"] for i in (area["id"], point["id"])] == [None, None]

    made = _promote(facilitator, wid, [area["id"]])
    assert made.status_code == 201
    [pin] = made.get_json()["features"]

    # A reload, another device of the facilitator, a participant: all read the same.
    other_device = new_client(app)
    key = {"key": workshop["facilitator_key"]}
    assert other_device.post(f"/api/workshops/{wid}/facilitator", key).status_code == 204
    for reader in (facilitator, other_device, bo):
        features = _annotations(reader, wid)
        assert features[area["id"]]["properties"]["pin_id"] == pin["id"]
        assert features[point["id"]]["properties"]["pin_id"] is None
    # An edit (the facilitator's: its author can no longer change a pin's drawing) keeps it:
    # the feature every answer and event carries has it.
    edited = facilitator.patch(
        f"/api/workshops/{wid}/annotations/{area['id']}",
        {"version": 1, "properties": {"note": "Park med lekplats och bänkar"}},
    )
    assert edited.status_code == 200
    assert edited.get_json()["properties"]["pin_id"] == pin["id"]
    hidden = facilitator.post(
        f"/api/workshops/{wid}/annotations/{area['id']}/hidden", {"hidden": True}
    )
    assert hidden.get_json()["properties"]["pin_id"] == pin["id"]


def test_a_refusal_names_the_drawing_as_the_list_does_and_points_at_it(app):
    facilitator, workshop = start_workshop(app, groups=["Bord 1"])
    wid = workshop["id"]
    bo = join(app, workshop, "Bo", group=workshop["groups"][0]["id"])
    area = draw(bo, wid, shape("Polygon", note="Park med lekplats", category="parks-nature"))
    area = area.get_json()
    line = draw(bo, wid, shape("LineString", note="Cykelväg\nlängs älven")).get_json()
    bare = draw(bo, wid, shape("Point", note="")).get_json()
    paper = facilitator.post(
        f"/api/workshops/{wid}/annotations",
        shape("Point", note="Från pappret", on_behalf_of="Gunnar"),
    ).get_json()
    first = _promote(facilitator, wid, [area["id"]]).get_json()["features"][0]

    # Made a pin already: 409, named, with the pin it became; nothing else is stored.
    again = _promote(facilitator, wid, [line["id"], area["id"]])
    assert again.status_code == 409
    assert again.get_json() == {
        "error": {
            "code": "already_promoted",
            "message": "The drawing “Area, by Bo, Bord 1, Parks and nature: Park med lekplats” "
            "has been made a pin already.",
            "field": "annotation_ids[1]",
        },
        "annotation_id": area["id"],
        "pin_id": first["id"],
    }
    # In Swedish the drawing is named in Swedish words, as the Swedish list names it.
    swedish = facilitator.post(
        f"/api/workshops/{wid}/promote",
        {"annotation_ids": [area["id"]], "kind": "idea", "category": "other"},
    ).get_json()["error"]["message"]
    assert swedish == (
        "Ritningen ”Område, av Bo, Bord 1, Parker och natur: Park med lekplats” har redan "
        "blivit en nål."
    )

    # Hidden: 422, named (the note's first line), pointing at its place in the list sent.
    facilitator.post(f"/api/workshops/{wid}/annotations/{line['id']}/hidden", {"hidden": True})
    hidden = _promote(facilitator, wid, [bare["id"], line["id"], line["id"]])
    assert hidden.status_code == 422
    assert hidden.get_json()["error"] == {
        "code": "not_found",
        "message": "The drawing “Line, by Bo, Bord 1: Cykelväg” is hidden: show it again to "
        "make a pin of it.",
        "field": "annotation_ids[1]",
    }
    assert hidden.get_json()["annotation_id"] == line["id"]

    # Deleted, without a note, entered from paper.
    bo.delete(f"/api/workshops/{wid}/annotations/{bare['id']}")
    gone = _promote(facilitator, wid, [paper["id"], bare["id"]])
    assert gone.status_code == 422
    assert gone.get_json()["error"] == {
        "code": "not_found",
        "message": "The drawing “Point, by Bo, Bord 1: (no note)” has been deleted.",
        "field": "annotation_ids[1]",
    }
    facilitator.post(f"/api/workshops/{wid}/annotations/{paper['id']}/hidden", {"hidden": True})
    named = _promote(facilitator, wid, [paper["id"]]).get_json()["error"]["message"]
    assert named.startswith("The drawing “Point, by Gunnar (entered from paper): Från pappret”")

    # An id no drawing of this workshop has: said without an id, the field points at it.
    missing = _promote(facilitator, wid, [first["id"] + 10_000])
    assert missing.status_code == 422
    assert missing.get_json()["error"] == {
        "code": "not_found",
        "message": "No such annotation.",
        "field": "annotation_ids[0]",
    }
    assert len(facilitator.get(f"/api/ideas?workshop={wid}").get_json()["features"]) == 1


def test_a_drawing_without_a_category_is_named_when_each_keeps_its_own(app):
    """Twenty drawings ticked with "each drawing's own category": the one without is named."""
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    bo = join(app, workshop, "Bo")
    park = draw(bo, wid, shape("Polygon", note="Park", category="parks-nature")).get_json()
    bench = draw(bo, wid, shape("Point", note="Bänk vid ån")).get_json()
    refused = _promote(facilitator, wid, [park["id"], bench["id"]], category=None)
    assert refused.status_code == 422
    assert refused.get_json() == {
        "error": {
            "code": "required",
            "message": "The drawing “Point, by Bo: Bänk vid ån” has no category: give it one, "
            "untick it, or choose one category for all the drawings.",
            "field": "annotation_ids[1]",
        },
        "annotation_id": bench["id"],
    }
    assert facilitator.get(f"/api/ideas?workshop={wid}").get_json()["features"] == []
    # With one category for all, both are made pins.
    assert _promote(facilitator, wid, [park["id"], bench["id"]]).status_code == 201


def test_the_stream_tells_every_list_which_drawings_became_pins(live):
    app, url = live
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    bo = join(app, workshop, "Bo")
    area = draw(bo, wid, shape("Polygon", note="Park")).get_json()
    point = draw(bo, wid, shape("Point", note="Bänk")).get_json()
    since = facilitator.get(f"/api/workshops/{wid}/annotations").get_json()["last_event_id"]
    stream = EventReader(
        url,
        f"/api/workshops/{wid}/events?last_event_id={since}",
        cookie=cookie_header(facilitator),
    )
    try:
        pins = _promote(facilitator, wid, [point["id"], area["id"]]).get_json()["features"]
        # A view after it, as a marker: events come in order, so it comes after the news.
        facilitator.post(f"/api/workshops/{wid}/view", {"center": [20.26, 63.825], "zoom": 16})
        seen = stream.events_until(lambda e: e["data"]["type"] == "view")
        promoted = [e for e in seen if e["data"]["type"] == "annotation.promoted"]
        assert len(promoted) == 1
        got = promoted[0]
        assert got["data"] == {
            "type": "annotation.promoted",
            "pins": [
                {"id": point["id"], "pin_id": pins[0]["id"]},
                {"id": area["id"], "pin_id": pins[1]["id"]},
            ],
        }
        assert got["id"] > since
    finally:
        stream.close()
    # Promoting changes no drawing: its version stays.
    assert _annotations(bo, wid)[area["id"]]["properties"]["version"] == 1
