"""One table from errors to statuses: the same mistake gets the same answer on every route."""

import pytest
from flask import request
from werkzeug.exceptions import BadRequest

from app.common.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidField,
    MalformedRequest,
    NotAuthenticated,
    NotFound,
)
from app.errors import status_for
from geo.errors import GeometryError

BEYOND_BIGINT = "9223372036854775808"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (MalformedRequest("x"), 400),
        (NotAuthenticated("x"), 401),
        (Forbidden("x"), 403),
        (NotFound("x"), 404),
        (Conflict("x"), 409),
        (InvalidField("x"), 422),
        (GeometryError("invalid_bbox", "x"), 422),
    ],
)
def test_the_table(error, status):
    assert status_for(error) == status


def test_an_error_outside_the_table_is_a_programming_error():
    with pytest.raises(LookupError):
        status_for(DomainError("x"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/ideas/{BEYOND_BIGINT}"),
        ("GET", f"/api/ideas/{BEYOND_BIGINT}/supported"),
        ("POST", f"/api/ideas/{BEYOND_BIGINT}/support"),
        ("GET", "/api/ideas/13421420739608639493373952"),
        ("GET", "/api/ideas/0"),
        ("GET", "/api/ideas/-1"),
        ("GET", "/api/ideas/1e3"),
        ("GET", "/api/ideas/%EF%BC%91"),  # a full-width digit one
    ],
)
def test_ids_a_bigint_cannot_hold_are_json_404s(api, method, path):
    response = api.client.open(path, method=method, headers={"X-CSRFToken": api.token})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", f"/ideas/{BEYOND_BIGINT}"), ("POST", f"/ideas/{BEYOND_BIGINT}/support")],
)
def test_pages_with_such_ids_are_html_404s(api, method, path):
    response = api.client.open(path, method=method, data={"csrf_token": api.token})
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    "query", ["bbox=1,2,3", "kind=complaint", "limit=0", "since=", "ids=x", "cursor=!"]
)
def test_any_bad_parameter_is_a_422(client, query):
    response = client.get(f"/api/ideas?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == query.split("=")[0]


def test_405_names_the_allowed_methods(client):
    response = client.delete("/api/ideas")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    page = client.post("/list")
    assert page.status_code == 405
    assert "Allow" in page.headers


def test_unknown_api_paths_are_json_404s_in_the_requested_language(client):
    response = client.get("/api/nothing", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "not_found",
        "message": "There is nothing at this address.",
        "field": None,
    }


def test_json_nested_too_deep_for_the_parser_is_a_bad_request(app):
    """Werkzeug makes unreadable JSON a 400 but lets the parser's RecursionError through (a
    500); the app's request class makes it a 400 too, whichever code or library reads it."""
    deep = b"[" * 20000
    context = app.test_request_context(
        "/", method="POST", data=deep, content_type="application/json"
    )
    with context, pytest.raises(BadRequest):
        request.get_json()
