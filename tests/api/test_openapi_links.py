"""The OpenAPI document's links: each names a real operation and its real parameters, and a
client that knows nothing but the document can follow them from a new workshop, with the key
or the token the response gave as the header the link names (no cookie)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.conftest import pin_feature
from tests.workshops.helpers import join, new_client, start_workshop

EXPRESSION = re.compile(r"^\$(response\.body#(/[\w-]+)+|request\.(path|header)\.[\w-]+)$")


def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Each operation by its id: (method, path, operation)."""
    return {
        operation["operationId"]: (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }


def links(operation: dict[str, Any], status: str) -> dict[str, dict[str, Any]]:
    return operation["responses"][status].get("links", {})


def parameters_of(spec: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """`in.name` of each of an operation's parameters, references resolved."""
    found = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found.add(f"{parameter['in']}.{parameter['name']}")
    return found


def follow(
    spec: dict[str, Any],
    link: dict[str, Any],
    body: dict[str, Any],
    request: dict[str, str] | None = None,
) -> tuple[str, str, dict[str, str], dict[str, Any]]:
    """The request a link makes from a response `body` (and the `request` it answered: its
    path parameters and headers by name): method, path, headers, body fields."""
    method, path, _ = operations(spec)[link["operationId"]]

    def value(expression: str) -> Any:
        if expression.startswith("$request."):
            return (request or {})[expression.split(".", 2)[2]]
        found: Any = body
        for step in expression.removeprefix("$response.body#/").split("/"):
            found = found[int(step)] if isinstance(found, list) else found[step]
        return found

    headers = {}
    for name, expression in link["parameters"].items():
        where, _, key = name.partition(".")
        if where == "path":
            path = path.replace("{" + key + "}", str(value(expression)))
        else:
            headers[key] = value(expression)
    fields = {name: value(expression) for name, expression in link.get("requestBody", {}).items()}
    return method, path, headers, fields


def test_every_link_names_an_operation_and_its_parameters(client):
    spec = client.get("/api/openapi.json").get_json()
    by_id = operations(spec)
    followed = 0
    for _, _, operation in by_id.values():
        for status in operation["responses"]:
            for name, link in links(operation, status).items():
                assert link["operationId"] in by_id, name
                target = by_id[link["operationId"]][2]
                assert set(link["parameters"]) <= parameters_of(spec, target), name
                body = link.get("requestBody", {})
                for expression in (*link["parameters"].values(), *body.values()):
                    assert EXPRESSION.match(expression), (name, expression)
                followed += 1
    # a new pin's; a new workshop's; a joiner's; a drawing's; the participants'; a page of items
    assert followed == 9 + 17 + 5 + 3 + 1 + 1


def test_a_new_workshops_links_work_with_the_headers_they_name(app: Flask, client):
    spec = client.get("/api/openapi.json").get_json()
    _, workshop = start_workshop(app)
    created = links(operations(spec)["createWorkshop"][2], "201")
    # Each read a facilitator's link leads to, from a browser with no cookie of the workshop.
    for name in ("WorkshopAudit", "ListParticipants", "ExportWorkshop", "WorkshopSummary"):
        _, path, headers, _ = follow(spec, created[name], workshop)
        stranger = new_client(app)
        assert stranger.get(path).status_code == 401, name  # the header is what lets it in
        assert stranger.get(path, headers=headers).status_code == 200, name
    # The join link fills in the code; the joiner's links carry the token as their header.
    method, path, headers, fields = follow(spec, created["JoinWorkshop"], workshop)
    joined = new_client(app).post(path, {**fields, "name": "Anna"}, headers=headers)
    assert (method, joined.status_code) == ("POST", 201), joined.get_json()
    for name, link in links(operations(spec)["joinWorkshop"][2], "201").items():
        method, path, headers, _ = follow(spec, link, joined.get_json())
        if method == "GET":
            assert new_client(app).get(path, headers=headers).status_code == 200, name
    method, path, headers, _ = follow(spec, created["SetFollow"], workshop)
    answer = new_client(app).post(path, {"on": True}, headers=headers)
    assert (method, answer.status_code, answer.get_json()["on"]) == ("POST", 200, True)
    # From the list of participants, with the key it was asked with, to removing the first.
    _, path, key, _ = follow(spec, created["ListParticipants"], workshop)
    listed = new_client(app).get(path, headers=key).get_json()
    link = links(operations(spec)["listParticipants"][2], "200")["SetParticipantRemoved"]
    request = {"id": str(workshop["id"]), **key}
    method, path, headers, _ = follow(spec, link, listed, request)
    removed = new_client(app).post(path, {"removed": True}, headers=headers)
    assert (method, removed.status_code) == ("POST", 200), removed.get_json()
    assert removed.get_json()["id"] == joined.get_json()["participant_id"]


def test_a_page_of_items_links_to_its_first_feature(app: Flask, client, api):
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    spec = client.get("/api/openapi.json").get_json()
    page = client.get("/ogc/collections/ideas/items?limit=1").get_json()
    link = links(operations(spec)["ogcItems"][2], "200")["OgcItem"]
    _, path, _, _ = follow(spec, link, page, {"collection_id": "ideas"})
    item = client.get(path)
    assert (item.status_code, item.get_json()["id"]) == (200, page["features"][0]["id"])


def schema_examples(spec: dict[str, Any]) -> dict[str, Any]:
    """The document's examples by where they are: `NewPin`, a drawing, a view, a query value."""
    ops = operations(spec)

    def body_schema(operation_id: str) -> dict[str, Any]:
        return ops[operation_id][2]["requestBody"]["content"]["application/json"]["schema"]

    def query_example(operation_id: str, name: str) -> str:
        (parameter,) = [p for p in ops[operation_id][2]["parameters"] if p.get("name") == name]
        return parameter["schema"]["examples"][0]

    return {
        "pin": spec["components"]["schemas"]["NewPin"]["examples"][0],
        "drawing": body_schema("createAnnotation")["examples"][0],
        "view": body_schema("sendView")["examples"][0],
        "import": body_schema("importIdeas")["examples"][0],
        "at": query_example("placeAt", "at"),
        "bbox": query_example("mapClusters", "bbox"),
    }


def test_the_documents_examples_are_accepted(app: Flask, client, api, staff):
    """What a reader pastes from the document works: a new pin, a place, a view's bbox, a
    planner's import in SWEREF 99 TM, a participant's drawing and the facilitator's view."""
    spec = client.get("/api/openapi.json").get_json()
    examples = schema_examples(spec)
    new = api.post("/api/ideas", examples["pin"])
    assert new.status_code == 201
    imported = staff("planner").post("/api/ideas/import", examples["import"])
    assert imported.status_code == 201, imported.get_json()
    (pin_id,) = imported.get_json()["ids"]
    # The same place as the new pin, once PostGIS has turned the easting and northing back.
    place = client.get(f"/api/ideas/{pin_id}").get_json()["geometry"]["coordinates"]
    assert place == pytest.approx(new.get_json()["geometry"]["coordinates"], abs=1e-5)
    place = client.get(f"/api/places/at?at={examples['at']}")
    assert (place.status_code, place.get_json()["district"]["name"]) == (200, "Centrala stan")
    for path in ("/api/map/clusters?zoom=12&", "/api/ideas?", "/api/layers/districts?"):
        assert client.get(f"{path}bbox={examples['bbox']}").status_code == 200, path
    _, workshop = start_workshop(app)
    wid = workshop["id"]
    token = {"X-Participant-Token": join(app, workshop).participant["token"]}
    drawn = new_client(app).post(
        f"/api/workshops/{wid}/annotations", examples["drawing"], headers=token
    )
    assert drawn.status_code == 201, drawn.get_json()
    key = {"X-Facilitator-Key": workshop["facilitator_key"]}
    sent = new_client(app).post(f"/api/workshops/{wid}/view", examples["view"], headers=key)
    assert sent.status_code == 200, sent.get_json()
