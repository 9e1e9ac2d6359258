"""map pyramid: grid cells per zoom and the delta log that keeps them exact

Revision ID: 0003_map_pyramid
Revises: 0002_rate_limits
Create Date: 2026-11-29 19:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_map_pyramid"
down_revision: str | Sequence[str] | None = "0002_rate_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ("kind", "category", "status", "source")
LOGGED = "item_id, sign, lon, lat, kind, category, status, source"


def _row(alias: str, sign: int) -> str:
    """The delta columns of one pin from a transition table."""
    return f"{alias}.id, {sign}, ST_X({alias}.geom), ST_Y({alias}.geom), " + ", ".join(
        f"{alias}.{d}" for d in DIMENSIONS
    )


# What a map view shows of a pin: a change to any of these is logged (title too: a lone pin
# shows it, and a version of the map must change when it does).
SHOWN_CHANGED = (
    "(o.visibility, ST_X(o.geom), ST_Y(o.geom), o.kind, o.category, o.status, o.source, o.title)"
    " IS DISTINCT FROM "
    "(n.visibility, ST_X(n.geom), ST_Y(n.geom), n.kind, n.category, n.status, n.source, n.title)"
)

FUNCTIONS = {
    "map_log_inserted": f"""
        INSERT INTO map_deltas ({LOGGED})
        SELECT {_row("n", 1)} FROM new_rows n WHERE n.visibility = 'published';
    """,
    "map_log_updated": f"""
        INSERT INTO map_deltas ({LOGGED})
        SELECT {_row("o", -1)} FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.visibility = 'published' AND {SHOWN_CHANGED}
        UNION ALL
        SELECT {_row("n", 1)} FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.visibility = 'published' AND {SHOWN_CHANGED};
    """,
    "map_log_deleted": f"""
        INSERT INTO map_deltas ({LOGGED})
        SELECT {_row("o", -1)} FROM old_rows o WHERE o.visibility = 'published';
    """,
}
TRIGGERS = {
    "map_log_inserted": "AFTER INSERT ON ideas REFERENCING NEW TABLE AS new_rows",
    "map_log_updated": (
        "AFTER UPDATE ON ideas REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    ),
    "map_log_deleted": "AFTER DELETE ON ideas REFERENCING OLD TABLE AS old_rows",
}


def upgrade() -> None:
    """The pyramid's tables, the triggers that log every change, and today's pins logged."""

    def dimension_columns() -> list[sa.Column]:
        return [
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("category", sa.String(length=40), nullable=False),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("source", sa.String(length=20), nullable=False),
        ]

    op.create_table(
        "map_cells",
        sa.Column("zoom", sa.SmallInteger(), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        *dimension_columns(),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("sum_lon", sa.BigInteger(), nullable=False),
        sa.Column("sum_lat", sa.BigInteger(), nullable=False),
        sa.Column("sum_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "zoom",
            "cx",
            "cy",
            *DIMENSIONS,
            name="map_cells_pkey",
            postgresql_include=["n", "sum_lon", "sum_lat", "sum_id"],
        ),
    )
    op.create_table(
        "map_deltas",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("sign", sa.SmallInteger(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        *dimension_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "map_state",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO map_state (id, epoch) VALUES (1, 0)")
    for name, body in FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}"
            " RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} {TRIGGERS[name]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    # Pins stored before the pyramid existed: logged now, folded by the app's first fold.
    op.execute(
        f"INSERT INTO map_deltas ({LOGGED}) "
        f"SELECT {_row('n', 1)} FROM ideas n WHERE n.visibility = 'published'"
    )


def downgrade() -> None:
    """Drop the triggers, their functions and the pyramid."""
    for name in FUNCTIONS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON ideas")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("map_state")
    op.drop_table("map_deltas")
    op.drop_table("map_cells")
