"""Validating and storing a new pin. Nothing is written until every field has passed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.categories import CATEGORY_BY_SLUG, KINDS
from app.common import limits
from app.common.errors import InvalidField
from app.common.text import clean_text
from app.models import District, Idea
from app.planning.history import record
from app.planning.wordlist import matching_word
from geo.crs import WGS84, AreaOfInterest
from geo.i18n import N_
from geo.lookup import containing_polygon_id
from geo.validate import parse_point


@dataclass(frozen=True)
class NewIdea:
    """A validated pin, ready to store."""

    point: Point
    kind: str
    category: str
    title: str
    body: str
    author_name: str | None


def parse_kind_and_category(props: dict[str, Any]) -> tuple[str, str]:
    """A known kind and a category that applies to it."""
    kind = props.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise InvalidField(N_("Choose idea or concern."), field="kind", code="invalid_choice")
    category = props.get("category")
    if not isinstance(category, str) or category not in CATEGORY_BY_SLUG:
        raise InvalidField(
            N_("Choose a category from the list."), field="category", code="invalid_choice"
        )
    if kind not in CATEGORY_BY_SLUG[category].kinds:
        raise InvalidField(
            N_("This category does not apply to that kind."),
            field="category",
            code="invalid_choice",
        )
    return kind, category


def validate_new_idea(payload: Any, area: AreaOfInterest) -> NewIdea:
    """Check a GeoJSON Feature from a client; unknown properties are ignored, never stored."""
    if not isinstance(payload, dict) or payload.get("type") != "Feature":
        raise InvalidField(
            N_("The body must be a GeoJSON Feature."), field="type", code="invalid_feature"
        )
    point = parse_point(payload.get("geometry"), area)
    props = payload.get("properties")
    if not isinstance(props, dict):
        raise InvalidField(N_("properties must be an object."), field="properties")
    kind, category = parse_kind_and_category(props)
    title = clean_text(props.get("title"), "title", limits.TITLE, required=True)
    body = clean_text(props.get("body"), "body", limits.BODY, multiline=True)
    author = clean_text(props.get("author_name"), "author_name", limits.AUTHOR_NAME)
    assert title is not None
    return NewIdea(point, kind, category, title, body or "", author)


@dataclass(frozen=True)
class Provenance:
    """Where a pin came from: the web form, or a workshop's annotation (or paper, an import)."""

    source: str = "web"
    workshop_id: int | None = None
    annotation_id: int | None = None


FROM_THE_WEB = Provenance()


def store_idea(session: Session, idea: NewIdea, *, provenance: Provenance = FROM_THE_WEB) -> int:
    """Insert the pin, with its district looked up once by a spatial join; returns its id.

    Its visibility is decided here, once: a pin whose title or body contains a word of the
    moderators' list is stored `held` (not public), with the word in its history.
    """
    held_by = matching_word(session, idea.title, idea.body)
    geom = from_shape(idea.point, srid=WGS84)
    stmt = (
        insert(Idea)
        .values(
            kind=idea.kind,
            category=idea.category,
            title=idea.title,
            body=idea.body,
            author_name=idea.author_name,
            source=provenance.source,
            workshop_id=provenance.workshop_id,
            annotation_id=provenance.annotation_id,
            visibility="held" if held_by else "published",
            status="new",
            geom=geom,
            district_id=containing_polygon_id(District.__table__, geom),
        )
        .returning(Idea.id)
    )
    idea_id = int(session.execute(stmt).scalar_one())
    if held_by:
        record(session, idea_id, None, "hold_words", None, "held", reason=held_by)
    return idea_id
