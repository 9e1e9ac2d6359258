"""Results: promotion to pins with provenance, the GeoJSON file, the summary."""

from __future__ import annotations

from sqlalchemy import text

from app.db import get_engine
from app.workshops.promote import title_from_note
from tests.conftest import Api, create_user, pin_feature, sign_in, unreachable_limits
from tests.workshops.helpers import draw, join, new_client, shape, start_workshop

EN = {"Accept-Language": "en"}


def test_promotion_makes_pins_with_provenance(app):
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    anna = join(app, workshop)
    point = draw(
        anna, wid, shape("Point", note="Belysning saknas\nHela gångvägen är mörk")
    ).get_json()
    area = draw(anna, wid, shape("Polygon", note="Ny park", category="parks-nature")).get_json()
    response = facilitator.post(
        f"/api/workshops/{wid}/promote",
        {"annotation_ids": [point["id"], area["id"]], "kind": "concern", "category": "safety"},
    )
    assert response.status_code == 201
    pins = response.get_json()["features"]
    assert [p["properties"]["title"] for p in pins] == ["Belysning saknas", "Ny park"]
    for pin, annotation in zip(pins, (point, area), strict=True):
        assert pin["properties"]["source"] == "workshop"
        assert pin["properties"]["workshop_id"] == wid
        assert pin["properties"]["annotation_id"] == annotation["id"]
        assert pin["properties"]["kind"] == "concern"
        assert pin["geometry"]["type"] == "Point"
    assert pins[0]["properties"]["body"] == "Belysning saknas\nHela gångvägen är mörk"
    assert pins[0]["geometry"]["coordinates"] == point["geometry"]["coordinates"]
    # A point on the polygon's surface, not merely its centroid.
    assert 20.260 <= pins[1]["geometry"]["coordinates"][0] <= 20.266
    listed = anna.get(f"/api/ideas?workshop={wid}").get_json()["features"]
    assert sorted(f["id"] for f in listed) == sorted(p["id"] for p in pins)
    assert anna.get(f"/api/ideas?workshop={wid + 1}").get_json()["features"] == []
    assert anna.get("/api/ideas?workshop=x").status_code == 422
    # Once only, all or nothing.
    third = draw(anna, wid, shape("Point")).get_json()
    again = facilitator.post(
        f"/api/workshops/{wid}/promote",
        {"annotation_ids": [third["id"], point["id"]], "kind": "idea", "category": "other"},
        headers=EN,
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == (
        "The drawing “Point, by Anna: Belysning saknas” has been made a pin already."
    )
    assert len(anna.get("/api/ideas").get_json()["features"]) == 2
    entries = facilitator.get(f"/api/workshops/{wid}/audit").get_json()["entries"]
    assert entries[-1]["action"] == "promote"
    assert entries[-1]["detail"]["idea_ids"] == [p["id"] for p in pins]


def test_promotion_is_for_the_facilitator_and_validated(app):
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    anna = join(app, workshop)
    created = draw(anna, wid, shape("Point")).get_json()
    path = f"/api/workshops/{wid}/promote"
    body = {"annotation_ids": [created["id"]], "kind": "idea", "category": "other"}
    assert anna.post(path, body).status_code == 403
    cases = [
        ({**body, "kind": "wish"}, "kind"),
        ({**body, "annotation_ids": []}, "annotation_ids"),
        ({**body, "annotation_ids": [999]}, "annotation_ids[0]"),
        ({**body, "category": "nope"}, "category"),
        ({"annotation_ids": [created["id"]], "kind": "idea"}, "annotation_ids[0]"),
    ]
    for bad, field in cases:
        response = facilitator.post(path, bad)
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["field"] == field
    # Closed workshops are promoted: that is when results are sorted.
    facilitator.post(f"/api/workshops/{wid}/state", {"state": "closed"})
    assert facilitator.post(path, body).status_code == 201
    with app.app_context(), get_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ideas")).scalar_one() == 1


def test_titles_from_notes():
    assert title_from_note("  Bänk   vid\tån \nmer text", "W") == "Bänk vid ån"
    assert title_from_note("", "Vision för Haga") == "Vision för Haga"
    long = title_from_note("ord " * 100, "W")
    assert len(long) <= 120 and long.endswith("…") and " ord…" in long


def test_export_and_summary(app):
    facilitator, workshop = start_workshop(app, groups=["Grupp 1", "Grupp 2"])
    wid = workshop["id"]
    anna = join(app, workshop, "Anna", group="Grupp 1")
    draw(anna, wid, shape("Point", category="safety"))
    draw(anna, wid, shape("Polygon", category="safety"))
    draw(facilitator, wid, shape("LineString", on_behalf_of="Papper", group="Grupp 2"))
    hidden = draw(anna, wid, shape("Point")).get_json()
    facilitator.post(f"/api/workshops/{wid}/annotations/{hidden['id']}/hidden", {"hidden": True})
    exported = facilitator.get(f"/api/workshops/{wid}/export.geojson")
    assert exported.status_code == 200
    assert exported.mimetype == "application/geo+json"
    assert exported.headers["Content-Disposition"] == (
        f'attachment; filename="workshop-{wid}.geojson"'
    )
    features = exported.get_json()["features"]
    assert len(features) == 4
    assert not {"author_name", "author_id", "client_id"} & set(features[0]["properties"])
    assert anna.get(f"/api/workshops/{wid}/export.geojson").status_code == 403
    summary = anna.get(f"/api/workshops/{wid}/summary").get_json()
    assert summary == {
        "annotations": 3,
        "by_type": {"LineString": 1, "Point": 1, "Polygon": 1},
        "by_group": {"Grupp 1": 2, "Grupp 2": 1},
        "by_category": {"none": 1, "safety": 2},
        "on_behalf": 1,
        "hidden": 1,
        "participants": 1,
        "promoted": 0,
    }


def test_an_anonymous_workshop_makes_pins_within_its_networks_limits(make_app, app):
    """Anyone may start a workshop: its pins keep to the limits a citizen's pins keep to."""
    limited = make_app(**{**unreachable_limits(app), "IDEA_CREATE_ADDRESS_LIMIT": "5 per minute"})
    facilitator, workshop = start_workshop(limited)
    wid = workshop["id"]
    anna = join(limited, workshop)
    ids = [draw(anna, wid, shape("Point", note=f"Idé {n}")).get_json()["id"] for n in range(7)]
    body = {"kind": "idea", "category": "other"}
    path = f"/api/workshops/{wid}/promote"
    refused = facilitator.post(path, {**body, "annotation_ids": ids}, headers=EN)
    assert refused.status_code == 429
    assert refused.get_json() == {
        "error": {
            "code": "rate_limited",
            "message": "This network may make 5 more pins for now: make pins of fewer drawings "
            "at a time, or all of them in 1 min.",
            "field": "annotation_ids",
        }
    }
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert facilitator.get(f"/api/ideas?workshop={wid}").get_json()["features"] == []
    assert facilitator.post(path, {**body, "annotation_ids": ids[:4]}).status_code == 201
    rest = facilitator.post(path, {**body, "annotation_ids": ids[4:]}, headers=EN)
    assert rest.status_code == 429
    assert rest.get_json()["error"]["message"].startswith("This network may make 1 more pins")
    # The citizen's own pins from that network share what is left.
    citizen = Api(limited.test_client())
    assert citizen.post("/api/ideas", pin_feature()).status_code == 201
    assert citizen.post("/api/ideas", pin_feature()).status_code == 429
    # With nothing left, "fewer at a time" would be no way forward: when is said instead.
    none_left = facilitator.post(path, {**body, "annotation_ids": ids[4:5]}, headers=EN)
    assert none_left.status_code == 429
    assert none_left.get_json()["error"]["message"] == (
        "This network has made as many pins as it may for now: try again in 1 min."
    )


def test_a_signed_in_planner_makes_pins_without_those_limits(make_app, app):
    limited = make_app(**{**unreachable_limits(app), "IDEA_CREATE_ADDRESS_LIMIT": "5 per minute"})
    create_user(limited, "eva@umea.se", "planner")
    eva = sign_in(limited.test_client(), "eva@umea.se")
    workshop = eva.post("/api/workshops", {"title": "Evas verkstad"}).get_json()
    anna = join(limited, workshop)
    ids = [draw(anna, workshop["id"], shape("Point")).get_json()["id"] for _ in range(7)]
    made = eva.post(
        f"/api/workshops/{workshop['id']}/promote",
        {"annotation_ids": ids, "kind": "idea", "category": "other"},
    )
    assert made.status_code == 201
    assert len(made.get_json()["features"]) == 7
    # The workshop's key given to someone not signed in is no pass past the limits.
    key = workshop["facilitator_key"]
    helper = new_client(limited)
    claimed = helper.post(f"/api/workshops/{workshop['id']}/facilitator", {"key": key})
    assert claimed.status_code == 204
    more = [draw(anna, workshop["id"], shape("Point")).get_json()["id"] for _ in range(6)]
    refused = helper.post(
        f"/api/workshops/{workshop['id']}/promote",
        {"annotation_ids": more, "kind": "idea", "category": "other"},
    )
    assert refused.status_code == 429


def test_drawing_changing_and_undoing_are_limited_per_network(make_app, app):
    limited = make_app(**{**unreachable_limits(app), "WORKSHOP_DRAW_ADDRESS_LIMIT": "3 per minute"})
    facilitator, workshop = start_workshop(limited)
    anna = join(limited, workshop)
    statuses = [draw(anna, workshop["id"]).status_code for _ in range(2)]
    [drawn] = anna.get(f"/api/workshops/{workshop['id']}/annotations").get_json()["features"][:1]
    path = f"/api/workshops/{workshop['id']}/annotations/{drawn['id']}"
    # Changing stores the shape again (in the events): it counts as drawing does.
    statuses.append(anna.patch(path, {"version": 1, "properties": {"note": "Ny"}}).status_code)
    statuses.append(draw(anna, workshop["id"]).status_code)
    statuses.append(anna.delete(path).status_code)
    statuses.append(anna.post(f"/api/workshops/{workshop['id']}/undo").status_code)
    assert statuses == [201, 201, 200, 429, 429, 429]
    # Reading is not drawing.
    assert anna.get(f"/api/workshops/{workshop['id']}/annotations").status_code == 200
