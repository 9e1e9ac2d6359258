"""Validating and storing a new pin. Nothing is written until every field has passed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.categories import CATEGORY_BY_SLUG, KINDS
from app.errors import ApiError
from app.models import District, Idea
from geo.crs import WGS84, AreaOfInterest
from geo.lookup import containing_polygon_id
from geo.validate import parse_point

TITLE_MIN, TITLE_MAX = 3, 120
BODY_MAX = 4000
AUTHOR_MAX = 80

# C0/C1 control characters; line breaks and tabs are allowed only where `multiline`.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")


@dataclass(frozen=True)
class NewIdea:
    """A validated pin, ready to store."""

    point: Point
    kind: str
    category: str
    title: str
    body: str
    author_name: str | None


def _invalid(field: str, message: str, code: str = "invalid_field") -> ApiError:
    return ApiError(422, code, message, field)


def clean_text(
    value: Any, field: str, *, min_len: int, max_len: int, multiline: bool, required: bool
) -> str | None:
    """Trim, NFC-normalise and bound a text field; control characters are refused."""
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise _invalid(field, gettext("This field is required."), "required")
        return None
    if not isinstance(value, str):
        raise _invalid(field, gettext("This field must be text."))
    text = unicodedata.normalize("NFC", value.strip())
    if _CONTROL.search(text) or (not multiline and _LINE_BREAKS.search(text)):
        raise _invalid(field, gettext("This field contains characters that are not allowed."))
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) < min_len:
        if required and not text:
            raise _invalid(field, gettext("This field is required."), "required")
        raise _invalid(field, gettext("Write at least %(n)d characters.", n=min_len), "too_short")
    if len(text) > max_len:
        raise _invalid(field, gettext("Write at most %(n)d characters.", n=max_len), "too_long")
    return text


def validate_new_idea(payload: Any, area: AreaOfInterest) -> NewIdea:
    """Check a GeoJSON Feature from a client; unknown properties are ignored, never stored."""
    if not isinstance(payload, dict) or payload.get("type") != "Feature":
        raise ApiError(
            422, "invalid_feature", gettext("The body must be a GeoJSON Feature."), "type"
        )
    point = parse_point(payload.get("geometry"), area)
    props = payload.get("properties")
    if not isinstance(props, dict):
        raise _invalid("properties", gettext("properties must be an object."))
    kind = props.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise _invalid("kind", gettext("Choose idea or concern."), "invalid_choice")
    category = props.get("category")
    if not isinstance(category, str) or category not in CATEGORY_BY_SLUG:
        raise _invalid("category", gettext("Choose a category from the list."), "invalid_choice")
    if kind not in CATEGORY_BY_SLUG[category].kinds:
        raise _invalid(
            "category", gettext("This category does not apply to that kind."), "invalid_choice"
        )
    title = clean_text(
        props.get("title"),
        "title",
        min_len=TITLE_MIN,
        max_len=TITLE_MAX,
        multiline=False,
        required=True,
    )
    body = clean_text(
        props.get("body", ""), "body", min_len=0, max_len=BODY_MAX, multiline=True, required=False
    )
    author = clean_text(
        props.get("author_name"),
        "author_name",
        min_len=1,
        max_len=AUTHOR_MAX,
        multiline=False,
        required=False,
    )
    assert title is not None
    return NewIdea(point, kind, category, title, body or "", author)


def store_idea(session: Session, idea: NewIdea, *, source: str = "web") -> int:
    """Insert the pin, with its district looked up once by a spatial join; returns its id."""
    geom = from_shape(idea.point, srid=WGS84)
    stmt = (
        insert(Idea)
        .values(
            kind=idea.kind,
            category=idea.category,
            title=idea.title,
            body=idea.body,
            author_name=idea.author_name,
            source=source,
            visibility="published",
            status="new",
            geom=geom,
            district_id=containing_polygon_id(District.__table__, geom),
        )
        .returning(Idea.id)
    )
    return int(session.execute(stmt).scalar_one())
