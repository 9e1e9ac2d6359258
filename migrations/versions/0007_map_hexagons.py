"""map hexagons: the hexagon layer at its default size, counted as pins come and go

Revision ID: 0007_map_hexagons
Revises: 0006_layer_counts_index
Create Date: 2026-11-29 23:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_map_hexagons"
down_revision: str | Sequence[str] | None = "0006_layer_counts_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ("kind", "category", "status", "source")
SIZE = 250.0  # the layer's default hexagon edge in metres (app.layers.params.DEFAULT_HEX_SIZE)
# The cell (i, j) of PostGIS's ST_HexagonGrid(SIZE) holding a point (geo.aggregate.hexagon_of),
# from its SWEREF 99 TM x and y: the nearer of the nearest centres of the two lattices.
STEP_X, STEP_Y = 3.0 * SIZE, 3.0**0.5 * SIZE
HEXAGON_OF = f"""
    SELECT CASE WHEN ed <= od THEN ea * 2 ELSE oa * 2 + 1 END::int AS i,
           CASE WHEN ed <= od THEN eb ELSE ob END::int AS j
    FROM (SELECT ea, eb, oa, ob, edx * edx + edy * edy AS ed, odx * odx + ody * ody AS od
          FROM (SELECT ea, eb, oa, ob, x - ea * {STEP_X} AS edx, y - eb * {STEP_Y} AS edy,
                       x - oa * {STEP_X} - {STEP_X / 2} AS odx,
                       y - ob * {STEP_Y} - {STEP_Y / 2} AS ody
                FROM (SELECT round(x / {STEP_X}) AS ea, round(y / {STEP_Y}) AS eb,
                             round((x - {STEP_X / 2}) / {STEP_X}) AS oa,
                             round((y - {STEP_Y / 2}) / {STEP_Y}) AS ob) lattice) offsets
         ) distances
"""


def _fill(table: str, dimensions: tuple[str, ...]) -> None:
    """Count today's published pins into `table`, less the log that the next fold adds.

    The log's deltas are already in `ideas` but not yet folded; the fold adds them to the
    rollups as it adds them to the cells, so they are taken away here.
    """
    dims = "".join(f", {d}" for d in dimensions)
    op.execute(
        f"""
        INSERT INTO {table} (i, j{dims}, n)
        SELECT cell.i, cell.j{dims}, sum(sign)
        FROM (
            SELECT ST_X(p) AS x, ST_Y(p) AS y{dims}, 1 AS sign
            FROM (SELECT ST_Transform(geom, 3006) AS p{dims} FROM ideas
                  WHERE visibility = 'published' OFFSET 0) published
            UNION ALL
            SELECT ST_X(p), ST_Y(p){dims}, -sign
            FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3006) AS p{dims},
                         sign FROM map_deltas OFFSET 0) logged
        ) points
        CROSS JOIN LATERAL ({HEXAGON_OF}) cell
        GROUP BY cell.i, cell.j{dims}
        HAVING sum(sign) <> 0
        """
    )


def upgrade() -> None:
    """The rollups, split by every dimension and as totals, filled from today's pins."""
    op.create_table(
        "map_hexagons",
        sa.Column("i", sa.Integer(), nullable=False),
        sa.Column("j", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "i", "j", *DIMENSIONS, name="map_hexagons_pkey", postgresql_include=["n"]
        ),
    )
    op.create_table(
        "map_hexagon_totals",
        sa.Column("i", sa.Integer(), nullable=False),
        sa.Column("j", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("i", "j", name="map_hexagon_totals_pkey", postgresql_include=["n"]),
    )
    _fill("map_hexagons", DIMENSIONS)
    _fill("map_hexagon_totals", ())


def downgrade() -> None:
    """Drop the rollups."""
    op.drop_table("map_hexagon_totals")
    op.drop_table("map_hexagons")
