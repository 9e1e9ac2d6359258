"""Place-name search over the shipped list of districts and localities (umea_places.csv)."""

from __future__ import annotations

import csv
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


def search_places(places: tuple[Place, ...], query: str, *, limit: int = 10) -> list[Place]:
    """Names starting with the query first (bigger places first), then names containing it."""
    needle = fold(query.strip())
    if not needle:
        return []
    starts = [p for p in places if fold(p.name).startswith(needle)]
    contains = [p for p in places if needle in fold(p.name) and p not in starts]

    def rank(place: Place) -> tuple[int, str]:
        return (-(place.population or 0), place.name)

    return (sorted(starts, key=rank) + sorted(contains, key=rank))[:limit]
