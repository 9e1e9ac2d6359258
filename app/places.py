"""Place-name search over the shipped list of districts and localities (umea_places.csv)."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.common.text import fold


@dataclass(frozen=True)
class Place:
    """A named place with a point to fly to."""

    name: str
    type: str  # "stadsdel" (district) or "tatort" (locality)
    code: str
    lon: float
    lat: float
    population: int | None

    def as_json(self) -> dict[str, object]:
        """The place as the API hands it out."""
        return {
            "name": self.name,
            "type": self.type,
            "code": self.code,
            "lon": self.lon,
            "lat": self.lat,
            "population": self.population,
        }


@lru_cache(maxsize=4)
def load_places(path: str) -> tuple[Place, ...]:
    """Read the places file once per process."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return tuple(
            Place(
                name=row["name"],
                type=row["type"],
                code=row["code"],
                lon=float(row["lon"]),
                lat=float(row["lat"]),
                population=int(row["population"]) if row.get("population") else None,
            )
            for row in csv.DictReader(handle)
        )


# How alike a query that matched no name must be to a name, or to the start of one as long as
# the query, for that place to be offered (difflib's ratio): "Ålidhme" finds Ålidhemsområdet
# (its start "alidhem": 0.86), "Holmsnd" Holmsund, "Obola" Obbola; "xyz" finds nothing.
CLOSE_ENOUGH = 0.8


# A district named "<X>området" is the area of the places called X-something: Marieområdet
# holds Mariehem, Mariedal and Marieberg, which people search for and the list does not name.
AREA_SUFFIX = "omradet"  # folded "området"
# Shorter stems would claim too much ("I20-området" has "i20").
MIN_AREA_STEM = 4


def search_places(places: tuple[Place, ...], query: str, *, limit: int = 10) -> list[Place]:
    """Names starting with the query, then containing it, then areas it is within.

    Bigger places first among the names; an area is found by its stem (Mariehem: Marieområdet,
    `_area_holds`). When none of those, the names closest to it, as a typo would be mistyped
    (the closest first): a phone's keyboard swaps letters, and "no place is called that" helps
    less.
    """
    needle = fold(query.strip())
    if not needle:
        return []
    starts = [p for p in places if fold(p.name).startswith(needle)]
    contains = [p for p in places if needle in fold(p.name) and p not in starts]
    named = sorted(starts, key=_bigger_first) + sorted(contains, key=_bigger_first)
    found = named + [p for p in places if p not in named and _area_holds(p, needle)]
    return (found or _close_to(places, needle))[:limit]


def _area_holds(place: Place, needle: str) -> bool:
    """Whether `place` is an area "<stem>området" and `needle` a name that starts with its stem."""
    name = fold(place.name)
    if not name.endswith(AREA_SUFFIX):
        return False
    stem = name.removesuffix(AREA_SUFFIX).rstrip("- ")
    return len(stem) >= MIN_AREA_STEM and needle.startswith(stem)


def _bigger_first(place: Place) -> tuple[int, str]:
    return (-(place.population or 0), place.name)


def _close_to(places: tuple[Place, ...], needle: str) -> list[Place]:
    """The places whose names, or their starts, are close to `needle`: the closest first."""
    scored = []
    for place in places:
        name = fold(place.name)
        likeness = max(
            difflib.SequenceMatcher(None, needle, name).ratio(),
            difflib.SequenceMatcher(None, needle, name[: len(needle)]).ratio(),
        )
        if likeness >= CLOSE_ENOUGH:
            scored.append((-likeness, *_bigger_first(place), place))
    return [entry[-1] for entry in sorted(scored, key=lambda entry: entry[:-1])]
