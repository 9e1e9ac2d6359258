"""Events as a participant may read them: each annotation's content as it is now.

The stream resends what a reader missed, from any event id it names. Sent as stored, a
replay from 0 gave anyone with the join code the words of every drawing since hidden by the
facilitator (`annotation.created` carries the Feature) and of every drawing its author had
deleted or edited (a phone number in a note, corrected). A participant now gets, for each
event that carries a Feature, that annotation as it is at the time of reading: its current
Feature, or `annotation.hidden`, or `annotation.deleted`. Facilitators see every event as
stored (hidden drawings greyed, the history in the audit).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.workshops.events import StoredEvent
from app.workshops.payloads import (
    AnnotationCreated,
    AnnotationDeleted,
    AnnotationHidden,
    AnnotationUpdated,
    as_json,
)
from app.workshops.queries import annotation_features

CARRIES_A_FEATURE = frozenset({AnnotationCreated.type, AnnotationUpdated.type})


def as_participants_see_them(
    session: Session, workshop_id: int, events: list[StoredEvent]
) -> list[StoredEvent]:
    """`events` with the content of each annotation they carry as it is now (one query)."""
    carried = {_feature_id(e) for e in events if e.type in CARRIES_A_FEATURE}
    if not carried:
        return events
    now = annotation_features(session, workshop_id, carried)
    return [
        _as_it_is_now(event, now) if event.type in CARRIES_A_FEATURE else event for event in events
    ]


def _feature_id(event: StoredEvent) -> int:
    return int(event.payload["feature"]["id"])


def _as_it_is_now(event: StoredEvent, now: dict[int, dict[str, Any]]) -> StoredEvent:
    """The event carrying the annotation's current Feature, or saying it is hidden or gone."""
    annotation_id = _feature_id(event)
    feature = now.get(annotation_id)
    if feature is None:
        version = int(event.payload["feature"]["properties"]["version"])
        payload = as_json(AnnotationDeleted(id=annotation_id, version=version))
    elif feature["properties"].get("hidden"):
        version = int(feature["properties"]["version"])
        payload = as_json(AnnotationHidden(id=annotation_id, version=version))
    else:
        payload = {**event.payload, "feature": feature}
    return StoredEvent(event.id, str(payload["type"]), payload)
