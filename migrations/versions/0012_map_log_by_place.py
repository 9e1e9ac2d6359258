"""the map's delta log indexed by place; the tables of counts vacuumed by autovacuum

Revision ID: 0012_map_log_by_place
Revises: 0011_map_cells_by_dimension
Create Date: 2026-11-30 21:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_map_log_by_place"
down_revision: str | Sequence[str] | None = "0011_map_cells_by_dimension"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "map_deltas_lon_lat"
# The tables a fold adds to (app.ideas.counts.PYRAMID): a migration keeps its own list.
COUNT_TABLES = (
    "map_cells",
    "map_cell_totals",
    "map_cells_by_kind",
    "map_cells_by_category",
    "map_cells_by_status",
    "map_cells_by_source",
    "map_hexagons",
    "map_hexagon_totals",
    "map_districts",
)
# Dead rows after which autovacuum vacuums a table of counts, however large it is; see
# app.ideas.counts.fold_map_log, which no longer vacuums them after every fold.
AUTOVACUUM = "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000"


def upgrade() -> None:
    """The index (the log is small between folds: a plain build), and the tables' settings."""
    op.create_index(INDEX, "map_deltas", ["lon", "lat"])
    for table in COUNT_TABLES:
        op.execute(f"ALTER TABLE {table} SET ({AUTOVACUUM})")


def downgrade() -> None:
    """Drop the index; the tables take the server's autovacuum settings again."""
    for table in COUNT_TABLES:
        op.execute(
            f"ALTER TABLE {table} RESET "
            "(autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)"
        )
    op.drop_index(INDEX, table_name="map_deltas")
