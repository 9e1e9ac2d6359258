"""SQL compiled once per process, with the statement's constants written in.

SQLAlchemy caches the compiled form of most statements, yet still processes parameters and
result types on every run; and it caches no PostgreSQL `INSERT ... ON CONFLICT` at all (the
dialect's `Insert` sets `inherit_cache = False`), so such a statement is compiled again each
time. The map's views (app/db.py), supports, reports and rate-limit counters compile here once.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Dialect, TextClause, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


@functools.cache
def constants_written_in(dialect: Dialect) -> type[SQLCompiler]:
    """The dialect's compiler, writing the statement's constants into its SQL.

    Parameters that carry a value when built (`literal(4326)`, the 6 of a rounding) are the
    same on every run; as parameters psycopg adapted and sent 41 of them with each view, and
    PostgreSQL bound them. In process, bench.http's cold views took 2.37 against 2.24 ms
    each (3 rounds each way, in turn); through gunicorn, PostgreSQL's CPU a view was 2.01-2.15
    against 1.84-1.90 ms (/proc, 2 runs of 10 s each way).
    """

    class ConstantsWrittenIn(dialect.statement_compiler):  # type: ignore[misc,name-defined]
        def visit_bindparam(self, bindparam: Any, literal_binds: bool = False, **kw: Any) -> str:
            constant = not (bindparam.required or bindparam.expanding or bindparam.callable)
            return super().visit_bindparam(bindparam, literal_binds=literal_binds or constant, **kw)

    return ConstantsWrittenIn


# PostgreSQL's default dialect, with `:name` parameters and no casts after them: the psycopg
# one writes `:id::BIGINT`, which text() does not read as a parameter.
_NAMED = postgresql.dialect(paramstyle="named")


def written_out(statement: ClauseElement) -> TextClause:
    """`statement` as SQL text, compiled now, for a session to run with its parameters by name.

    For statements SQLAlchemy compiles on every run (PostgreSQL's upserts). The RETURNING
    columns come back untyped, which suits ids.
    """
    compiled = constants_written_in(_NAMED)(_NAMED, statement)
    written = text(compiled.string)
    if set(written.compile().params) != set(compiled.params):
        raise ValueError(f"parameters not found as such in the SQL: {sorted(compiled.params)}")
    return written
