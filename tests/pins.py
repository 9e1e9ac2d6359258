"""Helpers for tests that need many pins: stored through the app's own path (district lookup
included), then adjusted with plain SQL where a test needs a state no endpoint gives yet."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask
from shapely.geometry import Point
from sqlalchemy import text

from app.config import DATA_DIR
from app.db import get_engine, get_session
from app.demo import add_demo_pins, analyze_pins
from app.ideas.create import NewIdea, Provenance, store_idea
from geo.crs import load_area

AREA_FILE = str(DATA_DIR / "umea_kommun.geojson")


def add_pins(app, specs: Iterable[dict[str, Any]]) -> list[int]:
    """Store pins; each spec has `lon`, `lat` and optionally kind, category, source, title..."""
    ids = []
    with app.app_context():
        session = get_session()
        for spec in specs:
            new = NewIdea(
                point=Point(spec["lon"], spec["lat"]),
                kind=spec.get("kind", "idea"),
                category=spec.get("category", "parks-nature"),
                title=spec.get("title", "A bench by the river"),
                body=spec.get("body", "Somewhere to sit."),
                author_name=spec.get("author_name", "Private Person"),
            )
            provenance = Provenance(source=spec.get("source", "web"))
            ids.append(store_idea(session, new, provenance=provenance))
        session.commit()
    return ids


def set_columns(app, ids: Sequence[int], **columns: Any) -> None:
    """UPDATE the pins `ids` with the given column values."""
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text(f"UPDATE ideas SET {assignments} WHERE id = ANY(:ids)"),
            {"ids": list(ids), **columns},
        )


def random_points(count: int, *, seed: int, box=None) -> list[tuple[float, float]]:
    """`count` random (lon, lat) inside the municipality (and inside `box`, if given)."""
    area = load_area(AREA_FILE)
    min_lon, min_lat, max_lon, max_lat = box or area.bounds
    rng = random.Random(seed)
    points: list[tuple[float, float]] = []
    while len(points) < count:
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if area.covers(Point(lon, lat)):
            points.append((round(lon, 6), round(lat, 6)))
    return points


KINDS = ("idea", "concern")
CATEGORIES = ("traffic", "safety", "parks-nature", "walking-cycling")
SOURCES = ("web", "workshop", "paper", "import")


def varied_specs(points: Sequence[tuple[float, float]], *, seed: int) -> list[dict[str, Any]]:
    """Pin specs at `points` with kinds, categories and sources varied at random."""
    rng = random.Random(seed)
    return [
        {
            "lon": lon,
            "lat": lat,
            "kind": rng.choice(KINDS),
            "category": rng.choice(CATEGORIES),
            "source": rng.choice(SOURCES),
        }
        for lon, lat in points
    ]


def view_features(row: Any) -> tuple[bool, list[str]]:
    """A map view's row (app.ideas.map_view) as `(clustered, features as sorted texts)`.

    Cells come in no particular order (the client places each by its coordinates), so paths
    are compared as sets; the row's count must match what it holds.
    """
    features = json.loads(f"[{row.features}]")
    assert row.count == len(features)
    return row.clustered, sorted(json.dumps(f, sort_keys=True) for f in features)


def seed_unfolded_pins(app: Flask, count: int, seed: int = 5) -> None:
    """`count` published demo pins, left in the map's log: for tests of lists and exports.

    `flask demo pins` folds them too, which took 17 of its 22 s for 30,000 pins on a slow
    2-core machine.
    """
    with app.app_context():
        session = get_session()
        assert add_demo_pins(session, count, seed=seed) == count
        session.commit()
        analyze_pins(session)  # the suite empties the tables by deleting: see analyze_pins
        session.commit()
