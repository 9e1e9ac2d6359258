"""map districts: the log keeps each pin's district and metric place; pins per district

Revision ID: 0008_map_districts
Revises: 0007_map_hexagons
Create Date: 2026-11-29 23:55:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_map_districts"
down_revision: str | Sequence[str] | None = "0007_map_hexagons"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ("kind", "category", "status", "source")
DIMS = ", ".join(DIMENSIONS)
# A pin's place in SWEREF 99 TM, which the hexagon rollup is keyed by: logged once when the pin
# changes, so folds and readers do arithmetic instead of a projection per delta (folding or
# reading 72,000 pending deltas took half a second of projections at 8 per delta).
METRIC = "ST_X(ST_Transform({0}.geom, 3006)), ST_Y(ST_Transform({0}.geom, 3006))"


def _functions(district: bool) -> dict[str, str]:
    """The bodies of the log's trigger functions: 0003's, or with the district and x, y."""
    logged = "item_id, sign, lon, lat, " + DIMS + (", district_id, x, y" if district else "")

    def row(alias: str, sign: int) -> str:
        columns = ", ".join(f"{alias}.{d}" for d in DIMENSIONS)
        extra = f", {alias}.district_id, {METRIC.format(alias)}" if district else ""
        return f"{alias}.id, {sign}, ST_X({alias}.geom), ST_Y({alias}.geom), {columns}{extra}"

    shown = "visibility, ST_X({0}.geom), ST_Y({0}.geom), kind, category, status, source, title"
    if district:
        shown += ", district_id"
    columns = [c.strip() for c in shown.split(",")]
    old = ", ".join(c.format("o") if "{0}" in c else f"o.{c}" for c in columns)
    new = ", ".join(c.format("n") if "{0}" in c else f"n.{c}" for c in columns)
    changed = f"({old}) IS DISTINCT FROM ({new})"
    return {
        "map_log_inserted": f"""
            INSERT INTO map_deltas ({logged})
            SELECT {row("n", 1)} FROM new_rows n WHERE n.visibility = 'published';
        """,
        "map_log_updated": f"""
            INSERT INTO map_deltas ({logged})
            SELECT {row("o", -1)} FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.visibility = 'published' AND {changed}
            UNION ALL
            SELECT {row("n", 1)} FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.visibility = 'published' AND {changed};
        """,
        "map_log_deleted": f"""
            INSERT INTO map_deltas ({logged})
            SELECT {row("o", -1)} FROM old_rows o WHERE o.visibility = 'published';
        """,
    }


def _replace_functions(district: bool) -> None:
    """Swap the trigger functions' bodies (the triggers stay)."""
    for name, body in _functions(district).items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" {body} RETURN NULL; END $$"
        )


def upgrade() -> None:
    """Log the district; count today's pins per district, less the log the next fold adds."""
    op.add_column("map_deltas", sa.Column("district_id", sa.Integer(), nullable=True))
    op.add_column("map_deltas", sa.Column("x", sa.Double(), nullable=True))
    op.add_column("map_deltas", sa.Column("y", sa.Double(), nullable=True))
    # The log's pending deltas get the district of their place, as a pin is given it, and
    # their place in SWEREF 99 TM.
    point = "ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)"
    op.execute(
        f"UPDATE map_deltas d SET district_id = (SELECT id FROM districts"
        f" WHERE ST_Covers(geom, {point}) ORDER BY id LIMIT 1),"
        f" x = ST_X(ST_Transform({point}, 3006)), y = ST_Y(ST_Transform({point}, 3006))"
    )
    op.alter_column("map_deltas", "x", nullable=False)
    op.alter_column("map_deltas", "y", nullable=False)
    _replace_functions(district=True)
    op.create_table(
        "map_districts",
        sa.Column("district_key", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "district_key", *DIMENSIONS, name="map_districts_pkey", postgresql_include=["n"]
        ),
    )
    op.execute(
        f"""
        INSERT INTO map_districts (district_key, {DIMS}, n)
        SELECT coalesce(district_id, 0), {DIMS}, sum(sign)
        FROM (
            SELECT district_id, {DIMS}, 1 AS sign FROM ideas WHERE visibility = 'published'
            UNION ALL
            SELECT district_id, {DIMS}, -sign FROM map_deltas
        ) points
        GROUP BY coalesce(district_id, 0), {DIMS}
        HAVING sum(sign) <> 0
        """
    )


def downgrade() -> None:
    """Drop the rollup; the log forgets districts again."""
    op.drop_table("map_districts")
    _replace_functions(district=False)
    for column in ("y", "x", "district_id"):
        op.drop_column("map_deltas", column)
