"""the map's log also notes a changed description, so views searched by words are fresh

Revision ID: 0021_map_log_body
Revises: 0020_flags_network
Create Date: 2026-12-05 18:10:00

A view filtered by words (`q`) is counted from the pins, and searches the title and the
description; its ETag is the map's data version, which only the log's rows move. The log
took a changed title but not a changed description, so after a moderator redacted the words
a view was searched by, that view still answered 304 with the pin in it. A changed
description now logs the pin out and in again, as a changed title does.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_map_log_body"
down_revision: str | Sequence[str] | None = "0020_flags_network"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ("kind", "category", "status", "source")
LOGGED = "item_id, sign, lon, lat, " + ", ".join(DIMENSIONS) + ", district_id, x, y"
METRIC = "ST_X(ST_Transform({0}.geom, 3006)), ST_Y(ST_Transform({0}.geom, 3006))"
SHOWN_BEFORE = "visibility, ST_X({0}.geom), ST_Y({0}.geom), kind, category, status, source, title"


def _row(alias: str, sign: int) -> str:
    columns = ", ".join(f"{alias}.{d}" for d in DIMENSIONS)
    place = f"ST_X({alias}.geom), ST_Y({alias}.geom)"
    return f"{alias}.id, {sign}, {place}, {columns}, {alias}.district_id, {METRIC.format(alias)}"


def _updated(shown: str) -> str:
    """The body of map_log_updated: a published pin whose `shown` columns changed, -1 and +1."""
    columns = [c.strip() for c in shown.split(",")]
    old = ", ".join(c.format("o") if "{0}" in c else f"o.{c}" for c in columns)
    new = ", ".join(c.format("n") if "{0}" in c else f"n.{c}" for c in columns)
    changed = f"({old}) IS DISTINCT FROM ({new})"
    return f"""
        INSERT INTO map_deltas ({LOGGED})
        SELECT {_row("o", -1)} FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.visibility = 'published' AND {changed}
        UNION ALL
        SELECT {_row("n", 1)} FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.visibility = 'published' AND {changed};
    """


def _replace(shown: str) -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION map_log_updated() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {_updated(shown)} RETURN NULL; END $$"
    )


def upgrade() -> None:
    """The description among the columns whose change is logged."""
    _replace(SHOWN_BEFORE + ", district_id, body")


def downgrade() -> None:
    """As 0008 left it."""
    _replace(SHOWN_BEFORE + ", district_id")
