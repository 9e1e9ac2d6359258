"""Results: promotion to pins with provenance, the GeoJSON file, the summary."""

from __future__ import annotations

from sqlalchemy import text

from app.db import get_engine
from app.workshops.promote import title_from_note
from tests.workshops.helpers import draw, join, shape, start_workshop

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
