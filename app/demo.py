"""Demo pins, so that a fresh install (or a benchmark) has something to show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, func, insert, literal, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session

from app.categories import CATEGORIES
from app.models import District, Idea
from geo.lookup import containing_polygon_id
from geo.sample import random_points_in

DEMO_TITLES = (
    "Bench by the river",
    "Light the footpath",
    "Unsafe crossing",
    "More bike parking",
    "Snow piles block the pavement",
    "Playground needs shade",
    "Bus stop without shelter",
    "Plant more trees",
)


def _pick(values: tuple[str, ...]) -> Any:
    """SQL: one of `values` at random, per row."""
    return array(values)[1 + cast(func.floor(func.random() * len(values)), Integer)]


def add_demo_pins(session: Session, count: int, *, seed: int = 2480) -> int:
    """Insert `count` published pins at random places in the districts, in one statement."""
    points = random_points_in(District.__table__, count, seed=seed).subquery("points")
    rows = select(
        _pick(("idea", "idea", "concern")),
        _pick(tuple(c.slug for c in CATEGORIES if "idea" in c.kinds and "concern" in c.kinds)),
        _pick(DEMO_TITLES),
        literal("Demo data"),
        literal("import"),
        points.c.geom,
        containing_polygon_id(District.__table__, points.c.geom),
        func.now() - func.make_interval(0, 0, 0, cast(func.floor(func.random() * 365), Integer)),
    ).select_from(points)
    columns = ["kind", "category", "title", "body", "source", "geom", "district_id", "created_at"]
    inserted = insert(Idea).from_select(columns, rows).returning(Idea.id).cte("inserted")
    return int(session.execute(select(func.count()).select_from(inserted)).scalar_one())
