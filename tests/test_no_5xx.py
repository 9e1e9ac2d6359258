"""Every route in the URL map, walked with hostile path segments, query values and bodies:
the answer is never a 5xx. New routes are walked as soon as they are registered."""

from __future__ import annotations

import json
import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from scripts.hostile_walk import KEYS as WALKED_KEYS
from tests.conftest import Api, create_user, pin_feature, sign_in, unreachable_limits

VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
HOSTILE_SEGMENTS = [
    "9223372036854775808",  # one past bigint
    "13421420739608639493373952",
    "99999999999999999999999999999999999999999",
    "0",
    "-1",
    "1e3",
    "1.5",
    "%EF%BC%91",  # full-width 1
    "١٢",
    "%ED%A0%80",  # a lone surrogate as UTF-8 bytes
    "%FF%FE",
    "%00",
    "%0D%0A",
    "..",
    "%2e%2e",
    "%2F",
    "x" * 3000,
    "'%20OR%201=1--",
    "%3Cscript%3E",
    "😀",
    "en",
    "sv",
]
HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "\r\n",
    "NaN",
    "-Infinity",
    "1e999",
    "9" * 400,
    "-" + "9" * 5000,
    "²",
    "٣",
    "\ud800",
    "\u202e",
    "//evil.example",
    "/\t/evil.example",
    "<img src=x>",
    "' OR 1=1 --",
    ",,,",
    "1,2,3,4,5",
    "20,63,21,64",
    "idea,idea,concern",
    "x" * 5000,
]
PARAMETERS = [
    "bbox", "zoom", "kind", "category", "status", "since", "limit", "cursor", "ids", "q",
    "next", "lang", "page", "id",
]  # fmt: skip
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]


def _rules(app, method: str | None = None) -> list[str]:
    """The URL map's rules, or those that accept `method`."""
    rules = app.url_map.iter_rules()
    return sorted({rule.rule for rule in rules if method is None or method in rule.methods})


def _fill(rule: str, segment: str, named: dict[str, str] | None = None) -> str:
    """The rule with `segment` for each variable, or its value in `named`."""
    return VARIABLE.sub(lambda m: (named or {}).get(m.group(1), segment), rule)


def _query(params: dict[str, str]) -> str:
    """A raw query string; lone surrogates go as their (invalid) UTF-8 bytes, as an attacker's."""
    return "&".join(
        quote_from_bytes(k.encode("utf-8", "surrogatepass"))
        + "="
        + quote_from_bytes(v.encode("utf-8", "surrogatepass"))
        for k, v in params.items()
    )


def _check(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.get_data()[:300])
    response.close()


# 42-45 s on a quiet machine; past the suite's 120 s beside a benchmark loop and the
# hostile walk, where its process was stopped as a crash. A bound of its own, as below.
@pytest.mark.long_running
@pytest.mark.timeout(480)
def test_every_route_with_every_hostile_segment_and_method(app, api):
    """Deterministic: all rules × hostile path segments × methods, with a valid CSRF token."""
    for rule in _rules(app):
        for segment in HOSTILE_SEGMENTS:
            path = _fill(rule, segment)
            for method in METHODS:
                response = api.client.open(path, method=method, headers={"X-CSRFToken": api.token})
                _check(response, (method, path))


class _NotedArgs(ImmutableMultiDict):
    """A request's query arguments that note the keys a view asks for (`EVERY_KEY` when it
    goes through them all, as a parser that refuses unknown keys does)."""

    def _note(self, key: object) -> None:
        _KEYS_READ.add(str(key))

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - MultiDict's own name
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)

    def _every(self, method, *args, **kwargs):
        _KEYS_READ.add(EVERY_KEY)
        return getattr(super(), method)(*args, **kwargs)

    def __iter__(self):
        return self._every("__iter__")

    def __len__(self):
        return self._every("__len__")

    def keys(self):
        return self._every("keys")

    def items(self, multi=False):
        return self._every("items", multi)

    def values(self):
        return self._every("values")

    def lists(self):
        return self._every("lists")

    def to_dict(self, flat=True):
        return self._every("to_dict", flat)


EVERY_KEY = "*"
_KEYS_READ: set[str] = set()
# Valid values, sent beside the hostile one so that a view reads past its required keys.
VALID_QUERY = {"bbox": "20.20,63.80,20.35,63.85", "zoom": "12", "q": "Haga", "limit": "10"}
# Keys no view reads: a view that reads none is still walked with one.
UNKNOWN_KEY = "zz"
# The keys of the walk: the random walk's, scripts/hostile_walk.py's, a stream's, a pin page's.
KEYS = sorted({*PARAMETERS, *WALKED_KEYS, "last_event_id", "report", UNKNOWN_KEY})


def keys_read(app, client, path: str, query: dict[str, str]) -> set[str]:
    """The query keys that the view at `path` reads when `client` opens it with `query`."""
    probe = type("NotingRequest", (app.request_class,), {"parameter_storage_class": _NotedArgs})
    _KEYS_READ.clear()
    original, app.request_class = app.request_class, probe
    try:
        client.get(f"{path}?{_query(query)}").close()
    finally:
        app.request_class = original
    return set(_KEYS_READ)


def valid_query(app, client, path: str, valid: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """The `valid` values of the keys that the view at `path` reads, and the keys it reads.

    A view refuses a missing bbox before it reads its other keys; given one, it reads them.
    So it is opened again with the valid values of what it read, until it reads nothing new.
    """
    query: dict[str, str] = {}
    read = keys_read(app, client, path, query)
    for _ in range(3):
        query = {key: value for key, value in valid.items() if key in read}
        more = keys_read(app, client, path, query)
        if more <= read:
            break
        read |= more
    return query, read


# Hostile values sent in a key that the view refuses as unknown: the empty one, the NUL, the
# line break, NaN and -Infinity, as HOSTILE_VALUES begins.
UNKNOWN_VALUES_TRIED = 5


def _refused_as_unknown(response, name: str) -> bool:
    """Whether the answer refuses key `name` as one the view does not take."""
    body = response.get_json(silent=True) if response.is_json else None
    error = body.get("error") if isinstance(body, dict) else None
    return (
        isinstance(error, dict)
        and error.get("code") == "unknown_parameter"
        and error.get("field") == name
    )


# Every route × key it reads × hostile value: 68-115 s alone in four runs on this 2-core
# machine. Every route with every one of 14 keys took 90-99 s in the suite as a visitor, and
# 200 s alone as the admin. A bound of its own for a machine that a benchmark keeps busy.
@pytest.mark.long_running
@pytest.mark.timeout(480)
def test_every_route_with_every_hostile_query_value(app, make_app):
    """The routes that answer GET, each walked by whoever may open it, past its 404, with
    every hostile value in each query key it reads.

    Not the others: they answer GET 405 before reading a query (12 of the walk's 136 s on a
    slow 2-core machine); their bodies are walked above and below. Pin 1 and workshop 1
    exist, so `/ideas/1` and `/workshops/1/...` read their queries instead of answering 404;
    so do the join code, the collection of pins and a language (`/lang/en`).
    A route that refuses a visitor and lets the admin in (the planners' pages, the
    facilitator's API) is walked as the admin, who started workshop 1; the rest as a
    visitor. Walked as a visitor only, the planners' 20 routes had answered every value 401
    before reading it. A route is first opened to note which keys it reads (`valid_query`);
    it gets those, or every key when it goes through them all, and one that nothing reads.

    On an app of its own whose workshop listener stops within a second of the last event
    stream (the walk opens workshop 1's), as the browser tests' workshop server does: the
    session's app would keep its LISTEN connection for minutes, and take 15 s to stop it.
    """
    walked = make_app(
        RATELIMIT_ENABLED=True,
        WORKSHOP_HEARTBEAT_SECONDS=0.5,
        WORKSHOP_LISTENER_IDLE_SECONDS=0.5,
        **unreachable_limits(app),
    )
    create_user(app, "admin@umea.se", "admin")
    client, admin = walked.test_client(), sign_in(walked.test_client(), "admin@umea.se")
    assert admin.post("/api/ideas", pin_feature()).get_json()["id"] == 1
    started = admin.post("/api/workshops", {"title": "Haga"}).get_json()
    assert started["id"] == 1
    valid = {**VALID_QUERY, "code": started["join_code"]}
    signed_in, read = set(), {}
    for rule in _rules(walked, method="GET"):
        code = "en" if rule.startswith("/lang/") else started["join_code"]  # or a language
        path = _fill(rule, "1", {"code": code, "collection_id": "ideas"})
        with client.get(path) as visiting, admin.client.get(path) as administering:
            refused, let_in = visiting.status_code >= 400, administering.status_code < 400
        walker = admin.client if refused and let_in else client
        if walker is admin.client:
            signed_in.add(rule)
        base, read[rule] = valid_query(walked, walker, path, valid)
        keys = KEYS if EVERY_KEY in read[rule] else sorted(read[rule] | {UNKNOWN_KEY})
        for name in keys:
            for tried, value in enumerate(HOSTILE_VALUES, start=1):
                query = _query({**base, name: value})
                with walker.get(f"{path}?{query}") as response:
                    unknown = _refused_as_unknown(response, name)
                    _check(response, (path, base, name, value))
                # A key the view does not take is refused before any value is read: after
                # the first values, the rest would only walk that refusal again (2,552 of
                # the walk's 8,844 requests did).
                if unknown and tried >= UNKNOWN_VALUES_TRIED:
                    break
    assert {"/planner/report", "/api/workshops/<id:workshop_id>/audit"} <= signed_in
    # The notes are right where they can be checked: a view's own keys, and a strict parser.
    assert {"bbox", "zoom", "kind"} <= read["/api/map/clusters"]
    assert {"layers", "since"} <= read["/planner/report"]
    assert EVERY_KEY in read["/ogc/collections/<collection_id>/items"]
    assert "next" in read["/lang/<code>"]
    assert read["/healthz"] <= {"lang"}
    assert read["/static/<path:filename>"] <= {"lang"}


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**320)
    | st.floats(allow_nan=False)
    | st.text()
    | st.sampled_from(HOSTILE_VALUES),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12) | st.sampled_from(["type", "geometry", "properties",
        "coordinates", "kind", "category", "title", "body", "author_name"]), children, max_size=4),
    max_leaves=12,
)  # fmt: skip
BODIES = st.one_of(
    JSON_VALUES.map(lambda v: ("application/json", v)),
    st.binary(max_size=300).map(lambda b: ("application/json", b)),
    st.binary(max_size=300).map(lambda b: ("application/x-www-form-urlencoded", b)),
    st.sampled_from(
        [
            ("application/json", b'{"title": "\\ud800"}'),
            ("application/json", b'"\xed\xa0\x80"'),
            ("application/json", b"[" * 20000),
            ("application/json", b"1" * 5000),
            ("text/plain", b"hello"),
            ("application/json", b" " * 70_000),
        ]
    ),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rule_index=st.integers(min_value=0, max_value=10_000),
    segment=st.sampled_from(HOSTILE_SEGMENTS) | st.text(min_size=1, max_size=30),
    method=st.sampled_from(["POST", "PATCH", "PUT", "DELETE", "GET"]),
    query=st.dictionaries(
        st.sampled_from(PARAMETERS) | st.text(max_size=8),
        st.sampled_from(HOSTILE_VALUES) | st.text(max_size=40),
        max_size=3,
    ),
    body=BODIES,
)
def test_random_requests_never_5xx(app, api, rule_index, segment, method, query, body):
    rules = _rules(app)
    path = _fill(rules[rule_index % len(rules)], segment.replace("/", "%2F").replace("?", "%3F"))
    content_type, payload = body
    # json.dumps escapes lone surrogates ("\\ud800"), as a hostile client would send them.
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-CSRFToken": api.token, "Content-Type": content_type}
    response = api.client.open(f"{path}?{_query(query)}", method=method, headers=headers, data=data)
    _check(response, (method, path, query, body))


@pytest.mark.parametrize(
    "title", ['"\\ud800 lone"', '"\\udfff"', '"ok \\ud83d\\ude00"', '"\\u202egnp.exe"']
)
def test_surrogates_and_invisibles_in_a_pin_are_refused_or_kept_whole(api, app, title):
    raw = (
        '{"type":"Feature","geometry":{"type":"Point","coordinates":[20.263,63.8258]},'
        f'"properties":{{"kind":"idea","category":"other","title":{title}}}}}'
    )
    response = api.post("/api/ideas", data=raw, headers={"Content-Type": "application/json"})
    if title == '"ok \\ud83d\\ude00"':  # a proper pair is an emoji
        assert response.status_code == 201
        assert response.get_json()["properties"]["title"] == "ok 😀"
    else:
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == "title"


def test_raw_surrogate_bytes_are_refused_naming_the_field(api):
    raw = (
        '{"type":"Feature","geometry":{"type":"Point","coordinates":[20.263,63.8258]},'
        '"properties":{"kind":"idea","category":"other","title":"ab \xed\xa0\x80 cd"}}'
    ).encode("latin-1")
    response = api.post("/api/ideas", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "title"
    assert api.post("/api/ideas", pin_feature(author_name="A\ud800")).status_code == 422


def test_walk_reaches_every_route(app):
    """The walk covers the URL map as it is, pages, API and static files alike."""
    rules = _rules(app)
    assert "/api/ideas/<id:idea_id>" in rules
    assert "/lang/<code>" in rules
    assert any(r.startswith("/static/") for r in rules)
    assert Api  # the CSRF-carrying client is what lets bodies reach the parsers
