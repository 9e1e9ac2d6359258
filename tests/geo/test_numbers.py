"""The one numeric parser."""

import pytest

from geo.numbers import finite_float, parse_decimal, parse_whole, whole_in_range


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20.5, 20.5),
        (20, 20.0),
        (10**400, None),  # float(10**400) raises OverflowError
        (-(10**4000), None),
        (float("nan"), None),
        (float("inf"), None),
        (True, None),
        ("20.5", None),
        (None, None),
    ],
)
def test_finite_float(value, expected):
    assert finite_float(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20.26", 20.26),
        ("-1e3", -1000.0),
        ("63", 63.0),
        ("٣", None),  # Arabic-Indic digit: float() would take it
        ("1_0", None),
        ("nan", None),
        ("inf", None),
        ("1e999", None),
        (" 5", None),
        ("+5", None),
        ("5.", None),
        ("", None),
        ("1" * 41, None),
    ],
)
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("0", 0),
        ("-3", None),  # below the range
        ("11", None),  # above it
        ("²", None),
        ("1.0", None),
        ("9" * 5000, None),  # int() would raise: more digits than Python converts
        ("", None),
    ],
)
def test_parse_whole(text, expected):
    assert parse_whole(text, 0, 10) == expected


def test_whole_in_range():
    assert whole_in_range(5, 1, 9) == 5
    assert whole_in_range(True, 0, 9) is None
    assert whole_in_range(5.0, 1, 9) is None
    assert whole_in_range(10**100, 1, 9) is None
