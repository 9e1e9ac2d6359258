"""Demo pins, so that a fresh install (or a benchmark) has something to show.

Two spreads: `uniform` over the municipality (pessimistic for the map), and `population`,
where pins crowd the localities (SCB tätorter) in proportion to their residents, as real pins
crowd the centre; a tenth go anywhere in the municipality, as a tenth of Umeå's residents live
outside the localities (SCB 2020: 117,420 of 130,224).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, cast, func, insert, literal, select, text, values
from sqlalchemy import column as sql_column
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session
from sqlalchemy.types import Float, Text

from app.categories import CATEGORIES
from app.models import District, Idea
from geo.lookup import containing_polygon_id
from geo.sample import random_points_in, scattered_points

SPREADS = ("uniform", "population")
OUTSIDE_LOCALITIES_SHARE = 0.1
# A locality's pins spread as a normal distribution of this many metres per √resident on each
# axis: about 2.4 km for Umeå's 92,000, 120 m for a village of 200.
SPREAD_M_PER_ROOT_RESIDENT = 8.0
# Points drawn around a locality may fall outside the municipality (sea beyond it, the
# neighbours): draw this many more, keep the first that land in a district.
OVERDRAW = 1.25
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


def _insert_pins(session: Session, points: Any) -> int:
    """Insert one published demo pin per row of `points` (geom, district_id); how many."""
    rows = select(
        _pick(("idea", "idea", "concern")),
        _pick(tuple(c.slug for c in CATEGORIES if "idea" in c.kinds and "concern" in c.kinds)),
        _pick(DEMO_TITLES),
        literal("Demo data"),
        literal("import"),
        points.c.geom,
        points.c.district_id,
        func.now() - func.make_interval(0, 0, 0, cast(func.floor(func.random() * 365), Integer)),
    ).select_from(points)
    columns = ["kind", "category", "title", "body", "source", "geom", "district_id", "created_at"]
    inserted = insert(Idea).from_select(columns, rows).returning(Idea.id).cte("inserted")
    return int(session.execute(select(func.count()).select_from(inserted)).scalar_one())


def analyze_pins(session: Session) -> None:
    """Give the planner the pins' statistics after many were added at once.

    Autovacuum analyses the table within a minute or so; a statement planned before then on
    the counts of a nearly empty table can take minutes. In a test run an export of 30,000
    pins just added, after autovacuum had last seen the table empty, was still running after
    5.5 min, on the CPU (gdb: index fetches, a nested loop for every pin). Over HTTP an
    export of 30,000 demo pins took 0.55 s once analysed, and more than 60 s with the table's
    recorded row count set to 0.
    """
    session.execute(text("ANALYZE ideas"))


def add_demo_pins(session: Session, count: int, *, seed: int = 2480) -> int:
    """Insert `count` published pins at random places in the districts, in one statement."""
    points = random_points_in(District.__table__, count, seed=seed).subquery("points")
    located = select(
        points.c.geom,
        containing_polygon_id(District.__table__, points.c.geom).label("district_id"),
    ).subquery("located")
    return _insert_pins(session, located)


def read_localities(path: Path) -> list[tuple[str, float, float, int]]:
    """(code, lon, lat, population) of each locality (`type` tatort) in the places CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["code"], float(row["lon"]), float(row["lat"]), int(row["population"]))
            for row in csv.DictReader(handle)
            if row["type"] == "tatort" and row["population"]
        ]


def _largest_remainders(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, in whole numbers that add up to it."""
    weight = sum(weights)
    if not weight:
        return [0] * len(weights)
    exact = [total * w / weight for w in weights]
    shares = [math.floor(e) for e in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def add_population_pins(
    session: Session, count: int, localities: list[tuple[str, float, float, int]], *, seed: int
) -> int:
    """Insert `count` pins: most around the localities by population, the rest uniform.

    Each locality gets its share of the pins in a normal spread around its point; those that
    would fall outside every district are drawn again further down the same sequence, and what
    the localities could not place goes to the uniform rest, so exactly `count` are added.
    """
    near = round(count * (1 - OUTSIDE_LOCALITIES_SHARE))
    quotas = _largest_remainders(near, [population for *_, population in localities])
    rows = [
        (code, lon, lat, quota, SPREAD_M_PER_ROOT_RESIDENT * math.sqrt(population),
         math.ceil(quota * OVERDRAW) + 20)
        for (code, lon, lat, population), quota in zip(localities, quotas, strict=True)
        if quota
    ]  # fmt: skip
    added = 0
    if rows:
        centres = values(
            sql_column("key", Text),
            sql_column("lon", Float),
            sql_column("lat", Float),
            sql_column("quota", Integer),
            sql_column("spread_m", Float),
            sql_column("count", Integer),
            name="centres",
        ).data(rows)
        drawn = scattered_points(centres, seed=seed).add_columns(centres.c.quota).subquery("drawn")
        located = select(
            drawn.c.key,
            drawn.c.n,
            drawn.c.quota,
            drawn.c.geom,
            containing_polygon_id(District.__table__, drawn.c.geom).label("district_id"),
        ).subquery("located")
        ranked = (
            select(
                located.c.geom,
                located.c.district_id,
                located.c.quota,
                func.row_number()
                .over(partition_by=located.c.key, order_by=located.c.n)
                .label("rank"),
            )
            .where(located.c.district_id.is_not(None))
            .subquery("ranked")
        )
        kept = select(ranked.c.geom, ranked.c.district_id).where(ranked.c.rank <= ranked.c.quota)
        added = _insert_pins(session, kept.subquery("kept"))
    if count > added:
        added += add_demo_pins(session, count - added, seed=seed)
    return added
