"""Hidden, held and withdrawn pins are absent from every public path; so are staff notes,
reporters, authors' names and redacted originals.

The walk takes every GET route of the URL map as it is when the test runs (so routes that
other parts of the app add later are walked too), fills its path variables with the ids of
secret and public pins and with likely names (languages, layers, formats, statuses), asks with
no query, with a broad query (the whole area, every filter value, generous limits) and with
the secret ids, reads every answer (JSON, GeoJSON, CSV, HTML, files), follows `next` links,
and proves that no secret text appears anywhere, and no secret id in an answer to a request
that did not name it. The OpenAPI document and its examples are one of those answers.
"""

from __future__ import annotations

import itertools
import json
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from app.converters import IdConverter
from app.db import get_engine
from tests.conftest import Api, pin_feature

FIRST_SECRET_ID = 7_777_777_001
SECRETS = {
    "hidden title": "Zqxhiddentitle",
    "hidden body": "Zqxhiddenbody",
    "held title": "Zqxheldtitle idiotword",
    "held body": "Zqxheldbody",
    "withdrawn title": "Zqxwithdrawntitle",
    "withdrawn body": "Zqxwithdrawnbody",
    "author name": "Zqxauthorname",
    "staff note": "Zqxstaffnote",
    "report note": "Zqxreportnote",
    "hiding reason": "Zqxhidingreason",
    "redacted original": "Zqxredactedoriginal",
    "word list entry": "idiotword",
}
NAMES = [
    "sv", "en", "ideas", "pins", "districts", "hexgrid", "clusters", "geojson", "csv", "gpkg",
    "done", "planned", "new", "items",
]  # fmt: skip
BROAD_QUERY = {
    "bbox": "19.0,63.3,21.5,64.5",
    "zoom": "10",
    "limit": "1000",
    "since": "2000-01-01",
    "eps": "5000",
    "min_points": "1",
    "size": "1000",
}
MAX_FILLS_PER_ROUTE = 60
MAX_NEXT_PAGES = 20


@pytest.fixture
def secret_world(app, api, staff):
    """Public pins beside a hidden, a held and a withdrawn one, with notes, reports, a redaction."""
    moderator = staff("moderator")
    public = [
        api.post(
            "/api/ideas", pin_feature(title="Öppen bänk", author_name=SECRETS["author name"])
        ).get_json()["id"]
        for _ in range(3)
    ]
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text(f"ALTER SEQUENCE ideas_id_seq RESTART WITH {FIRST_SECRET_ID}"))
    hidden = api.post(
        "/api/ideas",
        pin_feature(
            title=SECRETS["hidden title"],
            body=SECRETS["hidden body"],
            author_name=SECRETS["author name"],
        ),
    ).get_json()["id"]
    moderator.post("/api/moderation/words", {"word": SECRETS["word list entry"]})
    held = api.post(
        "/api/ideas", pin_feature(title=SECRETS["held title"], body=SECRETS["held body"])
    )
    assert held.status_code == 202
    withdrawn = api.post(
        "/api/ideas",
        pin_feature(title=SECRETS["withdrawn title"], body=SECRETS["withdrawn body"]),
    ).get_json()["id"]
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text("UPDATE ideas SET visibility = 'withdrawn' WHERE id = :i"), {"i": withdrawn}
        )
        conn.execute(text("ALTER SEQUENCE ideas_id_seq RESTART WITH 100"))
    secret_ids = [hidden, held.get_json()["id"], withdrawn]
    assert secret_ids == [FIRST_SECRET_ID, FIRST_SECRET_ID + 1, FIRST_SECRET_ID + 2]

    planner = staff("planner")
    # a public duplicate of the pin that is then hidden, an answered pin, notes, a report
    assert planner.patch(f"/api/ideas/{public[0]}", {"duplicate_of": hidden}).status_code == 200
    hide = moderator.patch(
        f"/api/ideas/{hidden}", {"visibility": "hidden", "reason": SECRETS["hiding reason"]}
    )
    assert hide.status_code == 200
    planner.patch(f"/api/ideas/{public[1]}", {"status": "planned", "answer": "Vi planerar det."})
    for idea_id in (public[1], hidden):
        planner.post(f"/api/ideas/{idea_id}/notes", {"body": SECRETS["staff note"]})
    api.post(f"/api/ideas/{public[2]}/flag", {"reason": "other", "note": SECRETS["report note"]})
    moderator.post(f"/api/ideas/{public[2]}/redact", {"body": SECRETS["redacted original"]})
    moderator.post(f"/api/ideas/{public[2]}/redact", {"body": "Ren text."})
    with app.app_context(), get_engine().connect() as conn:
        reporters = conn.execute(text("SELECT supporter_id FROM flags")).scalars().all()
    return {"public": public, "secret_ids": secret_ids, "reporters": reporters}


def _fills(rule, ids: list[int]) -> list[str]:
    """Paths for a rule: every variable filled from pin ids (id converters) or likely names."""
    choices = []
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IdConverter) or type(converter).__name__ == "IntegerConverter":
            choices.append([str(i) for i in ids])
        else:
            choices.append(NAMES + [str(i) for i in ids])
    paths = []
    for values in itertools.islice(itertools.product(*choices), MAX_FILLS_PER_ROUTE):
        path = rule.rule
        for name, value in zip(rule.arguments, values, strict=True):
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
        paths.append(path)
    return paths


def _next_links(body: bytes, mimetype: str) -> list[str]:
    """The `next` pages an answer points to (JSON `links`/`next`, HTML rel=next)."""
    found = []
    if "json" in mimetype:
        try:
            document = json.loads(body)
        except ValueError:
            return []
        if isinstance(document, dict):
            for link in document.get("links") or []:
                if isinstance(link, dict) and link.get("rel") == "next" and link.get("href"):
                    found.append(link["href"])
    elif mimetype == "text/html":
        found += re.findall(r'<a [^>]*href="([^"]+)"[^>]*rel="next"', body.decode())
    return [
        urlsplit(href.replace("&amp;", "&"))._replace(scheme="", netloc="").geturl()
        for href in found
    ]


def _get_what_it_takes(client, path: str, query: dict[str, str]):
    """GET `path` with the parameters of `query` that it takes.

    The API refuses a parameter its route does not read (422 `unknown_parameter`, naming it),
    and a broad query sent to every route would be refused there and show nothing: each
    parameter named so is left out, and the route asked again.
    """
    query = dict(query)
    while True:
        response = client.get(path, query_string=query)
        refused = response.get_json(silent=True) if response.status_code == 422 else None
        error = refused.get("error") if isinstance(refused, dict) else None
        if not isinstance(error, dict) or error.get("code") != "unknown_parameter":
            return response
        assert error["field"] in query, (path, error)
        response.close()
        del query[error["field"]]


def test_no_public_get_route_shows_a_secret(app, secret_world):
    client = app.test_client()
    Api(client)  # a visitor with a supporter cookie, as on the map
    secret_ids = [str(i) for i in secret_world["secret_ids"]]
    secrets = list(SECRETS.values()) + list(secret_world["reporters"])
    ids = secret_world["secret_ids"] + secret_world["public"]
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.rule.startswith("/static")
    ]
    assert len(rules) > 10
    walked = 0
    for rule in rules:
        for path in _fills(rule, ids):
            queries = [{}, BROAD_QUERY, {"ids": ",".join(map(str, ids)), "limit": "1000"}]
            pages = [_get_what_it_takes(client, path, q) for q in queries]
            seen = 0
            while pages and seen < MAX_NEXT_PAGES * 3:
                response = pages.pop()
                seen += 1
                if response.mimetype == "text/event-stream":  # a live stream never ends
                    response.close()
                    continue
                body = response.get_data()
                response.close()
                asked = response.request.full_path if response.request else path
                where = f"GET {asked} -> {response.status_code} {response.mimetype}"
                for secret in secrets:
                    assert secret.encode() not in body, (where, secret)
                for secret_id in secret_ids:
                    if secret_id not in asked:
                        assert secret_id.encode() not in body, (where, secret_id)
                if response.status_code == 200:
                    for href in _next_links(body, response.mimetype):
                        pages.append(client.get(href))
                walked += 1
    assert walked > 50


def test_the_walk_sees_what_is_public(app, secret_world):
    """The same walk finds public pins: it would see a leak if there were one."""
    client = app.test_client()
    listing = _get_what_it_takes(client, "/api/ideas", BROAD_QUERY).get_json()
    assert {feature["id"] for feature in listing["features"]} == set(secret_world["public"])
    page = client.get(f"/ideas/{secret_world['public'][1]}").get_data(as_text=True)
    assert "Vi planerar det." in page
