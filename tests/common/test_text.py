"""The one text cleaner: trims, normalises, bounds, and refuses what cannot be shown honestly."""

import pytest

from app.common.errors import InvalidField
from app.common.limits import TextLimit
from app.common.text import clean_text

LIMIT = TextLimit(3, 20)


def _refusal(value, *, multiline=False):
    with pytest.raises(InvalidField) as caught:
        clean_text(value, "title", LIMIT, multiline=multiline, required=True)
    return caught.value


def test_trims_and_normalises_to_nfc():
    assert clean_text("  Cafe\u0301 ok  ", "title", LIMIT) == "Café ok"


@pytest.mark.parametrize(
    ("text", "code_point"),
    [
        ("\ud800 lone", "D800"),  # a lone surrogate: PostgreSQL cannot store it
        ("report\u202egnp.exe", "202E"),  # right-to-left override
        ("a\u202ab", "202A"),
        ("a\u2066b", "2066"),  # isolates
        ("a\u2069b", "2069"),
        ("zero\u200bwidth", "200B"),
        ("word\u200djoiner", "200D"),  # a ZWJ inside a word hides nothing good
        ("\ufeffbom first", "FEFF"),
        ("soft\u00adhyphen", "00AD"),
        ("bell\x07", "0007"),
        ("nul\x00", "0000"),
        ("line\u2028sep", "2028"),
        ("private\ue000use", "E000"),
    ],
)
def test_invisible_and_control_characters_are_refused_naming_them(text, code_point):
    error = _refusal(text)
    assert error.field == "title"
    assert error.code == "invalid_character"
    assert error.params == {"code_point": code_point}


def test_emoji_sequences_keep_their_joiners():
    family = "Park 👩\u200d👩\u200d👧 fun"
    technologist = "Kod 👩🏽\u200d💻 här"
    assert clean_text(family, "title", LIMIT) == family
    assert clean_text(technologist, "title", LIMIT) == technologist
    assert clean_text("Flag 🏳\ufe0f\u200d🌈 ok", "title", LIMIT) == "Flag 🏳\ufe0f\u200d🌈 ok"


def test_line_breaks_only_where_multiline():
    assert _refusal("one\ntwo").code == "invalid_character"
    assert clean_text("one\r\ntwo\rthree\tfour", "body", LIMIT, multiline=True) == (
        "one\ntwo\nthree\tfour"
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [(None, "required"), ("   ", "required"), ("ab", "too_short"), ("x" * 21, "too_long")],
)
def test_lengths_and_required(value, code):
    assert _refusal(value).code == code


def test_the_maximum_counts_what_was_sent_before_trimming():
    """The OpenAPI document promises maxLength of the value as sent."""
    assert _refusal(" " + "x" * 20).code == "too_long"
    assert clean_text("x" * 20, "title", LIMIT) == "x" * 20


def test_optional_empty_text_is_none():
    assert clean_text("  ", "body", LIMIT) is None
    assert clean_text(None, "body", LIMIT) is None


@pytest.mark.parametrize("value", [12, ["a"], {"a": 1}, True])
def test_non_text_is_refused(value):
    assert _refusal(value).message == "This field must be text."
