"""The id converter: exactly 1 .. 2**63 - 1, decided by the rule's pattern."""

import re

from hypothesis import given
from hypothesis import strategies as st

from app.converters import MAX_ID, IdConverter, decimal_range_pattern

PATTERN = re.compile(IdConverter.regex)


@given(st.integers(min_value=0, max_value=10**21))
def test_the_pattern_takes_exactly_the_ids_a_bigint_holds(number):
    assert bool(PATTERN.fullmatch(str(number))) == (1 <= number <= MAX_ID)


def test_small_ranges_and_leading_zeros():
    small = re.compile(decimal_range_pattern(305))
    assert [n for n in range(1000) if small.fullmatch(str(n))] == list(range(1, 306))
    assert not PATTERN.fullmatch("007") and not PATTERN.fullmatch("")


def test_an_id_out_of_range_is_404_whatever_the_method(client):
    """werkzeug answers a converter's refusal with 405 where another method has the path."""
    for path in ("/api/ideas/0", f"/api/ideas/{MAX_ID + 1}"):
        assert client.get(path).status_code == 404
        assert client.patch(path).status_code == 404
    assert client.post("/api/ideas/0/notes").status_code == 404
    assert client.get("/api/ideas/0/notes").status_code == 404
