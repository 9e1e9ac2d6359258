"""The collections OGC API – Features serves: the pins and each layer, with their defaults.

Each collection turns the request's filters and parameters into a selectable of features
(`id`, `geom` in WGS 84 = CRS84, properties), the same selectables as /api/layers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, select

from app.area import configured_area
from app.db import get_session
from app.ideas.filters import IdeaFilters
from app.ideas.queries import public_idea_rows
from app.layers import params
from app.layers.queries import cluster_layer, district_layer, hexgrid_layer
from app.models import District

Rows = Callable[[IdeaFilters, Mapping[str, str]], Select[Any]]


@dataclass(frozen=True)
class Collection:
    """One collection: what it is, and how its features are selected."""

    id: str
    title: LazyString
    description: LazyString
    rows: Rows
    # The query parameters of its layer (beyond the pin filters), for the documentation.
    parameters: tuple[str, ...] = ()


def _pins(filters: IdeaFilters, _args: Mapping[str, str]) -> Select[Any]:
    """The published pins, public columns only, with their district's code.

    As every export of the pins has it (app.layers.exports.pin_export): a planner joins on
    it in QGIS.
    """
    return public_idea_rows(filters).add_columns(District.code.label("district_code"))


def _districts(filters: IdeaFilters, _args: Mapping[str, str]) -> Select[Any]:
    """Every district with the pins' counts (exact outlines)."""
    return select(district_layer(filters).subquery("districts_counted"))


def hex_size(args: Mapping[str, str]) -> int:
    """`size`, bounded over the whole municipality: a bbox picks cells, it counts no fewer."""
    area = configured_area()
    return params.parse_hex_size(args, IdeaFilters(), area.bounds, bbox_narrows=False)


def check_layer_parameters(args: Mapping[str, str]) -> None:
    """Every layer parameter given must be valid, whichever collection is asked for."""
    params.parse_cluster_params(args)
    hex_size(args)


def _hexagons(filters: IdeaFilters, args: Mapping[str, str]) -> Select[Any]:
    """The non-empty hexagons of edge `size`."""
    return hexgrid_layer(filters, size=hex_size(args))


def _clusters(filters: IdeaFilters, args: Mapping[str, str]) -> Select[Any]:
    """DBSCAN clusters at `eps` and `min_points` (too small a min_points is refused)."""
    chosen = params.parse_cluster_params(args)
    return cluster_layer(get_session(), filters, chosen)


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            "ideas",
            _l("Pins"),
            _l("Citizens' published ideas and concerns, with status and answer."),
            _pins,
        ),
        Collection(
            "districts",
            _l("Districts"),
            _l("Umeå's districts with the number of pins, by kind and category, and per 1,000."),
            _districts,
        ),
        Collection(
            "hexagons",
            _l("Hexagons"),
            _l("Hexagons (edge `size` metres, default %(size)s) holding pins, with counts.",
               size=params.DEFAULT_HEX_SIZE),
            _hexagons,
            ("size",),
        ),
        Collection(
            "clusters",
            _l("Clusters"),
            _l("Density clusters (DBSCAN: `eps` metres, default %(eps)s; `min_points`, "
               "default %(min_points)s) with their pins and counts.",
               eps=int(params.DEFAULT_EPS), min_points=params.DEFAULT_MIN_POINTS),
            _clusters,
            ("eps", "min_points"),
        ),
    )
}  # fmt: skip
