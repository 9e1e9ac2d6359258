"""Pins in bulk: a planner brings in what was gathered on paper or in an earlier dialogue.

The body is a GeoJSON FeatureCollection of Point Features with the citizen form's properties,
plus a top-level `source` ("paper" or "import"). Every feature is validated as a citizen's pin
is, but as a GIS writes a file: a point may carry an altitude (dropped) or be a MultiPoint of
one point, and a refused kind or category names the values taken. The first feature that is
not acceptable refuses the whole batch, with the feature's own message and its field
prefixed by the feature's place in the list: `features[3].title` (counted from 0, as in the
file). Nothing is stored then. Otherwise all are stored in one
statement (`store_ideas`), in one transaction.

A file may be in WGS 84 (lon/lat, as RFC 7946 has it) or, saying so in its `crs` member, in
SWEREF 99 TM (EPSG:3006), the municipality's own grid: its points are transformed to WGS 84
by PostGIS, in one statement, before they are checked as any pin.

A file imported twice would make every pin twice: a feature with the title, place (within
SAME_PLACE_M) and source of a pin already stored refuses the import, unless the request says
`import_duplicates` (two forms may well say the same at the same place).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, Text, and_, bindparam, column, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION
from sqlalchemy.orm import Session

from app.common.booleans import true_or_false
from app.common.errors import Conflict, DomainError, InvalidField
from app.db import take_turn
from app.ideas.create import NewIdea, Provenance, StoredIdeas, store_ideas, validate_new_idea
from app.models import Idea
from geo.crs import SWEREF99TM, AreaOfInterest, declared_crs, transformed_positions
from geo.errors import GeometryError
from geo.i18n import N_
from geo.lookup import METRES_PER_DEGREE, lonlat_point, within_metres
from geo.validate import refuse_undeclared_sweref99tm, sweref99tm_position

# One import is one open house's forms or one earlier dialogue's file: a few hundred pins.
# At 1,000 a request is validated and stored in well under a second and its body fits
# IMPORT_MAX_BYTES (1 MB: about 1 KB a pin); a larger file is split.
MAX_IMPORT_FEATURES = 1000
IMPORT_SOURCES = ("paper", "import")
DEFAULT_IMPORT_SOURCE = "import"
# A stored pin this near an imported one, with its title and source, is taken as the same
# pin imported again: the same file gives the same points, and 1 m is less than a pin's
# place is ever known to, typed from a paper form or not. (The refusal says "within 1 m".)
SAME_PLACE_M = 1.0


@dataclass(frozen=True)
class PinImport:
    """Validated pins from one file, with where they came from.

    `import_duplicates`: store them even where the same pin is stored already.
    """

    source: str
    ideas: tuple[NewIdea, ...]
    import_duplicates: bool = False


def _source(body: dict[str, Any]) -> str:
    """`paper` or `import` (the default when the member is missing)."""
    source = body.get("source", DEFAULT_IMPORT_SOURCE)
    if not isinstance(source, str) or source not in IMPORT_SOURCES:
        raise InvalidField(
            N_("The source must be paper or import."), field="source", code="invalid_choice"
        )
    return source


def _import_duplicates(body: dict[str, Any]) -> bool:
    """`import_duplicates`: true or false (the default when the member is missing)."""
    return true_or_false(
        body.get("import_duplicates", False), "import_duplicates", code="invalid_boolean"
    )


def _file_crs(body: dict[str, Any]) -> int | None:
    """The EPSG code the file says it is in, or None when it says nothing (so WGS 84)."""
    member = body.get("crs")
    return None if member is None else declared_crs(member, field="crs")


def _features(body: dict[str, Any]) -> list[Any]:
    """The list of 1 to MAX_IMPORT_FEATURES features."""
    features = body.get("features")
    if not isinstance(features, list) or not features:
        raise InvalidField(
            N_("features must be a list of 1 to %(n)s Features."),
            field="features",
            code="invalid_features",
            n=MAX_IMPORT_FEATURES,
        )
    if len(features) > MAX_IMPORT_FEATURES:
        raise InvalidField(
            N_("An import takes at most %(n)s pins; this one has %(count)s. Split it."),
            field="features",
            code="too_many_features",
            n=MAX_IMPORT_FEATURES,
            count=len(features),
        )
    return features


# A feature's place in WGS 84, transformed from the file's SWEREF 99 TM, or why it has none.
Place = tuple[float, float] | GeometryError


def _places_in_wgs84(session: Session, features: list[Any]) -> list[Place]:
    """Each feature's point in WGS 84, from a file in SWEREF 99 TM, all in one statement.

    A point that cannot be read, or that lies where no SWEREF 99 TM point of Sweden does,
    keeps its refusal, to be raised in its feature's turn: the first feature refused is
    named, whatever is wrong with it.
    """
    places: list[Place] = []
    for feature in features:
        try:
            geometry = feature.get("geometry") if isinstance(feature, dict) else None
            places.append(sweref99tm_position(geometry))
        except GeometryError as error:
            places.append(error)
    readable = [place for place in places if not isinstance(place, GeometryError)]
    moved = iter(transformed_positions(session, readable, source=SWEREF99TM))
    return [place if isinstance(place, GeometryError) else next(moved) for place in places]


def _feature(
    feature: Any, area: AreaOfInterest, index: int, srid: int | None, place: Place | None
) -> NewIdea:
    """One feature validated as a citizen's pin; an error names `features[index].<field>`.

    `srid`: the file's CRS (None: it did not say); `place`: the point in WGS 84, of a
    file in SWEREF 99 TM.
    """
    try:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InvalidField(
                N_("Each item of features must be a GeoJSON Feature."),
                field="type",
                code="invalid_feature",
            )
        if isinstance(place, GeometryError):
            raise place
        if place is not None:  # checked from here on as the pin it is in WGS 84
            feature = {**feature, "geometry": {"type": "Point", "coordinates": list(place)}}
        elif srid is None:
            refuse_undeclared_sweref99tm(feature.get("geometry"))
        return validate_new_idea(feature, area, from_file=True)
    except (DomainError, GeometryError) as error:
        error.field = f"features[{index}].{error.field}" if error.field else f"features[{index}]"
        raise


def parse_import(session: Session, payload: Any, area: AreaOfInterest) -> PinImport:
    """The pins of a FeatureCollection and its `source`, all valid, or the first refusal.

    A file in SWEREF 99 TM has its points transformed to WGS 84 first (by PostGIS, in
    `session`); then every point is checked as a pin's.
    """
    if not isinstance(payload, dict) or payload.get("type") != "FeatureCollection":
        raise InvalidField(
            N_("The body must be a GeoJSON FeatureCollection."),
            field="type",
            code="invalid_feature_collection",
        )
    source = _source(payload)
    duplicates = _import_duplicates(payload)
    srid = _file_crs(payload)
    features = _features(payload)
    places: Sequence[Place | None] = [None] * len(features)
    if srid == SWEREF99TM:
        places = _places_in_wgs84(session, features)
    ideas = tuple(
        _feature(feature, area, index, srid, place)
        for index, (feature, place) in enumerate(zip(features, places, strict=True))
    )
    return PinImport(source, ideas, import_duplicates=duplicates)


IMPORT_LOCK = 0x696D70  # advisory lock key (with the source's hash): one check-and-store at a time


def import_pins(session: Session, pins: PinImport) -> StoredIdeas:
    """Store every pin with its source, in one statement; the caller commits.

    Unless `pins.import_duplicates`, a pin already stored (`already_stored`) refuses them
    all, naming the first feature it matched, the stored pin and how many features did.
    """
    if not pins.import_duplicates:
        # Imports of one source take turns from the check to the commit: two of the same file
        # sent at once (a double submit, two planners) each found nothing stored and both
        # stored it. A batch of 500 holds the lock for the tens of milliseconds its check and
        # insert take.
        take_turn(session, IMPORT_LOCK, pins.source)
        refuse_repeats_in_file(session, pins)
        found = already_stored(session, pins)
        if found:
            index, pin_id = found[0]
            raise Conflict(
                N_(
                    "Pin %(id)d has the same title and place (within 1 m) and the same "
                    "source: is this file imported already? Features of this file that are "
                    "pins already: %(count)s."
                ),
                field=f"features[{index}]",
                code="duplicate_pins",
                extra={"duplicate_of": pin_id, "duplicates": len(found)},
                id=pin_id,
                count=len(found),
            )
    provenance = Provenance(source=pins.source)
    return store_ideas(session, [(idea, provenance) for idea in pins.ideas])


def refuse_repeats_in_file(session: Session, pins: PinImport) -> None:
    """A Conflict when a feature repeats an earlier one of the file: same title and place.

    A row copied twice in a spreadsheet was stored twice, where the same row imported again
    was refused: the same rule now holds within a file, and `import_duplicates` takes both.
    """
    rows = session.execute(
        _repeats_query(),
        {
            "titles": [idea.title for idea in pins.ideas],
            "lons": [idea.point.x for idea in pins.ideas],
            "lats": [idea.point.y for idea in pins.ideas],
        },
    ).all()
    if not rows:
        return
    index, earlier = int(rows[0].feature), int(rows[0].earlier)
    raise Conflict(
        N_("Feature %(feature)s has the title and place (within 1 m) of feature %(earlier)s: "
           "is a row copied? Features of this file that repeat an earlier one: %(count)s."),
        field=f"features[{index}]",
        code="duplicate_pins",
        extra={"repeats": earlier, "duplicates": len(rows)},
        feature=index + 1,
        earlier=earlier + 1,
        count=len(rows),
    )  # fmt: skip


def _given_pins() -> Any:
    """The pins of a file as a table (title, lon, lat, position from 1), from three arrays."""
    numbers = ARRAY(DOUBLE_PRECISION)
    return func.unnest(
        bindparam("titles", type_=ARRAY(Text)),
        bindparam("lons", type_=numbers),
        bindparam("lats", type_=numbers),
    ).table_valued(
        column("title", Text),
        column("lon", DOUBLE_PRECISION),
        column("lat", DOUBLE_PRECISION),
        with_ordinality="position",
    )


# Bands of latitude twice the distance tall: a point and any point within SAME_PLACE_M of it
# lie in the same band or the next one up or down.
BAND_DEGREES = 2 * SAME_PLACE_M / METRES_PER_DEGREE


@functools.cache
def _repeats_query() -> Select[Any]:
    """The statement of `refuse_repeats_in_file`: each feature with the first it repeats.

    Pairs are found by a hash join on the title and the band of latitude (each earlier
    feature stands in its band and the two beside it), then measured. Compared pair by pair,
    a file of 1,000 features with one title ("Enkätsvar") took 558 ms, and 159 ms with the
    latitudes compared first; distinct titles, 5 ms.
    """
    given = _given_pins().render_derived(name="given")
    before_pins = _given_pins().render_derived(name="before_pins")
    shift = func.generate_series(-1, 1).table_valued(column("shift", Integer)).render_derived()
    before = (
        select(
            before_pins,
            (func.floor(before_pins.c.lat / BAND_DEGREES) + shift.c.shift).label("band"),
        )
        .select_from(before_pins.join(shift, true()))
        .subquery("before")
    )
    repeats = and_(
        before.c.title == given.c.title,
        before.c.band == func.floor(given.c.lat / BAND_DEGREES),
        before.c.position < given.c.position,
        within_metres(
            lonlat_point(before.c.lon, before.c.lat), given.c.lon, given.c.lat, SAME_PLACE_M
        ),
    )
    return (
        select(
            (given.c.position - 1).label("feature"),
            (func.min(before.c.position) - 1).label("earlier"),
        )
        .select_from(given.join(before, repeats))
        .group_by(given.c.position)
        .order_by(given.c.position)
    )


def already_stored(session: Session, pins: PinImport) -> list[tuple[int, int]]:
    """(feature index, pin id) of each pin already stored: same title, place and source.

    Withdrawn pins do not count (their authors took them back); held and hidden ones do (a
    second import would bring back what a moderator hid). One statement for 1 or 1,000 pins:
    each looks up the oldest match through the pins' spatial index.
    """
    rows = session.execute(
        _already_stored_query(),
        {
            "source": pins.source,
            "titles": [idea.title for idea in pins.ideas],
            "lons": [idea.point.x for idea in pins.ideas],
            "lats": [idea.point.y for idea in pins.ideas],
        },
    ).all()
    return [(int(row.feature), int(row.id)) for row in rows]


@functools.cache
def _already_stored_query() -> Select[Any]:
    """The statement of `already_stored`, built once: the pins as one array per column."""
    given = _given_pins().render_derived(name="given")
    match = (
        select(Idea.id)
        .where(
            Idea.source == bindparam("source"),
            Idea.visibility != "withdrawn",
            Idea.title == given.c.title,
            within_metres(Idea.geom, given.c.lon, given.c.lat, SAME_PLACE_M),
        )
        .order_by(Idea.id)
        .limit(1)
        .lateral("match")
    )
    return (
        select((given.c.position - 1).label("feature"), match.c.id)
        .select_from(given.join(match, true()))
        .order_by(given.c.position)
    )
