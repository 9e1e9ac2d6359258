"""Pins like another (app/ideas/similar.py): near its place, with a word of its title."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.common.limits import PIN_WORDS
from app.db import get_session
from app.ideas.similar import possible_duplicates, words_query
from tests.conftest import Api, pin_feature

HERE = (20.2630, 63.8258)
# About 300 m east and 750 m north of HERE: inside and outside NEAR_M (400 m).
EAST_300_M = (20.2630 + 300 / 49_000, 63.8258)
NORTH_750_M = (20.2630, 63.8258 + 750 / 111_320)


def test_the_words_of_a_title_any_of_which_is_asked_for() -> None:
    assert words_query("Fler cyklar vid skolan!") == "fler or cyklar or vid or skolan"
    assert words_query("Bänk, bänk och BÄNK") == "bänk or och"  # once each, in lower case
    assert words_query("Ab 12 _x_ ?!") is None  # no word of three letters
    long_words = " ".join(f"{letter * 30}" for letter in "abcdefgh")
    asked = words_query(long_words)
    assert asked is not None and len(asked) <= PIN_WORDS.max
    assert asked == " or ".join(["a" * 30, "b" * 30, "c" * 30])
    assert words_query("ett två tre fyra fem sex sju åtta") == (
        "ett or två or tre or fyra or fem or sex"
    )


def test_possible_duplicates_are_near_public_and_share_a_stemmed_word(
    app: Flask, api: Api, staff: Callable[[str], Api]
) -> None:
    def pin(where: tuple[float, float], title: str) -> int:
        return int(api.post("/api/ideas", pin_feature(where, title=title)).get_json()["id"])

    this = pin(HERE, "Parkering för cyklarna")
    older = pin(EAST_300_M, "Fler cyklar vid skolan")
    newer = pin(HERE, "Cyklar överallt på trottoaren")
    pin(HERE, "Mörk tunnel")  # near, no shared word
    pin(NORTH_750_M, "Cyklar vid stationen")  # a shared word, too far
    marked = pin(HERE, "Cyklarna står i vägen")  # already marked as its duplicate
    hidden = pin(HERE, "Cyklar, cyklar")  # not public
    moderator = staff("moderator")
    assert moderator.patch(f"/api/ideas/{marked}", {"duplicate_of": this}).status_code == 200
    hide = {"visibility": "hidden", "reason": "Reklam"}
    assert moderator.patch(f"/api/ideas/{hidden}", hide).status_code == 200

    with app.app_context():
        session = get_session()
        found = possible_duplicates(session, this, *HERE, "Parkering för cyklarna")
        assert [row.id for row in found] == [newer, older]  # newest first, itself left out
        assert possible_duplicates(session, this, *HERE, "Om och men") == []
        assert possible_duplicates(session, this, *HERE, "?!") == []
        assert [r.id for r in possible_duplicates(session, this, *HERE, "cyklar", limit=1)] == [
            newer
        ]


def test_a_pins_staff_page_offers_its_possible_duplicates(api: Api, staff: Callable[[str], Api]):
    """Listed under Duplicates with their numbers, each with a button that fills the form."""
    this = api.post("/api/ideas", pin_feature(HERE, title="Parkering för cyklarna")).get_json()
    near = api.post("/api/ideas", pin_feature(EAST_300_M, title="Fler cyklar")).get_json()
    html = staff("planner").get(f"/planner/ideas/{this['id']}").get_data(as_text=True)
    assert "Möjliga dubbletter" in html
    assert "Öppna nålar inom 400 m med ett ord ur den här rubriken, nyaste först." in html
    assert f'<a href="/planner/ideas/{near["id"]}">Fler cyklar (#{near["id"]})</a>' in html
    assert f'data-duplicate-of="{near["id"]}"' in html
    alone = staff("planner").get(f"/planner/ideas/{near['id']}?lang=en").get_data(as_text=True)
    assert "Possible duplicates" in alone  # the first, seen from the second
    lonely = api.post("/api/ideas", pin_feature(NORTH_750_M, title="Mörk tunnel")).get_json()
    html = staff("planner").get(f"/planner/ideas/{lonely['id']}").get_data(as_text=True)
    assert "Möjliga dubbletter" not in html


EN = {"Accept-Language": "en"}


def _similar(api: Api, **args: str) -> tuple[int, Any]:
    response = api.get("/api/ideas/similar", query_string=args, headers=EN)
    return response.status_code, response.get_json()


def test_the_api_answers_the_new_pin_forms_similar_pins(api: Api, staff: Callable[[str], Api]):
    """The same rule as the duplicates: near, public, a shared stemmed word; newest first."""

    def pin(where: tuple[float, float], title: str) -> int:
        return int(api.post("/api/ideas", pin_feature(where, title=title)).get_json()["id"])

    older = pin(EAST_300_M, "Fler cyklar vid skolan")
    newer = pin(HERE, "Cyklar överallt på trottoaren")
    pin(HERE, "Mörk tunnel")  # near, no shared word
    pin(NORTH_750_M, "Cyklar vid stationen")  # a shared word, too far
    hidden = pin(HERE, "Cyklar, cyklar")
    hide = {"visibility": "hidden", "reason": "Reklam"}
    assert staff("moderator").patch(f"/api/ideas/{hidden}", hide).status_code == 200

    at = f"{HERE[0]},{HERE[1]}"
    status, found = _similar(api, at=at, title="Parkering för cyklarna")
    assert status == 200
    assert found["type"] == "FeatureCollection"
    assert [f["id"] for f in found["features"]] == [newer, older]
    assert found["features"][0]["properties"]["title"] == "Cyklar överallt på trottoaren"
    assert "author_name" not in found["features"][0]["properties"]  # the public columns only
    _, one = _similar(api, at=at, title="cyklar", limit="1")
    assert [f["id"] for f in one["features"]] == [newer]
    assert _similar(api, at=at, title="Om och men") == (
        200,
        {"type": "FeatureCollection", "features": [], "numberReturned": 0},
    )
    assert _similar(api, at=at, title="?! ab") == (
        200,
        {"type": "FeatureCollection", "features": [], "numberReturned": 0},
    )


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"title": "Cyklar"}, "at", "at is required."),
        ({"at": "20.263", "title": "Cyklar"}, "at", "at needs two numbers: lon,lat."),
        ({"at": "20.263,63.8,1", "title": "Cyklar"}, "at", "at needs two numbers: lon,lat."),
        ({"at": "nan,63.8", "title": "Cyklar"}, "at", "at values must be finite numbers."),
        ({"at": "20.263,", "title": "Cyklar"}, "at", "at values must be finite numbers."),
        ({"at": "1e999,63.8", "title": "Cyklar"}, "at", "at values must be finite numbers."),
        (
            {"at": "63.8258,200", "title": "Cyklar"},
            "at",
            "Coordinates are out of range: longitude first, then latitude.",
        ),
        (
            {"at": "63.8258,20.2630", "title": "Cyklar"},  # swapped: a place in the sea
            "at",
            "The place is outside the area this map covers.",
        ),
        (
            {"at": "18.06,59.33", "title": "Cyklar"},
            "at",
            "The place is outside the area this map covers.",
        ),
        ({"at": "20.263,63.8258"}, "title", "This field is required."),
        ({"at": "20.263,63.8258", "title": "  "}, "title", "This field is required."),
        ({"at": "20.263,63.8258", "title": "ab"}, "title", "Write at least 3 characters."),
        ({"at": "20.263,63.8258", "title": "x" * 121}, "title", "Write at most 120 characters."),
        (
            {"at": "20.263,63.8258", "title": "Cyk\u202elar"},
            "title",
            "This field contains an invisible or control character (U+202E).",
        ),
        (
            {"at": "20.263,63.8258", "title": "Cyklar", "limit": "11"},
            "limit",
            "limit must be a whole number from 1 to 10.",
        ),
        (
            {"at": "20.263,63.8258", "title": "Cyklar", "limit": "0x3"},
            "limit",
            "limit must be a whole number from 1 to 10.",
        ),
    ],
)
def test_the_similar_pins_api_refuses_what_it_cannot_read(
    api: Api, args: dict[str, str], field: str, message: str
) -> None:
    status, body = _similar(api, **args)
    assert (status, body["error"]["field"], body["error"]["message"]) == (422, field, message)


def test_html_in_a_title_is_only_words(api: Api) -> None:
    """A title is text to stem, never markup or a search operator that breaks the query."""
    api.post("/api/ideas", pin_feature(HERE, title="Script på skolgården"))
    at = f"{HERE[0]},{HERE[1]}"
    status, found = _similar(api, at=at, title='<script>alert("x")</script> -- OR 1=1')
    assert status == 200
    assert [f["properties"]["title"] for f in found["features"]] == ["Script på skolgården"]
