"""The planners' review (server side): a signed-out planner is told to sign in, not that a
form expired; imports take what QGIS writes and name the values they take; dates are Umeå's
days; GeoPackages carry UTC times and are version 1.2; staff pages write unambiguous times and
label a pin's position."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from shutil import which
from typing import Any

import pytest
from sqlalchemy import text

from app.categories import CATEGORY_BY_SLUG
from app.common.times import LOCAL_ZONE, day_end
from app.db import get_engine
from app.ideas.filters import parse_since, parse_until
from tests.conftest import CENTRE, Api, count_pins, create_user, pin_feature, sign_in
from tests.pins import add_pins, set_columns

EN = {"Accept-Language": "en"}
ANSWER = "/api/ideas/answer"
IMPORT = "/api/ideas/import"
SIGN_IN_AGAIN = {"code": "login_required", "message": "Please sign in as a planner.", "field": None}


def _collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _status_of(app, idea_id: int) -> str:
    with app.app_context(), get_engine().connect() as conn:
        query = text("SELECT status FROM ideas WHERE id = :i")
        return str(conn.execute(query, {"i": idea_id}).scalar_one())


# --- 1. A session that ended: 401 "sign in", and CSRF still refuses ---------------------------


def _answer(ids: list[int]) -> dict[str, Any]:
    return {"ids": ids, "status": "planned", "answer": "Vi planerar det."}


def test_signed_out_in_another_tab_the_answer_says_sign_in(app, client):
    """The tab's token went with the session it belonged to: 401 "sign in", never applied."""
    (idea_id,) = add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1]}])
    create_user(app, "anna@umea.se")
    tab = sign_in(client, "anna@umea.se")
    other_tab = Api(client)  # the same browser: the same cookie
    assert client.post("/logout", data={"csrf_token": other_tab.token}).status_code == 303
    for path, body in ((ANSWER, _answer([idea_id])), (IMPORT, _collection(pin_feature()))):
        response = tab.post(path, body, headers=EN)
        assert response.status_code == 401, path
        assert response.get_json()["error"] == SIGN_IN_AGAIN
    assert _status_of(app, idea_id) == "new"
    assert count_pins(app) == 1


def test_after_idle_expiry_the_answer_says_sign_in(app, client):
    """Idle too long: the first request ends the session (and its token); the answer after it
    is told to sign in, in the page's language."""
    (idea_id,) = add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1]}])
    create_user(app, "anna@umea.se")
    tab = sign_in(client, "anna@umea.se")
    idle = int(app.config["PLANNER_IDLE_MINUTES"]) * 60
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - idle - 1
    assert client.get("/api/ideas").status_code == 200  # a layer loads: the session ends
    response = tab.post(ANSWER, _answer([idea_id]))
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "Logga in som planerare."
    assert _status_of(app, idea_id) == "new"


def test_a_signed_in_planner_still_needs_the_token(app, staff):
    """CSRF is as strict as before: no token or a wrong one is refused, nothing changes."""
    (idea_id,) = add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1]}])
    planner = staff("planner")
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = planner.client.post(ANSWER, json=_answer([idea_id]), headers={**EN, **headers})
        assert response.status_code == 400
        assert response.get_json()["error"] == {
            "code": "csrf_failed",
            "message": "The form expired or the security token is missing.",
            "field": "X-CSRFToken",
        }
    assert _status_of(app, idea_id) == "new"


def test_a_citizens_write_without_token_is_still_a_csrf_failure(app, client):
    """Only staff views answer "sign in": a citizen's pin and signing out stay 400."""
    response = client.post("/api/ideas", json=pin_feature(), headers=EN)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "csrf_failed")
    assert client.post("/logout").status_code == 400
    assert count_pins(app) == 0


def test_the_workspace_knows_where_to_sign_in(staff):
    html = staff("planner").get("/planner?lang=en").get_data(as_text=True)
    settings = json.loads(unescape(re.search(r'data-settings="([^"]*)"', html).group(1)))
    assert settings["urls"]["login"] == "/login"
    assert settings["strings"]["signIn"] == "Sign in"


# --- 3. and 4. Imports: what QGIS writes, and the values taken named ------------------------


@pytest.mark.parametrize(
    ("member", "value", "field", "message"),
    [
        ("kind", "problem", "features[0].kind", "kind must be one of: idea, concern."),
        (
            "category",
            "unicorns",
            "features[0].category",
            "category must be one of: " + ", ".join(CATEGORY_BY_SLUG) + ".",
        ),
    ],
)
def test_an_import_names_the_values_it_takes(app, staff, member, value, field, message):
    body = _collection(pin_feature(**{member: value}))
    response = staff("planner").post(IMPORT, body, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "invalid_choice",
        "message": message,
        "field": field,
    }
    assert count_pins(app) == 0


def test_the_citizen_form_keeps_its_words(api):
    response = api.post("/api/ideas", pin_feature(kind="problem"), headers=EN)
    assert response.get_json()["error"]["message"] == "Choose idea or concern."


def test_the_import_hint_lists_kinds_and_categories(staff):
    html = staff("planner").get("/planner", headers=EN).get_data(as_text=True)
    hint = re.search(r'<p id="pw-import-values" class="hint">([^<]*)</p>', html)
    assert hint is not None
    assert hint.group(1) == "kind: idea, concern. category: " + ", ".join(CATEGORY_BY_SLUG) + "."


def _stored_point(app) -> tuple[float, float]:
    with app.app_context(), get_engine().connect() as conn:
        query = text("SELECT ST_X(geom), ST_Y(geom), ST_NDims(geom) FROM ideas")
        x, y, dims = conn.execute(query).one()
    assert dims == 2  # the altitude is dropped: a pin is a place on the map
    return (x, y)


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [20.26, 63.825, 12.5]},  # QGIS's PointZ
        {"type": "MultiPoint", "coordinates": [[20.26, 63.825]]},  # a MultiPoint layer
        {"type": "MultiPoint", "coordinates": [[20.26, 63.825, 0]]},
    ],
)
def test_an_import_takes_points_as_a_gis_writes_them(app, staff, geometry):
    feature = {**pin_feature(), "geometry": geometry}
    response = staff("planner").post(IMPORT, _collection(feature), headers=EN)
    assert response.status_code == 201, response.get_json()
    assert _stored_point(app) == pytest.approx((20.26, 63.825))


@pytest.mark.parametrize(
    ("geometry", "field", "message"),
    [
        (
            {"type": "MultiPoint", "coordinates": [[20.26, 63.825], [20.27, 63.826]]},
            "features[0].geometry.coordinates",
            "A MultiPoint must hold exactly one point for a pin.",
        ),
        (
            {"type": "Point", "coordinates": [20.26, 63.825, 1, 2]},
            "features[0].geometry.coordinates",
            "A Point needs two or three coordinates: [longitude, latitude(, altitude)].",
        ),
        (
            {"type": "Point", "coordinates": [20.26, 63.825, "12"]},
            "features[0].geometry.coordinates",
            "Coordinates must be finite numbers.",
        ),
        (
            {"type": "LineString", "coordinates": [[20.26, 63.825], [20.27, 63.826]]},
            "features[0].geometry.type",
            "Geometry must be a GeoJSON Point (or a MultiPoint of one point).",
        ),
    ],
)
def test_an_import_still_refuses_what_is_not_one_place(app, staff, geometry, field, message):
    feature = {**pin_feature(), "geometry": geometry}
    response = staff("planner").post(IMPORT, _collection(feature), headers=EN)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["field"], error["message"]) == (field, message)
    assert count_pins(app) == 0


def test_the_citizen_api_stays_two_dimensional(app, api):
    """Our map's form never sends an altitude; the public API keeps to [lon, lat]."""
    feature = {**pin_feature(), "geometry": {"type": "Point", "coordinates": [20.26, 63.825, 1]}}
    response = api.post("/api/ideas", feature, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == (
        "A Point needs exactly two coordinates: [longitude, latitude]."
    )


# --- 5. Dates are Umeå's days -------------------------------------------------------------


def test_a_bare_date_is_a_day_in_umea():
    assert parse_since("2026-12-05") == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert parse_since("2026-05-03") == datetime(2026, 5, 2, 22, 0, tzinfo=UTC)
    assert parse_until("2026-05-03") == datetime(2026, 5, 3, 21, 59, 59, 999999, tzinfo=UTC)
    # the day the clocks go forward ends at 22:00 UTC, the day they go back at 23:00 UTC
    assert parse_until("2026-03-29").astimezone(UTC) == datetime(
        2026, 3, 29, 21, 59, 59, 999999, tzinfo=UTC
    )
    assert parse_until("2026-10-25").astimezone(UTC) == datetime(
        2026, 10, 25, 22, 59, 59, 999999, tzinfo=UTC
    )
    assert day_end(date(2026, 3, 28), LOCAL_ZONE).astimezone(UTC) == datetime(
        2026, 3, 28, 22, 59, 59, 999999, tzinfo=UTC
    )


def test_a_date_time_with_its_offset_stays_exact():
    assert parse_since("2026-05-03T00:30:00Z") == datetime(2026, 5, 3, 0, 30, tzinfo=UTC)
    assert parse_since("2026-05-03T00:30:00+02:00") == datetime(2026, 5, 2, 22, 30, tzinfo=UTC)


def test_a_pin_after_midnight_in_umea_is_in_that_days_filter(app, client):
    """Made 2026-05-03 00:30 in Umeå (22:30 UTC the day before): since=2026-05-03 takes it,
    until=2026-05-02 leaves it out, in the list and in the layers."""
    late, early = add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1]}] * 2)
    set_columns(app, [late], created_at=datetime(2026, 5, 2, 22, 30, tzinfo=UTC))
    set_columns(app, [early], created_at=datetime(2026, 5, 2, 21, 30, tzinfo=UTC))

    def ids(query: str) -> set[int]:
        body = client.get(f"/api/ideas?{query}").get_json()
        return {int(f["id"]) for f in body["features"]}

    assert ids("since=2026-05-03") == {late}
    assert ids("until=2026-05-02") == {early}
    assert ids("since=2026-05-02&until=2026-05-02") == {early}
    assert ids("since=2026-05-02T22:00:00Z") == {late}  # an instant as given
    districts = client.get("/api/layers/districts?since=2026-05-03").get_json()
    assert sum(f["properties"]["count"] for f in districts["features"]) == 1


def test_until_before_since_has_its_own_code(client):
    response = client.get("/api/ideas?since=2026-12-05&until=2026-11-01", headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "until_before_since",
        "message": "until must not be before since.",
        "field": "until",
    }


# --- 6. and 10. GeoPackages: UTC times with their zone, version 1.2 -------------------------


@pytest.mark.parametrize("name", ["ideas", "districts"])
def test_a_geopackage_is_version_1_2(client, tmp_path, name):
    add_pins(client.application, [{"lon": CENTRE[0], "lat": CENTRE[1]}])
    path = tmp_path / f"{name}.gpkg"
    path.write_bytes(client.get(f"/api/export/{name}.gpkg").get_data())
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone() == (0x47504B47,)  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone() == (10200,)


def test_geopackage_times_are_utc_with_their_zone(app, client, tmp_path):
    (idea_id,) = add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1]}])
    set_columns(app, [idea_id], created_at=datetime(2026, 12, 5, 11, 43, 10, 434000, tzinfo=UTC))
    path = tmp_path / "ideas.gpkg"
    path.write_bytes(client.get("/api/export/ideas.gpkg").get_data())
    with sqlite3.connect(path) as db:
        (created,) = db.execute("SELECT created_at FROM ideas").fetchone()
    assert created == "2026-12-05T11:43:10.434Z"
    _ogrinfo_says_utc(path)


def _ogrinfo_says_utc(path: Path) -> None:
    """GDAL's own reader (as QGIS's) sees the zone: "+00"."""
    ogrinfo = which("ogrinfo")
    if ogrinfo is None:
        return
    out = subprocess.run(
        [ogrinfo, "-al", "-q", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "created_at (DateTime) = 2026/12/05 11:43:10.434+00" in out


# --- 9. and 14. Staff pages: unambiguous times, a labelled position -------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_staff_pages_write_times_the_same_in_both_languages(app, staff, lang):
    (idea_id,) = add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1]}])
    set_columns(app, [idea_id], created_at=datetime(2026, 12, 5, 11, 44, tzinfo=UTC))
    html = staff("admin").get(f"/planner/ideas/{idea_id}", headers={"Accept-Language": lang})
    page = html.get_data(as_text=True)
    assert re.search(r"<time datetime=\"[^\"]+\">2026-12-05 12:44</time>", page)  # Umeå's time
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}", page)  # no 12/5/26
    users = staff("admin").get("/planner/users", headers={"Accept-Language": lang})
    text_of_users = users.get_data(as_text=True)
    assert not re.search(r"\b(AM|PM)\b", text_of_users)
    assert re.search(r"<td>\d{4}-\d{2}-\d{2} \d{2}:\d{2}</td>", text_of_users)  # last sign-in


def test_a_pins_position_is_lon_lat_and_labelled(app, staff):
    (idea_id,) = add_pins(app, [{"lon": 20.2601, "lat": 63.8251}])
    page = staff("planner").get(f"/planner/ideas/{idea_id}", headers=EN).get_data(as_text=True)
    assert "<dd>lon 20.26010, lat 63.82510 (WGS 84)</dd>" in page
