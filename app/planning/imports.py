"""Pins in bulk: a planner brings in what was gathered on paper or in an earlier dialogue.

The body is a GeoJSON FeatureCollection of Point Features with the citizen form's properties,
plus a top-level `source` ("paper" or "import"). Every feature is validated as a citizen's pin
is, but as a GIS writes a file: a point may carry an altitude (dropped) or be a MultiPoint of
one point, and a refused kind or category names the values taken. The first feature that is
not acceptable refuses the whole batch, with the feature's own message and its field
prefixed by the feature's place in the list: `features[3].title` (counted from 0, as in the
file). Nothing is stored then. Otherwise all are stored in one
statement (`store_ideas`), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.common.errors import DomainError, InvalidField
from app.ideas.create import NewIdea, Provenance, StoredIdeas, store_ideas, validate_new_idea
from geo.crs import AreaOfInterest
from geo.errors import GeometryError
from geo.i18n import N_

# One import is one open house's forms or one earlier dialogue's file: a few hundred pins.
# At 1,000 a request is validated and stored in well under a second and its body fits
# IMPORT_MAX_BYTES (1 MB: about 1 KB a pin); a larger file is split.
MAX_IMPORT_FEATURES = 1000
IMPORT_SOURCES = ("paper", "import")
DEFAULT_IMPORT_SOURCE = "import"


@dataclass(frozen=True)
class PinImport:
    """Validated pins from one file, with where they came from."""

    source: str
    ideas: tuple[NewIdea, ...]


def _source(body: dict[str, Any]) -> str:
    """`paper` or `import` (the default when the member is missing)."""
    source = body.get("source", DEFAULT_IMPORT_SOURCE)
    if not isinstance(source, str) or source not in IMPORT_SOURCES:
        raise InvalidField(
            N_("The source must be paper or import."), field="source", code="invalid_choice"
        )
    return source


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


def _feature(feature: Any, area: AreaOfInterest, index: int) -> NewIdea:
    """One feature validated as a citizen's pin; an error names `features[index].<field>`."""
    try:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InvalidField(
                N_("Each item of features must be a GeoJSON Feature."),
                field="type",
                code="invalid_feature",
            )
        return validate_new_idea(feature, area, from_file=True)
    except (DomainError, GeometryError) as error:
        error.field = f"features[{index}].{error.field}" if error.field else f"features[{index}]"
        raise


def parse_import(payload: Any, area: AreaOfInterest) -> PinImport:
    """The pins of a FeatureCollection and its `source`, all valid, or the first refusal."""
    if not isinstance(payload, dict) or payload.get("type") != "FeatureCollection":
        raise InvalidField(
            N_("The body must be a GeoJSON FeatureCollection."),
            field="type",
            code="invalid_feature_collection",
        )
    source = _source(payload)
    features = _features(payload)
    return PinImport(source, tuple(_feature(f, area, i) for i, f in enumerate(features)))


def import_pins(session: Session, pins: PinImport) -> StoredIdeas:
    """Store every pin with its source, in one statement; the caller commits."""
    provenance = Provenance(source=pins.source)
    return store_ideas(session, [(idea, provenance) for idea in pins.ideas])
