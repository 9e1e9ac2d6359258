"""PostgreSQL's `INSERT ... ON CONFLICT`, compiled into SQL once per process instead of per run.

SQLAlchemy caches the compiled form of most statements by their structure, but not this one:
the PostgreSQL dialect's `Insert` sets `inherit_cache = False` and `ON CONFLICT` has no cache
key, so every run builds and compiles it again. A citizen's support did that on each click.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import UpdateBase


def written_out(upsert: UpdateBase) -> TextClause:
    """`upsert` as SQL text with `:name` parameters, compiled now, once.

    Every value must be a `bindparam` without a value, given on each run: a constant bound
    when built would be lost. The RETURNING columns come back untyped, which suits ids.
    """
    # PostgreSQL's default dialect writes no casts after parameters (the psycopg one writes
    # `:id::BIGINT`, which text() does not read as a parameter).
    compiled = upsert.compile(dialect=postgresql.dialect(paramstyle="named"))
    statement = text(compiled.string)
    if set(statement.compile().params) != set(compiled.params) or any(compiled.params.values()):
        raise ValueError(f"parameters with values, or not found in the SQL: {compiled.params}")
    return statement
