"""Whatever a client puts in a query string or a pin's fields, the answer is never a 500."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import pin_feature

# Text with the characters that break naive parsers: digits of other scripts, superscripts,
# signs, separators, NUL and control characters, and plain junk.
TRICKY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("0123456789-+.,eE ²٣߂١⁹ⅷNaninfINF\x00\t\n%&=#")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

LIST_PARAMETERS = ["bbox", "kind", "category", "status", "since", "limit", "cursor", "ids"]


@FUZZ
@given(name=st.sampled_from(LIST_PARAMETERS), value=TRICKY)
def test_list_parameters_never_500(client, name, value):
    response = client.get("/api/ideas", query_string={name: value})
    assert response.status_code in (200, 422), (name, value, response.status_code)
    if response.status_code != 200:
        assert response.get_json()["error"]["field"] == name


@FUZZ
@given(bbox=TRICKY, zoom=TRICKY)
def test_map_parameters_never_500(client, bbox, zoom):
    response = client.get("/api/map/clusters", query_string={"bbox": bbox, "zoom": zoom})
    assert response.status_code in (200, 422), (bbox, zoom, response.status_code)


@FUZZ
@given(at=TRICKY, title=TRICKY, limit=TRICKY)
def test_similar_parameters_never_500(client, at, title, limit):
    args = {"at": at, "title": title, "limit": limit}
    response = client.get("/api/ideas/similar", query_string=args)
    assert response.status_code in (200, 422), (args, response.status_code)
    if response.status_code != 200:
        assert response.get_json()["error"]["field"] in args


@FUZZ
@given(at=TRICKY)
def test_a_place_at_never_500s(client, at):
    response = client.get("/api/places/at", query_string={"at": at})
    assert response.status_code in (200, 422), (at, response.status_code)
    if response.status_code != 200:
        assert response.get_json()["error"]["field"] == "at"


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TRICKY,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TRICKY, children, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(
    field=st.sampled_from(["kind", "category", "title", "body", "author_name"]),
    value=JSONISH,
    coordinates=st.lists(st.floats(allow_nan=False) | st.integers() | TRICKY, max_size=3),
)
def test_pin_fields_never_500(api, field, value, coordinates):
    feature = pin_feature(**{field: value})
    if coordinates:
        feature["geometry"]["coordinates"] = coordinates
    response = api.post("/api/ideas", feature)
    assert response.status_code in (201, 400, 422), (field, value, response.status_code)


@FUZZ
@given(query=st.text(alphabet=string.printable + "åäöÅÄÖé²", max_size=120))
def test_place_search_never_500(client, query):
    assert client.get("/api/places", query_string={"q": query}).status_code in (200, 422)
