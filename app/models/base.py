"""The declarative base of all models and a helper for CHECK constraints."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of all models."""


def one_of(column: str, values: Iterable[str]) -> str:
    """SQL for a CHECK that `column` is one of `values` (constants from our own code)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
